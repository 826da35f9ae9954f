"""Findings in the archive: record one file all or nothing, read them back.

The natural key is firm + campaign + inspection date. Rows are inserted with
``INSERT … ON CONFLICT (key) DO NOTHING RETURNING key``: a key already archived (by an earlier
import or by a concurrent importer) is skipped, and the returned keys are exactly the rows this
import added. Rows go in key order, so two importers of overlapping files lock shared keys in
the same order and cannot deadlock.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from numbers import Integral
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from inspectlib.errors import InputError, Problem, Problems
from inspectlib.schema import FINDINGS_COLUMNS as CANONICAL_FINDINGS

from . import rows as R
from . import schema
from .checks import VALUE_COLUMNS, describe_key, key_problems, row_problems
from .engine import write_transaction
from .schema import FINDINGS_KEY

log = logging.getLogger(__name__)

FINDINGS_COLUMNS: tuple[str, ...] = (
    *CANONICAL_FINDINGS,
    "source_file",
    "source_row",
    "imported_at",
)
"""Columns of :func:`read_findings`: the canonical findings columns, then provenance."""

_CHUNK = 500  # firm ids per IN (...) lookup


@dataclass(frozen=True)
class RecordResult:
    """What :func:`record_findings` did with one file.

    Attributes
    ----------
    added : int
        Findings new to the archive, now stored.
    already_present : int
        Findings whose natural key (firm + campaign + inspection date) was already archived;
        the archived row is kept.
    warnings : tuple of Problem
        Rows repeated within the file, and findings archived earlier with other values.
    rows : int
        Rows in the frame (``added + already_present`` plus exact repeats within the file).
    """

    added: int
    already_present: int
    warnings: tuple[Problem, ...] = field(default_factory=tuple)
    rows: int = 0


def finding_rows(
    frame: pd.DataFrame, source: str, imported_at: dt.datetime
) -> list[dict[str, Any]]:
    """Rows for the ``findings`` table, exact repeats dropped, in key order."""
    n = len(frame)
    cols: dict[str, list[Any]] = {
        "firm_id": R.texts(frame["firm_id"]),
        "campaign": R.texts(frame["campaign"]),
        "inspection_date": R.dates(frame["inspection_date"]),
        "team": R.texts(R.column(frame, "team", "")),
        "result": R.texts(frame["result"]),
        "violation_codes": R.texts(R.column(frame, "violation_codes", "")),
        "workers_affected": R.numbers(R.column(frame, "workers_affected", None), int),
        "back_wages_yuan": R.numbers(R.column(frame, "back_wages_yuan", None), float),
        "fine_yuan": R.numbers(R.column(frame, "fine_yuan", None), float),
        "rectification_due": R.dates(R.column(frame, "rectification_due", None)),
        "notes": R.texts(R.column(frame, "notes", "")),
        "stratum": [s.strip() or None for s in R.texts(R.column(frame, "stratum", ""))],
        "source_file": [source] * n,
        "source_row": R.numbers(R.column(frame, "source_row", None), int),
        "imported_at": [imported_at] * n,
    }
    unique: dict[tuple, dict[str, Any]] = {}
    for values in zip(*cols.values(), strict=True):
        row = dict(zip(cols, values, strict=True))
        unique.setdefault(tuple(row[k] for k in FINDINGS_KEY), row)  # first of exact repeats
    return [unique[key] for key in sorted(unique)]


def record_findings(
    engine: sa.Engine, frame: pd.DataFrame, source: str | Path | None = None
) -> RecordResult:
    """Archive the findings of one file in one transaction (see :meth:`Archive.record_findings`)."""
    if source is None:
        has_source = "source_file" in frame and len(frame)
        source = str(frame["source_file"].iloc[0]) if has_source else "<findings>"
    source = str(source)
    missing = [c for c in (*FINDINGS_KEY, "result") if c not in frame]
    if missing:
        raise InputError.single(source, f"findings without column(s) {', '.join(missing)}")
    problems = row_problems(frame, source)
    if not problems.errors:
        problems.extend(key_problems(frame, source))
    problems.raise_if_errors()
    rows = finding_rows(frame, source, dt.datetime.now(dt.UTC))
    table = schema.findings

    def work(conn: Connection) -> tuple[int, list[Problem]]:
        added: set[tuple] = set()
        if rows:
            stmt = (
                R.insert_for(conn, table)
                .on_conflict_do_nothing(index_elements=list(FINDINGS_KEY))
                .returning(*(table.c[k] for k in FINDINGS_KEY))
            )
            added = {tuple(r) for r in conn.execute(stmt, rows)}
        present = [r for r in rows if tuple(r[k] for k in FINDINGS_KEY) not in added]
        return len(added), _differences(conn, present, source)

    try:
        added, differences = write_transaction(engine, work)
    except IntegrityError as exc:
        raise InputError.single(
            source, f"the archive refused these findings; nothing was recorded: {exc.orig}"
        ) from None
    result = RecordResult(
        added=added,
        already_present=len(rows) - added,
        warnings=(*problems.warnings, *differences),
        rows=len(frame),
    )
    log.info(
        "archive: %s: %d rows, %d added, %d already present",
        source,
        result.rows,
        result.added,
        result.already_present,
    )
    return result


def _differences(conn: Connection, present: list[dict[str, Any]], source: str) -> list[Problem]:
    """Warnings for findings archived earlier with values other than this file's."""
    problems = Problems()
    wanted = {tuple(r[k] for k in FINDINGS_KEY): r for r in present}
    firms = sorted({r["firm_id"] for r in present})
    table = schema.findings
    columns = [*FINDINGS_KEY, *VALUE_COLUMNS, "source_file", "source_row"]
    for start in range(0, len(firms), _CHUNK):
        chunk = firms[start : start + _CHUNK]
        query = sa.select(*(table.c[c] for c in columns)).where(table.c.firm_id.in_(chunk))
        for archived in conn.execute(query).mappings():
            key = tuple(archived[k] for k in FINDINGS_KEY)
            mine = wanted.get(key)
            differ = [c for c in VALUE_COLUMNS if mine and archived[c] != mine[c]]
            if not mine or not differ:
                continue
            c = differ[0]
            row = archived["source_row"]
            where = archived["source_file"] + (f" row {row}" if row is not None else "")
            more = f"; {len(differ) - 1} more columns differ" if len(differ) > 1 else ""
            problems.warning(
                source,
                f"{describe_key(*key)} is already archived with other values ({c}: archived "
                f"{archived[c]!r} from {where}, {mine[c]!r} here{more}); the archived row is "
                "kept",
                mine["source_row"],
                c,
            )
    return problems.items


def read_findings(
    engine: sa.Engine, campaign: str | None = None, years: int | Iterable[int] | None = None
) -> pd.DataFrame:
    """Archived findings (see :meth:`Archive.findings`)."""
    table = schema.findings
    query = sa.select(*(table.c[c] for c in FINDINGS_COLUMNS))
    if campaign is not None:
        query = query.where(table.c.campaign == campaign)
    if years is not None:
        years = [int(years)] if isinstance(years, Integral) else [int(y) for y in years]
        day = table.c.inspection_date
        query = query.where(
            sa.or_(
                sa.false(),
                *(sa.and_(day >= dt.date(y, 1, 1), day < dt.date(y + 1, 1, 1)) for y in years),
            )
        )
    query = query.order_by(table.c.inspection_date, table.c.firm_id, table.c.campaign)
    with engine.connect() as conn:
        out = R.to_frame(conn.execute(query).all(), FINDINGS_COLUMNS)
    for name in ("inspection_date", "rectification_due"):
        out[name] = R.as_datetime(out[name])
    for name in ("workers_affected", "source_row"):
        out[name] = out[name].astype("Int64")
    for name in ("back_wages_yuan", "fine_yuan"):
        out[name] = out[name].astype("float64")
    out["imported_at"] = R.as_utc(out["imported_at"])
    for name in ("firm_id", "campaign", "team", "result", "violation_codes", "notes"):
        out[name] = out[name].astype(object)
    out["stratum"] = out["stratum"].astype(object).where(out["stratum"].notna(), None)
    out["source_file"] = out["source_file"].astype(object)
    return out
