"""batch.background: a call in a forked child; the answer survives the child failing or dying."""

from __future__ import annotations

import os

from sasac_check.speed.fork import Background


def _pid_and(x: int) -> tuple[int, int]:
    return os.getpid(), x * 2


def _fails_in_child(parent: int) -> str:
    if os.getpid() != parent:
        raise RuntimeError("only in the child")
    return "inline"


def _dies_in_child(parent: int) -> str:
    if os.getpid() != parent:
        os._exit(9)
    return "inline"


def test_runs_in_another_process_and_returns_the_value() -> None:
    pid, value = Background(_pid_and, 21).result()
    assert value == 42 and pid != os.getpid()


def test_a_failing_or_dying_child_means_the_caller_runs_it() -> None:
    assert Background(_fails_in_child, os.getpid()).result() == "inline"
    assert Background(_dies_in_child, os.getpid()).result() == "inline"
