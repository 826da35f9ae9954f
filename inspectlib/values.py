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
    """Non-negative whole numbers, optionally with a unit: ``120``, ``120人``, ``3件``, ``1,200``."""
    text = _text(raw).str.replace(",", "", regex=False)
    text = text.str.replace(r"\s*(人|名|个|件|次|起)\s*$", "", regex=True)
    number = pd.to_numeric(text, errors="coerce")
    whole = number.notna() & (number >= 0) & (np.floor(number.fillna(0)) == number.fillna(0))
    out = number.where(whole).astype("Int64")
    bad = ~whole & ~blank(raw)
    return out, _mask(bad)


def parse_date(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates as ``2025-03-04``, ``2025/3/4``, ``2025.3.4``, ``2025年3月4日``, ``20250304``,
    Excel date cells or Excel serial numbers (e.g. ``45720``).

    Examples
    --------
    >>> parse_date(pd.Series(["2025-03-04", "2025/3/4", "2025年3月4日", "45720"]))[0].dt.strftime("%Y-%m-%d").tolist()
    ['2025-03-04', '2025-03-04', '2025-03-04', '2025-03-04']
    """
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    is_stamp = raw.map(lambda v: isinstance(v, (dt.date, pd.Timestamp))).astype(bool)
    if is_stamp.any():
        # local calendar dates: a timezone-aware stamp keeps its wall-clock date
        stamps = raw[is_stamp].map(lambda v: pd.Timestamp(v).tz_localize(None))
        out[is_stamp] = pd.to_datetime(stamps).dt.normalize()
    text = _text(raw).where(~is_stamp)
    parts = text.str.extract(_DATE_TEXT)
    compact = text.str.extract(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
    parts = parts.fillna(compact)
    has_parts = parts[0].notna()
    if has_parts.any():
        joined = parts[0] + "-" + parts[1].str.zfill(2) + "-" + parts[2].str.zfill(2)
        out[has_parts] = pd.to_datetime(joined[has_parts], format="%Y-%m-%d", errors="coerce")
    serial = pd.to_numeric(text.where(~has_parts), errors="coerce")
    is_serial = serial.between(1, 2958465) & ~has_parts
    if is_serial.any():
        days = serial[is_serial].astype(float)
        out[is_serial] = (_EXCEL_EPOCH + pd.to_timedelta(days.round(), unit="D")).values
    bad = out.isna() & ~blank(raw)
    return out, _mask(bad)


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
