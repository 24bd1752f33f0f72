import FuzzTargets

FuzzDriver.run("network-status-2")
