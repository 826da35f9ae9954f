"""From a draw to a timetable: capacity, availability, hot days, routes, determinism."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from inspectlib.errors import PlanningError
from inspectlib.industry import code_digits
from inspectlib.notices import Notice, codes
from inspectlib.schedule import (
    Schedule,
    heat_band,
    hot_firm_mask,
    plan_schedule,
    team_workdays,
    unscheduled_reason,
)
from inspectlib.workdays import campaign_window

OFFICE = (120.30, 31.50)
D = dt.date


def draw(n: int = 30, seed: int = 1, outdoor_every: int = 0) -> pd.DataFrame:
    """A selected-firms frame as the draw returns it, clustered around the office."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform([-0.2, -0.13], [0.2, 0.13], (6, 2))
    k = rng.integers(0, 6, n)
    xy = centres[k] + rng.normal(0, 0.015, (n, 2))
    outdoor = np.zeros(n, dtype=bool)
    if outdoor_every:
        outdoor[::outdoor_every] = True
    return pd.DataFrame(
        {
            "firm_id": [f"9132{i:014d}" for i in range(n)],
            "name": [f"测试{i}有限公司" for i in range(n)],
            "town": [f"镇{j}" for j in k],
            "industry": "制造业",
            "industry_section": "C",
            "industry_code": "1811",
            "outdoor_work": outdoor,
            "lon": OFFICE[0] + xy[:, 0],
            "lat": OFFICE[1] + xy[:, 1],
            "stratum": np.where(np.arange(n) % 10 == 0, "random", "risk"),
            "risk_score": rng.random(n),
            "reasons": "",
            "draw_order": np.arange(1, n + 1),
        }
    )


def crew(n_teams: int = 3) -> pd.DataFrame:
    rows = []
    for t in range(n_teams):
        for s in range(2):
            i = 2 * t + s
            rows.append(
                {
                    "team": f"T{t + 1:02d}",
                    "inspector_id": f"I{i:03d}",
                    "name": f"检查员{i}",
                    "agency": "人社局",
                }
            )
    return pd.DataFrame(rows)


def roster_of(teams: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "inspector_id": teams["inspector_id"],
            "name": teams["name"],
            "agency": teams["agency"],
            "home_town": "",
            "available_from": pd.NaT,
            "available_to": pd.NaT,
        }
    )


def split(selected: pd.DataFrame, teams: pd.DataFrame) -> pd.DataFrame:
    ids = sorted(teams["team"].unique())
    return pd.DataFrame(
        {"firm_id": selected["firm_id"], "team": [ids[i % len(ids)] for i in range(len(selected))]}
    )


def plan(selected=None, teams=None, assignments=None, roster=None, window=None, **kw) -> Schedule:
    selected = draw() if selected is None else selected
    teams = crew() if teams is None else teams
    assignments = split(selected, teams) if assignments is None else assignments
    roster = roster_of(teams) if roster is None else roster
    window = window or campaign_window("illegal_employment", 2025, D(2025, 6, 3), D(2025, 6, 30))
    kw.setdefault("firms_per_team_day", 4)
    kw.setdefault("campaign_id", "illegal_employment")
    return plan_schedule(
        selected,
        teams,
        assignments,
        roster,
        window,
        office_lon=OFFICE[0],
        office_lat=OFFICE[1],
        **kw,
    )


def test_plan_covers_every_firm_once_within_capacity() -> None:
    selected = draw(30)
    s = plan(selected)
    assert s.unscheduled.empty and s.warnings == []
    assert sorted(s.plan["firm_id"]) == sorted(selected["firm_id"])
    per_day = s.plan.groupby(["team", "date"]).size()
    assert per_day.max() <= 4
    window = campaign_window("illegal_employment", 2025, D(2025, 6, 3), D(2025, 6, 30))
    assert set(s.plan["date"].dt.date) <= set(window.workdays)
    for _, day in s.plan.groupby(["team", "date"]):
        assert day["visit_order"].tolist() == list(range(1, len(day) + 1))
    team_of = dict(
        zip(split(selected, crew())["firm_id"], split(selected, crew())["team"], strict=True)
    )
    assert (s.plan["team"] == s.plan["firm_id"].map(team_of)).all()
    assert s.plan.loc[0, "members"] == "检查员0, 检查员1"


def test_plan_frame_contract() -> None:
    s = plan()
    for column in (
        "date",
        "team",
        "members",
        "visit_order",
        "firm_id",
        "name",
        "town",
        "lon",
        "lat",
        "distance_from_previous_m",
        "stratum",
        "risk_score",
        "tmax_c",
        "heat_band",
        "heat_rule",
    ):
        assert column in s.plan.columns
    assert pd.api.types.is_datetime64_any_dtype(s.plan["date"])
    assert list(s.unscheduled.columns)[:1] == ["firm_id"] and "reason" in s.unscheduled
    # distances add up: stops + return to the office = the day's route
    for (team, date), day in s.plan.groupby(["team", "date"]):
        row = s.team_days[(s.team_days["team"] == team) & (s.team_days["date"] == date)].iloc[0]
        assert day["distance_from_previous_m"].sum() + row["return_m"] == row["route_m"]
    assert s.route_km == pytest.approx(s.team_days["route_m"].sum() / 1000)
    assert s.km_by_team().sum() == pytest.approx(s.route_km)


def test_first_stop_distance_is_from_the_office() -> None:
    s = plan()
    first = s.plan[s.plan["visit_order"] == 1].iloc[0]
    dlon = (first["lon"] - OFFICE[0]) * 111_320 * np.cos(np.radians(OFFICE[1]))
    dlat = (first["lat"] - OFFICE[1]) * 110_950
    assert first["distance_from_previous_m"] == pytest.approx(np.hypot(dlon, dlat), rel=0.01)


def test_deterministic() -> None:
    a, b = plan(), plan()
    pd.testing.assert_frame_equal(a.plan, b.plan)
    pd.testing.assert_frame_equal(a.team_days, b.team_days)
    assert a.route_km == b.route_km


def test_row_order_of_inputs_does_not_matter() -> None:
    selected = draw(24)
    teams = crew()
    assignments = split(selected, teams)
    a = plan(selected, teams, assignments)
    b = plan(selected.iloc[::-1], teams.iloc[::-1], assignments.iloc[::-1])
    pd.testing.assert_frame_equal(a.plan.drop(columns="members"), b.plan.drop(columns="members"))


def test_days_are_used_early_and_compactly() -> None:
    s = plan(draw(24))  # 8 firms per team, 4 a day: two days each, the first two workdays
    assert sorted(s.plan["date"].dt.date.unique()) == [D(2025, 6, 3), D(2025, 6, 4)]


def test_capacity_overflow_is_an_error_with_the_numbers() -> None:
    window = campaign_window("illegal_employment", 2025, D(2025, 6, 3), D(2025, 6, 6))  # 4 days
    with pytest.raises(PlanningError) as info:
        plan(draw(60), window=window)
    text = str(info.value)
    assert "only 48 of the 60 drawn firms fit" in text
    assert "3 teams have 12 team-days" in text and "4 firms_per_team_day" in text
    assert "firms_per_team_day ≥ 5" in text and "target_firms ≤ 48" in text
    assert "at least 4 with" in text and "at least 5 workdays" in text


def test_team_works_only_when_all_members_are_available() -> None:
    teams = crew()
    roster = roster_of(teams)
    roster.loc[roster["inspector_id"] == "I001", "available_to"] = pd.Timestamp("2025-06-10")
    roster.loc[roster["inspector_id"] == "I002", "available_from"] = pd.Timestamp("2025-06-16")
    s = plan(draw(30), teams, roster=roster)
    t1 = s.plan[s.plan["team"] == "T01"]["date"].dt.date
    t2 = s.plan[s.plan["team"] == "T02"]["date"].dt.date
    assert t1.max() <= D(2025, 6, 10) and t2.min() >= D(2025, 6, 16)
    days, warnings = team_workdays(teams, roster, [D(2025, 6, 9), D(2025, 6, 11), D(2025, 6, 16)])
    assert days == {
        "T01": [D(2025, 6, 9)],
        "T02": [D(2025, 6, 16)],
        "T03": [D(2025, 6, 9), D(2025, 6, 11), D(2025, 6, 16)],
    }
    assert warnings == []


def test_full_team_lists_its_last_drawn_firms() -> None:
    teams = crew()
    roster = roster_of(teams)
    roster.loc[roster["inspector_id"] == "I000", "available_to"] = pd.Timestamp("2025-06-04")
    s = plan(draw(30), teams, roster=roster)  # T01: 2 days × 4 = 8 places for 10 firms
    assert len(s.unscheduled) == 2
    assert (s.unscheduled["team"] == "T01").all()
    assert s.unscheduled["draw_order"].tolist() == [25, 28]  # the last two drawn of T01
    assert (s.unscheduled["reason"] == "team_full").all()
    assert unscheduled_reason("team_full", "T01", "en").startswith("team T01 is full")
    (full,) = [w for w in s.warnings if w.code == "schedule.team_full"]
    assert full.values == {"n": 2, "team": "T01", "days": 2, "cap": 4, "places": 8, "firms": 10}
    assert full.text("zh").startswith("T01 组有 2 家企业未排入日程")
    assert len(s.plan) == 28


def test_firms_without_team_or_location_are_listed() -> None:
    selected = draw(12)
    selected.loc[3, ["lon", "lat"]] = np.nan
    assignments = split(selected, crew())
    assignments = assignments[assignments["firm_id"] != selected.loc[5, "firm_id"]]
    assignments.loc[assignments["firm_id"] == selected.loc[7, "firm_id"], "team"] = "T99"
    s = plan(selected, assignments=assignments)
    reasons = dict(zip(s.unscheduled["firm_id"], s.unscheduled["reason"], strict=True))
    assert reasons[selected.loc[3, "firm_id"]] == "no_location"
    assert reasons[selected.loc[5, "firm_id"]] == "no_team"
    assert reasons[selected.loc[7, "firm_id"]] == "unknown_team"
    assert "T99" in unscheduled_reason("unknown_team", "T99", "zh")
    assert len(s.plan) == 9


def test_window_warnings_are_repeated() -> None:
    window = campaign_window("heat", 2099, D(2099, 8, 3), D(2099, 8, 28))
    s = plan(window=window, campaign_id="heat")
    assert s.warnings[0] == Notice("workdays.unknown_year", s.warnings[0].values)
    assert s.warnings[0].values["year"] == 2099
    assert Notice("schedule.no_weather") in s.warnings
    assert "without a weather forecast" in str(Notice("schedule.no_weather"))


# --- hot days -------------------------------------------------------------------------------


def heat_window():
    return campaign_window("heat", 2025, D(2025, 8, 4), D(2025, 8, 29))  # 20 workdays


def forecast(hot: dict[dt.date, float]) -> pd.DataFrame:
    dates = pd.date_range("2025-08-01", "2025-08-31")
    return pd.DataFrame({"date": dates, "tmax_c": [hot.get(d.date(), 31.0) for d in dates]})


HOT_DAYS = {D(2025, 8, 6): 36.0, D(2025, 8, 7): 38.5, D(2025, 8, 8): 40.6, D(2025, 8, 13): 35.0}


def test_outdoor_firms_land_on_hot_days_when_capacity_allows() -> None:
    selected = draw(36, seed=4, outdoor_every=3)  # 12 outdoor firms, 4 per team
    s = plan(selected, window=heat_window(), weather=forecast(HOT_DAYS), campaign_id="heat")
    hot_visits = s.plan[s.plan["hot_firm"]]
    cool_visits = s.plan[~s.plan["hot_firm"]]
    assert len(hot_visits) == 12
    assert (hot_visits["tmax_c"] >= 35).all()
    assert (cool_visits["tmax_c"] < 35).all()
    assert "schedule.unmatched" not in codes(s.warnings)


def test_heat_rule_of_the_day() -> None:
    selected = draw(36, seed=4, outdoor_every=3)
    s = plan(selected, window=heat_window(), weather=forecast(HOT_DAYS), campaign_id="heat")
    by_day = s.team_days.drop_duplicates("date").set_index(
        s.team_days.drop_duplicates("date")["date"].dt.date
    )
    for day, band in [(D(2025, 8, 6), "35–37"), (D(2025, 8, 7), "37–40"), (D(2025, 8, 8), "≥40")]:
        assert by_day.loc[day, "heat_band"] == band  # the hot days are all used
    # and every day used carries the band of its forecast
    assert (by_day["heat_band"] == by_day["tmax_c"].map(lambda t: heat_band(t)[0])).all()
    assert (s.plan.loc[s.plan["tmax_c"] < 35, "heat_rule"] == "").all()
    assert heat_band(40.0)[2].startswith("≥40 °C: outdoor open-air work stops")
    assert "6 h" in heat_band(37.0)[2] and "3 hottest hours" in heat_band(39.9)[2]
    assert "rotate shifts" in heat_band(35.0)[2] and "allowance" in heat_band(35.0)[2]
    assert heat_band(34.9) == ("", "", "") and heat_band(float("nan")) == ("", "", "")


def test_hottest_days_fill_first_when_hot_firms_exceed_hot_capacity() -> None:
    selected = draw(36, seed=4, outdoor_every=2)  # 18 outdoor firms, 6 per team
    weather = forecast({D(2025, 8, 7): 38.0})  # one hot day: 4 places per team
    s = plan(selected, window=heat_window(), weather=weather, campaign_id="heat")
    on_hot = s.plan[s.plan["tmax_c"] >= 35]
    assert len(on_hot) == 12 and on_hot["hot_firm"].all()
    assert s.plan["hot_firm"].sum() == 18
    assert "schedule.unmatched" in codes(s.warnings)
    assert "could not be matched" in str(s.warnings[codes(s.warnings).index("schedule.unmatched")])


def test_hot_firm_mask() -> None:
    firms = pd.DataFrame(
        {
            "industry_section": ["C", "E", "G", "C", "H", "C"],
            "industry_digits": code_digits(pd.Series(["C1811", "4720", "G5411", "3120", "", ""])),
            "outdoor_work": [False, False, False, False, True, pd.NA],
        }
    )
    assert hot_firm_mask(firms).tolist() == [False, True, True, True, True, False]
    assert hot_firm_mask(firms[["industry_section"]]).tolist() == [
        False,
        True,
        True,
        False,
        False,
        False,
    ]


def test_other_campaigns_show_the_forecast_without_matching() -> None:
    selected = draw(24, outdoor_every=2)
    s = plan(selected, window=heat_window(), weather=forecast(HOT_DAYS), campaign_id="wage")
    assert sorted(s.plan["date"].dt.date.unique()) == [D(2025, 8, 4), D(2025, 8, 5)]
    assert s.plan["tmax_c"].notna().all() and (s.plan["heat_band"] == "").all()


def test_heat_schedule_is_deterministic() -> None:
    selected = draw(36, seed=4, outdoor_every=3)
    runs = [
        plan(selected, window=heat_window(), weather=forecast(HOT_DAYS), campaign_id="heat")
        for _ in range(2)
    ]
    pd.testing.assert_frame_equal(runs[0].plan, runs[1].plan)


def test_bad_inputs() -> None:
    with pytest.raises(PlanningError, match="at least 1"):
        plan(firms_per_team_day=0)
    selected = draw(6)
    with pytest.raises(PlanningError, match="appears twice"):
        plan(pd.concat([selected, selected.iloc[:1]]))
    twice = split(selected, crew())
    with pytest.raises(PlanningError, match="two team assignments"):
        plan(selected, assignments=pd.concat([twice, twice.iloc[:1]]))


def test_draw_without_outdoor_column_uses_industry() -> None:
    selected = draw(24).drop(columns=["outdoor_work"])
    selected.loc[:5, "industry_section"] = "E"
    s = plan(selected, window=heat_window(), weather=forecast(HOT_DAYS), campaign_id="heat")
    assert s.plan["hot_firm"].sum() == 6
    assert (s.plan.loc[s.plan["hot_firm"], "tmax_c"] >= 35).all()
