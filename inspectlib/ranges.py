"""Accepted ranges of number and date columns, in words and as masks.

The ranges themselves are defined once, on the columns of :mod:`inspectlib.schema`
(:func:`inspectlib.schema.accepted_range`); the loaders (:func:`inspectlib.tables.read_table`)
and the archive's row checks both use these helpers, so a value is refused the same way
wherever it arrives.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from inspectlib.errors import Message
from inspectlib.schema import CAMPAIGN_IDS, RESULTS, Column, accepted_range

KINDS_EXPLAINED = (
    "int",
    "count",
    "float",
    "bool",
    "date",
    "grade",
    "result",
    "campaign",
    "stratum",
)
"""Column kinds whose readable values :func:`expected_value` describes (``problems.yaml``,
group ``expected``)."""


def expected_value(spec: Column, today: dt.date) -> Message:
    """What a readable value of ``spec`` looks like, with its accepted range.

    Examples
    --------
    >>> from inspectlib.schema import WEATHER
    >>> tmax = next(c for c in WEATHER if c.name == "tmax_c")
    >>> expected_value(tmax, dt.date(2026, 1, 1)).render("zh")
    '数字'
    """
    bounds = accepted_range(spec, today)
    if bounds is None or spec.kind not in ("count", "int", "date"):
        if spec.kind == "result":
            return Message("problems.expected.result", choices=", ".join(RESULTS))
        if spec.kind == "campaign":
            return Message("problems.expected.campaign", choices=", ".join(CAMPAIGN_IDS))
        return Message(f"problems.expected.{spec.kind}")
    if spec.kind == "date":
        return Message("problems.expected.date_in", range=describe_range(spec, today))
    return Message("problems.expected.count_in", range=describe_range(spec, today))


def describe_range(spec: Column, today: dt.date | None = None) -> Message:
    """The accepted range of a column in words, e.g. ``0 … 10,000,000,000 yuan``.

    Examples
    --------
    >>> from inspectlib.schema import FINDINGS
    >>> fine = next(c for c in FINDINGS if c.name == "fine_yuan")
    >>> str(describe_range(fine)), describe_range(fine).render("zh")
    ('0 … 10,000,000,000 yuan', '0 … 10,000,000,000 元')
    """
    bounds = accepted_range(spec, today)
    if bounds is None:
        return Message("problems.range.any")
    low, high = bounds
    if isinstance(low, dt.date):
        return Message("problems.range.dates", low=low.isoformat(), high=high.isoformat())
    shown = f"{low:,g} … {high:,.0f}" if high >= 1e6 else f"{low:,g} … {high:,g}"
    if not spec.unit:
        return Message("problems.range.numbers", range=shown)
    return Message("problems.range.with_unit", range=shown, unit=Message(_unit_key(spec.unit)))


def _unit_key(unit: str) -> str:
    names = {"°C": "celsius", "°": "degrees"}
    return f"problems.units.{names.get(unit, unit)}"


def outside_range(spec: Column, parsed: pd.Series, today: dt.date) -> pd.Series:
    """Mask of parsed values outside the column's accepted range (non-finite numbers too)."""
    bounds = accepted_range(spec, today)
    if bounds is None:
        return pd.Series(False, index=parsed.index)
    low, high = bounds
    if isinstance(low, dt.date):
        low, high = pd.Timestamp(low), pd.Timestamp(high)
        number = parsed
    else:
        number = parsed.astype("float64")
    outside = (number < low) | (number > high)
    if spec.kind == "float":
        outside |= number.isin([math.inf, -math.inf])
    return outside.fillna(False).astype(bool)
