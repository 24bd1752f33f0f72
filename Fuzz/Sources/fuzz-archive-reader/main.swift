import FuzzTargets

FuzzDriver.run("archive-reader")
