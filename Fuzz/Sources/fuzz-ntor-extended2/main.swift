import FuzzTargets

FuzzDriver.run("ntor-extended2")
