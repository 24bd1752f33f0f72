import FuzzTargets

FuzzDriver.run("vote")
