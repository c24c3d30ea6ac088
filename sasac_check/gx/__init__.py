"""Great Expectations: the rules as a GX 1.x expectation suite over the table of submissions (GX imported lazily)."""

from __future__ import annotations


class GXError(Exception):
    """A Great Expectations failure, already worded in Chinese for the user."""


__all__ = ["GXError"]
