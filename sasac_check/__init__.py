"""sasac-check: an Excel-native validation engine for SASAC standard reporting workbooks."""

__version__ = "0.1.0"
