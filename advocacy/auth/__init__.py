"""Accounts: registration, email confirmation, log in and out, password reset and change."""
