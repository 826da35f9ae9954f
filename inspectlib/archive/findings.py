"""Findings in the archive: record one file all or nothing, read them back.

The natural key is firm + campaign + inspection date. Rows are inserted with
``INSERT … ON CONFLICT (key) DO NOTHING RETURNING key``: a key already archived (by an earlier
import or by a concurrent importer) is skipped, and the returned keys are exactly the rows this
import added. Rows go in key order, so two importers of overlapping files lock shared keys in
the same order and cannot deadlock.

Corrections (``replace=True``, ``inspectlib record --replace``): a key archived with other
values gets this file's values, in the same transaction; the archived version moves to
``superseded_findings`` with the time it was replaced, so the findings as they stood at any
moment (what a recorded draw learned from) can still be read back.
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
from sqlalchemy.exc import DataError, IntegrityError

from inspectlib.errors import Detail, InputError, Message, Problem, Problems, shorten
from inspectlib.schema import FINDINGS_COLUMNS as CANONICAL_FINDINGS

from . import rows as R
from . import schema
from .checks import VALUE_COLUMNS, _shown, describe_key, key_problems, row_problems
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
        Rows in the frame (``added + already_present + replaced`` plus exact repeats within
        the file).
    replaced : int
        Findings archived with other values whose values this file replaced (``replace``).
    """

    added: int
    already_present: int
    warnings: tuple[Problem, ...] = field(default_factory=tuple)
    rows: int = 0
    replaced: int = 0


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
    engine: sa.Engine,
    frame: pd.DataFrame,
    source: str | Path | None = None,
    *,
    replace: bool = False,
) -> RecordResult:
    """Archive the findings of one file in one transaction (see :meth:`Archive.record_findings`)."""
    if source is None:
        has_source = "source_file" in frame and len(frame)
        source = str(frame["source_file"].iloc[0]) if has_source else "<findings>"
    source = str(source)
    missing = [c for c in (*FINDINGS_KEY, "result") if c not in frame]
    if missing:
        raise InputError.single(
            source, Message("problems.archive.missing_columns", columns=", ".join(missing))
        )
    problems = row_problems(frame, source)
    if not problems.errors:
        problems.extend(key_problems(frame, source))
    problems.raise_if_errors()
    rows = finding_rows(frame, source, dt.datetime.now(dt.UTC))
    table = schema.findings

    def work(conn: Connection) -> tuple[int, int, list[Problem]]:
        # stamped once the transaction holds the write lock (SQLite waits for it at BEGIN),
        # so a reader's as_of never falls between the stamp and the commit of a slow writer
        now = dt.datetime.now(dt.UTC)
        for row in rows:
            row["imported_at"] = now
        added: set[tuple] = set()
        if rows:
            stmt = (
                R.insert_for(conn, table)
                .on_conflict_do_nothing(index_elements=list(FINDINGS_KEY))
                .returning(*(table.c[k] for k in FINDINGS_KEY))
            )
            added = {tuple(r) for r in conn.execute(stmt, rows)}
        present = [r for r in rows if tuple(r[k] for k in FINDINGS_KEY) not in added]
        changed = _changed(conn, present)
        if replace:
            _replace(conn, changed, source, now)
            return len(added), len(changed), []
        return len(added), 0, _differences(changed, source)

    try:
        added, replaced, differences = write_transaction(engine, work)
    except (IntegrityError, DataError) as exc:
        reason = shorten(str(exc.orig).splitlines()[0] if str(exc.orig) else exc)
        raise InputError.single(
            source, Message("problems.archive.refused", reason=Detail(reason))
        ) from None
    result = RecordResult(
        added=added,
        already_present=len(rows) - added - replaced,
        warnings=(*problems.warnings, *differences),
        rows=len(frame),
        replaced=replaced,
    )
    log.info(
        "archive: %s: %d rows, %d added, %d replaced, %d already present",
        source,
        result.rows,
        result.added,
        result.replaced,
        result.already_present,
    )
    return result


Changed = list[tuple[dict[str, Any], dict[str, Any]]]
"""Pairs of (archived row, this file's row) for keys whose values differ."""


def _changed(conn: Connection, present: list[dict[str, Any]]) -> Changed:
    """The archived rows (locked for update on PostgreSQL) of keys this file gives other
    values, each with this file's row, in key order."""
    wanted = {tuple(r[k] for k in FINDINGS_KEY): r for r in present}
    firms = sorted({r["firm_id"] for r in present})
    table = schema.findings
    pairs: Changed = []
    for start in range(0, len(firms), _CHUNK):
        chunk = firms[start : start + _CHUNK]
        query = sa.select(table).where(table.c.firm_id.in_(chunk)).with_for_update()
        for archived in conn.execute(query).mappings():
            mine = wanted.get(tuple(archived[k] for k in FINDINGS_KEY))
            if mine and any(archived[c] != mine[c] for c in VALUE_COLUMNS):
                pairs.append((dict(archived), mine))
    return sorted(pairs, key=lambda pair: tuple(pair[1][k] for k in FINDINGS_KEY))


def _replace(conn: Connection, changed: Changed, source: str, now: dt.datetime) -> None:
    """Move each archived version to ``superseded_findings`` and store this file's values
    (a blank stratum keeps the archived one)."""
    if not changed:
        return
    old = schema.superseded_findings
    history = [
        {c.name: archived[c.name] for c in old.columns if c.name in archived and c.name != "id"}
        | {"replaced_at": now, "replaced_by": source}
        for archived, _ in changed
    ]
    conn.execute(sa.insert(old), history)
    table = schema.findings
    for archived, mine in changed:
        values = {c: mine[c] for c in (*VALUE_COLUMNS, "source_file", "source_row")}
        values["stratum"] = mine["stratum"] or archived["stratum"]
        values["imported_at"] = now
        conn.execute(sa.update(table).where(table.c.id == archived["id"]).values(**values))


def _differences(changed: Changed, source: str) -> list[Problem]:
    """Warnings for findings archived earlier with values other than this file's."""
    problems = Problems()
    for archived, mine in changed:
        differ = [c for c in VALUE_COLUMNS if archived[c] != mine[c]]
        c = differ[0]
        row = archived["source_row"]
        where = (
            Message("problems.archive.file_row", file=archived["source_file"], row=row)
            if row is not None
            else archived["source_file"]
        )
        more = (
            Message("problems.archive.more_columns", more=len(differ) - 1)
            if len(differ) > 1
            else ""
        )
        key = tuple(archived[k] for k in FINDINGS_KEY)
        problems.warning(
            source,
            Message(
                "problems.archive.already_archived",
                what=describe_key(*key),
                column=c,
                archived=_shown(archived[c]),
                where=where,
                mine=_shown(mine[c]),
                more=more,
            ),
            mine["source_row"],
            c,
        )
    return problems.items


def read_findings(
    engine: sa.Engine,
    campaign: str | None = None,
    years: int | Iterable[int] | None = None,
    as_of: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Archived findings (see :meth:`Archive.findings`)."""
    with engine.connect() as conn:
        out = _typed(_select(conn, schema.findings, campaign, years, FINDINGS_COLUMNS))
        if as_of is None:
            return out
        out = out[out["imported_at"] <= as_of]
        old = _select(conn, schema.superseded_findings, campaign, years, _SUPERSEDED_COLUMNS)
    old = _typed(old)
    old = old[(old["imported_at"] <= as_of) & (old["replaced_at"] > as_of)]
    both = pd.concat([out, old[list(FINDINGS_COLUMNS)]], ignore_index=True)
    return both.sort_values(["inspection_date", "firm_id", "campaign"], kind="stable").reset_index(
        drop=True
    )


_SUPERSEDED_COLUMNS = (*FINDINGS_COLUMNS, "replaced_at")


def _select(
    conn: Connection,
    table: sa.Table,
    campaign: str | None,
    years: int | Iterable[int] | None,
    columns: tuple[str, ...],
) -> pd.DataFrame:
    """Rows of ``table`` (findings or their superseded versions) of a campaign and years."""
    query = sa.select(*(table.c[c] for c in columns))
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
    return R.to_frame(conn.execute(query).all(), columns)


def _typed(out: pd.DataFrame) -> pd.DataFrame:
    """The loader's dtypes for rows read from the archive."""
    for name in ("inspection_date", "rectification_due"):
        out[name] = R.as_datetime(out[name])
    for name in ("workers_affected", "source_row"):
        out[name] = out[name].astype("Int64")
    for name in ("back_wages_yuan", "fine_yuan"):
        out[name] = out[name].astype("float64")
    for name in ("imported_at", "replaced_at"):
        if name in out:
            out[name] = R.as_utc(out[name])
    for name in ("firm_id", "campaign", "team", "result", "violation_codes", "notes"):
        out[name] = out[name].astype(object)
    out["stratum"] = out["stratum"].astype(object).where(out["stratum"].notna(), None)
    out["source_file"] = out["source_file"].astype(object)
    return out
