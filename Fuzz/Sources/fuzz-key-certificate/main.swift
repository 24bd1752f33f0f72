import FuzzTargets

FuzzDriver.run("key-certificate")
