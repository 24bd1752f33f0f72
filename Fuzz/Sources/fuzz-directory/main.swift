import FuzzTargets

FuzzDriver.run("directory")
