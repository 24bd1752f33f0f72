import FuzzTargets

FuzzDriver.run("http-reader")
