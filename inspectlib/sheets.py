"""Spreadsheets as people use them: headers and sheet names in the run's language, columns
wide enough to read, the header frozen and repeated on every printed page, A4 landscape fitted
to the page width, dates as date cells, coordinates to six decimals and numbers formatted.

:func:`inspectlib.exports.write_xlsx` calls :func:`style_sheet` on every sheet it writes;
:func:`for_people` gives a frame its headers (and codes such as strata) in the run's language.
``plan.csv`` keeps its documented machine column names: the spreadsheets are for people.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

import pandas as pd

COLUMNS: dict[str, dict[str, str]] = {
    "zh": {
        "firm_id": "统一社会信用代码",
        "name": "企业名称",
        "town": "所属镇（区）",
        "address": "地址",
        "lon": "经度",
        "lat": "纬度",
        "stratum": "抽取层",
        "risk_score": "风险分",
        "expert_score": "专家评分",
        "team": "检查组",
        "inspector_ids": "检查人员编号",
        "members": "组员",
        "date": "检查日期",
        "visit_order": "路线顺序",
        "draw_order": "抽取顺序",
        "industry": "行业",
        "industry_code": "行业代码",
        "industry_section": "行业门类",
        "industry_digits": "行业代码（数字）",
        "distance_from_previous_m": "距上一站（米）",
        "heat_rule": "高温规则",
        "heat_rule_en": "高温规则（英文）",
        "reasons": "抽取理由",
        "complaints_12m": "近12个月投诉",
        "employees": "从业人数",
        "outdoor_work": "户外作业",
        "tmax_c": "最高气温（℃）",
        "hot_firm": "高温优先企业",
        "seat": "组内序号",
        "inspector_id": "人员编号",
        "agency": "单位",
        "home_town": "家庭所在镇（区）",
        "credential_no": "执法证号",
        "campaign": "专项检查",
        "inspection_date": "检查日期",
        "result": "检查结果",
        "violation_codes": "违法代码",
        "workers_affected": "涉及职工（人）",
        "back_wages_yuan": "追发工资（元）",
        "fine_yuan": "罚款（元）",
        "rectification_due": "整改期限",
        "notes": "备注",
        "source_file": "来源文件",
        "planned": "是否在计划内",
        "violations": "违法项数",
        "item": "项目",
        "value": "内容",
        "planned vs done": "计划与完成",
        "inspected": "已检查",
        "not inspected": "未检查",
    },
    "en": {},
}
"""Column headers by the frame's column name; a name not listed keeps its own."""

SHEETS: dict[str, dict[str, str]] = {
    "zh": {
        "selected firms": "抽中企业",
        "schedule": "检查日程",
        "teams": "检查组",
        "audit": "抽取记录",
        "planned vs done": "计划与完成",
        "inspections": "检查记录",
        "public list": "公示名单",
    },
    "en": {},
}
"""Sheet names by their English name."""

VALUES: dict[str, dict[str, dict[str, str]]] = {
    "zh": {
        "stratum": {"random": "随机层", "risk": "风险层", "outside plan": "计划外"},
        "result": {
            "compliant": "合规",
            "violation": "违法",
            "closed": "已停业",
            "not_found": "未找到企业",
            "refused": "拒绝检查",
        },
    },
    "en": {},
}
"""Codes shown in words in a spreadsheet column (e.g. strata)."""

COORDINATES = {"lon", "lat", "经度", "纬度"}
MIN_WIDTH, MAX_WIDTH = 6, 60


def sheet_name(name: str, language: str) -> str:
    """A sheet's name in ``language`` (Excel allows 31 characters)."""
    return SHEETS.get(language, {}).get(name, name)[:31]


def for_people(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """``frame`` with its headers and coded values in ``language``; coordinates rounded to six
    decimals (about 0.1 m), the precision of the source.

    Examples
    --------
    >>> frame = pd.DataFrame({"firm_id": ["9132"], "stratum": ["random"], "lon": [120.1234567891]})
    >>> for_people(frame, "zh").to_dict("records")
    [{'统一社会信用代码': '9132', '抽取层': '随机层', '经度': 120.123457}]
    """
    out = frame.copy()
    for column, words in VALUES.get(language, {}).items():
        if column in out:
            out[column] = out[column].map(
                lambda v, w=words: w.get(v, v) if isinstance(v, str) else v
            )
    for column in ("lon", "lat"):
        if column in out:
            out[column] = pd.to_numeric(out[column], errors="coerce").round(6)
    return out.rename(columns=COLUMNS.get(language, {}))


def display_width(value: object) -> int:
    """Columns a value takes in a spreadsheet: wide (CJK) characters count twice."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def style_sheet(sheet, frame: pd.DataFrame) -> None:  # noqa: ANN001 - an openpyxl Worksheet
    """Format one written sheet (``frame`` is what was written to it, headers included).

    Widths fitted to the header and the first 500 values; header bold, frozen, filtered and
    repeated on printed pages; A4 landscape fitted to one page wide; date columns as
    ``yyyy-mm-dd`` date cells, coordinates ``0.000000``, whole numbers ``#,##0`` and other
    numbers ``#,##0.00``.
    """
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    n_rows = len(frame) + 1
    for i, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(i)
        values = frame[column].head(500)
        series = frame[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            shown = [10]
            number_format = "yyyy-mm-dd"
        elif pd.api.types.is_bool_dtype(series):
            shown, number_format = [5], None
        elif str(column) in COORDINATES and pd.api.types.is_numeric_dtype(series):
            shown, number_format = [11], "0.000000"
        elif pd.api.types.is_integer_dtype(series):
            shown = [display_width(f"{v:,}") for v in values.dropna()]
            number_format = "#,##0"
        elif pd.api.types.is_float_dtype(series):
            shown = [display_width(f"{v:,.2f}") for v in values.dropna()]
            number_format = "#,##0.00"
        else:
            shown, number_format = [display_width(v) for v in values], None
        width = max([display_width(column), *shown, MIN_WIDTH]) + 2
        sheet.column_dimensions[letter].width = min(width, MAX_WIDTH)
        header = sheet.cell(row=1, column=i)
        header.font = Font(bold=True)
        header.alignment = Alignment(vertical="top", wrap_text=True)
        if number_format:
            for row in range(2, n_rows + 1):
                sheet.cell(row=row, column=i).number_format = number_format
    sheet.freeze_panes = "A2"
    if len(frame.columns):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{n_rows}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def labelled_sheets(sheets: Mapping[str, pd.DataFrame], language: str) -> dict[str, pd.DataFrame]:
    """``{sheet name: frame}`` with names, headers and coded values in ``language``."""
    return {
        sheet_name(name, language): for_people(frame, language) for name, frame in sheets.items()
    }
