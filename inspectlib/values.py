"""Parse cell values the way people type them into registers and findings sheets.

Every parser takes a pandas Series of raw cells (strings from CSV, Python objects from Excel)
and returns ``(parsed, bad)``: the parsed Series and a boolean mask of cells that were filled
in but could not be understood. Blank cells are missing values, never errors. All parsers are
vectorised so that a 1,000,000-row register parses in seconds.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

TRUE_WORDS = frozenset(
    {"是", "有", "y", "yes", "true", "t", "1", "√", "✓", "已建", "已建会", "建会"}
)
FALSE_WORDS = frozenset({"否", "无", "n", "no", "false", "f", "0", "×", "✗", "未建", "未建会"})
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_NS_FIRST = pd.Timestamp.min.ceil("D")
_NS_LAST = pd.Timestamp.max.floor("D")  # 2262-04-11: the last day a datetime64[ns] holds
COUNT_MAX = 2**31 - 1
"""Largest count read (a 32-bit integer, the archive's column type); bigger is unreadable."""
_DATE_TEXT = r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?\s*$"


def blank(raw: pd.Series) -> pd.Series:
    """Mask of cells that are empty: NaN/None or only white space."""
    text = raw.astype("string").str.strip()
    empty = raw.isna() | text.isna() | (text == "") | text.str.lower().isin(["nan", "none", "null"])
    return _mask(empty)


def _mask(values: pd.Series) -> pd.Series:
    """A plain numpy-backed boolean mask (missing counts as False)."""
    return values.fillna(False).astype(bool)


def as_text(raw: pd.Series) -> pd.Series:
    """Cells as stripped text; blanks become ``""``. Integers read by Excel lose their ``.0``."""
    if pd.api.types.is_float_dtype(raw.dtype):
        raw = raw.astype(object)  # 320581.0 → "320581", as from Excel
    if raw.dtype == object:
        is_float = raw.map(lambda v: isinstance(v, float) and v.is_integer()).astype(bool)
        if is_float.any():
            raw = raw.where(~is_float, raw[is_float].map(lambda v: str(int(v))))
    text = raw.astype("string").str.strip().fillna("")
    return text.mask(blank(raw), "").astype(object)


def _text(raw: pd.Series) -> pd.Series:
    return raw.astype("string").str.strip()


def parse_bool(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """是/否, Y/N, yes/no, 1/0, true/false, √/× → nullable boolean.

    Examples
    --------
    >>> parse_bool(pd.Series(["是", "N", "1", ""]))[0].tolist()
    [True, False, True, <NA>]
    """
    key = _text(raw).str.lower().str.replace(r"\.0$", "", regex=True)
    out = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    out[key.isin(TRUE_WORDS).fillna(False).astype(bool)] = True
    out[key.isin(FALSE_WORDS).fillna(False).astype(bool)] = False
    bad = out.isna() & ~blank(raw)
    return out, _mask(bad)


def parse_float(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers, allowing thousands separators and a trailing unit such as 元."""
    out = pd.to_numeric(raw, errors="coerce").astype("float64")
    retry = out.isna().to_numpy() & ~blank(raw).to_numpy()
    if retry.any():  # only the odd cells pay for the clean-up
        text = _text(raw[retry]).str.replace(r"[,，]", "", regex=True)
        text = text.str.replace(r"\s*(元|万元|°|度)\s*$", "", regex=True)
        out[retry] = pd.to_numeric(text, errors="coerce").astype("float64").to_numpy()
    bad = out.isna() & ~blank(raw)
    return out, _mask(bad)


def parse_count(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Non-negative whole numbers, optionally with a unit: ``120``, ``120人``, ``3件``, ``1,200``.

    Numbers are compared as floats before they become integers, so a huge value is flagged
    instead of wrapping around (``9223372036854775808`` is not read as a negative number);
    whole numbers above :data:`COUNT_MAX` are unreadable.

    Examples
    --------
    >>> out, bad = parse_count(pd.Series(["120人", "9223372036854775808", "-1", "1e20"]))
    >>> out.tolist(), bad.tolist()
    ([120, <NA>, <NA>, <NA>], [False, True, True, True])
    """
    text = _text(raw).str.replace(",", "", regex=False)
    text = text.str.replace(r"\s*(人|名|个|件|次|起)\s*$", "", regex=True)
    number = pd.to_numeric(text, errors="coerce").astype("float64")
    filled = number.fillna(-1.0)
    whole = number.notna() & (filled >= 0) & (np.floor(filled) == filled) & (filled <= COUNT_MAX)
    out = number.where(whole).astype("Int64")
    bad = ~whole & ~blank(raw)
    return out, _mask(bad)


def parse_date(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates as ``2025-03-04``, ``2025/3/4``, ``2025.3.4``, ``2025年3月4日``, ``20250304``,
    Excel date cells or Excel serial numbers (e.g. ``45720``).

    A date a ``datetime64[ns]`` cannot hold (before 1677 or after 2262-04-11, e.g. Excel's
    largest serial 2958465 or ``2999-01-01``) is unreadable, never an exception.

    Examples
    --------
    >>> parse_date(pd.Series(["2025-03-04", "2025/3/4", "2025年3月4日", "45720"]))[0].dt.strftime("%Y-%m-%d").tolist()
    ['2025-03-04', '2025-03-04', '2025-03-04', '2025-03-04']
    >>> parse_date(pd.Series(["2999-01-01", "2958465"]))[1].tolist()
    [True, True]
    """
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    is_stamp = raw.map(lambda v: isinstance(v, (dt.date, pd.Timestamp))).astype(bool)
    if is_stamp.any():
        # local calendar dates: a timezone-aware stamp keeps its wall-clock date
        stamps = raw[is_stamp].map(_calendar_day)
        out[is_stamp] = pd.to_datetime(stamps).astype("datetime64[ns]")
    text = _text(raw).where(~is_stamp)
    parts = text.str.extract(_DATE_TEXT)
    compact = text.str.extract(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
    parts = parts.fillna(compact)
    has_parts = parts[0].notna()
    if has_parts.any():
        joined = parts[0] + "-" + parts[1].str.zfill(2) + "-" + parts[2].str.zfill(2)
        years = pd.to_numeric(parts[0], errors="coerce")
        holdable = has_parts & years.between(_NS_FIRST.year + 1, _NS_LAST.year - 1)
        out[holdable] = pd.to_datetime(joined[holdable], format="%Y-%m-%d", errors="coerce").astype(
            "datetime64[ns]"
        )
    serial = pd.to_numeric(text.where(~has_parts), errors="coerce")
    last_serial = (_NS_LAST.date() - _EXCEL_EPOCH.date()).days
    is_serial = serial.between(1, last_serial) & ~has_parts
    if is_serial.any():
        days = serial[is_serial].astype(float)
        out[is_serial] = (_EXCEL_EPOCH + pd.to_timedelta(days.round(), unit="D")).values
    bad = out.isna() & ~blank(raw)
    return out, _mask(bad)


def _calendar_day(value: dt.date | pd.Timestamp) -> pd.Timestamp | None:
    """The wall-clock calendar day of a date cell; None when datetime64[ns] cannot hold it."""
    day = dt.date(value.year, value.month, value.day)
    if not _NS_FIRST.date() <= day <= _NS_LAST.date():
        return None
    return pd.Timestamp(day)


def parse_grade(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Credit grades A/B/C (also ``A级``, full-width letters); blank stays ``""``."""
    text = _text(raw).str.upper().str.normalize("NFKC").str.replace("级", "", regex=False)
    ok = text.isin(["A", "B", "C"]).fillna(False).astype(bool)
    out = text.where(ok, "").fillna("").astype(object)
    bad = ~ok & ~blank(raw)
    return out, _mask(bad)


def parse_choice(
    raw: pd.Series, allowed: tuple[str, ...], aliases: dict[str, str]
) -> tuple[pd.Series, pd.Series]:
    """A closed vocabulary (result, campaign) with aliases; case- and space-insensitive."""
    text = _text(raw).str.normalize("NFKC")
    key = text.str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    lookup = {a: a for a in allowed}
    lookup |= {k.lower().replace(" ", "_").replace("-", "_"): v for k, v in aliases.items()}
    out = key.map(lookup)
    bad = out.isna() & ~blank(raw)
    return out.fillna("").astype(object), _mask(bad)
