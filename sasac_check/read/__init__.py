"""Bytes to a Submission: sniffing, sources, label layout, values with their precision, the cover."""
