"""Physics of simulated homes: sun, wind, household load, battery and grid meter."""
