import FuzzTargets

FuzzDriver.run("lookup-index")
