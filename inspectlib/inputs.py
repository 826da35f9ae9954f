"""Load every input file of a campaign run: roster, findings, weather, early-warning points,
and the whole set for one params file (:func:`load_campaign_inputs`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from inspectlib.errors import InputError, Message, Problems, quoted_list
from inspectlib.geo import read_boundaries
from inspectlib.params import CampaignParams
from inspectlib.register import load_register, normalize_firm_ids, report_credit_codes
from inspectlib.schema import FINDINGS, FINDINGS_KEY, ROSTER, WARNING_POINTS, WEATHER
from inspectlib.tables import (
    Table,
    empty_column,
    read_table,
    report_duplicate_ids,
    report_rows,
)

log = logging.getLogger(__name__)


WEATHER_WARN_C = (-40.0, 50.0)
"""A daily maximum outside this range (but inside the accepted −60…60 °C) is a warning."""


def _require_filled(
    table: Table,
    columns: Sequence[str],
    path: str | Path,
    problems: Problems,
) -> None:
    """An empty required cell is an error; a cell already reported as unreadable or out of
    range is not also called empty."""
    frame, headers = table.frame, table.headers
    for name in columns:
        column = frame[name]
        empty = column.isna() if column.dtype != object else (column == "")
        if name in table.unreadable:
            empty &= ~table.unreadable[name]
        if name in headers and empty.any():
            report_rows(
                problems,
                path,
                frame.loc[empty, "source_row"],
                headers[name],
                Message("problems.empty", name=name),
            )


def known_agencies() -> tuple[str, ...]:
    """Every agency some campaign of the campaigns table draws inspectors from."""
    from inspectlib.campaigns import CAMPAIGNS

    return tuple(dict.fromkeys(a for c in CAMPAIGNS.values() for a in c.agencies))


def load_roster(path: str | Path, problems: Problems | None = None) -> pd.DataFrame:
    """Read the inspector roster (执法人员名单).

    Duplicate ``inspector_id``s, blank names or agencies and availability that ends before it
    starts are errors. An agency that no campaign of the campaigns table works with (after
    :func:`inspectlib.campaigns.canonical_agency`, e.g. ``黑客局``) is a warning, not an
    error: a params file may name it under ``agencies``; otherwise its inspectors are never
    drawn.
    """
    from inspectlib.campaigns import canonical_agency

    problems = problems if problems is not None else Problems()
    table = read_table(path, ROSTER, problems)
    roster, headers = table.frame, table.headers
    _require_filled(table, ("inspector_id", "name", "agency"), path, problems)
    report_duplicate_ids(roster, "inspector_id", path, headers.get("inspector_id"), problems)
    backwards = roster["available_to"] < roster["available_from"]
    if backwards.any():
        report_rows(
            problems,
            path,
            roster.loc[backwards, "source_row"],
            headers.get("available_to", "available_to"),
            Message("problems.inputs.available_backwards"),
        )
    known = known_agencies()
    unknown = (roster["agency"] != "") & ~roster["agency"].map(canonical_agency).isin(known)
    if unknown.any():
        report_rows(
            problems,
            path,
            roster.loc[unknown, "source_row"],
            headers.get("agency"),
            Message("problems.inputs.unknown_agency", agencies=quoted_list(known, 400)),
            severity="warning",
            shown=roster.loc[unknown, "agency"],
        )
    problems.raise_if_errors()
    return roster.sort_values("inspector_id", kind="stable").reset_index(drop=True)


def load_findings(paths: Sequence[str | Path], problems: Problems | None = None) -> pd.DataFrame:
    """Read one or more findings files (检查结果) into one frame.

    Each row is one inspection. Every check that decides whether a file can be archived runs
    here, so that ``inspectlib validate --kind findings`` and ``inspectlib record`` agree:
    missing firm ids, dates, results or campaigns, values outside their accepted range
    (:mod:`inspectlib.schema`), firm ids that are not credit codes (a wrong check character
    is a warning), and one inspection (firm + campaign + date) given twice with different
    values are errors.
    """
    from inspectlib.archive.checks import key_problems

    problems = problems if problems is not None else Problems()
    frames = []
    for path in paths:
        errors_before = len(problems.errors)
        table = read_table(path, FINDINGS, problems)
        found, headers = table.frame, table.headers
        _require_filled(table, ("firm_id", "campaign", "inspection_date", "result"), path, problems)
        found["firm_id"] = normalize_firm_ids(found["firm_id"])
        if "firm_id" in headers:
            report_credit_codes(found, path, headers["firm_id"], problems)
        if len(problems.errors) == errors_before:  # columns named as the file names them
            problems.extend(
                replace(p, column=headers.get(p.column, p.column)) if p.column else p
                for p in key_problems(found, path)
            )
        found["source_file"] = str(path)
        frames.append(found)
    problems.raise_if_errors()
    if not frames:
        return empty_findings()
    findings = pd.concat(frames, ignore_index=True)
    for name in ("back_wages_yuan", "fine_yuan"):
        findings[name] = findings[name].fillna(0.0)
    findings["workers_affected"] = findings["workers_affected"].fillna(0)
    return findings.sort_values(
        ["inspection_date", "firm_id", "campaign"], kind="stable"
    ).reset_index(drop=True)


def empty_findings() -> pd.DataFrame:
    """A findings frame with the canonical columns and no rows."""
    return pd.DataFrame({c.name: empty_column(c, pd.RangeIndex(0)) for c in FINDINGS})


def load_weather(path: str | Path, problems: Problems | None = None) -> pd.DataFrame:
    """Read a daily maximum temperature series (``date``, ``tmax_c``).

    A maximum outside −60…60 °C is an error (see :data:`inspectlib.schema.WEATHER`); one
    outside :data:`WEATHER_WARN_C` is a warning.
    """
    problems = problems if problems is not None else Problems()
    table = read_table(path, WEATHER, problems)
    weather, headers = table.frame, table.headers
    _require_filled(table, ("date", "tmax_c"), path, problems)
    dup = weather["date"].duplicated(keep=False) & weather["date"].notna()
    if dup.any():
        report_rows(
            problems,
            path,
            weather.loc[dup, "source_row"],
            headers.get("date"),
            Message("problems.inputs.date_twice"),
        )
    odd = ~weather["tmax_c"].between(*WEATHER_WARN_C) & weather["tmax_c"].notna()
    if odd.any():
        report_rows(
            problems,
            path,
            weather.loc[odd, "source_row"],
            headers.get("tmax_c"),
            Message("problems.inputs.tmax_unusual"),
            severity="warning",
            code="tmax_unusual",
        )
    problems.raise_if_errors()
    return weather.sort_values("date").reset_index(drop=True)


def load_warning_points(path: str | Path, problems: Problems | None = None) -> pd.DataFrame:
    """Read the labour-relations early-warning points (劳动关系预警点), WGS-84 lon/lat."""
    problems = problems if problems is not None else Problems()
    table = read_table(path, WARNING_POINTS, problems)
    _require_filled(table, ("name", "lon", "lat"), path, problems)
    problems.raise_if_errors()
    return table.frame


@dataclass(frozen=True)
class CampaignInputs:
    """Every input of one campaign run, loaded and checked.

    Attributes
    ----------
    register, roster, findings : DataFrame
        Canonical frames (see :mod:`inspectlib.schema`).
    boundaries : GeoDataFrame
        Town polygons in EPSG:4326.
    weather, warning_points : DataFrame or None
        Optional inputs.
    files : dict
        ``{"register": [path], "findings": [paths], ...}``: every file read, for the audit.
    problems : Problems
        Warnings found while loading (errors raise instead).
    """

    register: pd.DataFrame
    boundaries: gpd.GeoDataFrame
    roster: pd.DataFrame
    findings: pd.DataFrame
    weather: pd.DataFrame | None = None
    warning_points: pd.DataFrame | None = None
    files: dict[str, list[Path]] = field(default_factory=dict)
    problems: Problems = field(default_factory=Problems)
    archive: dict[str, Any] | None = None


def _read_archive(store: str, as_of: dt.datetime | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The archive's findings as of ``as_of`` (without provenance columns, strata resolved
    by the archive) and the official draws' strata, for the rows of files, in one visit."""
    from inspectlib.archive import open_archive

    with open_archive(store) as archive:
        found = archive.findings(as_of=as_of)
        strata = archive.draw_strata(as_of)
    return found.drop(columns=["imported_at", "source_row"], errors="ignore"), strata


def combine_findings(files: pd.DataFrame, archived: pd.DataFrame) -> pd.DataFrame:
    """Findings from files and from the archive, each inspection (firm + campaign + date)
    once; a row in a file wins over the same inspection in the archive, except that a file
    row with no stratum takes the archived row's."""
    if archived.empty:
        return files
    both = pd.concat([files, archived], ignore_index=True)
    known = both["stratum"].where(both["stratum"].fillna("").astype("str").str.strip() != "")
    both["stratum"] = known.groupby([both[k] for k in FINDINGS_KEY]).transform("first")
    both["stratum"] = both["stratum"].astype(object).where(both["stratum"].notna(), None)
    both = both.drop_duplicates(list(FINDINGS_KEY), keep="first")
    return both.sort_values(["inspection_date", "firm_id", "campaign"], kind="stable").reset_index(
        drop=True
    )


def _digest(findings: pd.DataFrame) -> str:
    """sha256 of the inspections' keys and results, independent of row order."""
    keys = findings[[*FINDINGS_KEY, "result"]].astype(str).agg("|".join, axis=1)
    return hashlib.sha256("\n".join(sorted(keys)).encode("utf-8")).hexdigest()


def load_campaign_inputs(
    params: CampaignParams, archive_as_of: dt.datetime | str | None = None
) -> CampaignInputs:
    """Load and check every input file named by ``params``.

    All files are read before raising, so one run reports the errors of every file at once.
    When ``params.store`` names an archive, its findings join those of the files (this is
    how each year's findings make next year's targeting better); ``archive_as_of`` limits
    them to what had been imported by then (default: now, recorded in ``archive``).

    Raises
    ------
    InputError
        With every error of every file.
    """
    problems = Problems()
    errors: list = []

    def attempt(loader, *args, **kwargs):
        try:
            return loader(*args, problems=problems, **kwargs)
        except InputError as exc:
            errors.extend(p for p in exc.problems if p not in problems.items)
            return None

    boundaries = attempt(read_boundaries, params.boundaries)
    register = (
        attempt(load_register, params.register, boundaries, coords=params.coords)
        if boundaries is not None
        else None
    )
    roster = attempt(load_roster, params.roster)
    findings = attempt(load_findings, params.findings) if params.findings else empty_findings()
    weather = attempt(load_weather, params.weather) if params.weather else None
    points = attempt(load_warning_points, params.warning_points) if params.warning_points else None
    if errors or problems.errors:
        raise InputError([*problems.items, *errors])
    files: dict[str, list[Path]] = {
        "register": [params.register],
        "boundaries": [params.boundaries],
        "roster": [params.roster],
        "findings": list(params.findings),
    }
    if params.weather:
        files["weather"] = [params.weather]
    if params.warning_points:
        files["warning_points"] = [params.warning_points]
    archive = None
    if params.store:
        as_of = pd.Timestamp(archive_as_of or dt.datetime.now(dt.UTC))
        as_of = as_of.tz_localize("UTC") if as_of.tzinfo is None else as_of.tz_convert("UTC")
        from inspectlib.archive import resolve_strata

        archived, strata = _read_archive(params.store, as_of)
        # the archive resolved its own rows' strata; the files' rows by the same rule (inspectors'
        # sheets rarely say how a firm was drawn)
        findings = combine_findings(resolve_strata(findings, strata), archived)
        archive = {
            "store": params.store,
            "as_of": as_of.isoformat(),
            "findings": len(archived),
            "sha256": _digest(archived),
        }
    return CampaignInputs(
        register=register,
        boundaries=boundaries,
        roster=roster,
        findings=findings,
        weather=weather,
        warning_points=points,
        files=files,
        problems=problems,
        archive=archive,
    )
