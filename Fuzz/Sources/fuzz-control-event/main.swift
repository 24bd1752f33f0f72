import FuzzTargets

FuzzDriver.run("control-event")
