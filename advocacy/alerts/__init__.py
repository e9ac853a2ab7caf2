"""Following bills by email: a state's weak-area bills, or one bill; at most one alert a day."""
