import FuzzTargets

FuzzDriver.run("onion-service-descriptor")
