"""Ribbon shim: the .xlam sasac_check_run.xlam runs sasac_check_run.main()."""

from sasac_check.excel.addin_entry import main as main

__all__ = ["main"]
