import FuzzTargets

FuzzDriver.run("onion-service-decrypt")
