import FuzzTargets

FuzzDriver.run("any-descriptor")
