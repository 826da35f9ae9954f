"""Checks of a findings frame before it is archived.

Pure functions of canonical findings frames (see :func:`inspectlib.inputs.load_findings`);
they return :class:`~inspectlib.errors.Problems` and never touch the archive.

- :func:`key_problems`: the same natural key (firm + campaign + inspection date) twice in one
  file is an **error** when the rows differ (which one is right?) and a warning when they are
  identical (archived once).
- :func:`row_problems`: rows that cannot be archived (missing key, unknown campaign or
  result, negative amounts) — errors.
- :func:`findings_warnings`: rows that can be archived but deserve a look — firms missing from
  the register, inspections outside the campaign window.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection
from pathlib import Path

import numpy as np
import pandas as pd

from inspectlib.errors import Message, Problems, shorten
from inspectlib.ranges import describe_range
from inspectlib.schema import CAMPAIGN_IDS, FINDINGS, FINDINGS_COLUMNS, RESULTS, accepted_range
from inspectlib.tables import MAX_SHOWN
from inspectlib.workdays import default_window

from .schema import FINDINGS_KEY

log = logging.getLogger(__name__)

VALUE_COLUMNS: tuple[str, ...] = tuple(
    c for c in FINDINGS_COLUMNS if c not in (*FINDINGS_KEY, "stratum")
)
"""What an inspection found: the columns besides the key and ``stratum``; two rows with one
key must agree on all of them. (``stratum`` says how the firm was drawn, a fact of the draw
that inspectors' sheets usually leave blank; a blank never contradicts a known stratum.)"""

MAX_LISTED = 200
"""At most this many warnings of one kind are listed per file; the rest in one line."""

Window = tuple[dt.date, dt.date]
WindowFor = Callable[[str, int], Window]


def _row(frame: pd.DataFrame, i: int) -> int | None:
    if "source_row" not in frame:
        return None
    value = frame["source_row"].iloc[i]
    return None if pd.isna(value) else int(value)


def _label(frame: pd.DataFrame, i: int) -> Message:
    row = _row(frame, i)
    if row is not None:
        return Message("problems.archive.row", row=row)
    return Message("problems.archive.record", record=i + 1)


def _warn_rows(
    problems: Problems,
    source: str | Path,
    frame: pd.DataFrame,
    positions: list[int],
    column: str,
    message: Callable[[int], Message],
) -> None:
    """One warning per row, at most :data:`MAX_LISTED`; then one line for the rest."""
    for i in positions[:MAX_LISTED]:
        problems.warning(source, message(i), _row(frame, i), column)
    if len(positions) > MAX_LISTED:
        problems.warning(
            source,
            Message("problems.archive.more_rows", more=len(positions) - MAX_LISTED),
            None,
            column,
        )


def _same(a: object, b: object) -> bool:
    a_missing = a is None or (not isinstance(a, str) and pd.isna(a))
    b_missing = b is None or (not isinstance(b, str) and pd.isna(b))
    if a_missing or b_missing:
        return a_missing and b_missing
    return a == b


def _shown(value: object) -> str:
    """A cell value quoted for a message, cut to :data:`~inspectlib.tables.MAX_SHOWN`."""
    return repr(shorten(value, MAX_SHOWN)) if isinstance(value, str) else shorten(value)


def describe_key(firm_id: object, campaign: object, day: object) -> Message:
    """``firm 9132… / wage / 2026-01-12`` — a finding's natural key in words."""
    when = (
        pd.Timestamp(day).date().isoformat()
        if not pd.isna(day)
        else Message("problems.archive.no_date")
    )
    return Message(
        "problems.archive.key",
        firm=shorten(firm_id, MAX_SHOWN),
        campaign=shorten(campaign, MAX_SHOWN),
        when=when,
    )


def key_problems(frame: pd.DataFrame, source: str | Path) -> Problems:
    """Findings that share a natural key within one file.

    Parameters
    ----------
    frame : DataFrame
        Canonical findings (``firm_id``, ``campaign``, ``inspection_date``, value columns,
        optionally ``source_row``).
    source : str or Path
        File name for the messages.

    Returns
    -------
    Problems
        An error naming both rows (and the first differing column) for each key repeated
        with different values; a warning for each exact repeat.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"firm_id": ["A", "A"], "campaign": ["wage"] * 2,
    ...                   "inspection_date": pd.to_datetime(["2026-01-05"] * 2),
    ...                   "result": ["compliant", "violation"], "source_row": [2, 5]})
    >>> print(key_problems(f, "f.csv").items[0])
    error: f.csv, row 5, column 'result': firm A / wage / 2026-01-05 appears in row 2 and row 5 with different values (result: 'compliant' in row 2, 'violation' in row 5); keep one of them
    """
    problems = Problems()
    keys = frame[list(FINDINGS_KEY)]
    repeated = keys.duplicated(keep=False).to_numpy()
    if not repeated.any():
        return problems
    values = [c for c in VALUE_COLUMNS if c in frame]
    positions = pd.Series(range(len(frame)))[repeated]
    for _key, group in positions.groupby([keys[c][repeated] for c in FINDINGS_KEY], sort=False):
        first = int(group.iloc[0])
        for other in map(int, group.iloc[1:]):
            a, b = _label(frame, first), _label(frame, other)
            what = describe_key(*keys.iloc[first])
            differ = [c for c in values if not _same(frame[c].iloc[first], frame[c].iloc[other])]
            if differ:
                c = differ[0]
                more = (
                    Message("problems.archive.more_columns", more=len(differ) - 1)
                    if len(differ) > 1
                    else ""
                )
                problems.error(
                    source,
                    Message(
                        "problems.archive.key_differs",
                        what=what,
                        a=a,
                        b=b,
                        column=c,
                        value_a=_shown(frame[c].iloc[first]),
                        value_b=_shown(frame[c].iloc[other]),
                        more=more,
                    ),
                    _row(frame, other),
                    c,
                )
            else:
                problems.warning(
                    source,
                    Message("problems.archive.key_repeats", what=what, a=a),
                    _row(frame, other),
                )
    return problems


def row_problems(frame: pd.DataFrame, source: str | Path) -> Problems:
    """Rows that cannot be archived: a missing key part, an unknown campaign or result, a
    count, amount or date outside its accepted range (:func:`inspectlib.schema.accepted_range`,
    the same ranges the loader applies), or text with a NUL byte (which PostgreSQL cannot
    store). Files read by :func:`inspectlib.inputs.load_findings` have none; frames built in
    code might, and then fail the same way on SQLite and PostgreSQL, before the database.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"firm_id": ["A"], "campaign": ["wage"], "result": ["violation"],
    ...                   "inspection_date": pd.to_datetime(["2026-01-05"]),
    ...                   "workers_affected": [3_000_000_000], "notes": ["a\\x00b"]})
    >>> for p in row_problems(f, "f.csv"): print(p)
    error: f.csv, column 'workers_affected': workers_affected 3000000000 is outside the accepted range 0 … 2,000,000 people
    error: f.csv, column 'notes': notes 'a\\x00b' contains a NUL byte
    """
    problems = Problems()
    checks: list[tuple[str, pd.Series, Message]] = [
        (
            "firm_id",
            frame["firm_id"].isna() | (frame["firm_id"].astype(str) == ""),
            Message("problems.archive.is_empty"),
        ),
        (
            "campaign",
            ~frame["campaign"].isin(CAMPAIGN_IDS),
            Message("problems.archive.not_campaign"),
        ),
        ("inspection_date", frame["inspection_date"].isna(), Message("problems.archive.is_empty")),
        (
            "result",
            ~frame["result"].isin(RESULTS),
            Message("problems.archive.not_result", choices=", ".join(RESULTS)),
        ),
    ]
    for spec in FINDINGS:
        bounds = accepted_range(spec)
        if spec.name not in frame or bounds is None:
            continue
        low, high = bounds
        values = frame[spec.name]
        if isinstance(low, dt.date):
            values = pd.to_datetime(values)
            low, high = pd.Timestamp(low), pd.Timestamp(high)
        else:
            values = pd.to_numeric(values, errors="coerce").astype("float64")
        outside = ((values < low) | (values > high) | values.isin([np.inf, -np.inf])).fillna(False)
        checks.append(
            (
                spec.name,
                outside.astype(bool),
                Message("problems.archive.outside_range", range=describe_range(spec)),
            )
        )
    for name in ("team", "violation_codes", "notes", "firm_id"):
        if name in frame:
            nul = frame[name].astype("string").str.contains("\x00", regex=False).fillna(False)
            checks.append((name, nul.astype(bool), Message("problems.archive.nul")))
    for name, bad, what in checks:
        for i in [int(i) for i in bad.to_numpy().nonzero()[0][:50]]:
            shown = _shown(frame[name].iloc[i])
            said = Message("problems.archive.value_problem", name=name, value=shown, what=what)
            problems.error(source, said, _row(frame, i), name)
    return problems


def findings_warnings(
    frame: pd.DataFrame,
    source: str | Path,
    *,
    register_ids: Collection[str] | None = None,
    register_name: str | None = None,
    window: Window | None = None,
    window_for: WindowFor = default_window,
) -> Problems:
    """Warnings for findings that can be archived but deserve a look.

    Parameters
    ----------
    frame : DataFrame
        Canonical findings.
    source : str or Path
        File name for the messages.
    register_ids : collection of str, optional
        Firm ids of the register; findings of other firms get a warning. ``None`` skips
        the check.
    register_name : str, optional
        The register's file name, for the messages.
    window : (date, date), optional
        One window for every finding (``--campaign-window``). Without it each finding is
        checked against its own campaign's default window in the year of its inspection.
    window_for : callable
        ``window_for(campaign, year) -> (start, end)``; default
        :func:`inspectlib.workdays.default_window`.

    Returns
    -------
    Problems
        Warnings only, one per row (capped per kind, like every loader).
    """
    problems = Problems()
    if frame.empty:
        return problems
    if register_ids is not None:
        known = frame["firm_id"].isin(set(register_ids)).to_numpy()
        where = (
            Message("problems.archive.the_register_named", name=register_name)
            if register_name
            else Message("problems.archive.the_register")
        )
        _warn_rows(
            problems,
            source,
            frame,
            [int(i) for i in (~known).nonzero()[0]],
            "firm_id",
            lambda i: Message(
                "problems.archive.not_in_register", firm=frame["firm_id"].iloc[i], where=where
            ),
        )
    days = pd.to_datetime(frame["inspection_date"])
    windows: dict[tuple[str, int], Window] = {}
    outside: list[int] = []
    checked: dict[int, tuple[Message, Window]] = {}
    for i, (campaign, day) in enumerate(zip(frame["campaign"], days, strict=True)):
        if pd.isna(day):
            continue
        if window is not None:
            label, (first, last) = Message("problems.archive.the_window"), window
        else:
            key = (str(campaign), int(day.year))
            if key not in windows:
                windows[key] = window_for(*key)
            label, (first, last) = (
                Message("problems.archive.default_window", campaign=campaign),
                windows[key],
            )
        if not first <= day.date() <= last:
            outside.append(i)
            checked[i] = (label, (first, last))

    def outside_message(i: int) -> Message:
        label, (first, last) = checked[i]
        return Message(
            "problems.archive.outside_window",
            day=days.iloc[i].date().isoformat(),
            label=label,
            first=first.isoformat(),
            last=last.isoformat(),
        )

    _warn_rows(problems, source, frame, outside, "inspection_date", outside_message)
    return problems
