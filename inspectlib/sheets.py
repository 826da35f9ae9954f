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

from inspectlib import catalogue

COORDINATES = {"lon", "lat"} | {
    catalogue.text(f"sheets.columns.{name}", language)
    for name in ("lon", "lat")
    for language in catalogue.LANGUAGES
}
"""Coordinate columns by their own name and their headers (written to six decimals)."""
MIN_WIDTH, MAX_WIDTH = 6, 60


def sheet_name(name: str, language: str) -> str:
    """A sheet's name in ``language`` (Excel allows 31 characters); a name the catalogue
    (``sheets.yaml``) does not hold is kept."""
    return catalogue.words("sheets", language)["sheets"].get(name, name)[:31]


def _coded_values(language: str) -> dict[str, dict[str, str]]:
    """Codes shown in words, by column: strata and results (``sheets.yaml``) and campaign ids
    (their names, ``campaigns.yaml``)."""
    values = catalogue.words("sheets", language)["values"]
    values["campaign"] = catalogue.words("campaigns", language)["names"]
    return values


def for_people(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """``frame`` with its headers and coded values in ``language`` (``catalogue/sheets.yaml``;
    a column the catalogue does not name keeps its name); coordinates rounded to six
    decimals (about 0.1 m), the precision of the source.

    Examples
    --------
    >>> frame = pd.DataFrame({"firm_id": ["9132"], "stratum": ["random"], "lon": [120.1234567891]})
    >>> for_people(frame, "zh").to_dict("records")
    [{'统一社会信用代码': '9132', '抽取层': '随机层', '经度': 120.123457}]
    """
    out = frame.copy()
    for column, words in _coded_values(language).items():
        if column in out:
            out[column] = out[column].map(
                lambda v, w=words: w.get(v, v) if isinstance(v, str) else v
            )
    for column in ("lon", "lat"):
        if column in out:
            out[column] = pd.to_numeric(out[column], errors="coerce").round(6)
    return out.rename(columns=catalogue.words("sheets", language)["columns"])


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
