"""Submissions to findings: the table, interval arithmetic, rule evaluation, schemas, the run."""
