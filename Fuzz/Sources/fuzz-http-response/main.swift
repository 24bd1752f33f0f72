import FuzzTargets

FuzzDriver.run("http-response")
