"""The template: sheets, items in catalogue order, validations, protection, formats and version stamp."""

from __future__ import annotations

import openpyxl

from sasac_check.authoring.template import VERSION_NAME
from sasac_check.model.catalog import catalog
from sasac_check.read import shipped_indicators


def test_sheets_in_order(template_path):
    wb = openpyxl.load_workbook(template_path)
    cat = catalog()
    assert wb.sheetnames[:6] == [cat.cover_sheet, *(s.name for s in cat.sheets), cat.indicator_sheet]


def test_statement_rows_follow_catalog(template_path):
    wb = openpyxl.load_workbook(template_path)
    for sd in catalog().sheets:
        ws = wb[sd.name]
        assert [c.value for c in ws[3]] == ["项目", "行次", *sd.columns]
        for i, item in enumerate(sd.items):
            row = ws[4 + i]
            assert row[0].value == item.label
            assert row[1].value == item.row
            assert row[0].font.bold == item.total
            assert row[0].protection.locked
            for cell in row[2:]:
                assert cell.value is None
                assert not cell.protection.locked
                assert cell.number_format == ("#,##0" if item.kind == "count" else "#,##0.00")
        assert ws.protection.sheet and not ws.protection.password
        assert ws.freeze_panes == "C4"


def test_cover_validations_and_version(template_path):
    wb = openpyxl.load_workbook(template_path)
    cat = catalog()
    ws = wb[cat.cover_sheet]
    assert [ws["A3"].value, ws["B3"].value] == ["项目", "值"]
    labels = {ws.cell(row=r, column=1).value: r for r in range(4, 4 + len(cat.cover_fields))}
    assert list(labels) == [f.name for f in cat.cover_fields]
    assert ws.cell(row=labels["模板版本"], column=2).value == cat.version
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    for f in cat.cover_fields:
        if f.choices:
            ref = f"B{labels[f.name]}"
            assert lists[ref] == '"' + ",".join(f.choices) + '"'
    assert wb.defined_names[VERSION_NAME].attr_text == f'"{cat.version}"'
    assert any(p.name == VERSION_NAME and p.value == cat.version for p in wb.custom_doc_props)
    assert ws.protection.sheet and not ws.protection.password


def test_indicator_sheet(template_path):
    wb = openpyxl.load_workbook(template_path)
    cat = catalog()
    ws = wb[cat.indicator_sheet]
    assert tuple(c.value for c in ws[3]) == cat.indicator_columns
    inds = list(shipped_indicators().values())
    for i, ind in enumerate(inds):
        row = {h: c for h, c in zip(cat.indicator_columns, ws[4 + i], strict=True)}
        assert row["指标"].value == ind.name
        assert row["单位"].value == ind.unit
        assert row["计算口径"].value == ind.description
        assert row["本期值"].number_format == ("0.00%" if ind.unit == "%" else "#,##0.00")
        assert not row["本期值"].protection.locked
