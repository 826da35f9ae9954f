"""Turn a draw into a timetable: which team visits which firm on which workday, in what order.

Steps of :func:`plan_schedule`:

1. **Firms** keep the team the inspector draw gave them (回避 is already respected there).
   Firms without a team or a location are listed in :attr:`Schedule.unscheduled` with the
   reason.
2. **Capacity**: a team works on the window's workdays on which *all* its members are
   available (roster ``available_from``/``available_to``), at most ``firms_per_team_day``
   firms a day. If the teams' days cannot hold the draw, :class:`~inspectlib.errors.PlanningError`
   says how many firms fit and what to change. If the total fits but one team has more firms
   than days, its last-drawn firms are listed as unscheduled (with a warning).
3. **Hot days** (heat campaign with a weather file): firms with outdoor work, construction (E),
   transport (G) or a hot process are visited on days with a forecast maximum ≥35 °C where
   capacity allows (hottest days first), the others on cooler days. Every row says which
   heat rule applies that day (防暑降温措施管理办法 art. 8).
4. **Routes**: per team, :func:`inspectlib.routes.plan_routes` (OR-Tools, deterministic greedy
   descent stopped by a solution count, never by the clock) spreads the firms over few, early
   days and orders each day's visits to minimise the straight-line distance from and back to
   the office.

The result is the same for the same inputs on any machine, at any size and load (see
:mod:`inspectlib.routes`), so ``inspectlib verify-draw`` can re-derive it bit for bit.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import ortools
import pandas as pd

from inspectlib import catalogue
from inspectlib.campaigns import get_campaign
from inspectlib.errors import Message, PlanningError
from inspectlib.notices import Notice
from inspectlib.routes import (
    DEFAULT_STRATEGIES,
    LARGE_TEAM,
    LARGE_TEAM_STRATEGIES,
    RouteResult,
    distance_matrix_m,
    plan_routes,
    solution_limit,
    to_metres,
)
from inspectlib.workdays import Window, team_workdays

__all__ = [
    "HEAT_RULES",
    "Schedule",
    "heat_band",
    "hot_firm_mask",
    "plan_schedule",
    "unscheduled_reason",
]

logger = logging.getLogger(__name__)

#: Forecast daily maximum from which heat rules apply and heat firms are best inspected.
HOT_C = 35.0
#: Fixed cost of a team-day in metres (prefer few days) and its growth per later day.
DAY_COST_M = 20_000
DAY_COST_STEP_M = 10
#: Candidate days offered to the solver beyond the minimum needed (per kind of day).
SPARE_DAYS = 1

#: (lowest °C, band label, key of the rule in ``schedule.yaml`` ``heat_rules``), hottest first.
HEAT_RULES: tuple[tuple[float, str, str], ...] = (
    (40.0, "≥40", "stop"),  # 防暑降温措施管理办法 art. 8: open-air work stops
    (37.0, "37–40", "limit"),  # at most 6 h outdoors, none in the 3 hottest hours
    (35.0, "35–37", "rotate"),  # rotate shifts, no outdoor overtime
)

_PLAN = (
    "date team members visit_order firm_id name town industry lon lat distance_from_previous_m "
    "stratum risk_score draw_order hot_firm tmax_c heat_band heat_rule heat_rule_en"
)
_TEAM_DAY = "date team members firms hot_firms route_m return_m route_km tmax_c heat_band heat_rule"
PLAN_COLUMNS: tuple[str, ...] = tuple(_PLAN.split())
TEAM_DAY_COLUMNS: tuple[str, ...] = tuple(_TEAM_DAY.split())
UNSCHEDULED_COLUMNS: tuple[str, ...] = ("firm_id", "name", "team", "draw_order", "reason")
_PASS_THROUGH = ("name", "town", "industry", "stratum", "risk_score", "draw_order")


@dataclass(frozen=True)
class Schedule:
    """A campaign's timetable.

    Attributes
    ----------
    plan : DataFrame
        One row per scheduled firm, sorted by date, team and visit order: ``date``
        (datetime64), ``team``, ``members`` (names, comma-joined), ``visit_order`` (1 = first
        stop of the day), ``firm_id``, ``name``, ``town``, ``industry``, ``lon``/``lat``
        (WGS-84), ``distance_from_previous_m`` (from the office for the first stop),
        ``stratum``, ``risk_score``, ``draw_order``, ``hot_firm``, ``tmax_c`` (forecast, NaN
        when unknown), ``heat_band`` (``""``, ``35–37``, ``37–40``, ``≥40``) and the day's
        ``heat_rule`` (Chinese) / ``heat_rule_en``.
    unscheduled : DataFrame
        ``firm_id``, ``name``, ``team``, ``draw_order``, ``reason``: drawn firms not in the
        plan, the reason as a code (``no_team``, ``unknown_team``, ``no_location``,
        ``team_full``; words by :func:`unscheduled_reason`).
    team_days : DataFrame
        One row per team and working day used: ``date``, ``team``, ``members``, ``firms``,
        ``hot_firms``, ``route_m`` (office → stops → office), ``return_m`` (last stop →
        office), ``route_km``, ``tmax_c``, ``heat_band``, ``heat_rule``.
    warnings : list of Notice
        Everything the planner should read before sending the plan out.
    route_km : float
        Total route length of all team-days in km.
    solver : dict
        For the audit: the method, the OR-Tools version and, per team, the first solution
        strategy kept, the search status, whether the local optimum was reached before the
        solution limit, the solution limit and the candidate days. Nothing in it depends on
        the clock, so a re-run gives the same dict.
    """

    plan: pd.DataFrame
    unscheduled: pd.DataFrame
    team_days: pd.DataFrame
    warnings: list[Notice] = field(default_factory=list)
    route_km: float = 0.0
    solver: dict = field(default_factory=dict)

    def km_by_team(self) -> pd.Series:
        """Route km per team."""
        return self.team_days.groupby("team", sort=True)["route_km"].sum()


def heat_band(tmax_c: float | None) -> tuple[str, str, str]:
    """Band label and rules (Chinese, English) for a forecast daily maximum.

    Examples
    --------
    >>> heat_band(38.2)[0], heat_band(34.9)[0]
    ('37–40', '')
    """
    if tmax_c is None or not np.isfinite(tmax_c):
        return "", "", ""
    for lowest, band, rule in HEAT_RULES:
        if tmax_c >= lowest:
            key = f"schedule.heat_rules.{rule}"
            return band, catalogue.text(key, "zh"), catalogue.text(key, "en")
    return "", "", ""


def unscheduled_reason(code: str, team: str, language: str) -> str:
    """Why a drawn firm is not scheduled (a code of :attr:`Schedule.unscheduled`), in words.

    Examples
    --------
    >>> unscheduled_reason("team_full", "T02", "en")
    'team T02 is full: its available workdays hold no more visits'
    """
    return catalogue.text(f"schedule.unscheduled.{code}", language, team=team)


def hot_firm_mask(firms: pd.DataFrame) -> np.ndarray:
    """Firms best inspected on hot days: outdoor work, or construction (E), transport (G) or
    a hot-process industry (the heat campaign's priority industries in
    :mod:`inspectlib.campaigns`).

    Returns
    -------
    numpy.ndarray of bool
        One value per row.
    """
    frame = pd.DataFrame(index=firms.index)
    for name in ("industry_section", "industry_digits"):
        values = firms[name] if name in firms else pd.Series("", index=firms.index)
        frame[name] = values.astype("string").fillna("").astype(object)
    frame["employees"] = firms.get("employees", pd.NA)
    hot = np.zeros(len(firms), dtype=bool)
    for rule in get_campaign("heat").priority_industries:
        hot |= rule.matches(frame)
    if "outdoor_work" in firms:
        hot |= firms["outdoor_work"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    return hot


def _tmax_by_day(weather: pd.DataFrame | None) -> dict[dt.date, float]:
    if weather is None or len(weather) == 0:
        return {}
    out: dict[dt.date, float] = {}
    for day, t in zip(
        weather["date"], pd.to_numeric(weather["tmax_c"], errors="coerce"), strict=True
    ):
        if pd.notna(day) and np.isfinite(t):
            out[pd.Timestamp(day).date()] = float(t)
    return out


def _candidate_days(
    days: list[dt.date], n: int, n_hot: int, cap: int, tmax: Mapping[dt.date, float], heat: bool
) -> list[dt.date]:
    """The days offered to the solver: enough (plus a spare) early days, or in heat mode the
    hottest days for the hot firms and the earliest cool days for the others."""
    need = math.ceil(n / cap)
    if not heat:
        return days[: min(len(days), need + SPARE_DAYS)]
    hot = sorted((d for d in days if tmax.get(d, -math.inf) >= HOT_C), key=lambda d: (-tmax[d], d))
    hot_set = set(hot)
    cool = [d for d in days if d not in hot_set]
    n_other = n - n_hot
    k_hot = min(len(hot), math.ceil(n_hot / cap) + (SPARE_DAYS if n_hot else 0))
    k_cool = min(len(cool), math.ceil(n_other / cap) + (SPARE_DAYS if n_other else 0))
    chosen = hot[:k_hot] + cool[:k_cool]
    rest = cool[k_cool:] + hot[k_hot:]
    while len(chosen) * cap < n and rest:
        chosen.append(rest.pop(0))
    return sorted(chosen)


def _capacity_error(
    n: int, fits: int, team_days: int, n_teams: int, window: Window, cap: int, campaign_id: str
) -> PlanningError:
    n_workdays = len(window.workdays)
    need_cap = math.ceil(n / max(team_days, 1))
    need_teams = math.ceil(n / max(n_workdays * cap, 1))
    need_days = math.ceil(n / max(n_teams * cap, 1))
    return PlanningError(
        Message(
            "errors.schedule.does_not_fit",
            campaign=campaign_id,
            fits=fits,
            n=n,
            start=window.start,
            end=window.end,
            workdays=n_workdays,
            teams=n_teams,
            team_days=team_days,
            cap=cap,
            visits=team_days * cap,
            need_teams=need_teams,
            need_cap=need_cap,
            need_days=need_days,
        )
    )


def _unscheduled(rows: pd.DataFrame, reason: str) -> list[dict]:
    reasons = pd.Series(reason, rows.index)
    teams = rows["team"].where(rows["team"].notna(), "")
    names = rows["name"] if "name" in rows else pd.Series("", rows.index)
    return [
        dict(zip(UNSCHEDULED_COLUMNS, values, strict=True))
        for values in zip(rows["firm_id"], names, teams, rows["draw_order"], reasons, strict=True)
    ]


def _usable_firms(
    selected: pd.DataFrame, assignments: pd.DataFrame, known_teams: list[str]
) -> tuple[pd.DataFrame, list[dict]]:
    """Firms with a known team and a location, in draw order; the others with the reason."""
    if selected["firm_id"].duplicated().any():
        dup = selected.loc[selected["firm_id"].duplicated(), "firm_id"].iloc[0]
        raise PlanningError(Message("errors.schedule.firm_twice", firm=repr(dup)))
    firms = selected.reset_index(drop=True).copy()
    if "draw_order" not in firms:
        firms["draw_order"] = np.arange(1, len(firms) + 1)
    firms["firm_id"] = firms["firm_id"].astype(str)
    ids, teams = assignments["firm_id"].astype(str), assignments["team"].astype(str)
    if ids.duplicated().any():
        twice = ids[ids.duplicated()].iloc[0]
        raise PlanningError(Message("errors.schedule.two_teams", firm=repr(twice)))
    firms["team"] = firms["firm_id"].map(dict(zip(ids, teams, strict=True)))
    firms["hot_firm"] = hot_firm_mask(firms)
    no_team = firms["team"].isna()
    unknown = ~no_team & ~firms["team"].isin(known_teams)
    lon = pd.to_numeric(firms["lon"], errors="coerce")
    lat = pd.to_numeric(firms["lat"], errors="coerce")
    no_xy = ~no_team & ~unknown & ~(np.isfinite(lon) & np.isfinite(lat))
    dropped = (
        _unscheduled(firms[no_team], "no_team")
        + _unscheduled(firms[unknown], "unknown_team")
        + _unscheduled(firms[no_xy], "no_location")
    )
    firms = firms[~(no_team | unknown | no_xy)].sort_values("draw_order", kind="stable")
    firms["lon"], firms["lat"] = lon[firms.index].astype(float), lat[firms.index].astype(float)
    return firms, dropped


def _members(teams: pd.DataFrame) -> dict[str, str]:
    """Team → member names, comma-joined (by seat when the draw gives one)."""
    ordered = teams.sort_values("seat", kind="stable") if "seat" in teams else teams
    return {str(t): ", ".join(g["name"].astype(str)) for t, g in ordered.groupby("team")}


def _weather_warnings(
    campaign_id: str, tmax: Mapping[dt.date, float], window: Window
) -> list[Notice]:
    if campaign_id != "heat":
        return []
    if not tmax:
        return [Notice("schedule.no_weather")]
    missing = [d for d in window.workdays if d not in tmax]
    if not missing:
        return []
    values = {"n": len(missing), "total": len(window.workdays)}
    return [Notice("schedule.no_forecast", values | {"first": missing[0], "last": missing[-1]})]


def plan_schedule(
    selected: pd.DataFrame,
    teams: pd.DataFrame,
    assignments: pd.DataFrame,
    roster: pd.DataFrame | None,
    window: Window,
    *,
    firms_per_team_day: int,
    office_lon: float,
    office_lat: float,
    weather: pd.DataFrame | None = None,
    campaign_id: str,
    seed: int = 0,
) -> Schedule:
    """Plan which team visits which firm on which workday, and in what order.

    Parameters
    ----------
    selected : DataFrame
        The drawn firms in draw order: ``firm_id``, ``lon``/``lat`` (WGS-84) and, passed
        through to the plan when present, ``name``, ``town``, ``industry``,
        ``industry_section``, ``industry_digits``, ``outdoor_work``, ``stratum``,
        ``risk_score``, ``draw_order``.
    teams : DataFrame
        ``team``, ``inspector_id``, ``name`` (one row per member, in the order to list them).
    assignments : DataFrame
        ``firm_id``, ``team`` from the inspector draw; every firm stays with its team.
    roster : DataFrame, optional
        ``inspector_id``, ``available_from``, ``available_to`` (NaT: no limit).
    window : Window
        From :func:`inspectlib.workdays.campaign_window`; its warnings are repeated.
    firms_per_team_day : int
        Visits a team makes in a day.
    office_lon, office_lat : float
        Where every team-day starts and ends (WGS-84).
    weather : DataFrame, optional
        ``date``, ``tmax_c``; in the heat campaign, heat firms go on days ≥35 °C.
    campaign_id : str
        ``heat`` turns on the hot-day matching; every campaign shows the day's heat rule
        when a forecast is given.
    seed : int
        Recorded for the audit; the schedule involves no randomness.

    Returns
    -------
    Schedule

    Raises
    ------
    inspectlib.errors.PlanningError
        When the teams' available days cannot hold the draw (with the numbers and what to
        change), or when ``firms_per_team_day`` is below 1.

    Examples
    --------
    >>> s = plan_schedule(selected, teams, assignments, roster, window,
    ...                   firms_per_team_day=4, office_lon=120.3, office_lat=31.5,
    ...                   campaign_id="wage")  # doctest: +SKIP
    >>> s.plan[["date", "team", "visit_order", "firm_id"]].head()  # doctest: +SKIP
    """
    cap = int(firms_per_team_day)
    if cap < 1:
        raise PlanningError(Message("errors.schedule.firms_per_team_day", value=firms_per_team_day))
    members = _members(teams)
    firms, unscheduled = _usable_firms(selected, assignments, list(members))
    days_of, warnings = team_workdays(teams, roster, window.workdays)
    counts = firms.groupby("team").size()
    team_days_total = sum(len(d) for d in days_of.values())
    if team_days_total * cap < len(firms):
        fits = int(sum(min(int(n), len(days_of[t]) * cap) for t, n in counts.items()))
        raise _capacity_error(
            len(firms), fits, team_days_total, len(days_of), window, cap, campaign_id
        )
    tmax = _tmax_by_day(weather)
    heat = campaign_id == "heat" and bool(tmax)
    warnings += _weather_warnings(campaign_id, tmax, window)
    xy, office = to_metres(firms["lon"], firms["lat"], office_lon, office_lat)
    firms["_x"], firms["_y"] = xy[:, 0], xy[:, 1]
    plan_rows: list[dict] = []
    day_rows: list[dict] = []
    solver: dict = {
        "method": "OR-Tools routing per team, one vehicle per candidate workday, greedy "
        "descent (no time limit; stopped at a local optimum or a solution limit) from each of "
        + ", ".join(DEFAULT_STRATEGIES)
        + f" (teams of more than {LARGE_TEAM} firms: "
        + ", ".join(LARGE_TEAM_STRATEGIES)
        + "); the cheapest kept",
        "ortools": ortools.__version__,
        "seed": seed,
        "teams": {},
    }
    for team, group in firms.groupby("team", sort=True):
        places = len(days_of[team]) * cap
        if len(group) > places:
            unscheduled += _unscheduled(group.iloc[places:], "team_full")
            full = {"n": len(group) - places, "team": team, "days": len(days_of[team])}
            full |= {"cap": cap, "places": places, "firms": len(group)}
            warnings.append(Notice("schedule.team_full", full))
            group = group.iloc[:places]
        if group.empty:
            continue
        result, chosen = _route_team(group, days_of[team], cap, tmax, heat, office)
        solver["teams"][team] = {
            "strategy": result.strategy,
            "status": result.status,
            "optimum_reached": result.optimum_reached,
            "solution_limit": solution_limit(len(group)),
            "days": len(chosen),
        }
        if heat and result.mismatches:
            warnings.append(Notice("schedule.unmatched", {"team": team, "n": result.mismatches}))
        _emit(team, group, chosen, result, office, members[team], tmax, plan_rows, day_rows)
    for message in warnings:
        logger.warning("%s", message)
    plan = pd.DataFrame(plan_rows, columns=list(PLAN_COLUMNS))
    plan["date"] = pd.to_datetime(plan["date"])
    team_days = pd.DataFrame(day_rows, columns=list(TEAM_DAY_COLUMNS))
    team_days["date"] = pd.to_datetime(team_days["date"])
    unscheduled_frame = pd.DataFrame(unscheduled, columns=list(UNSCHEDULED_COLUMNS))
    return Schedule(
        plan=plan.sort_values(["date", "team", "visit_order"], kind="stable", ignore_index=True),
        unscheduled=unscheduled_frame.sort_values("draw_order", kind="stable", ignore_index=True),
        team_days=team_days.sort_values(["date", "team"], kind="stable", ignore_index=True),
        warnings=list(window.warnings) + warnings,
        route_km=round(float(team_days["route_m"].sum()) / 1000, 3),
        solver=solver,
    )


def _route_team(
    group: pd.DataFrame,
    days: list[dt.date],
    cap: int,
    tmax: Mapping[dt.date, float],
    heat: bool,
    office: np.ndarray,
) -> tuple[RouteResult, list[dt.date]]:
    """Solve one team's routes; returns the result and the candidate day of each vehicle."""
    hot = group["hot_firm"].to_numpy(dtype=bool)
    chosen = _candidate_days(days, len(group), int(hot.sum()), cap, tmax, heat)
    points = group[["_x", "_y"]].to_numpy()
    day_hot = [tmax.get(d, -math.inf) >= HOT_C for d in chosen]
    result = plan_routes(
        points,
        office,
        [cap] * len(chosen),
        firm_hot=hot if heat else None,
        day_hot=day_hot if heat else None,
        day_cost_m=[DAY_COST_M + DAY_COST_STEP_M * i for i in range(len(chosen))],
    )
    if not heat:  # days are interchangeable: put the routes on the earliest days, in order
        used = [i for i, r in enumerate(result.routes) if r]
        order = used + [i for i in range(len(chosen)) if i not in used]
        result = replace(
            result,
            routes=tuple(result.routes[i] for i in order),
            length_m=tuple(result.length_m[i] for i in order),
        )
    return result, chosen


def _emit(
    team: str,
    group: pd.DataFrame,
    chosen: list[dt.date],
    result: RouteResult,
    office: np.ndarray,
    members: str,
    tmax: Mapping[dt.date, float],
    plan_rows: list[dict],
    day_rows: list[dict],
) -> None:
    """Append the plan rows and team-day rows of one team."""
    dist = distance_matrix_m(group[["_x", "_y"]].to_numpy(), office)
    records = group.to_dict("records")
    for day, route, length in zip(chosen, result.routes, result.length_m, strict=True):
        if not route:
            continue
        t = tmax.get(day, np.nan)
        band, rule_zh, rule_en = heat_band(t)
        heat = {"tmax_c": t, "heat_band": band, "heat_rule": rule_zh}
        stops = [0, *(i + 1 for i in route)]
        for order, (i, previous) in enumerate(zip(route, stops[:-1], strict=True), start=1):
            rec = records[i]
            row = {name: rec.get(name, pd.NA) for name in _PASS_THROUGH}
            row |= {"date": day, "team": team, "members": members, "visit_order": order}
            row |= {"firm_id": rec["firm_id"], "lon": rec["lon"], "lat": rec["lat"]}
            row |= {"distance_from_previous_m": int(dist[previous, i + 1])}
            plan_rows.append(row | heat | {"hot_firm": rec["hot_firm"], "heat_rule_en": rule_en})
        hot_firms = sum(bool(records[i]["hot_firm"]) for i in route)
        day_rows.append(
            {"date": day, "team": team, "members": members, "firms": len(route)}
            | {"hot_firms": hot_firms, "route_m": int(length), "return_m": int(dist[stops[-1], 0])}
            | {"route_km": round(length / 1000, 3)}
            | heat
        )
