import FuzzTargets

FuzzDriver.run("decompress-zstd")
