"""A batch's compact submissions (values kept as runs of cells) read and table exactly like ordinary ones."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import openpyxl
import pytest
from bulk import write_returns

from sasac_check.check.table import SubmissionTable
from sasac_check.model.submission import Submission
from sasac_check.read import read_workbook


def _edit(src, dst, fn):
    wb = openpyxl.load_workbook(src)
    fn(wb)
    wb.save(dst)
    return dst


def _odd(wb) -> None:
    """Every path of the reader at once: text numbers, a dash, text that is no number, an uncached formula, a
    percent stated as text, a sub-line the catalogue does not know, a moved column and a renamed sheet."""
    bs = wb["资产负债表"]
    bs["C12"] = "1,234.56"
    bs["D12"] = "见附注"
    bs["C8"] = "—"
    bs["C17"] = "=SUM(C4:C16)"
    wb["主要指标"]["C4"] = "65.4%"
    bs.insert_rows(6)
    bs["A6"] = "其中：银行存款"
    bs["C6"] = 5.0
    bs.move_range("C3:C200", cols=3)
    wb["利润表"].title = "利润表(会企02表)"


@pytest.fixture(scope="module")
def returns(tmp_path_factory, clean_path, mistakes) -> list:
    folder = tmp_path_factory.mktemp("compact")
    generated = write_returns(folder / "gen", 6, faulty_every=2)  # clean and faulty, two templates each
    odd = _edit(clean_path, folder / "odd.xlsx", _odd)
    return [clean_path, mistakes[0], odd, *generated]


def test_compact_submissions_equal_ordinary_ones(returns) -> None:
    for path in returns:
        plain, compact = read_workbook(path), read_workbook(path, compact=True)
        assert compact.compact is not None
        assert compact == plain, path  # comparing builds values and widths from the runs
        assert compact.compact is None
        assert list(compact.values.items()) == list(plain.values.items())  # the same reading order, too
        assert list(compact.widths.items()) == list(plain.widths.items())


def test_tables_of_compact_ordinary_and_mixed_submissions_agree(returns) -> None:
    plain = [read_workbook(p) for p in returns]
    compact = [read_workbook(p, compact=True) for p in returns]
    mixed = [c if i % 2 else p for i, (p, c) in enumerate(zip(plain, compact, strict=True))]
    ref = SubmissionTable.from_submissions(plain)
    for subs in (compact, mixed):
        table = SubmissionTable.from_submissions(subs)
        assert table.matrix[0] == ref.matrix[0]
        assert np.array_equal(table.matrix[1], ref.matrix[1], equal_nan=True)
        assert np.array_equal(table.matrix[2], ref.matrix[2])
        assert table.unknown.keys() == ref.unknown.keys()
        assert all(np.array_equal(table.unknown[k], ref.unknown[k]) for k in ref.unknown)
    assert all(s.compact is not None for s in compact)  # tabling never built their dicts


def test_compact_submissions_pickle_and_copy(returns) -> None:
    sub = read_workbook(returns[2], compact=True)
    for other in (pickle.loads(pickle.dumps(sub)), copy.copy(sub), copy.deepcopy(sub)):
        assert other.values == read_workbook(returns[2]).values
    with pytest.raises(AttributeError):
        sub.nonexistent  # noqa: B018 - the lookup is the test


def test_compact_is_chosen_before_any_value() -> None:
    sub = Submission(file="x", values={"货币资金[期末余额]": 1.0})
    with pytest.raises(ValueError):
        sub.start_compact()
