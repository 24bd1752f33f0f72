import FuzzTargets

FuzzDriver.run("bridge-pool-assignment")
