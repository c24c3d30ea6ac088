"""Ribbon shim: the .xlam sasac_check_indicators.xlam runs sasac_check_indicators.main()."""

from sasac_check.excel.addin_entry import main_indicators as main

__all__ = ["main"]
