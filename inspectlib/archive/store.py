"""The archive: open it, then record and read findings and plans (:class:`Archive`)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from inspectlib.errors import Detail, Message

from . import findings as _findings
from . import official as _official
from . import plans as _plans
from .engine import create_archive_engine, parse_store
from .findings import RecordResult
from .schema import ArchiveError, current_version, migrate

log = logging.getLogger(__name__)

DEFAULT_STORE = "sqlite:///outputs/archive.sqlite"
"""The default ``store``: an SQLite file under ``outputs/`` of the working directory."""


def default_store(base_dir: str | Path) -> str:
    """The default store of a project folder: ``sqlite:///<base_dir>/outputs/archive.sqlite``.

    Examples
    --------
    >>> default_store("/srv/inspections")
    'sqlite:////srv/inspections/outputs/archive.sqlite'
    """
    return f"sqlite:///{(Path(base_dir).resolve() / 'outputs' / 'archive.sqlite').as_posix()}"


class Archive:
    """An open archive of plans, draws, assignments and findings.

    Use :func:`open_archive` to get one (it creates or upgrades the schema). Several
    processes may use one archive at once, each with its own :class:`Archive`; one instance
    is not meant to be shared between threads. Close it (or use ``with``) to release its
    connections.

    Examples
    --------
    >>> with open_archive("sqlite:///outputs/archive.sqlite") as archive:  # doctest: +SKIP
    ...     result = archive.record_findings(frame, "2026-wage-team3.xlsx")
    ...     past = archive.findings(campaign="wage", years=[2024, 2025])
    """

    def __init__(self, engine: sa.Engine):
        self.engine = engine

    @property
    def url(self) -> str:
        """The store URL, password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def schema_version(self) -> int:
        """Schema version of the database."""
        with self.engine.connect() as conn:
            return current_version(conn)

    def close(self) -> None:
        """Release the archive's database connections."""
        self.engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Archive({self.url!r})"

    def record_findings(
        self, frame: pd.DataFrame, source: str | Path | None = None, *, replace: bool = False
    ) -> RecordResult:
        """Archive the findings of one file, all or nothing.

        Parameters
        ----------
        frame : DataFrame
            Canonical findings, as from :func:`inspectlib.inputs.load_findings` (one file).
            ``stratum`` and ``source_row`` are kept when present.
        source : str or Path, optional
            The file the findings came from (stored with each finding and used in
            messages); default: the frame's ``source_file`` column.
        replace : bool
            Corrections: findings archived earlier with other values take this file's
            values; the earlier version is kept in ``superseded_findings`` (see
            :meth:`findings` with ``as_of``). Default: keep the archived values and warn.

        Returns
        -------
        RecordResult
            How many findings were added and how many were archived already. Importing the
            same rows again adds nothing. Concurrent importers of overlapping rows each count
            only the rows they stored, and every row is stored exactly once. Findings whose
            key was archived earlier with other values keep the archived values and get a
            warning, unless ``replace``.

        Raises
        ------
        InputError
            When a row cannot be archived, or one natural key appears twice in the frame with
            different values (naming both rows). Nothing is written then.
        ArchiveError
            When the archive cannot be written (e.g. locked for too long).
        """
        return _findings.record_findings(self.engine, frame, source, replace=replace)

    def findings(
        self,
        campaign: str | None = None,
        years: int | Iterable[int] | None = None,
        *,
        as_of: dt.datetime | pd.Timestamp | None = None,
    ) -> pd.DataFrame:
        """Archived findings, optionally of one campaign and some years of inspection.

        Parameters
        ----------
        campaign : str, optional
            Campaign id (``wage``, ``illegal_employment``, ``heat``, ``service_sector``).
        years : int or iterable of int, optional
            Calendar years of the inspection date.
        as_of : datetime, optional
            The findings as they stood at this moment (UTC when naive): only those imported
            by then, and for findings corrected since, the version valid then.

        Returns
        -------
        DataFrame
            :data:`~inspectlib.archive.FINDINGS_COLUMNS`: the canonical findings columns with
            the loader's dtypes (dates ``datetime64[ns]``, ``workers_affected`` ``Int64``),
            then ``stratum`` (None when unknown), ``source_file``, ``source_row``,
            ``imported_at`` (UTC); sorted by inspection date, firm and campaign.
        """
        found = _findings.read_findings(self.engine, campaign, years, _utc(as_of))
        return _official.resolve_strata(found, self.draw_strata(as_of))

    def record_plan(
        self,
        campaign: str,
        year: int,
        params: dict[str, Any],
        audit: dict[str, Any],
        selected: pd.DataFrame,
        schedule: pd.DataFrame | None,
        output_dir: str | Path,
        *,
        audit_path: str | Path | None = None,
    ) -> int:
        """Archive one published plan run: its params, its draw and its schedule.

        Parameters
        ----------
        campaign : str
            Campaign id.
        year : int
            Campaign year.
        params : dict
            The validated params (JSON-ready, e.g. ``params.model_dump(mode="json")``;
            other values are stored as text).
        audit : dict
            The audit record (:func:`inspectlib.audit.build_audit`); its canonical-JSON
            sha256 (:func:`~inspectlib.archive.audit_sha256`) identifies the plan.
        selected : DataFrame
            The draw: ``firm_id``, ``draw_order``, ``stratum``, ``risk_score`` (other
            columns are ignored).
        schedule : DataFrame or None
            Visits: ``firm_id``, ``team``, ``date``, ``visit_order``, ``members`` (text, or
            a list of names).
        output_dir : str or Path
            The run's output folder.
        audit_path : str or Path, optional
            Where the audit file is (default ``<output_dir>/audit.json``).

        Returns
        -------
        int
            The plan id. A plan whose audit was recorded before is not stored again: the
            earlier plan's id is returned.

        Raises
        ------
        ArchiveError
            When ``selected`` or ``schedule`` lacks a column.
        """
        return _plans.record_plan(
            self.engine,
            campaign,
            year,
            params,
            audit,
            selected,
            schedule,
            output_dir,
            audit_path,
        )

    def plans(self, campaign: str | None = None, year: int | None = None) -> pd.DataFrame:
        """Recorded plans, oldest first.

        Returns
        -------
        DataFrame
            ``id``, ``campaign``, ``year``, ``created_at`` (UTC), ``params`` (dict),
            ``audit_sha256``, ``audit_path``, ``output_dir``.
        """
        return _plans.read_plans(self.engine, campaign, year)

    def draw(self, plan_id: int) -> pd.DataFrame:
        """The draw of a plan: ``firm_id``, ``draw_order``, ``stratum``, ``risk_score``, in
        draw order.

        Raises
        ------
        ArchiveError
            When there is no such plan.
        """
        return _plans.read_draw(self.engine, plan_id)

    def draw_strata(self, as_of: dt.datetime | pd.Timestamp | None = None) -> pd.DataFrame:
        """How each firm was drawn (``random`` or ``risk``) in the official draw of every
        campaign and year, counting only adoptions made at or before ``as_of`` (UTC), with
        each draw's window and day (see :func:`~inspectlib.archive.official.resolve_strata`).

        Inspectors' findings sheets do not say how a firm was drawn; this is what tells the
        learned risk model which past inspections were a random sample.

        Returns
        -------
        DataFrame
            ``campaign``, ``firm_id``, ``stratum``, ``window_start``, ``window_end``,
            ``drawn_on``.
        """
        return _official.official_strata(self.engine, _utc(as_of))

    def adopt(
        self,
        plan_id: int,
        *,
        adopted_by: str,
        audit_file_sha256: str,
        run_folder: str,
        reason: str | None = None,
    ) -> _official.Adoption:
        """Make a recorded plan the official draw of its campaign and year.

        Adopting the official plan again changes nothing. When the campaign and year have
        an official draw already, a ``reason`` is required; both adoptions are kept and the
        later one is official.

        Raises
        ------
        AdoptionRefused
            Another draw is official and no reason was given (nothing is written).
        """
        return _official.adopt_plan(
            self.engine,
            plan_id,
            adopted_by=adopted_by,
            audit_file_sha256=audit_file_sha256,
            run_folder=run_folder,
            reason=reason,
        )

    def adoptions(self, campaign: str | None = None, year: int | None = None) -> pd.DataFrame:
        """Adoptions, oldest first: ``id``, ``plan_id``, ``campaign``, ``year``,
        ``adopted_at`` (UTC), ``adopted_by``, ``audit_file_sha256``, ``run_folder``,
        ``reason``. The last one of a campaign and year is its official draw."""
        return _official.read_adoptions(self.engine, campaign, year)

    def assignments(self, plan_id: int) -> pd.DataFrame:
        """The schedule of a plan: ``firm_id``, ``team``, ``date``, ``visit_order``,
        ``members``, by date, team and visit order (empty if none was recorded).

        Raises
        ------
        ArchiveError
            When there is no such plan.
        """
        return _plans.read_assignments(self.engine, plan_id)


def _utc(moment: dt.datetime | pd.Timestamp | None) -> pd.Timestamp | None:
    """A moment as a UTC timestamp (naive moments are taken as UTC)."""
    if moment is None:
        return None
    stamp = pd.Timestamp(moment)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def open_archive(store: str | URL = DEFAULT_STORE) -> Archive:
    """Open the archive at ``store``, creating or upgrading its tables first.

    Parameters
    ----------
    store : str or URL
        SQLAlchemy URL: ``sqlite:///path/archive.sqlite`` (the folder is created) or
        ``postgresql://user@host/dbname`` (psycopg 3). Default :data:`DEFAULT_STORE`.

    Returns
    -------
    Archive

    Raises
    ------
    ArchiveError
        For an unsupported or malformed URL, or an archive written by a newer inspectlib.

    Examples
    --------
    >>> from inspectlib.archive import SCHEMA_VERSION
    >>> archive = open_archive("sqlite:///:memory:")
    >>> archive.schema_version == SCHEMA_VERSION
    True
    >>> archive.close()
    """
    url = parse_store(store)
    engine = create_archive_engine(url)
    try:
        migrate(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise ArchiveError(
            Message(
                "cli.archive.cannot_open",
                url=url.render_as_string(hide_password=True),
                detail=Detail(str(exc.orig).strip()),
            )
        ) from None

    except BaseException:
        engine.dispose()
        raise
    return Archive(engine)
