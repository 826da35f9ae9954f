"""One campaign plan from params to files: load, draw, schedule, map, audit, write.

:func:`make_plan` does the work in memory (pure: same params and input files ⇒ same plan);
:func:`write_outputs` writes the files of DESIGN.md §7 into a run folder.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from inspectlib import catalogue, exports, maps
from inspectlib.audit import (
    VerifyResult,
    build_audit,
    field_differences,
    read_audit,
    verify_draw,
    write_audit,
)
from inspectlib.draw import DrawResult, plan_draw
from inspectlib.errors import Message, ParamsError, quoted_list
from inspectlib.forms import write_forms
from inspectlib.geo import town_centroids
from inspectlib.inputs import CampaignInputs, load_campaign_inputs
from inspectlib.notices import notice_records
from inspectlib.params import CampaignParams
from inspectlib.schedule import Schedule, plan_schedule
from inspectlib.workdays import Window, campaign_window

log = logging.getLogger(__name__)

PLAN_CSV_COLUMNS = (
    "firm_id",
    "name",
    "town",
    "lon",
    "lat",
    "stratum",
    "risk_score",
    "team",
    "inspector_ids",
    "date",
    "visit_order",
    "draw_order",
    "industry",
    "industry_code",
    "members",
    "distance_from_previous_m",
    "heat_rule",
    "reasons",
)
"""Columns of ``plan.csv``: one row per selected firm (scheduled or not), lon/lat WGS-84."""


@dataclass(frozen=True)
class CampaignPlan:
    """A complete plan: inputs, window, draw, schedule, office and audit record."""

    params: CampaignParams
    inputs: CampaignInputs
    window: Window
    draw: DrawResult
    schedule: Schedule
    office: tuple[float, float]
    audit: dict[str, Any]

    @property
    def title(self) -> str:
        """Campaign, year and window, in the plan's language."""
        campaign = self.draw.campaign
        name = campaign.name_zh if self.params.language == "zh" else campaign.name_en
        span = f"{self.window.start:%Y-%m-%d} – {self.window.end:%Y-%m-%d}"
        return f"{self.params.year} {name} · {span}"

    @property
    def report_title(self) -> str:
        """The report's title (its HTML page's title): year, campaign, 计划 / plan."""
        name = self.draw.campaign.name(self.params.language)
        return catalogue.text(
            "report.document_title", self.params.language, year=self.params.year, name=name
        )

    @property
    def table(self) -> pd.DataFrame:
        """``plan.csv``: every selected firm in draw order with its team, day and stop, the
        reasons and heat rules in the plan's language."""
        return plan_table(self.draw, self.schedule, self.params.language)


def resolve_office(params: CampaignParams, inputs: CampaignInputs) -> tuple[float, float]:
    """Where routes start and end: params' lon/lat, the centre of params' town, or (when no
    office is given) the centre of the town with the most firms."""
    office = params.office
    if office is not None and office.lon is not None and office.lat is not None:
        return float(office.lon), float(office.lat)
    centres = town_centroids(inputs.boundaries)
    town = office.town if office is not None else inputs.register["town"].value_counts().index[0]
    if town not in centres.index:
        raise ParamsError(
            Message("params.office_town", town=repr(town), towns=quoted_list(centres.index))
        )

    return float(centres.at[town, "lon"]), float(centres.at[town, "lat"])


def make_plan(params: CampaignParams, archive_as_of: str | None = None) -> CampaignPlan:
    """Load the inputs, draw firms and inspectors, schedule and route the visits.

    ``archive_as_of`` (an ISO timestamp) limits archived findings to those imported by then:
    :func:`verify_plan` passes the time the audit recorded.

    Raises
    ------
    InputError, ParamsError, PlanningError
        Bad input files, impossible params, or a draw the roster/window cannot carry.
    """
    inputs = load_campaign_inputs(params, archive_as_of=archive_as_of)
    window = campaign_window(params.campaign, params.year, params.window_start, params.window_end)
    draw = plan_draw(params, inputs, window)
    office = resolve_office(params, inputs)
    selected = draw.selected.merge(
        inputs.register[["firm_id", "outdoor_work", "industry_digits"]],
        on="firm_id",
        how="left",
        validate="one_to_one",
    )
    schedule = plan_schedule(
        selected,
        draw.teams,
        draw.assignments,
        inputs.roster,
        window,
        firms_per_team_day=params.firms_per_team_day,
        office_lon=office[0],
        office_lat=office[1],
        weather=inputs.weather,
        campaign_id=params.campaign,
        seed=params.seed,
    )
    audit = build_audit(params, inputs, draw)
    audit["schedule"] = schedule_audit(schedule, window, office)
    return CampaignPlan(params, inputs, window, draw, schedule, office, audit)


def schedule_audit(schedule: Schedule, window: Window, office: tuple[float, float]) -> dict:
    """The schedule part of the audit: window, office, calendar source, every visit."""
    visits = schedule.plan.sort_values(["date", "team", "visit_order"])
    return {
        "window": [window.start.isoformat(), window.end.isoformat()],
        "workdays": len(window.workdays),
        "calendar": window.calendar,
        "office": list(office),
        "solver": _without_timings(schedule.solver),
        "route_km": round(float(schedule.route_km), 3),
        "visits": [
            {"date": f"{d:%Y-%m-%d}", "team": t, "visit_order": int(o), "firm_id": f}
            for d, t, o, f in zip(
                visits["date"],
                visits["team"],
                visits["visit_order"],
                visits["firm_id"],
                strict=True,
            )
        ],
        "unscheduled": [
            {"firm_id": f, "reason": r}  # the reason's code (schedule.unscheduled_reason)
            for f, r in zip(
                schedule.unscheduled["firm_id"], schedule.unscheduled["reason"], strict=True
            )
        ],
        "warnings": notice_records(schedule.warnings),  # the window's come first in them
    }


def _without_timings(solver: dict[str, Any]) -> dict[str, Any]:
    """The solver's report without wall-clock times: the audit holds only what verify-draw
    can redo exactly."""
    out = {k: v for k, v in solver.items() if not k.endswith("_s")}
    if isinstance(solver.get("teams"), dict):
        out["teams"] = {
            team: {k: v for k, v in stats.items() if not k.endswith("_s")}
            for team, stats in solver["teams"].items()
        }
    return out


def schedule_in_language(visits: pd.DataFrame, language: str) -> pd.DataFrame:
    """The schedule's rows with one ``heat_rule`` column, in ``language`` (the other
    language's column dropped)."""
    if "heat_rule_en" not in visits.columns:
        return visits
    if language == "en":
        visits = visits.assign(heat_rule=visits["heat_rule_en"])
    return visits.drop(columns="heat_rule_en")


def plan_table(draw: DrawResult, schedule: Schedule, language: str | None = None) -> pd.DataFrame:
    """Selected firms in draw order joined with their schedule (unscheduled rows kept).

    With ``language``, the ``reasons`` and ``heat_rule`` columns are worded in it (by default
    they are as the draw and the schedule gave them: reasons in English, the heat rule in
    Chinese).
    """
    visit_columns = [
        "firm_id",
        "team",
        "date",
        "visit_order",
        "members",
        "distance_from_previous_m",
        "heat_rule",
    ]
    plan = schedule.plan if language is None else schedule_in_language(schedule.plan, language)
    visits = plan[[c for c in visit_columns if c in plan.columns]]
    selected = draw.selected
    if language is not None:
        selected = selected.assign(reasons=draw.reasons(language))
    table = selected.merge(visits, on="firm_id", how="left", validate="one_to_one")
    crew = draw.teams.sort_values(["team", "seat"], kind="stable")
    ids = {str(t): ";".join(g["inspector_id"].astype(str)) for t, g in crew.groupby("team")}
    table["inspector_ids"] = table["team"].map(ids)
    for column in PLAN_CSV_COLUMNS:
        if column not in table.columns:
            table[column] = pd.NA
    extra = [c for c in table.columns if c not in PLAN_CSV_COLUMNS]
    return table[list(PLAN_CSV_COLUMNS) + extra].sort_values("draw_order").reset_index(drop=True)


def _maps(plan: CampaignPlan, table: pd.DataFrame) -> dict[str, maps.InspectionMap]:
    """The internal and public maps of the plan (``table``: :attr:`CampaignPlan.table`)."""
    table = table.assign(industry=table["industry"].fillna(""))
    eligible = plan.draw.eligible[["firm_id", "town", "lon", "lat"]]
    common = {
        "title": plan.title,
        "tiles": plan.params.tiles,
        "synthetic": plan.params.synthetic,
        "language": plan.params.language,
    }
    return {
        "map.html": maps.campaign_map(
            table,
            plan.inputs.boundaries,
            eligible,
            office=plan.office,
            warning_points=plan.inputs.warning_points,
            **common,
        ),
        "map_public.html": maps.campaign_map(
            table, plan.inputs.boundaries, eligible, public=True, **common
        ),
    }


def write_outputs(plan: CampaignPlan, out_dir: str | Path) -> dict[str, Path]:
    """Write ``plan.csv``, ``plan.xlsx``, ``map.html``, ``map_public.html``, ``audit.json``
    and the field documents ``forms/*.docx`` into ``out_dir`` (each written to a temporary
    name, then renamed)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    table = plan.table
    written["plan.csv"] = exports.write_csv(table, out / "plan.csv", date_format="%Y-%m-%d")
    written["plan.xlsx"] = _write_xlsx(plan, table, out / "plan.xlsx")
    for name, folium_map in _maps(plan, table).items():
        written[name] = maps.write_html(folium_map, out / name)
    written["audit.json"] = write_audit(plan.audit, out / "audit.json")
    written.update(write_forms(plan, out / "forms"))
    return written


def _write_xlsx(plan: CampaignPlan, table: pd.DataFrame, path: Path) -> Path:
    """``plan.xlsx`` in the plan's language: selected firms with reasons, the schedule by
    team and day, the teams and the audit summary."""
    language = plan.params.language
    campaign = plan.draw.campaign
    schedule = plan.schedule.plan.sort_values(["date", "team", "visit_order"])
    words = catalogue.words("plan", language)
    audit = pd.DataFrame(
        {
            "item": list(words["audit_items"].values()),
            "value": [
                campaign.name_zh if language == "zh" else campaign.name_en,
                str(plan.params.year),
                str(plan.params.seed),
                str(plan.audit["eligible_count"]),
                str(len(table)),
                f"{plan.window.start} – {plan.window.end}",
                plan.audit["inspectlib_version"],
                "inspectlib verify-draw audit.json",
                words["synthetic"] if plan.params.synthetic else "",
            ],
        }
    )
    schedule = schedule_in_language(schedule, language)
    sheets = {"selected firms": table, "schedule": schedule, "teams": plan.draw.teams}
    return exports.write_xlsx(sheets | {"audit": audit}, path, language=language)


def archive_plan(params: CampaignParams, plan: CampaignPlan, run_dir: str | Path) -> int | None:
    """Record a published plan run (its audit, draw and schedule) in ``params.store``, from
    the plan in memory (nothing the run wrote is read back).

    Returns the plan id, or None when the params name no store. Recording the same run
    twice stores it once.
    """
    if not params.store:
        return None
    import json

    from inspectlib.archive import open_archive

    table = plan.table
    audit = json.loads(json.dumps(plan.audit, ensure_ascii=False))  # as audit.json holds it
    with open_archive(params.store) as archive:
        return archive.record_plan(
            params.campaign,
            params.year,
            params.model_dump(mode="json"),
            audit,
            table,
            table[table["date"].notna()],
            str(run_dir),
        )


def verify_plan(audit_path: str | Path) -> VerifyResult:
    """Re-check a published plan: the draw (:func:`inspectlib.audit.verify_draw`) and, when
    the audit records one, the schedule (every visit's date, team and order).
    """

    from inspectlib.adoption import archive_differences

    redone: dict[str, Any] = {}

    def redo(params: CampaignParams, as_of: str | None) -> dict[str, Any]:
        redone.update(make_plan(params, archive_as_of=as_of).audit)
        return redone

    result = verify_draw(audit_path, redo=redo)
    recorded = read_audit(audit_path)
    differences = list(result.differences) + archive_differences(audit_path, recorded)
    if result.matches and "schedule" in recorded:
        now = redone["schedule"]
        listed = ("window", "office", "visits", "unscheduled")
        for key in listed:
            if recorded["schedule"].get(key) != now.get(key):
                differences.append(_schedule_difference(key, recorded["schedule"], now))
        differences += field_differences(recorded["schedule"], now, set(listed), "schedule.")
    return VerifyResult(not differences, differences, result.notes, result.audit_path)


def _schedule_difference(key: str, recorded: dict, now: dict) -> Message:
    if key != "visits":
        return Message(
            "cli.verify.schedule_field",
            key=key,
            recorded=repr(recorded.get(key)),
            now=repr(now.get(key)),
        )
    before, after = recorded.get("visits", []), now.get("visits", [])
    for i, (a, b) in enumerate(zip(before, after, strict=False)):
        if a != b:
            return Message("cli.verify.schedule_visit", visit=i + 1, recorded=a, now=b)
    return Message("cli.verify.schedule_count", recorded=len(before), now=len(after))
