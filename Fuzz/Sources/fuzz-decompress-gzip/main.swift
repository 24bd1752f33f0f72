import FuzzTargets

FuzzDriver.run("decompress-gzip")
