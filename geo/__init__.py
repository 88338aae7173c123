"""conflictmap: events, layers, maps and the command line."""
