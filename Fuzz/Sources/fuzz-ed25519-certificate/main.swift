import FuzzTargets

FuzzDriver.run("ed25519-certificate")
