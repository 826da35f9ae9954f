"""Issue 15: the spreadsheets a run writes are for people (Excel/WPS, on paper)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from openpyxl import load_workbook

from inspectlib import exports
from inspectlib.sheets import display_width, for_people


@pytest.fixture()
def workbook(tmp_path):
    frame = pd.DataFrame(
        {
            "firm_id": ["91320500MA1XXXXX1X", "91320500MA1XXXXX2X"],
            "name": ["澄和某纺织有限公司（一个很长的企业名称用来测宽度）", "乙"],
            "lon": [120.123456789, 121.5],
            "stratum": ["random", "risk"],
            "date": pd.to_datetime(["2027-01-08", "2027-01-09"]),
            "employees": [1200, 35],
            "back_wages_yuan": [12345.5, 0.0],
        }
    )
    path = exports.write_xlsx({"selected firms": frame}, tmp_path / "p.xlsx", language="zh")
    return load_workbook(path)


def test_sheet_names_and_headers_in_chinese(workbook):
    assert workbook.sheetnames == ["抽中企业"]
    sheet = workbook["抽中企业"]
    headers = [c.value for c in sheet[1]]
    assert headers == [
        "统一社会信用代码",
        "企业名称",
        "经度",
        "抽取层",
        "检查日期",
        "从业人数",
        "追发工资（元）",
    ]
    assert sheet["D2"].value == "随机层"


def test_cells_are_typed_and_formatted(workbook):
    sheet = workbook["抽中企业"]
    assert isinstance(sheet["E2"].value, dt.datetime) and sheet["E2"].number_format == "yyyy-mm-dd"
    assert (
        sheet["C2"].value == pytest.approx(120.123457) and sheet["C2"].number_format == "0.000000"
    )
    assert sheet["F2"].number_format == "#,##0" and sheet["G2"].number_format == "#,##0.00"


def test_layout_for_reading_and_printing(workbook):
    sheet = workbook["抽中企业"]
    assert sheet.freeze_panes == "A2"
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    widths = {c: sheet.column_dimensions[c].width for c in "ABCDE"}
    assert widths["B"] > widths["D"] >= 8  # the long Chinese name gets room, to a limit
    assert widths["B"] <= 62


def test_display_width_counts_wide_characters_twice():
    assert display_width("甲镇") == 4 and display_width("ab") == 2 and display_width(None) == 0


def test_english_sheets_have_english_headers_and_words():
    frame = pd.DataFrame(
        {"firm_id": ["9132"], "stratum": ["risk"], "campaign": ["heat"], "my_column": [1]}
    )
    assert for_people(frame, "en").to_dict("records") == [
        {
            "credit code": "9132",
            "stratum": "risk-weighted",
            "campaign": "Summer heat protection inspection",
            "my_column": 1,  # a column the catalogue does not name keeps its name
        }
    ]
    assert for_people(frame, "zh")["专项检查"].tolist() == ["夏季高温专项检查"]
