import FuzzTargets

FuzzDriver.run("certs-cell")
