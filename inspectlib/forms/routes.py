"""``routes.docx``: one section (and page) per team and workday with the visits in route
order, the planned arrival at each firm and the team's members with credential numbers.

Planned arrival (documented estimate)
-------------------------------------
The team leaves the office at :data:`DAY_START` (08:30), travels each leg's straight-line
distance (``distance_from_previous_m``; the first leg from the office) at
:data:`SPEED_KMH` (25 km/h, town traffic) and spends :data:`VISIT_MINUTES` (60) at each
firm. Roads are longer than straight lines, so the times are a guide; the document says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd
from docx.document import Document
from docx.enum.section import WD_SECTION
from docx.shared import Pt

from inspectlib import catalogue
from inspectlib.forms import _docx
from inspectlib.forms._data import addresses, team_members, weekday

if TYPE_CHECKING:
    from inspectlib.plan import CampaignPlan

DAY_START = dt.time(8, 30)
SPEED_KMH = 25.0
VISIT_MINUTES = 60


def arrival_times(
    distances_m: Sequence[float],
    start: dt.time = DAY_START,
    speed_kmh: float = SPEED_KMH,
    visit_minutes: int = VISIT_MINUTES,
) -> list[str]:
    """Planned arrival (``HH:MM``) at each stop of a day's route.

    Parameters
    ----------
    distances_m : sequence of float
        Straight-line distance of each leg in metres, the first from the office.

    Examples
    --------
    >>> arrival_times([5000, 2500, 0])
    ['08:42', '09:48', '10:48']
    """
    clock = dt.datetime.combine(dt.date(2000, 1, 1), start)
    times = []
    for i, metres in enumerate(distances_m):
        if i:
            clock += dt.timedelta(minutes=visit_minutes)
        clock += dt.timedelta(hours=float(metres) / 1000 / speed_kmh)
        times.append(f"{clock:%H:%M}")
    return times


def _header(section, line: str) -> None:
    section.header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.text = ""
    paragraph.add_run(_docx.plain(line)).font.size = Pt(9)


def routes_document(plan: CampaignPlan) -> Document:
    """The route sheets of every team-day, in date then team order."""
    language = plan.params.language
    w = catalogue.words("forms", language)
    document = _docx.new_document(language)
    visits = plan.schedule.plan.copy()
    visits["address"] = visits["firm_id"].map(addresses(plan))
    members = team_members(plan)
    days = plan.schedule.team_days.set_index(["date", "team"])["route_km"]
    if visits.empty:
        _docx.text(document, w["routes_title"], bold=True, size=16, center=True)
        _docx.text(document, w["no_visits"])
        return document
    for i, ((date, team), day) in enumerate(visits.groupby(["date", "team"], sort=True)):
        section = document.sections[0] if i == 0 else document.add_section(WD_SECTION.NEW_PAGE)
        date_text = f"{pd.Timestamp(date):%Y-%m-%d}"
        heading = w["route_day"].format(team=team, date=date_text, weekday=weekday(date, language))
        _header(section, f"{plan.title} · {w['routes_title']} · {heading}")
        _docx.text(document, w["routes_title"], bold=True, size=16, center=True)
        _docx.text(document, heading, bold=True, size=12)
        if plan.params.synthetic:
            _docx.text(document, w["synthetic"], bold=True)
        _docx.text(document, w["inspectors"], bold=True)
        _docx.table(
            document, w["member_columns"].split("|"), members.get(str(team), []), (50, 60, 64)
        )
        day = day.sort_values("visit_order")
        distances = day["distance_from_previous_m"].astype(float).fillna(0).tolist()
        rows = [
            (int(order), name, town, address, arrival, f"{metres / 1000:.1f}")
            for order, name, town, address, arrival, metres in zip(
                day["visit_order"],
                day["name"],
                day["town"],
                day["address"],
                arrival_times(distances),
                distances,
                strict=True,
            )
        ]
        _docx.text(document, "")
        _docx.table(document, w["visit_columns"].split("|"), rows, (12, 50, 24, 48, 20, 20))
        km = days.get((date, team))
        if km is not None and not pd.isna(km):
            _docx.text(document, w["route_km"].format(km=float(km)), space_before=6)
        rule_column = "heat_rule" if language == "zh" else "heat_rule_en"
        rule = _docx.plain(day[rule_column].iloc[0]) if rule_column in day else ""
        if plan.params.campaign == "heat" and rule:
            _docx.text(document, w["heat_rule"].format(rule=rule), bold=True)
        _docx.text(
            document,
            w["arrival_note"].format(
                start=f"{DAY_START:%H:%M}", speed=SPEED_KMH, visit=VISIT_MINUTES
            ),
            size=9,
        )
    return document
