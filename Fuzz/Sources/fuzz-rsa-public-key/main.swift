import FuzzTargets

FuzzDriver.run("rsa-public-key")
