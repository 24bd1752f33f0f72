import FuzzTargets

FuzzDriver.run("bridgedb-metrics")
