"""Programme dashboard: targets against actuals per stage and site."""
