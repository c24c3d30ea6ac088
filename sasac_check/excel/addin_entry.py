"""The add-in's Python entry points: ribbon `main_*()` via xw.Book.caller(), and `@xw.script`s for Lite/Server."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import xlwings as xw

from sasac_check.excel.actions import (
    Action,
    ActionList,
    Activate,
    AddSheet,
    Autofit,
    ClearSheet,
    DeleteSheet,
    Formula,
    SetFill,
    SetNote,
    SetNumberFormat,
    SetValues,
)
from sasac_check.excel.compose import clear_actions
from sasac_check.excel.ledger_actions import workbook_actions


def is_desktop(book: xw.Book) -> bool:
    """True for desktop Excel (COM / AppleScript); False for the remote engine of xlwings Server and Lite."""
    return book.app.engine.name not in ("remote", "officejs", "calamine")


def grids_of(book: xw.Book) -> dict[str, list[list]]:
    """Every sheet's values as rows from A1 (values only: never formats, never what this run wrote)."""
    out: dict[str, list[list]] = {}
    for sh in book.sheets:
        last = sh.used_range.last_cell
        out[sh.name] = sh.range((1, 1), (last.row, last.column)).options(ndim=2).value or [[None]]
    return out


@contextlib.contextmanager
def _unprotected(book: xw.Book, names: Iterable[str], desktop: bool) -> Iterator[None]:
    """Desktop Excel refuses formats on a protected sheet: lift the template's password-less protection meanwhile."""
    lifted = []
    if desktop:
        for n in names:
            try:
                api = book.sheets[n].api
                if api.ProtectContents:
                    api.Unprotect()
                    lifted.append(api)
            except Exception:  # macOS/AppleScript or a password: formats may then fail per cell
                pass
    try:
        yield
    finally:
        for api in lifted:
            with contextlib.suppress(Exception):
                api.Protect(AllowFormattingColumns=True, AllowFormattingRows=True)


FORMULA_START = ("=", "+", "-", "@", "'")  # what Excel parses as a formula when set as a value (and its text mark)


def as_value(v: object) -> object:
    """What to hand Excel for one value: a Formula as is; a text Excel would parse as a formula behind an apostrophe
    (Excel's own mark for "this is text": the cell holds the text without it)."""
    if isinstance(v, str) and not isinstance(v, Formula) and v.startswith(FORMULA_START):
        return "'" + v
    return v


def apply(book: xw.Book, actions: Iterable[Action]) -> None:
    """Apply the actions with calls every client implements; notes and hiding only on desktop Excel."""
    actions = list(actions)
    desktop = is_desktop(book)
    touched = {a.sheet for a in actions if isinstance(a, SetValues | SetFill | SetNumberFormat | SetNote)}
    existing = {s.name for s in book.sheets}
    with _unprotected(book, touched & existing, desktop):
        for a in actions:
            if isinstance(a, SetValues):
                book.sheets[a.sheet].range(a.cell).value = [[as_value(v) for v in r] for r in a.rows]
            elif isinstance(a, SetFill):
                book.sheets[a.sheet].range(a.cell).color = a.color
            elif isinstance(a, SetNumberFormat):
                book.sheets[a.sheet].range(a.cell).number_format = a.fmt
            elif isinstance(a, SetNote):
                if desktop:
                    rng = book.sheets[a.sheet].range(a.cell)
                    with contextlib.suppress(Exception):
                        if rng.note is not None:
                            rng.note.delete()
                        if a.text:
                            rng.add_note(a.text)
            elif isinstance(a, AddSheet):
                sh = book.sheets.add(a.name, after=book.sheets[len(book.sheets) - 1])
                if a.hidden and desktop:
                    with contextlib.suppress(Exception):
                        sh.visible = False
            elif isinstance(a, ClearSheet):
                book.sheets[a.name].clear()
            elif isinstance(a, DeleteSheet):
                book.sheets[a.name].delete()
            elif isinstance(a, Autofit):
                with contextlib.suppress(Exception):
                    book.sheets[a.sheet].range(a.columns).autofit()
            elif isinstance(a, Activate):
                book.sheets[a.sheet].activate()


def _rules():
    from sasac_check.rules.load import load_rules

    return load_rules([])


def _run(book: xw.Book, what: str) -> ActionList:
    """One button: plan from the book's values, apply, tell the accountant; never a traceback."""
    try:
        grids = grids_of(book)
        if what == "clear":
            plan = clear_actions(grids)
        else:
            plan = workbook_actions(grids, _rules(), book.name, marks=what == "check", priors=neighbour_returns(book))
        apply(book, plan.actions)
    except Exception as e:  # the accountant sees a sentence, not a traceback
        plan = ActionList(summary=f"国资校验出错：{type(e).__name__}：{e}")
    _tell(book, plan.summary)
    return plan


NEIGHBOURS_MAX, NEIGHBOUR_MAX_MB = 60, 20
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def neighbour_returns(book: xw.Book) -> list:
    """The returns saved beside the open workbook (its folder, newest first, at most 60 files of 20 MB): the
    candidates for its prior periods (跨期), matched as `check --prior` matches them. Files that are not
    returns, or cannot be read, are passed over; a book with no folder (new, or on the web) has none."""
    from sasac_check.model.submission import UnreadableWorkbook
    from sasac_check.read import read_workbook

    try:
        here = Path(book.fullname).resolve()
    except Exception:
        return []
    if not here.is_file():
        return []
    try:
        files = [f for f in here.parent.iterdir() if f.suffix.lower() in WORKBOOK_SUFFIXES and not f.name.startswith("~$")
                 and f.resolve() != here and f.is_file() and f.stat().st_size <= NEIGHBOUR_MAX_MB << 20]
    except OSError:
        return []
    files.sort(key=lambda f: f.stat().st_mtime, reverse=True)
    out = []
    for f in files[:NEIGHBOURS_MAX]:
        try:
            out.append(read_workbook(f))
        except (UnreadableWorkbook, OSError, ValueError):
            continue
    return out


def _tell(book: xw.Book, text: str) -> None:
    if is_desktop(book):
        with contextlib.suppress(Exception):
            book.app.status_bar = text[:250]
    with contextlib.suppress(Exception):
        book.app.alert(text, title="国资校验")


def check_workbook(book: xw.Book) -> ActionList:
    """校验: check, write the indicator formulas, mark failing cells, rewrite 审核结果."""
    return _run(book, "check")


def write_workbook_indicators(book: xw.Book) -> ActionList:
    """写入指标: only the 主要指标 formulas."""
    return _run(book, "indicators")


def clear_workbook_marks(book: xw.Book) -> ActionList:
    """清除标记: put back every fill, note and value this add-in changed."""
    return _run(book, "clear")


# --- ribbon (classic add-in: one .xlam per entry point, the file name picks the module) ------------
def main() -> None:
    """校验 button."""
    check_workbook(xw.Book.caller())


def main_indicators() -> None:
    """写入指标 button."""
    write_workbook_indicators(xw.Book.caller())


def main_clear() -> None:
    """清除标记 button."""
    clear_workbook_marks(xw.Book.caller())


# --- xlwings Lite / Server ---------------------------------------------------------------------------
@xw.script
def check_book(book: xw.Book):
    """校验"""
    check_workbook(book)


@xw.script
def write_indicators(book: xw.Book):
    """写入指标"""
    write_workbook_indicators(book)


@xw.script
def clear_marks(book: xw.Book):
    """清除标记"""
    clear_workbook_marks(book)
