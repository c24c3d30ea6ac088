"""Bulk review: many returns (folders, .zip archives) checked in parallel into one review."""

from __future__ import annotations

from sasac_check.batch.pipeline import BatchOptions, BatchResult, run_batch

__all__ = ["BatchOptions", "BatchResult", "run_batch"]
