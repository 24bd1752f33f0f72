import FuzzTargets

FuzzDriver.run("authority-history")
