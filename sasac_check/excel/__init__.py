"""Changing workbooks: one action list, applied through xlwings (the add-in) or openpyxl (--annotate)."""
