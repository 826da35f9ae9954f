"""Plans in the archive: one row per published plan run, with its draw and its schedule.

A plan is identified by the sha256 of its audit record (:func:`audit_sha256`): recording the
same plan again (a re-run that drew the same firms from the same inputs) stores nothing and
returns the earlier plan's id. The plan, its draw and its assignments go in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from inspectlib.errors import Message

from . import rows as R
from .engine import write_transaction
from .schema import ArchiveError, assignments, draws, plans

log = logging.getLogger(__name__)

DRAW_COLUMNS: tuple[str, ...] = ("firm_id", "draw_order", "stratum", "risk_score")
SCHEDULE_COLUMNS: tuple[str, ...] = ("firm_id", "team", "date", "visit_order", "members")


def audit_sha256(audit: dict[str, Any]) -> str:
    """sha256 of an audit record as canonical JSON (sorted keys, no spaces, UTF-8).

    The same audit gives the same digest however its file was indented or its keys ordered.

    Examples
    --------
    >>> audit_sha256({"b": 1, "a": "甲"}) == audit_sha256({"a": "甲", "b": 1})
    True
    """
    text = json.dumps(audit, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ArchiveError(Message("errors.archive.lacks_columns", what=what, columns=missing))


def _members(values: pd.Series) -> pd.Series:
    joined = [
        ", ".join(map(str, m)) if isinstance(m, list | tuple | np.ndarray) else m for m in values
    ]
    return pd.Series(joined, dtype=object)


def record_plan(
    engine: sa.Engine,
    campaign: str,
    year: int,
    params: dict[str, Any],
    audit: dict[str, Any],
    selected: pd.DataFrame,
    schedule: pd.DataFrame | None,
    output_dir: str | Path,
    audit_path: str | Path | None = None,
) -> int:
    """Archive one plan run (see :meth:`Archive.record_plan`)."""
    _require(selected, DRAW_COLUMNS, "selected firms frame")
    if schedule is not None:
        _require(schedule, SCHEDULE_COLUMNS, "schedule")
    digest = audit_sha256(audit)
    plan = {
        "campaign": str(campaign),
        "year": int(year),
        "params": json.loads(json.dumps(params, default=str)),
        "audit_sha256": digest,
        "audit_path": str(audit_path or Path(output_dir) / "audit.json"),
        "output_dir": str(output_dir),
        "window_start": _day(audit.get("window", [None, None])[0]),
        "window_end": _day(audit.get("window", [None, None])[1]),
    }
    draw_rows = [
        dict(zip(DRAW_COLUMNS, values, strict=True))
        for values in zip(
            R.texts(selected["firm_id"]),
            R.numbers(selected["draw_order"], int),
            R.texts(selected["stratum"]),
            R.numbers(selected["risk_score"], float),
            strict=True,
        )
    ]
    visit_rows = []
    if schedule is not None:
        visit_rows = [
            dict(zip(SCHEDULE_COLUMNS, values, strict=True))
            for values in zip(
                R.texts(schedule["firm_id"]),
                R.texts(schedule["team"]),
                R.dates(schedule["date"]),
                R.numbers(schedule["visit_order"], int),
                R.texts(_members(schedule["members"])),
                strict=True,
            )
        ]

    def work(conn: Connection) -> tuple[int, bool]:
        stmt = (
            R.insert_for(conn, plans)
            .values(**plan | {"created_at": dt.datetime.now(dt.UTC)})  # under the write lock
            .on_conflict_do_nothing(index_elements=["audit_sha256"])
            .returning(plans.c.id)
        )
        plan_id = conn.execute(stmt).scalar()
        if plan_id is None:  # recorded before (maybe by a concurrent run a moment ago)
            earlier = sa.select(plans.c.id).where(plans.c.audit_sha256 == digest)
            return conn.execute(earlier).scalar_one(), False
        if draw_rows:
            conn.execute(sa.insert(draws), [r | {"plan_id": plan_id} for r in draw_rows])
        if visit_rows:
            conn.execute(sa.insert(assignments), [r | {"plan_id": plan_id} for r in visit_rows])
        return plan_id, True

    plan_id, new = write_transaction(engine, work)
    if new:
        log.info("archive: plan %d (%s %d) recorded", plan_id, campaign, year)
    else:
        log.info("archive: plan %d has the same audit; not recorded again", plan_id)
    return plan_id


def of_campaign_year(table: sa.Table, campaign: str | None, year: int | None) -> sa.Select:
    """Rows of ``table`` (plans, adoptions) of a campaign and year (either may be None for
    all), oldest first."""
    query = sa.select(table).order_by(table.c.id)
    if campaign is not None:
        query = query.where(table.c.campaign == campaign)
    if year is not None:
        query = query.where(table.c.year == int(year))
    return query


def read_plans(
    engine: sa.Engine, campaign: str | None = None, year: int | None = None
) -> pd.DataFrame:
    """Recorded plans (see :meth:`Archive.plans`)."""
    columns = [c.name for c in plans.columns]
    query = of_campaign_year(plans, campaign, year)
    with engine.connect() as conn:
        out = R.to_frame(conn.execute(query).all(), columns)
    out["created_at"] = R.as_utc(out["created_at"])
    out["id"] = out["id"].astype("int64")
    out["year"] = out["year"].astype("int64")
    return out


def _plan_rows(engine: sa.Engine, plan_id: int, query: sa.Select, columns: tuple[str, ...]):
    with engine.connect() as conn:
        if conn.execute(sa.select(plans.c.id).where(plans.c.id == plan_id)).first() is None:
            url = engine.url.render_as_string(hide_password=True)
            raise ArchiveError(Message("cli.archive.no_plan_in", plan=plan_id, url=url))

        return R.to_frame(conn.execute(query).all(), columns)


def read_draw(engine: sa.Engine, plan_id: int) -> pd.DataFrame:
    """The draw of a plan (see :meth:`Archive.draw`)."""
    query = (
        sa.select(*(draws.c[c] for c in DRAW_COLUMNS))
        .where(draws.c.plan_id == plan_id)
        .order_by(draws.c.draw_order)
    )
    out = _plan_rows(engine, plan_id, query, DRAW_COLUMNS)
    out["draw_order"] = out["draw_order"].astype("int64")
    out["risk_score"] = out["risk_score"].astype("float64")
    return out


def read_assignments(engine: sa.Engine, plan_id: int) -> pd.DataFrame:
    """The schedule of a plan (see :meth:`Archive.assignments`)."""
    query = (
        sa.select(*(assignments.c[c] for c in SCHEDULE_COLUMNS))
        .where(assignments.c.plan_id == plan_id)
        .order_by(assignments.c.date, assignments.c.team, assignments.c.visit_order)
    )
    out = _plan_rows(engine, plan_id, query, SCHEDULE_COLUMNS)
    out["date"] = R.as_datetime(out["date"])
    out["visit_order"] = out["visit_order"].astype("Int64")
    return out
