"""Loading the demo programme and the synthetic national programme into the tracker's database."""
