import FuzzTargets

FuzzDriver.run("decompress-deflate")
