import FuzzTargets

FuzzDriver.run("detached-signatures")
