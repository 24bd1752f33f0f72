import FuzzTargets

FuzzDriver.run("consensus")
