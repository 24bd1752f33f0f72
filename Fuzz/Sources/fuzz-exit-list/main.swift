import FuzzTargets

FuzzDriver.run("exit-list")
