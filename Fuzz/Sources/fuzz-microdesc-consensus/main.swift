import FuzzTargets

FuzzDriver.run("microdesc-consensus")
