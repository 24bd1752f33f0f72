import FuzzTargets

FuzzDriver.run("link-cells")
