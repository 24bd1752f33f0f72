import FuzzTargets

FuzzDriver.run("decompress-xz")
