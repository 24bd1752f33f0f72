import FuzzTargets

FuzzDriver.run("bandwidth-file")
