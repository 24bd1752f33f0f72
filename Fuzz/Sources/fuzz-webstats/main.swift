import FuzzTargets

FuzzDriver.run("webstats")
