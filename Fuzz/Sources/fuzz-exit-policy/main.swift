import FuzzTargets

FuzzDriver.run("exit-policy")
