"""Read tabular input files the way they really arrive, into canonical typed frames.

CSV (UTF-8 with or without BOM, GBK/GB18030, UTF-16 — detected, not assumed), XLSX (first
sheet or a named sheet; the header row is found even when title rows sit above it) and
Parquet. Headers are matched onto the canonical names of :mod:`inspectlib.schema` (Chinese
aliases and close variants accepted); values are parsed with :mod:`inspectlib.values`.
Unknown extra columns are kept as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from inspectlib import values, workbooks
from inspectlib.errors import Detail, InputError, Message, Problem, Problems, quoted_list, shorten
from inspectlib.headers import ambiguous_headers, header_key, match_headers
from inspectlib.ranges import describe_range, expected_value, outside_range
from inspectlib.schema import (
    CAMPAIGN_ALIASES,
    CAMPAIGN_IDS,
    RESULT_ALIASES,
    RESULTS,
    STRATA,
    STRATUM_ALIASES,
    Column,
)

log = logging.getLogger(__name__)

MAX_ROW_PROBLEMS = 50
"""At most this many per-row problems are listed per column and kind of problem; the rest
are summarised in one line."""

MAX_SHOWN = 40
"""Longest cell value quoted in a message."""

MAX_COLUMNS = 1_000
"""Widest table read: more columns mean a wrong delimiter or a hostile file (each column is
parsed on its own, so a million of them would take hours)."""

MAX_PARQUET_BYTES = 4 * 1024**3
"""Largest uncompressed size of a Parquet file's data (4 GiB, from its metadata)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_TEXT = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_HEADER_SCAN_ROWS = 20
_ENCODINGS = ("utf-8", "gb18030")


RowFilter = tuple[str, Callable[[pd.Series], pd.Series]]
"""``(canonical column, keep)``: see :func:`read_table`'s ``rows``."""


@dataclass(frozen=True)
class Table:
    """A parsed input table.

    Attributes
    ----------
    frame : DataFrame
        Canonical columns (every spec column is present; absent ones are filled with
        missing values) followed by extra columns as text, and ``source_row``: the row
        number of each record as the user sees it in the file.
    headers : dict
        ``{canonical_name: header_in_file}`` for columns found in the file.
    extra : list of str
        Headers of the file that are not part of the contract (kept as they are).
    """

    frame: pd.DataFrame
    headers: dict[str, str]
    extra: list[str]
    unreadable: dict[str, pd.Series] = field(default_factory=dict)
    """``{canonical_name: mask}``: cells that were filled in but unreadable or out of range
    (already reported; they are missing in ``frame``, and are not also "empty")."""


def decode_text(data: bytes, file: str | Path) -> str:
    """Decode CSV bytes: BOMs first, then strict UTF-8, then GB18030 (a superset of GBK).

    Raises
    ------
    InputError
        When no encoding decodes the bytes cleanly.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError.single(file, Message("problems.table.encoding"))


def _parquet_grid(path: Path) -> pd.DataFrame:
    """A Parquet file as a grid whose first row is the header. Text columns stay Arrow
    strings (no Python object per cell, as for CSV); other columns become objects."""
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if size > MAX_PARQUET_BYTES or meta.num_columns > MAX_COLUMNS:
        raise InputError.single(
            path,
            Message(
                "problems.table.parquet_too_large",
                gib=size / 2**30,
                columns=meta.num_columns,
                max_gib=MAX_PARQUET_BYTES / 2**30,
                max_columns=MAX_COLUMNS,
            ),
        )
    frame = pd.read_parquet(path, dtype_backend="pyarrow")
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None:
        frame = frame.reset_index()  # a column stored as the index (df.set_index(...))
    columns = {}
    for i, name in enumerate(frame.columns):
        col = frame[name]
        kind = col.dtype.pyarrow_dtype
        if pa.types.is_dictionary(kind):  # categorical text
            kind = kind.value_type
        text = pa.types.is_string(kind) or pa.types.is_large_string(kind)
        dtype = "string[pyarrow]" if text else object
        body = col.astype(dtype) if text else pd.Series(col.to_numpy(dtype=object))
        head = pd.Series(pd.array([str(name)], dtype=dtype))
        columns[i] = pd.concat([head, body.reset_index(drop=True)], ignore_index=True)
    return pd.DataFrame(columns)


def _read_grid(path: Path, sheet: str | int | None) -> pd.DataFrame:
    """The file as a grid of raw cells with no header interpretation."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        workbooks.check_workbook_size(path)
        try:
            return pd.read_excel(
                path,
                sheet_name=0 if sheet is None else sheet,
                header=None,
                dtype=object,
                engine="openpyxl",
            )
        except ValueError as exc:
            raise InputError.single(
                path,
                Message("problems.table.sheet", sheet=repr(shorten(sheet, 80)), reason=Detail(exc)),
            ) from None
    if suffix == ".parquet":
        return _parquet_grid(path)
    text = decode_text(path.read_bytes(), path)
    try:
        dialect = csv.Sniffer().sniff(_sniff_sample(text), delimiters=",;\t|")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    if re.search(r"\n[ \t]*\r?\n", text):
        # Arrow's fast reader skips blank lines, which would shift the row numbers we report.
        grid = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            dtype="string[pyarrow]",
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
    else:
        grid = pd.read_csv(
            io.BytesIO(text.encode("utf-8")),
            sep=sep,
            header=None,
            dtype="string[pyarrow]",
            keep_default_na=False,
            engine="pyarrow",
        )
    # one search of the whole text spares a search of every column of a clean file
    grid.attrs["control_characters"] = _CONTROL.search(text) is not None
    return grid


_SNIFF_CHARS = 4_000
"""The delimiter is guessed from at most this many characters: the sniffer's time grows
with the square of its sample (20,000 crafted characters took 17 s)."""


def _sniff_sample(text: str) -> str:
    """The first lines of ``text`` (whole lines, at most :data:`_SNIFF_CHARS` characters)."""
    sample = text[:_SNIFF_CHARS]
    cut = sample.rfind("\n")
    return sample[:cut] if 0 < cut < len(text) - 1 and len(text) > _SNIFF_CHARS else sample


def _find_header_row(grid: pd.DataFrame, columns: Sequence[Column]) -> int:
    """Index of the grid row that looks most like this kind's header."""
    known = {header_key(name) for c in columns for name in (c.name, *c.aliases)}
    best, best_hits = 0, 0
    for i in range(min(_HEADER_SCAN_ROWS, len(grid))):
        hits = sum(header_key(v) in known for v in grid.iloc[i].tolist() if isinstance(v, str))
        if hits > best_hits:
            best, best_hits = i, hits
    return best


def _unique_headers(raw_headers: list[object]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, value in enumerate(raw_headers):
        name = (
            str(value).strip()
            if value is not None and str(value).strip() not in ("", "nan")
            else f"column {i + 1}"
        )
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _parse_column(spec: Column, raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse one column. Columns other than plain numbers repeat few distinct values (towns,
    dates, 是/否), so they are parsed once per distinct value and spread back."""
    if spec.kind == "float":
        return _parse_values(spec, raw)
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    parsed, bad = _parse_values(spec, pd.Series(uniques))
    missing = codes < 0
    position = np.where(missing, 0, codes)
    if len(uniques) == 0:
        return _parse_values(spec, raw)
    taken = parsed.iloc[position].mask(missing).set_axis(raw.index)
    if spec.kind in ("text", "grade", "result", "campaign", "stratum"):
        taken = taken.fillna("").astype(object)
    flags = pd.Series(bad.to_numpy(dtype=bool)[position] & ~missing, index=raw.index)
    return taken, flags


def _parse_values(spec: Column, raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    if spec.kind == "text":
        return values.as_text(raw), pd.Series(False, index=raw.index)
    if spec.kind in ("float",):
        return values.parse_float(raw)
    if spec.kind in ("int", "count"):
        return values.parse_count(raw)
    if spec.kind == "bool":
        return values.parse_bool(raw)
    if spec.kind == "date":
        return values.parse_date(raw)
    if spec.kind == "grade":
        return values.parse_grade(raw)
    if spec.kind == "result":
        return values.parse_choice(raw, RESULTS, RESULT_ALIASES)
    if spec.kind == "campaign":
        return values.parse_choice(raw, CAMPAIGN_IDS, CAMPAIGN_ALIASES)
    if spec.kind == "stratum":
        return values.parse_choice(raw, STRATA, STRATUM_ALIASES)
    raise ValueError(f"unknown column kind {spec.kind!r}")


def empty_column(spec: Column, index: pd.Index) -> pd.Series:
    """A column of ``spec``'s kind with every value missing (the column a file did not have)."""
    dtypes = {
        "float": "float64",
        "int": "Int64",
        "count": "Int64",
        "bool": "boolean",
        "date": "datetime64[ns]",
    }
    if spec.kind in dtypes:
        missing = {"date": pd.NaT, "float": np.nan}.get(spec.kind, pd.NA)
        return pd.Series(missing, index=index, dtype=dtypes[spec.kind])
    return pd.Series("", index=index, dtype=object)


def _quote(cell: object) -> str:
    """A cell value as a short quoted text for a message."""
    text = str(cell).strip()
    if len(text) > MAX_SHOWN:
        text = text[: MAX_SHOWN - 1] + "…"
    return repr(text)


def report_rows(
    problems: Problems,
    file: str | Path,
    rows: pd.Series,
    column: str | None,
    message: str | Message,
    severity: str = "error",
    shown: pd.Series | None = None,
    code: str | None = None,
) -> None:
    """Add one problem per row number in ``rows`` (capped at :data:`MAX_ROW_PROBLEMS`).

    With ``shown`` (the cell values, aligned with ``rows``), ``{value}`` in ``message`` is
    replaced by each row's value, quoted and cut to :data:`MAX_SHOWN` characters (a
    :class:`~inspectlib.errors.Message` gets it as its ``value``). ``code``
    names the kind of problem (see :class:`~inspectlib.errors.Problem`).
    """
    row_list = [int(r) for r in rows.tolist()]
    cells = [None] * len(row_list) if shown is None else shown.tolist()
    for row, cell in zip(row_list[:MAX_ROW_PROBLEMS], cells, strict=False):
        text = message if shown is None else _with_value(message, _quote(cell))
        problems.items.append(Problem(severity, str(file), text, row, column, code))
    if len(row_list) > MAX_ROW_PROBLEMS:
        more = len(row_list) - MAX_ROW_PROBLEMS
        what = _with_value(message, "…") if shown is not None else message
        summary = Message(
            "problems.more_rows",
            what=what,
            more=more,
            first=row_list[MAX_ROW_PROBLEMS],
            last=row_list[-1],
        )
        problems.items.append(Problem(severity, str(file), summary, None, column, code, more))


def report_duplicate_ids(
    frame: pd.DataFrame, key: str, file: str | Path, column: str | None, problems: Problems
) -> None:
    """One error per id that ``frame[key]`` holds on more than one row (blank ids aside),
    naming how often and on which rows (the first 20), at the first of them."""
    ids = frame[key]
    twice = ids.duplicated(keep=False) & (ids != "")
    for code, rows in frame.loc[twice].groupby(key, sort=True)["source_row"]:
        said = Message(
            "problems.duplicate_id",
            name=key,
            id=repr(shorten(code, MAX_SHOWN)),
            times=len(rows),
            rows=", ".join(map(str, rows.tolist()[:20])),
        )
        problems.error(file, said, int(rows.iloc[0]), column)


def _with_value(message: str | Message, value: str) -> str | Message:
    """``message`` with one row's quoted cell value filled in as ``{value}``."""
    if isinstance(message, Message):
        return message.with_values(value=value)
    return message.format(value=value)


def read_table(
    path: str | Path,
    columns: Sequence[Column],
    problems: Problems,
    sheet: str | int | None = None,
    rows: RowFilter | None = None,
) -> Table:
    """Read one input file into a canonical frame.

    Parameters
    ----------
    path : str or Path
        CSV, XLSX or Parquet file.
    columns : sequence of Column
        The kind's contract, e.g. :data:`inspectlib.schema.REGISTER`.
    problems : Problems
        Problems found are appended here: a missing required column or an unreadable cell is
        an error; the caller decides when to raise.
    sheet : str or int, optional
        XLSX sheet name or position (default: the first sheet).
    rows : (str, callable), optional
        ``(column, keep)``: only rows for which ``keep(raw cells of that column)`` is True are
        parsed and checked (a report that needs 300 firms of a 1,000,000-firm register).

    Returns
    -------
    Table

    Examples
    --------
    >>> from inspectlib.schema import WEATHER
    >>> problems = Problems()
    >>> table = read_table("weather.csv", WEATHER, problems)  # doctest: +SKIP
    >>> table.frame.columns.tolist()  # doctest: +SKIP
    ['date', 'tmax_c', 'source_row']
    """
    path = Path(path)
    if not path.is_file():
        raise InputError.single(path, Message("problems.table.file_not_found"))
    try:
        grid = _read_grid(path, sheet)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure is a bad file for the user
        raise InputError.single(
            path, Message("problems.table.unreadable", reason=Detail(exc))
        ) from None
    if grid.empty:
        raise InputError.single(path, Message("problems.table.empty"))
    if grid.shape[1] > MAX_COLUMNS:
        raise InputError.single(
            path,
            Message("problems.table.too_wide", columns=grid.shape[1], max_columns=MAX_COLUMNS),
        )
    header_at = _find_header_row(grid, columns)
    raw_headers = _clean_headers(grid.iloc[header_at].tolist(), path, problems)
    headers = _unique_headers(raw_headers)
    body = grid.iloc[header_at + 1 :].copy()
    body.columns = headers
    # Rows as the user sees them: grid row i is file row i + 1 (header row counted).
    body["__row__"] = body.index.to_numpy() + 1
    found = match_headers(headers, columns)
    if rows is not None and rows[0] in found:
        body = body[rows[1](body[found[rows[0]]]).to_numpy(dtype=bool)]
    filled = ~pd.concat([values.blank(body[h]) for h in headers], axis=1).all(axis=1)
    body = body[filled].reset_index(drop=True)
    if grid.attrs.get("control_characters", True):
        _strip_control_characters(body, headers, path, problems)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        _report_uncached_formulas(path, sheet, headers, problems)

    as_written = [str(h).strip() for h in raw_headers if isinstance(h, str)]
    for name, clash in ambiguous_headers(as_written, columns).items():  # 企业名称 twice too
        problems.error(
            path,
            Message(
                "problems.table.ambiguous",
                name=name,
                first=repr(clash[0]),
                second=" / ".join(map(repr, clash[1:])),
            ),
            header_at + 1,
            clash[1],
        )
    for spec in columns:
        if spec.required and spec.name not in found:
            names = quoted_list((spec.name, *spec.aliases))
            problems.error(
                path,
                Message(
                    "problems.table.missing_column",
                    name=repr(spec.name),
                    accepted=names,
                    found=quoted_list(headers),
                ),
                header_at + 1,
            )
    today = dt.date.today()
    out: dict[str, pd.Series] = {}
    unreadable: dict[str, pd.Series] = {}
    for spec in columns:
        if spec.name not in found:
            out[spec.name] = empty_column(spec, body.index)
            continue
        header = found[spec.name]
        parsed, bad = _parse_column(spec, body[header])
        if bad.any():
            report_rows(
                problems,
                path,
                body.loc[bad, "__row__"],
                header,
                Message(
                    "problems.table.unreadable_value",
                    name=spec.name,
                    expected=expected_value(spec, today),
                ),
                shown=body.loc[bad, header],
            )
        outside = outside_range(spec, parsed, today)
        if outside.any():
            report_rows(
                problems,
                path,
                body.loc[outside, "__row__"],
                header,
                Message(
                    "problems.table.outside_range",
                    name=spec.name,
                    range=describe_range(spec, today),
                ),
                shown=body.loc[outside, header],
            )
            parsed = parsed.mask(outside)
        unreadable[spec.name] = bad | outside
        out[spec.name] = parsed
    extra = [h for h in headers if h not in found.values()]
    for header in extra:
        out[header] = values.as_text(body[header])
    out["source_row"] = body["__row__"].astype("int64")
    frame = pd.DataFrame(out, index=body.index)
    log.info("read %s: %d rows, %d columns (%d extra)", path, len(frame), len(headers), len(extra))
    return Table(frame=frame, headers=found, extra=extra, unreadable=unreadable)


def _clean_headers(raw: list[object], path: Path, problems: Problems) -> list[object]:
    """Headers without control characters (a NUL byte must not hide a column)."""
    out = []
    for i, header in enumerate(raw):
        if isinstance(header, str) and _CONTROL.search(header):
            header = _CONTROL.sub("", header)
            problems.warning(
                path,
                Message("problems.table.control_header"),
                None,
                shorten(header, MAX_SHOWN) or f"column {i + 1}",
            )
        out.append(header)
    return out


def _strip_control_characters(
    body: pd.DataFrame, headers: list[str], path: Path, problems: Problems
) -> None:
    """Remove control characters (NUL bytes …) from text cells, with a warning per cell:
    no database stores a NUL in text, and nobody typed one on purpose."""
    for header in headers:
        column = body[header]
        if column.dtype == object:
            text = column.map(lambda v: v if isinstance(v, str) else None).astype("string")
        elif isinstance(column.dtype, pd.StringDtype):
            text = column
        else:
            continue
        hit = text.str.contains(_CONTROL_TEXT, regex=True).fillna(False).astype(bool)
        if not hit.any():
            continue
        body.loc[hit, header] = text[hit].str.replace(_CONTROL_TEXT, "", regex=True)
        report_rows(
            problems,
            path,
            body.loc[hit, "__row__"],
            header,
            Message("problems.table.control_value"),
            severity="warning",
        )


def _report_uncached_formulas(
    path: Path, sheet: str | int | None, headers: list[str], problems: Problems
) -> None:
    """A formula cell with no stored value reads as blank: an error naming the cell."""
    for cell in workbooks.uncached_formulas(path, sheet)[:MAX_ROW_PROBLEMS]:
        column = headers[cell.column - 1] if cell.column <= len(headers) else cell.coordinate
        problems.error(
            path,
            Message(
                "problems.table.uncached_formula",
                cell=cell.coordinate,
                formula=repr(shorten(cell.formula, MAX_SHOWN)),
            ),
            cell.row,
            column,
        )
