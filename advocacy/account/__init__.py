"""A person's own account: their letters, their data to download, and deleting it all."""
