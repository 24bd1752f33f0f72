import FuzzTargets

FuzzDriver.run("microdescriptor")
