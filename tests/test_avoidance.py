"""回避 beyond home towns (conflict lists), the credential rule (min_officers) and the log of
re-draws a rule forced (issue 13)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from inspectlib.audit import build_audit
from inspectlib.errors import PlanningError
from inspectlib.notices import Notice, codes
from inspectlib.teams import conflict_ids, redraw_reason
from tests.drawdata import FakeInputs, empty_findings, make_params
from tests.drawdata import draw_with as run


def with_roster(inputs: FakeInputs, roster: pd.DataFrame) -> FakeInputs:
    return FakeInputs(inputs.register, roster, empty_findings())


def hrss_roster(synth_inputs: FakeInputs, officers: int = 8) -> pd.DataFrame:
    """The eight 人社局 inspectors, the first ``officers`` of them holding a credential."""
    roster = synth_inputs.roster[synth_inputs.roster["agency"] == "人社局"].copy()
    roster["credential_no"] = [f"苏人社执{i:04d}" if i < officers else "" for i in range(8)]
    return roster.reset_index(drop=True)


def members_of(result) -> dict[str, set[str]]:
    return {t: set(g["inspector_id"]) for t, g in result.teams.groupby("team")}


def test_conflict_ids_are_normalised_like_firm_ids():
    assert conflict_ids(" 91320500-abc123456x ；9132 0500 0000000001;") == frozenset(
        {"91320500ABC123456X", "913205000000000001"}
    )
    assert conflict_ids("") == frozenset()


def test_a_conflict_firm_never_goes_to_a_team_holding_the_inspector(synth_inputs):
    roster = hrss_roster(synth_inputs)
    first = run(with_roster(synth_inputs, roster), min_officers=0)
    team_of = dict(zip(first.assignments["firm_id"], first.assignments["team"], strict=True))
    members = members_of(first)
    # every drawn inspector lists the first 10 firms their team was given, written loosely
    conflicts: dict[str, list[str]] = {}
    for firm in first.assignments["firm_id"].head(10):
        for inspector in members[team_of[firm]]:
            conflicts.setdefault(inspector, []).append(firm[:8].lower() + "-" + firm[8:])
    roster["conflict_firm_ids"] = roster["inspector_id"].map(
        lambda i: "; ".join(conflicts.get(i, []))
    )
    again = run(with_roster(synth_inputs, roster), min_officers=0)
    members = members_of(again)
    for firm, team in zip(again.assignments["firm_id"], again.assignments["team"], strict=True):
        barred = {
            i for i, firms in conflicts.items() if any(conflict_ids(f) == {firm} for f in firms)
        }
        assert not barred & members[team], (firm, team)
    assert set(first.assignments["firm_id"]) == set(again.assignments["firm_id"])


def draw_in(inputs: FakeInputs, language: str, **params):
    from inspectlib.draw import plan_draw

    return plan_draw(make_params(language=language, **params), inputs)


def first_seed_with_redraws(inputs: FakeInputs, language: str = "en", **params):
    """The draw of the first seed (1, 2, ...) whose teams had to be drawn again."""
    for seed in range(1, 40):
        result = draw_in(inputs, language, seed=seed, **params)
        if result.redraws:
            return result
    raise AssertionError("no seed forced a re-draw")


def test_redraws_forced_by_conflicts_are_logged_in_the_audit(synth_inputs):
    roster = hrss_roster(synth_inputs)
    register = synth_inputs.register
    town = register["town"].iloc[0]
    barred_firms = register.loc[register["town"] == town, "firm_id"]
    # half the inspectors may not visit the firms of one town: two of them in a team (or one
    # in each team) leave those firms without a team, and the teams are drawn again
    roster["conflict_firm_ids"] = ["; ".join(barred_firms) if i % 2 else "" for i in range(8)]
    inputs = with_roster(synth_inputs, roster)
    result = first_seed_with_redraws(inputs, min_officers=0, teams=2)
    entry = next(e for e in result.redraws if e["rule"] == "conflict")
    assert entry["firm_ids"] and set(entry["firm_ids"]) <= set(barred_firms)
    assert entry["reason"] == redraw_reason("conflict", "en")
    assert "回避企业" in redraw_reason("conflict", "zh")
    barred = set(roster.loc[roster["conflict_firm_ids"] != "", "inspector_id"])
    members = members_of(result)
    for firm, team in zip(result.assignments["firm_id"], result.assignments["team"], strict=True):
        if firm in set(barred_firms):
            assert not barred & members[team]
    attempts = result.redraws[-1]["attempt"] + 1
    assert Notice("teams.redrawn", {"k": attempts}) in result.warnings
    assert f"teams drawn {attempts} times" in str(Notice("teams.redrawn", {"k": attempts}))
    audit = build_audit(make_params(seed=1), inputs, result)
    assert audit["redraws"] == result.redraws


def test_redraws_forced_by_home_towns_are_logged(synth_inputs):
    roster = hrss_roster(synth_inputs)
    roster["home_town"] = ["城东镇" if i % 2 else "湖滨镇" for i in range(8)]
    inputs = with_roster(synth_inputs, roster)
    result = first_seed_with_redraws(inputs, min_officers=0, teams=2)
    rules = {e["rule"] for e in result.redraws}
    assert rules == {"home_town"}
    assert all(e["reason"] == redraw_reason("home_town", "en") for e in result.redraws)
    assert redraw_reason("home_town", "zh").startswith("回避")
    for team, town in result.assignments[["team", "town"]].itertuples(index=False):
        homes = set(
            roster.set_index("inspector_id").loc[list(members_of(result)[team]), "home_town"]
        )
        assert town not in homes


def test_redraw_reasons_in_the_plan_language(synth_inputs):
    roster = hrss_roster(synth_inputs)
    roster["home_town"] = ["城东镇" if i % 2 else "湖滨镇" for i in range(8)]
    inputs = with_roster(synth_inputs, roster)
    zh = first_seed_with_redraws(inputs, "zh", min_officers=0, teams=2)
    en = first_seed_with_redraws(inputs, "en", min_officers=0, teams=2)
    assert zh.redraws == en.redraws  # the draw does not depend on the language
    assert not re.search(r"[A-Za-z]{3,}", redraw_reason(zh.redraws[0]["rule"], "zh"))


@pytest.mark.parametrize("min_officers", [1, 2])
def test_every_team_holds_min_officers_credential_holders(synth_inputs, min_officers):
    roster = hrss_roster(synth_inputs, officers=4)
    result = run(with_roster(synth_inputs, roster), min_officers=min_officers)
    holders = set(roster.loc[roster["credential_no"] != "", "inspector_id"])
    counts = [len(m & holders) for m in members_of(result).values()]
    assert min(counts) >= min_officers
    assert len(counts) == 4 // min_officers  # 4 holders: 4 teams of one, or 2 teams of two


def test_min_officers_edges(synth_inputs):
    roster = hrss_roster(synth_inputs, officers=4)
    inputs = with_roster(synth_inputs, roster)
    run(inputs, min_officers=2, teams=2)  # exactly enough holders
    with pytest.raises(PlanningError, match="min_officers.*only 4 available inspectors hold"):
        run(inputs, min_officers=2, teams=3)
    run(inputs, min_officers=2, team_size=2)  # team_size = min_officers: fits
    with pytest.raises(PlanningError, match="team_size 2 cannot hold 3 members"):
        run(inputs, min_officers=3, team_size=2)
    free = run(inputs, min_officers=0)  # the rule off: a team may hold no holder
    assert len(members_of(free)) == 4


def test_union_staff_join_on_top_of_the_officers(synth_inputs):
    roster = synth_inputs.roster.copy()
    roster["credential_no"] = [
        "" if agency == "总工会" else f"执{i:03d}" for i, agency in enumerate(roster["agency"])
    ]
    inputs = with_roster(synth_inputs, roster)
    with pytest.raises(PlanningError, match="raise team_size to 3"):
        run(inputs, campaign="service_sector", team_size=2, min_officers=2)
    result = run(inputs, campaign="service_sector", team_size=3, min_officers=2, teams=3)
    for _, group in result.teams.groupby("team"):
        assert len(group) == 3
        assert (group["agency"] == "总工会").sum() >= 1
        assert group["officer"].sum() >= 2


@pytest.mark.parametrize("language", ["zh", "en"])
def test_without_credential_numbers_the_rule_is_skipped_and_said(synth_inputs, language):
    result = draw_in(synth_inputs, language, min_officers=2)
    (notice,) = [w for w in result.warnings if w.code == "teams.no_credentials"]
    warning = notice.text(language)
    if language == "zh":
        assert not re.search(r"[A-Za-z]{3,}", warning)
        assert "每个检查组至少 2 名持执法证人员" in warning
    else:
        assert "is not checked" in warning
    assert len(members_of(result)) == 4
    quiet = draw_in(synth_inputs, language, min_officers=0)
    assert "teams.no_credentials" not in codes(quiet.warnings)
