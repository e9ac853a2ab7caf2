"""Bills before each legislature that would fix a state's weakest report-card areas."""
