import FuzzTargets

FuzzDriver.run("control-reply")
