"""The audit record and verify-draw: MATCH on untouched inputs, exact differences otherwise."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

import inspectlib
from inspectlib.audit import build_audit, verify_draw, write_audit
from inspectlib.draw import plan_draw
from inspectlib.errors import InputError, ParamsError
from tests.drawdata import csv_loader, make_findings, make_params, write_input_files


@pytest.fixture()
def case(tmp_path, synth_register, synth_roster):
    """Input files on disk, params pointing at them, the draw and its audit file."""
    findings = make_findings(synth_register, campaign="heat", per_year=40)
    paths = write_input_files(tmp_path / "data", synth_register, synth_roster, findings)
    params = make_params(
        campaign="heat",
        language="en",
        register=str(paths["register"]),
        roster=str(paths["roster"]),
        boundaries=str(paths["boundaries"]),
        findings=[str(paths["findings"])],
    )
    inputs = csv_loader(params)
    result = plan_draw(params, inputs)
    audit = build_audit(params, inputs, result)
    path = write_audit(audit, tmp_path / "out" / "audit.json")
    return {"paths": paths, "params": params, "result": result, "audit": audit, "path": path}


def test_audit_contents(case):
    audit, result, paths = case["audit"], case["result"], case["paths"]
    assert audit["format"] == "inspectlib-audit/2"
    assert audit["inspectlib_version"] == inspectlib.__version__
    assert audit["seed"] == case["params"].seed and audit["campaign"] == "heat"
    assert audit["params"] == case["params"].model_dump(mode="json")
    digest = hashlib.sha256(paths["register"].read_bytes()).hexdigest()
    assert audit["files"]["register"] == [
        {"path": str(paths["register"].resolve()), "sha256": digest}
    ]
    assert set(audit["files"]) == {"register", "roster", "boundaries", "findings"}
    assert audit["eligible_count"] == len(result.eligible)
    assert [r["firm_id"] for r in audit["selected"]] == result.selected["firm_id"].tolist()
    assert [r["stratum"] for r in audit["selected"]] == result.selected["stratum"].tolist()
    assert [r["draw_order"] for r in audit["selected"]] == list(range(1, 111))
    assert audit["random_count"] == 6
    members = {t["team"]: [m["inspector_id"] for m in t["members"]] for t in audit["teams"]}
    assert members == result.teams.groupby("team")["inspector_id"].apply(list).to_dict()
    assert len(audit["assignments"]) == 110
    assert audit["risk_model"]["method"] == "expert"


def test_write_audit_is_atomic(case, tmp_path):
    path = case["path"]
    assert json.loads(path.read_text(encoding="utf-8")) == case["audit"]
    before = path.read_bytes()
    with pytest.raises(TypeError):
        write_audit({"bad": object()}, path)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["audit.json"]  # no temporary left


def test_verify_matches_untouched_inputs(case):
    result = verify_draw(case["path"], loader=csv_loader)
    assert result.matches and result.differences == []
    assert str(result) == "MATCH"


def test_verify_catches_a_one_row_change_in_the_register(case):
    register = case["paths"]["register"]
    first = case["result"].selected.iloc[0]
    frame = pd.read_csv(register, dtype=str, keep_default_na=False)
    row = frame.index[frame["firm_id"] == first["firm_id"]][0]
    frame.loc[row, ["industry_code", "industry_section", "outdoor_work"]] = ["7212", "L", "False"]
    frame.to_csv(register, index=False, encoding="utf-8")
    result = verify_draw(case["path"], loader=csv_loader)
    assert not result.matches
    text = str(result)
    assert text.startswith("MISMATCH")
    assert f"register file {register.resolve()} changed (sha256" in text
    assert f"position 1: firm {first['firm_id']} ({first['stratum']}) recorded" in text
    assert "eligible firms: " in text
    assert not any(d.startswith("roster file") for d in result.differences)


def test_verify_catches_a_roster_change_and_a_missing_file(case):
    roster = case["paths"]["roster"]
    teams = case["result"].teams
    drawn = teams["inspector_id"].iloc[0]
    frame = pd.read_csv(roster, dtype=str, keep_default_na=False)
    frame.loc[frame["inspector_id"] == drawn, "agency"] = "税务局"  # no longer in the pool
    frame.to_csv(roster, index=False, encoding="utf-8")
    result = verify_draw(case["path"], loader=csv_loader)
    assert any(d.startswith(f"roster file {roster.resolve()} changed") for d in result.differences)
    assert any(d.startswith("team T") for d in result.differences)
    case["paths"]["findings"].unlink()
    result = verify_draw(case["path"], loader=csv_loader)
    assert f"findings file {case['paths']['findings'].resolve()} is missing" in (result.differences)
    assert any(d.startswith("the draw cannot be redone") for d in result.differences)


def test_verify_rejects_invalid_recorded_params(case):
    audit = json.loads(case["path"].read_text(encoding="utf-8"))
    audit["params"]["selection"] = "best"
    write_audit(audit, case["path"])
    with pytest.raises(ParamsError, match="selection"):
        verify_draw(case["path"], loader=csv_loader)


def test_verify_with_the_real_loader(tmp_path, synth_register, synth_roster):
    """Contract with inspectlib.inputs.load_campaign_inputs (the CLI's verify-draw)."""
    from inspectlib.inputs import load_campaign_inputs

    paths = write_input_files(
        tmp_path / "data", synth_register, synth_roster, make_findings(synth_register, per_year=40)
    )
    params = make_params(
        register=str(paths["register"]),
        roster=str(paths["roster"]),
        boundaries=str(paths["boundaries"]),
        findings=[str(paths["findings"])],
    )
    inputs = load_campaign_inputs(params)
    result = plan_draw(params, inputs)
    path = write_audit(build_audit(params, inputs, result), tmp_path / "audit.json")
    assert str(verify_draw(path)) == "MATCH"
    lines = paths["register"].read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace("合成企业", "改名企业")  # one row: the name only
    paths["register"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    changed = verify_draw(path)
    assert not changed.matches  # the draw is the same, but the input file is not
    assert changed.differences == [
        d
        for d in changed.differences
        if d.startswith(f"register file {paths['register'].resolve()} changed")
    ]
    assert len(changed.differences) == 1


def test_an_audit_of_another_format_is_refused_by_name(case, tmp_path):
    audit = json.loads(case["path"].read_text(encoding="utf-8"))
    old = tmp_path / "audit.json"
    write_audit({**audit, "format": "inspectlib-audit/1", "inspectlib_version": "0.3.0"}, old)
    with pytest.raises(InputError) as caught:
        verify_draw(old, loader=csv_loader)
    (line,) = [p.line("zh") for p in caught.value.problems]
    assert "inspectlib-audit/1" in line and "0.3.0" in line and str(old) in line
    assert "inspectlib-audit/2" in str(caught.value.problems[0])
