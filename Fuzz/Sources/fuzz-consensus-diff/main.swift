import FuzzTargets

FuzzDriver.run("consensus-diff")
