import FuzzTargets

FuzzDriver.run("extra-info")
