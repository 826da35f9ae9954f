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

from inspectlib.schema import CAMPAIGN_IDS, RESULTS, Column, accepted_range

EXPLAIN: dict[str, str] = {
    "int": "a whole number",
    "count": "a whole number ≥ 0 (e.g. 120 or 120人)",
    "float": "a number",
    "bool": "是/否, Y/N or 1/0",
    "date": "a date such as 2025-03-04, 2025/3/4 or 2025年3月4日",
    "grade": "a credit grade A, B or C",
    "result": f"one of {', '.join(RESULTS)} (or 合规/违法/关闭/未找到/拒绝)",
    "campaign": f"one of {', '.join(CAMPAIGN_IDS)} (or 工资/非法用工/高温/服务行业)",
    "stratum": "random or risk (or 随机/风险)",
}
"""What a readable value of each column kind looks like (for messages)."""


def expected_value(spec: Column, today: dt.date) -> str:
    """What a readable value of ``spec`` looks like, with its accepted range."""
    bounds = accepted_range(spec, today)
    if bounds is None or spec.kind not in ("count", "int", "date"):
        return EXPLAIN[spec.kind]
    if spec.kind == "date":
        return f"a date in {describe_range(spec, today)}, such as 2025-03-04 or 2025年3月4日"
    return f"a whole number in {describe_range(spec, today)} (e.g. 120 or 120人)"


def describe_range(spec: Column, today: dt.date | None = None) -> str:
    """The accepted range of a column in words, e.g. ``0 … 10,000,000,000 yuan``."""
    bounds = accepted_range(spec, today)
    if bounds is None:
        return "any value"
    low, high = bounds
    if isinstance(low, dt.date):
        return f"{low.isoformat()} … {high.isoformat()}"
    unit = f" {spec.unit}" if spec.unit else ""
    return f"{low:,g} … {high:,.0f}{unit}" if high >= 1e6 else f"{low:,g} … {high:,g}{unit}"


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
