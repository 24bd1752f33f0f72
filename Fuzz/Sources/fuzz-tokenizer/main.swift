import FuzzTargets

FuzzDriver.run("tokenizer")
