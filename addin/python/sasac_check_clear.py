"""Ribbon shim: the .xlam sasac_check_clear.xlam runs sasac_check_clear.main()."""

from sasac_check.excel.addin_entry import main_clear as main

__all__ = ["main"]
