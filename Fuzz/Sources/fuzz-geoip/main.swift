import FuzzTargets

FuzzDriver.run("geoip")
