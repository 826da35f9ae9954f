"""Tables of the archive and the migrations that build and upgrade them.

The archive's schema is versioned. ``schema_version`` holds one row per migration step
applied (version, description, time). :data:`MIGRATIONS` is the ordered list of steps; each
step is a function of a :class:`~sqlalchemy.engine.Connection`. :func:`migrate` applies the
steps an archive lacks, all in **one** transaction, while holding the database's write lock
(SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: a transaction-scoped advisory lock), so that several
planners opening the same new or old archive at once upgrade it exactly once, and a failed
upgrade leaves it as it was.

:data:`METADATA` describes the *current* schema, for queries. A migration never creates tables
from :data:`METADATA` (that would jump straight to the newest schema); step 1 builds the
version-1 tables from its own frozen description, and later steps change them.

Adding a step
-------------
1. Change the tables in :data:`METADATA`.
2. Append ``Migration(n + 1, "what changed", _vN)`` to :data:`MIGRATIONS`; ``_vN`` makes the
   same change on an archive of version ``n`` with SQLAlchemy Core (portable DDL).
3. ``tests/test_archive.py`` checks that the migrated schema equals :data:`METADATA` and that an
   archive of each older version is upgraded in place, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateColumn

from inspectlib.errors import InspectlibError, Message
from inspectlib.schema import FINDINGS_KEY

log = logging.getLogger(__name__)


_ADVISORY_LOCK_KEY = 0x1D5EC7  # any constant shared by every inspectlib process


class ArchiveError(InspectlibError):
    """The archive cannot be opened, upgraded or written (not a problem of an input file)."""


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# ---------------------------------------------------------------------------------------------
# The current schema (version = len(MIGRATIONS)).
# ---------------------------------------------------------------------------------------------

METADATA = sa.MetaData()

schema_version = sa.Table(
    "schema_version",
    METADATA,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.String, nullable=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)

plans = sa.Table(
    "plans",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("campaign", sa.String, nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("params", sa.JSON, nullable=False),
    sa.Column("audit_sha256", sa.String(64), nullable=False),
    sa.Column("audit_path", sa.String, nullable=True),
    sa.Column("output_dir", sa.String, nullable=False),
    # version 4: the draw's window (a draw labels only findings inside it)
    sa.Column("window_start", sa.Date, nullable=True),
    sa.Column("window_end", sa.Date, nullable=True),
    sa.UniqueConstraint("audit_sha256", name="uq_plans_audit_sha256"),
    sa.Index("ix_plans_campaign_year", "campaign", "year"),
)

draws = sa.Table(
    "draws",
    METADATA,
    sa.Column(
        "plan_id", sa.Integer, sa.ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("draw_order", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("firm_id", sa.String, nullable=False),
    sa.Column("stratum", sa.String, nullable=False),
    sa.Column("risk_score", sa.Float, nullable=True),
    sa.UniqueConstraint("plan_id", "firm_id", name="uq_draws_plan_firm"),
)

assignments = sa.Table(
    "assignments",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
    sa.Column("firm_id", sa.String, nullable=False),
    sa.Column("team", sa.String, nullable=False),
    sa.Column("date", sa.Date, nullable=True),
    sa.Column("visit_order", sa.Integer, nullable=True),
    sa.Column("members", sa.String, nullable=False),
    sa.Index("ix_assignments_plan", "plan_id"),
)

findings = sa.Table(
    "findings",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("firm_id", sa.String, nullable=False),
    sa.Column("campaign", sa.String, nullable=False),
    sa.Column("inspection_date", sa.Date, nullable=False),
    sa.Column("team", sa.String, nullable=False),
    sa.Column("result", sa.String, nullable=False),
    sa.Column("violation_codes", sa.String, nullable=False),
    sa.Column("workers_affected", sa.Integer, nullable=True),
    sa.Column("back_wages_yuan", sa.Float, nullable=True),
    sa.Column("fine_yuan", sa.Float, nullable=True),
    sa.Column("rectification_due", sa.Date, nullable=True),
    sa.Column("notes", sa.Text, nullable=False),
    sa.Column("stratum", sa.String, nullable=True),
    sa.Column("source_file", sa.String, nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    # version 2:
    sa.Column("source_row", sa.Integer, nullable=True),
    sa.UniqueConstraint(*FINDINGS_KEY, name="uq_findings_key"),
    sa.CheckConstraint(
        "result IN ('compliant', 'violation', 'closed', 'not_found', 'refused')",
        name="ck_findings_result",
    ),
    sa.CheckConstraint(
        "workers_affected IS NULL OR workers_affected >= 0", name="ck_findings_workers"
    ),
    sa.CheckConstraint(
        "(back_wages_yuan IS NULL OR back_wages_yuan >= 0) "
        "AND (fine_yuan IS NULL OR fine_yuan >= 0)",
        name="ck_findings_amounts",
    ),
    # version 2:
    sa.Index("ix_findings_campaign_date", "campaign", "inspection_date"),
)


def _superseded_columns_v3() -> list[sa.Column]:
    """Columns of ``superseded_findings`` as version 3 made them (frozen: a later change
    gets its own migration step and a new definition in METADATA, never an edit here)."""
    return [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("firm_id", sa.String, nullable=False),
        sa.Column("campaign", sa.String, nullable=False),
        sa.Column("inspection_date", sa.Date, nullable=False),
        sa.Column("team", sa.String, nullable=False),
        sa.Column("result", sa.String, nullable=False),
        sa.Column("violation_codes", sa.String, nullable=False),
        sa.Column("workers_affected", sa.Integer, nullable=True),
        sa.Column("back_wages_yuan", sa.Float, nullable=True),
        sa.Column("fine_yuan", sa.Float, nullable=True),
        sa.Column("rectification_due", sa.Date, nullable=True),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("stratum", sa.String, nullable=True),
        sa.Column("source_file", sa.String, nullable=False),
        sa.Column("source_row", sa.Integer, nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_by", sa.String, nullable=False),
    ]


superseded_findings = sa.Table(
    "superseded_findings",
    METADATA,
    *_superseded_columns_v3(),
    sa.Index("ix_superseded_findings_key", *FINDINGS_KEY),
)
"""Earlier versions of corrected findings (``inspectlib record --replace``): each was valid
from its ``imported_at`` until ``replaced_at``, so a draw can be redone as it was."""


def _adoption_columns_v4() -> list[sa.Column]:
    """Columns of ``adoptions`` as version 4 made them (frozen)."""
    return [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=False),
        sa.Column("campaign", sa.String, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("adopted_by", sa.String, nullable=False),
        sa.Column("audit_file_sha256", sa.String(64), nullable=False),
        sa.Column("run_folder", sa.String, nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
    ]


adoptions = sa.Table(
    "adoptions",
    METADATA,
    *_adoption_columns_v4(),
    sa.Index("ix_adoptions_campaign_year", "campaign", "year"),
)
"""Official draws (``inspectlib adopt``): the latest adoption of a campaign and year is its
draw of record; earlier ones stay, each later one with the reason it replaced them."""


# ---------------------------------------------------------------------------------------------
# Migration steps.
# ---------------------------------------------------------------------------------------------


def _v1(conn: Connection) -> None:
    """Version 1: plans, draws, assignments, findings.

    A frozen description of the first schema: never edit it, add a step instead.
    """
    v1 = sa.MetaData()
    sa.Table(
        "schema_version",
        v1,
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("description", sa.String, nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
    )
    sa.Table(
        "plans",
        v1,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("campaign", sa.String, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("audit_sha256", sa.String(64), nullable=False),
        sa.Column("audit_path", sa.String, nullable=True),
        sa.Column("output_dir", sa.String, nullable=False),
        sa.UniqueConstraint("audit_sha256", name="uq_plans_audit_sha256"),
        sa.Index("ix_plans_campaign_year", "campaign", "year"),
    )
    sa.Table(
        "draws",
        v1,
        sa.Column(
            "plan_id", sa.Integer, sa.ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("draw_order", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("firm_id", sa.String, nullable=False),
        sa.Column("stratum", sa.String, nullable=False),
        sa.Column("risk_score", sa.Float, nullable=True),
        sa.UniqueConstraint("plan_id", "firm_id", name="uq_draws_plan_firm"),
    )
    sa.Table(
        "assignments",
        v1,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "plan_id", sa.Integer, sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("firm_id", sa.String, nullable=False),
        sa.Column("team", sa.String, nullable=False),
        sa.Column("date", sa.Date, nullable=True),
        sa.Column("visit_order", sa.Integer, nullable=True),
        sa.Column("members", sa.String, nullable=False),
        sa.Index("ix_assignments_plan", "plan_id"),
    )
    sa.Table(
        "findings",
        v1,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("firm_id", sa.String, nullable=False),
        sa.Column("campaign", sa.String, nullable=False),
        sa.Column("inspection_date", sa.Date, nullable=False),
        sa.Column("team", sa.String, nullable=False),
        sa.Column("result", sa.String, nullable=False),
        sa.Column("violation_codes", sa.String, nullable=False),
        sa.Column("workers_affected", sa.Integer, nullable=True),
        sa.Column("back_wages_yuan", sa.Float, nullable=True),
        sa.Column("fine_yuan", sa.Float, nullable=True),
        sa.Column("rectification_due", sa.Date, nullable=True),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("stratum", sa.String, nullable=True),
        sa.Column("source_file", sa.String, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("firm_id", "campaign", "inspection_date", name="uq_findings_key"),
        sa.CheckConstraint(
            "result IN ('compliant', 'violation', 'closed', 'not_found', 'refused')",
            name="ck_findings_result",
        ),
        sa.CheckConstraint(
            "workers_affected IS NULL OR workers_affected >= 0", name="ck_findings_workers"
        ),
        sa.CheckConstraint(
            "(back_wages_yuan IS NULL OR back_wages_yuan >= 0) "
            "AND (fine_yuan IS NULL OR fine_yuan >= 0)",
            name="ck_findings_amounts",
        ),
    )
    v1.create_all(conn)


def _v2(conn: Connection) -> None:
    """Version 2: ``findings.source_row`` (trace a finding to its row in the inspector's
    file) and an index on ``findings(campaign, inspection_date)`` for the campaign reports
    and the risk model, which read one campaign's years at a time."""
    v2 = sa.MetaData()  # frozen: what version 2 adds, independent of later changes
    table = sa.Table(
        "findings",
        v2,
        sa.Column("campaign", sa.String),
        sa.Column("inspection_date", sa.Date),
        sa.Column("source_row", sa.Integer, nullable=True),
    )
    column = CreateColumn(table.c.source_row).compile(dialect=conn.dialect)
    conn.execute(sa.DDL(f"ALTER TABLE findings ADD COLUMN {column}"))
    sa.Index("ix_findings_campaign_date", table.c.campaign, table.c.inspection_date).create(conn)


def _v3(conn: Connection) -> None:
    """Version 3: ``superseded_findings``, the earlier versions of corrected findings."""
    v3 = sa.MetaData()
    sa.Table(
        "superseded_findings",
        v3,
        *_superseded_columns_v3(),
        sa.Index("ix_superseded_findings_key", *FINDINGS_KEY),
    )
    v3.create_all(conn)


def _v4(conn: Connection) -> None:
    """Version 4: ``adoptions`` (official draws) and the window of each plan."""
    v4 = sa.MetaData()
    table = sa.Table(
        "plans",
        v4,
        sa.Column("window_start", sa.Date, nullable=True),
        sa.Column("window_end", sa.Date, nullable=True),
    )
    for name in ("window_start", "window_end"):
        column = CreateColumn(table.c[name]).compile(dialect=conn.dialect)
        conn.execute(sa.DDL(f"ALTER TABLE plans ADD COLUMN {column}"))
    sa.Table("plans", v4, sa.Column("id", sa.Integer, primary_key=True), extend_existing=True)
    sa.Table(
        "adoptions",
        v4,
        *_adoption_columns_v4(),
        sa.Index("ix_adoptions_campaign_year", "campaign", "year"),
    )
    v4.tables["adoptions"].create(conn)


@dataclass(frozen=True)
class Migration:
    """One step of the archive's schema history.

    Attributes
    ----------
    version : int
        Schema version after this step (1, 2, …, without gaps).
    description : str
        What the step changes, stored in ``schema_version``.
    apply : callable
        ``apply(connection)``: makes the change inside the caller's transaction.
    """

    version: int
    description: str
    apply: Callable[[Connection], None]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "plans, draws, assignments and findings", _v1),
    Migration(2, "findings.source_row; index findings(campaign, inspection_date)", _v2),
    Migration(3, "superseded_findings: earlier versions of corrected findings", _v3),
    Migration(4, "adoptions: official draws; plans.window_start/window_end", _v4),
)

SCHEMA_VERSION: int = MIGRATIONS[-1].version
"""Schema version this inspectlib writes and reads."""


def current_version(conn: Connection) -> int:
    """Schema version of the archive behind ``conn`` (0 for an empty database)."""
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0


def _lock_for_migration(conn: Connection) -> None:
    """Serialise migrations of one database across processes (inside the transaction)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_ADVISORY_LOCK_KEY)))
    # SQLite: the transaction began with BEGIN IMMEDIATE, which already holds the write lock.


def migrate(engine: sa.Engine, target: int | None = None) -> tuple[int, int]:
    """Bring the archive's schema up to ``target`` (default: :data:`SCHEMA_VERSION`).

    Every missing step runs in one transaction together with its ``schema_version`` row: an
    archive is either fully upgraded or left as it was.

    Parameters
    ----------
    engine : Engine
        Engine of the archive. For SQLite it must begin write transactions with
        ``BEGIN IMMEDIATE`` when given the execution option ``archive_write=True`` (the
        engines of :func:`inspectlib.archive.open_archive` do).
    target : int, optional
        Stop at this version (tests build old archives this way).

    Returns
    -------
    (int, int)
        Version before and after.

    Raises
    ------
    ArchiveError
        When the archive is newer than this inspectlib knows.
    """
    target = SCHEMA_VERSION if target is None else target
    with engine.connect() as conn:  # quick check without taking the write lock
        before = current_version(conn)
    _refuse_newer(before, engine)
    if before >= target:
        return before, before
    with engine.execution_options(archive_write=True).begin() as conn:
        _lock_for_migration(conn)
        before = current_version(conn)  # another process may have upgraded meanwhile
        _refuse_newer(before, engine)
        for step in MIGRATIONS:
            if before < step.version <= target:
                log.info(
                    "archive: migrating to schema version %d: %s", step.version, step.description
                )
                step.apply(conn)
                conn.execute(
                    sa.insert(schema_version).values(
                        version=step.version, description=step.description, applied_at=_utcnow()
                    )
                )
        after = current_version(conn)
    if after != before:
        log.info("archive %s upgraded from schema version %d to %d", _safe(engine), before, after)
    return before, after


def _refuse_newer(version: int, engine: sa.Engine) -> None:
    if version > SCHEMA_VERSION:
        raise ArchiveError(
            Message("cli.archive.newer", url=_safe(engine), version=version, known=SCHEMA_VERSION)
        )


def _safe(engine: sa.Engine) -> str:
    return engine.url.render_as_string(hide_password=True)
