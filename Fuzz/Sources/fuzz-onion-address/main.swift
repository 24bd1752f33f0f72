import FuzzTargets

FuzzDriver.run("onion-address")
