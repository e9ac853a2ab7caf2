"""Report cards: grades, issue areas and the weakest areas of each state."""
