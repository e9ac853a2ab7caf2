"""Lawmakers: the table of each state's legislators and their sync from Open States."""
