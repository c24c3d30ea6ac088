"""Writing returns: the standard template and filling it from data."""
