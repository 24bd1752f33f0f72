import FuzzTargets

FuzzDriver.run("decompress-lzma")
