import FuzzTargets

FuzzDriver.run("digest-text")
