"""回避 lists and credentials on a region that is not the demo: a Chinese roster with 执法证号
and 回避企业 columns, minimal params, a folder outside the repository."""

from __future__ import annotations

import pandas as pd

from inspectlib.notices import codes
from inspectlib.params import load_params
from inspectlib.plan import make_plan
from tests.second_region import build_second_region, roster_frame


def test_conflicts_and_credentials_on_the_second_region(tmp_path):
    region = build_second_region(tmp_path / "region")
    params = load_params(region.params["wage"])
    first = make_plan(params)
    assert "teams.no_credentials" in codes(first.draw.warnings)  # default roster: rule skipped
    # every member of a team lists the first firms that team was given, in a new roster
    team_of = first.draw.assignments.set_index("firm_id")["team"]
    conflicts: dict[str, list[str]] = {}
    for firm in first.draw.assignments["firm_id"].head(12):
        for inspector in first.draw.teams.loc[
            first.draw.teams["team"] == team_of[firm], "inspector_id"
        ]:
            conflicts.setdefault(inspector, []).append(firm)
    roster_frame(conflicts).to_csv(region.roster, index=False, encoding="utf-8-sig")

    plan = make_plan(load_params(region.params["wage"]))
    teams, table = plan.draw.teams, plan.table
    assert "teams.no_credentials" not in codes(plan.draw.warnings)
    assert teams["inspector_id"].str.startswith("SG").all()  # 编号, not 执法证号
    assert teams.groupby("team")["officer"].sum().min() >= 2
    members = {t: set(g["inspector_id"]) for t, g in teams.groupby("team")}
    for firm, team in zip(table["firm_id"], table["team"], strict=True):
        barred = {i for i, firms in conflicts.items() if firm in firms}
        assert not barred & members[team], (firm, team)
    expected = {
        t: ";".join(g.sort_values("seat")["inspector_id"]) for t, g in teams.groupby("team")
    }
    assert table["inspector_ids"].tolist() == table["team"].map(expected).tolist()
    assert set(table["firm_id"]) == set(first.table["firm_id"])  # the firm draw is unchanged
    assert isinstance(plan.audit["redraws"], list)


def test_plan_csv_lists_inspector_ids_beside_team_and_members(tmp_path):
    from inspectlib.plan import PLAN_CSV_COLUMNS, write_outputs

    region = build_second_region(tmp_path / "region")
    plan = make_plan(load_params(region.params["heat"]))
    written = write_outputs(plan, tmp_path / "out")
    csv = pd.read_csv(written["plan.csv"], dtype=str, encoding="utf-8-sig")
    assert "inspector_ids" in PLAN_CSV_COLUMNS
    scheduled = csv[csv["team"].notna()]
    for team, ids, members in scheduled[["team", "inspector_ids", "members"]].itertuples(
        index=False
    ):
        crew = plan.draw.teams[plan.draw.teams["team"] == team].sort_values("seat")
        assert ids.split(";") == crew["inspector_id"].tolist()
        assert members.split(", ") == crew["name"].tolist()
