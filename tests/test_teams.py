"""The inspector draw: agency rules, 回避, rotation, availability, balanced load."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from inspectlib.campaigns import get_campaign
from inspectlib.errors import PlanningError
from inspectlib.notices import Notice
from inspectlib.teams import assign_firms, team_count
from tests.drawdata import FakeInputs, empty_findings
from tests.drawdata import draw_with as run


def check_avoidance(result) -> None:
    """No member of a firm's team lives in the firm's town."""
    homes = result.teams.groupby("team")["home_town"].apply(set)
    for firm_town, team in zip(result.assignments["town"], result.assignments["team"], strict=True):
        assert firm_town not in homes[team], (firm_town, team)


@pytest.mark.parametrize("campaign", ["wage", "illegal_employment", "heat", "service_sector"])
@pytest.mark.parametrize("team_size", [2, 3])
def test_agency_rules_avoidance_and_balance(synth_inputs, campaign, team_size):
    result = run(synth_inputs, campaign=campaign, team_size=team_size)
    teams = result.teams
    columns = ["team", "seat", "inspector_id", "name", "agency", "home_town", "officer"]
    assert list(teams.columns) == columns
    assert teams["inspector_id"].is_unique
    assert (teams.groupby("team").size() == team_size).all()
    rules = get_campaign(campaign).team_rules
    for _, members in teams.groupby("team"):
        assert set(rules) <= set(members["agency"])
        assert set(members["agency"]) <= set(get_campaign(campaign).agencies)
    assert result.assignments["firm_id"].tolist() == result.selected["firm_id"].tolist()
    check_avoidance(result)
    load = result.assignments["team"].value_counts()
    assert set(load.index) == set(teams["team"])
    assert load.max() - load.min() <= 1


def test_illegal_employment_teams_pair_hrss_and_police(synth_inputs):
    result = run(synth_inputs, campaign="illegal_employment")
    for _, members in result.teams.groupby("team"):
        assert sorted(members["agency"]) == ["人社局", "公安局"]
    assert result.teams["team"].nunique() == 4  # only 4 police officers on the roster


def test_roster_too_short_for_the_agency_rule(synth_inputs):
    with pytest.raises(
        PlanningError,
        match="params.teams asks for 5 teams, but the rule "
        "'every team includes a public security inspector' needs one "
        "public security inspector per team and only 4 are "
        "available",
    ):
        run(synth_inputs, campaign="illegal_employment", teams=5)
    no_police = synth_inputs.roster[synth_inputs.roster["agency"] != "公安局"]
    inputs = FakeInputs(synth_inputs.register, no_police, empty_findings())
    with pytest.raises(PlanningError, match="no team can be formed.*public security"):
        run(inputs, campaign="illegal_employment")
    one_union = synth_inputs.roster.drop(index=[13, 14, 15])
    inputs = FakeInputs(synth_inputs.register, one_union, empty_findings())
    with pytest.raises(PlanningError, match="trade union federation inspector per team and only 1"):
        run(inputs, campaign="service_sector", teams=2)


def test_team_size_smaller_than_the_rules():
    pool = pd.DataFrame({"agency": ["人社局", "公安局"]})
    with pytest.raises(PlanningError, match="team_size 1 cannot hold"):
        team_count(pool, ("人社局", "公安局"), team_size=1, requested=None, n_firms=10)


def test_firms_no_team_can_take_are_listed(synth_inputs):
    roster = synth_inputs.roster.assign(home_town="城东镇")
    inputs = FakeInputs(synth_inputs.register, roster, empty_findings())
    with pytest.raises(
        PlanningError,
        match=r"firms cannot be given to any team without "
        r"breaking the conflict-of-interest rules.*\(城东镇\)",
    ):
        run(inputs)


def test_params_teams_and_agencies(synth_inputs):
    result = run(synth_inputs, campaign="wage", teams=2)
    assert result.teams["team"].unique().tolist() == ["T01", "T02"]
    result = run(synth_inputs, campaign="illegal_employment", agencies=["人社局", "总工会"])
    assert set(result.teams["agency"]) <= {"人社局", "总工会"}
    assert Notice("teams.rule_dropped", {"agency": "公安局"}) in result.warnings
    assert '"every team includes a 公安局 inspector" dropped' in str(
        Notice("teams.rule_dropped", {"agency": "公安局"})
    )


def test_unavailable_inspectors_are_not_drawn(synth_inputs):
    roster = synth_inputs.roster.copy()
    roster.loc[0, "available_to"] = pd.Timestamp("2025-01-10")  # wage window ends 01-27
    roster.loc[1, "available_from"] = pd.Timestamp("2025-01-06")
    inputs = FakeInputs(synth_inputs.register, roster, empty_findings())
    result = run(inputs)
    assert not result.teams["inspector_id"].isin(["I001", "I002"]).any()
    warning = next(w for w in result.warnings if w.code == "teams.unavailable")
    assert warning.values["who"] == ["I001 (…–2025-01-10)", "I002 (2025-01-06–…)"]
    assert "I001 (…–2025-01-10)、I002 (2025-01-06–…)" in warning.text("zh")


def test_rotation_unit():
    teams = pd.DataFrame(
        {
            "team": ["T01", "T01", "T02", "T02"],
            "seat": [1, 2, 1, 2],
            "inspector_id": ["I1", "I2", "I3", "I4"],
            "name": list("abcd"),
            "agency": ["人社局"] * 4,
            "home_town": ["X", "Y", "Y", "Z"],
        }
    )
    firms = pd.DataFrame(
        {
            "firm_id": ["F1", "F2", "F3", "F4"],
            "town": ["W", "W", "W", "Q"],
            "draw_order": [1, 2, 3, 4],
        }
    )
    last = {
        "F1": frozenset({"I1", "I2"}),
        "F2": frozenset({"I1", "I2"}),
        "F3": frozenset({"I2", "I3"}),
    }  # F3's last team is not a drawn team
    rng = np.random.default_rng(0)
    out, warnings, stuck = assign_firms(firms, teams, last, rng)
    got = dict(zip(out["firm_id"], out["team"], strict=True))
    assert got["F1"] == "T02" and got["F2"] == "T02"
    assert got["F3"] == "T01" and got["F4"] == "T01"  # balance: 2 and 2
    assert stuck.empty and warnings == []
    # Town X firm: T01 has a member from X; its last team was T02 → nobody can take it.
    firms2 = pd.DataFrame({"firm_id": ["F5"], "town": ["X"], "draw_order": [1]})
    out, _, stuck = assign_firms(firms2, teams, {"F5": frozenset({"I3", "I4"})}, rng)
    assert out is None and stuck["firm_id"].tolist() == ["F5"]


def test_rotation_in_the_draw(synth_inputs):
    first = run(synth_inputs, selection="random")
    members = first.teams.groupby("team")["inspector_id"].apply("+".join)
    history = pd.DataFrame(
        {
            "firm_id": first.assignments["firm_id"],
            "campaign": "wage",
            "inspection_date": pd.Timestamp("2023-01-10"),
            "team": first.assignments["team"].map(members),
            "result": "compliant",
        }
    )
    second = run(
        FakeInputs(synth_inputs.register, synth_inputs.roster, history), selection="random"
    )
    assert second.selected["firm_id"].tolist() == first.selected["firm_id"].tolist()
    pd.testing.assert_frame_equal(second.teams, first.teams)
    before = dict(zip(first.assignments["firm_id"], first.assignments["team"], strict=True))
    for firm, team in zip(second.assignments["firm_id"], second.assignments["team"], strict=True):
        assert team != before[firm]
    check_avoidance(second)


def test_unreadable_team_labels_give_a_warning(synth_inputs):
    first = run(synth_inputs)
    history = pd.DataFrame(
        {
            "firm_id": first.selected["firm_id"],
            "campaign": "heat",
            "inspection_date": pd.Timestamp("2022-08-10"),
            "team": "第一组",
            "result": "compliant",
        }
    )
    result = run(FakeInputs(synth_inputs.register, synth_inputs.roster, history))
    (warning,) = [w for w in result.warnings if w.code == "teams.rotation_unchecked"]
    assert warning.values["label"] == "第一组"
    assert str(warning).startswith("rotation not checked for")
