import FuzzTargets

FuzzDriver.run("snowflake-stats")
