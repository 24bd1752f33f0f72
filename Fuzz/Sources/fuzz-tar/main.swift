import FuzzTargets

FuzzDriver.run("tar")
