import FuzzTargets

FuzzDriver.run("line-endings")
