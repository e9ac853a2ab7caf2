"""One module per outside service; nothing else in the app speaks HTTP."""
