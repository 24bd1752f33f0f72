import FuzzTargets

FuzzDriver.run("decompress-bzip2")
