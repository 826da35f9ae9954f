"""Official draws and the strata they give to findings.

``inspectlib plan`` records every run as a draft. ``inspectlib adopt`` makes one the draw of
record of its campaign and year (:func:`adopt_plan`); a second adoption for the same campaign
and year needs a reason, and both stay in ``adoptions`` (the latest is official).

Only the official draw tells how a firm was drawn, and only for inspections that can have
followed from it (:func:`resolve_strata`): findings of its firms dated inside its window and
on or after the day it was made. A finding whose file gives a stratum keeps it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from inspectlib.errors import Message

from . import rows as R
from .engine import write_transaction
from .plans import of_campaign_year
from .schema import ArchiveError, adoptions, draws, plans

log = logging.getLogger(__name__)

ADOPTION_COLUMNS: tuple[str, ...] = (
    "id",
    "plan_id",
    "campaign",
    "year",
    "adopted_at",
    "adopted_by",
    "audit_file_sha256",
    "run_folder",
    "reason",
)
STRATA_COLUMNS: tuple[str, ...] = (
    "campaign",
    "firm_id",
    "stratum",
    "window_start",
    "window_end",
    "drawn_on",
)


class AdoptionRefused(ArchiveError):
    """The campaign and year have an official draw already and no reason was given."""


@dataclass(frozen=True)
class Adoption:
    """One adoption: which plan became official, when, by whom, and why (when it replaced
    an earlier official draw)."""

    id: int
    plan_id: int
    campaign: str
    year: int
    adopted_at: dt.datetime
    adopted_by: str
    audit_file_sha256: str
    run_folder: str
    reason: str | None
    new: bool = True


def _latest(conn: Connection, campaign: str, year: int) -> sa.Row | None:
    query = (
        sa.select(adoptions)
        .where(adoptions.c.campaign == campaign, adoptions.c.year == int(year))
        .order_by(adoptions.c.id.desc())
        .limit(1)
    )
    return conn.execute(query).first()


def _adoption(row: sa.Row, new: bool) -> Adoption:
    values = {c: row._mapping[c] for c in ADOPTION_COLUMNS}
    return Adoption(**values, new=new)


def adopt_plan(
    engine: sa.Engine,
    plan_id: int,
    *,
    adopted_by: str,
    audit_file_sha256: str,
    run_folder: str,
    reason: str | None = None,
) -> Adoption:
    """Make plan ``plan_id`` the official draw of its campaign and year (see
    :meth:`Archive.adopt`)."""

    def work(conn: Connection) -> Adoption:
        plan = conn.execute(sa.select(plans).where(plans.c.id == int(plan_id))).first()
        if plan is None:
            raise ArchiveError(Message("cli.archive.no_plan", plan=plan_id))

        current = _latest(conn, plan.campaign, plan.year)
        if current is not None and current.plan_id == plan.id:
            return _adoption(current, new=False)
        if current is not None and not (reason and reason.strip()):
            raise AdoptionRefused(
                Message(
                    "cli.adopt.refused",
                    year=plan.year,
                    campaign=plan.campaign,
                    run=current.run_folder,
                    at=f"{current.adopted_at:%Y-%m-%d %H:%M}",
                    by=current.adopted_by,
                )
            )

        row = {
            "plan_id": plan.id,
            "campaign": plan.campaign,
            "year": plan.year,
            "adopted_at": dt.datetime.now(dt.UTC),  # under the write lock
            "adopted_by": adopted_by,
            "audit_file_sha256": audit_file_sha256,
            "run_folder": run_folder,
            "reason": reason.strip() if reason else None,
        }
        new_id = conn.execute(sa.insert(adoptions).values(**row).returning(adoptions.c.id))
        return Adoption(id=int(new_id.scalar_one()), **row)

    adoption = write_transaction(engine, work)
    if adoption.new:
        log.info(
            "archive: plan %d is the official %s %d draw", plan_id, adoption.campaign, adoption.year
        )
    return adoption


def read_adoptions(
    engine: sa.Engine, campaign: str | None = None, year: int | None = None
) -> pd.DataFrame:
    """Adoptions, oldest first (see :meth:`Archive.adoptions`)."""
    query = of_campaign_year(adoptions, campaign, year)
    with engine.connect() as conn:
        out = R.to_frame(conn.execute(query).all(), ADOPTION_COLUMNS)
    out["adopted_at"] = R.as_utc(out["adopted_at"])
    for name in ("id", "plan_id", "year"):
        out[name] = out[name].astype("int64")
    out["reason"] = out["reason"].astype(object).where(out["reason"].notna(), None)
    return out


def official_strata(engine: sa.Engine, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """How each firm was drawn in the official draw of every campaign and year, as adopted
    by ``as_of`` (default: now), with the window and the day of each draw
    (:data:`STRATA_COLUMNS`; see :func:`resolve_strata`)."""
    adopted = read_adoptions(engine)
    if as_of is not None:
        adopted = adopted[adopted["adopted_at"] <= as_of]
    official = adopted.groupby(["campaign", "year"])["plan_id"].last()
    if official.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in STRATA_COLUMNS})
    ids = [int(i) for i in official]
    query = (
        sa.select(
            plans.c.campaign,
            plans.c.year,
            plans.c.created_at,
            plans.c.window_start,
            plans.c.window_end,
            draws.c.firm_id,
            draws.c.stratum,
        )
        .join(draws, draws.c.plan_id == plans.c.id)
        .where(plans.c.id.in_(ids))
    )
    columns = ("campaign", "year", "created_at", "window_start", "window_end", "firm_id", "stratum")
    with engine.connect() as conn:
        found = R.to_frame(conn.execute(query).all(), columns)
    year = found["year"].astype("int64")
    start = R.as_datetime(found["window_start"])
    end = R.as_datetime(found["window_end"])
    found["window_start"] = start.fillna(pd.to_datetime(year.astype(str) + "-01-01"))
    found["window_end"] = end.fillna(pd.to_datetime(year.astype(str) + "-12-31"))
    found["drawn_on"] = R.as_utc(found["created_at"]).dt.tz_localize(None).dt.normalize()
    out = found[list(STRATA_COLUMNS)]
    return out.sort_values(["campaign", "firm_id", "window_start"], kind="stable").reset_index(
        drop=True
    )


def resolve_strata(findings: pd.DataFrame, strata: pd.DataFrame) -> pd.DataFrame:
    """Each finding's stratum as the learned model and the reports see it.

    A stratum the findings file gave is kept. Otherwise a finding takes the stratum of the
    official draw (``strata``, from :func:`official_strata`) that drew its firm for its
    campaign, if and only if it is dated inside that draw's window and on or after the day
    the draw was made; every other finding's stratum is unknown (None). A draw never
    relabels inspections that happened before it existed.

    Examples
    --------
    >>> found = pd.DataFrame({"firm_id": ["A", "A"], "campaign": ["heat", "heat"],
    ...     "inspection_date": pd.to_datetime(["2027-03-01", "2027-08-20"]), "stratum": [None, None]})
    >>> drawn = pd.DataFrame({"campaign": ["heat"], "firm_id": ["A"], "stratum": ["risk"],
    ...     "window_start": pd.to_datetime(["2027-08-01"]), "window_end": pd.to_datetime(["2027-09-30"]),
    ...     "drawn_on": pd.to_datetime(["2027-07-25"])})
    >>> resolve_strata(found, drawn)["stratum"].tolist()
    [None, 'risk']
    """
    out = findings.copy()
    given = out["stratum"].where(out["stratum"].fillna("").astype(str).str.strip() != "")
    if out.empty or strata.empty:
        out["stratum"] = given.astype(object).where(given.notna(), None)
        return out
    keys = pd.DataFrame(
        {
            "row": np.arange(len(out)),
            "campaign": out["campaign"].to_numpy(),
            "firm_id": out["firm_id"].to_numpy(),
            "day": pd.to_datetime(out["inspection_date"]).dt.normalize().to_numpy(),
        }
    )
    pairs = keys.merge(strata, on=["campaign", "firm_id"], how="inner")
    inside = (
        (pairs["day"] >= pairs["window_start"])
        & (pairs["day"] <= pairs["window_end"])
        & (pairs["day"] >= pairs["drawn_on"])
    )
    drawn = pairs[inside].drop_duplicates("row", keep="last").set_index("row")["stratum"]
    from_draw = pd.Series(drawn.reindex(np.arange(len(out))).to_numpy(), index=out.index)
    stratum = given.where(given.notna(), from_draw)
    out["stratum"] = stratum.astype(object).where(stratum.notna(), None)
    return out
