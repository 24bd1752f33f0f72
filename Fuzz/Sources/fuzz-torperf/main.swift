import FuzzTargets

FuzzDriver.run("torperf")
