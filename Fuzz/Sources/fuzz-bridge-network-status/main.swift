import FuzzTargets

FuzzDriver.run("bridge-network-status")
