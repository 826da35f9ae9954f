"""Checks of an XLSX workbook before and after pandas/openpyxl read it.

An XLSX file is a zip archive of XML parts. A small file can unpack into gigabytes (a
"zip bomb", or one sheet carrying a 300 MB XML comment) and make openpyxl run for hours;
:func:`check_workbook_size` looks at the archive's directory first and refuses such a file
before any XML is parsed. A formula cell written by a program other than a spreadsheet
often has no stored result: openpyxl (like pandas) reads it as blank, silently;
:func:`uncached_formulas` finds those cells so that they can be reported by name.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from inspectlib.errors import Detail, InputError, Message

MAX_UNZIPPED_BYTES = 512 * 1024 * 1024
"""Largest total unpacked size of an XLSX file's parts (512 MiB: several hundred thousand
rows of a register; larger registers belong in CSV or Parquet)."""

MAX_RATIO = 100
"""Largest unpacked/packed size ratio of a workbook part over :data:`MIN_RATIO_BYTES`.
Spreadsheets compress about 5–20 times; a ratio above 100 is padding, not data."""

MIN_RATIO_BYTES = 4 * 1024 * 1024
"""Parts smaller than this unpacked are never refused for their ratio."""

_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CHUNK = 1 << 20


def check_workbook_size(path: str | Path) -> None:
    """Refuse an XLSX file whose parts unpack to too much, before parsing any XML.

    Parameters
    ----------
    path : str or Path
        The workbook.

    Raises
    ------
    InputError
        Naming the file: not a zip archive at all, more than :data:`MAX_UNZIPPED_BYTES`
        unpacked, or a part that unpacks more than :data:`MAX_RATIO` times its packed size.

    Examples
    --------
    >>> check_workbook_size("register.xlsx")  # doctest: +SKIP
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError.single(
            path, Message("problems.workbook.not_xlsx", detail=Detail(exc))
        ) from None
    total = sum(p.file_size for p in parts)
    if total > MAX_UNZIPPED_BYTES:
        raise InputError.single(
            path,
            Message(
                "problems.workbook.too_large",
                mib=total / 2**20,
                most=MAX_UNZIPPED_BYTES / 2**20,
            ),
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > MIN_RATIO_BYTES and ratio > MAX_RATIO:
            raise InputError.single(
                path,
                Message(
                    "problems.workbook.padded",
                    part=repr(part.filename[:80]),
                    ratio=ratio,
                    mib=part.file_size / 2**20,
                    most=MAX_RATIO,
                ),
            )


@dataclass(frozen=True)
class FormulaCell:
    """A formula cell of a sheet whose computed value is not stored in the file."""

    row: int
    column: int
    coordinate: str
    formula: str


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet part contains a formula element (a streamed byte scan)."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            with archive.open(name) as part:
                tail = b""
                while block := part.read(_CHUNK):
                    if _FORMULA_TAG.search(tail + block):
                        return True
                    tail = block[-16:]
    return False


def uncached_formulas(path: str | Path, sheet: str | int | None = None) -> list[FormulaCell]:
    """Formula cells of a sheet that have no stored value (they would read as blank).

    Parameters
    ----------
    path : str or Path
        The workbook (already checked with :func:`check_workbook_size`).
    sheet : str or int, optional
        Sheet name or position (default: the first sheet).

    Returns
    -------
    list of FormulaCell
        In sheet order; empty when the sheet has no formula or every formula has a value.
    """
    from openpyxl import load_workbook

    path = Path(path)
    if not _has_formulas(path):
        return []
    books = [load_workbook(path, read_only=True, data_only=flag) for flag in (False, True)]
    try:
        sheets = [
            b.worksheets[sheet or 0] if not isinstance(sheet, str) else b[sheet] for b in books
        ]
        found = []
        for formulas, stored in zip(sheets[0].iter_rows(), sheets[1].iter_rows(), strict=False):
            for cell, value in zip(formulas, stored, strict=False):
                if getattr(cell, "data_type", None) == "f" and value.value is None:
                    found.append(
                        FormulaCell(cell.row, cell.column, cell.coordinate, str(cell.value))
                    )
        return found
    finally:
        for book in books:
            book.close()
