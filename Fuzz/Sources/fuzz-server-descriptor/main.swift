import FuzzTargets

FuzzDriver.run("server-descriptor")
