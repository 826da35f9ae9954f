import json

import pandas as pd
import pytest

from inspectlib.archive import open_archive
from inspectlib.audit import verify_draw
from inspectlib.cli import main
from inspectlib.params import load_params
from inspectlib.plan import PLAN_CSV_COLUMNS, archive_plan, make_plan, write_outputs


@pytest.fixture(scope="module")
def wage_plan(small_world):
    return make_plan(load_params(small_world.params["wage"]))


def test_plan_draws_schedules_and_audits(wage_plan):
    table = wage_plan.table
    assert len(table) == 40
    assert table["draw_order"].tolist() == list(range(1, 41))
    scheduled = table[table["date"].notna()]
    assert len(scheduled) + len(wage_plan.schedule.unscheduled) == 40
    start, end = wage_plan.window.start, wage_plan.window.end
    assert scheduled["date"].between(pd.Timestamp(start), pd.Timestamp(end)).all()
    audit = wage_plan.audit
    assert [s["firm_id"] for s in audit["selected"]] == table["firm_id"].tolist()
    assert len(audit["schedule"]["visits"]) == len(scheduled)
    assert {"register", "boundaries", "roster", "findings"} <= set(audit["files"])


def test_outputs_are_written_with_the_contract_columns(wage_plan, tmp_path):
    files = write_outputs(wage_plan, tmp_path)
    assert set(files) == {"plan.csv", "plan.xlsx", "map.html", "map_public.html", "audit.json"} | {
        f"forms/{name}.docx" for name in ("routes", "notices", "records")
    }
    csv = pd.read_csv(files["plan.csv"], dtype={"firm_id": str})
    assert list(csv.columns[: len(PLAN_CSV_COLUMNS)]) == list(PLAN_CSV_COLUMNS)
    assert csv["lon"].between(119, 122).all() and csv["lat"].between(31, 33).all()
    sheets = pd.ExcelFile(files["plan.xlsx"]).sheet_names
    assert sheets == ["抽中企业", "检查日程", "检查组", "抽取记录"]
    public = files["map_public.html"].read_text(encoding="utf-8")
    scores = {f"{s:.6f}" for s in wage_plan.table["risk_score"]}
    reasons = [r for r in wage_plan.table["reasons"] if len(r) > 20]
    assert not any(s in public for s in scores)
    assert not any(r in public for r in reasons)
    assert not any(name in public for name in wage_plan.draw.teams["name"])
    assert json.loads(files["audit.json"].read_text(encoding="utf-8"))["seed"] == 20270104


def test_verify_draw_matches_then_catches_a_one_row_change(small_world, tmp_path, capsys):
    import shutil

    world = tmp_path / "copy"
    shutil.copytree(small_world.root / "inputs", world / "inputs")
    shutil.copytree(small_world.root / "params", world / "params")
    params = load_params(world / "params" / "wage.yaml")
    files = write_outputs(make_plan(params), tmp_path / "run")
    assert main(["verify-draw", str(files["audit.json"])]) == 0
    assert capsys.readouterr().out.startswith("MATCH")
    register = world / "inputs" / "register.csv"
    text = register.read_bytes().decode("gbk").splitlines(keepends=True)
    text[5] = (
        text[5].replace(",否,", ",是,", 1)
        if ",否," in text[5]
        else text[5].replace(",是,", ",否,", 1)
    )
    register.write_bytes("".join(text).encode("gbk"))
    assert main(["verify-draw", str(files["audit.json"])]) == 1
    out = capsys.readouterr().out
    assert out.startswith("MISMATCH") and "register.csv" in out
    assert not verify_draw(files["audit.json"]).matches


def test_plan_is_archived_once(wage_plan, tmp_path):
    params = wage_plan.params.model_copy(update={"store": f"sqlite:///{tmp_path}/a.sqlite"})
    write_outputs(wage_plan, tmp_path / "run")
    first = archive_plan(params, wage_plan, tmp_path / "run")
    again = archive_plan(params, wage_plan, tmp_path / "run")
    assert first == again
    with open_archive(params.store) as archive:
        assert len(archive.plans("wage", 2027)) == 1
        draw = archive.draw(first)
    assert draw.sort_values("draw_order")["firm_id"].tolist() == wage_plan.table["firm_id"].tolist()


def test_verify_also_checks_the_recorded_schedule(wage_plan, tmp_path, capsys):
    files = write_outputs(wage_plan, tmp_path)
    audit = json.loads(files["audit.json"].read_text(encoding="utf-8"))
    visit = audit["schedule"]["visits"][0]
    visit["team"] = "T99"
    files["audit.json"].write_text(json.dumps(audit, ensure_ascii=False), encoding="utf-8")
    assert main(["verify-draw", str(files["audit.json"])]) == 1
    out = capsys.readouterr().out
    assert out.startswith("MISMATCH") and "schedule visit 1" in out and "T99" in out


def test_the_draw_learns_from_the_archive_and_stays_verifiable(small_world, tmp_path, capsys):
    import shutil

    import sqlalchemy as sa

    from inspectlib.inputs import load_findings

    world = tmp_path / "copy"
    shutil.copytree(small_world.root / "inputs", world / "inputs")
    store = f"sqlite:///{world / 'archive.sqlite'}"
    history = [
        world / "inputs" / name
        for name in ("findings_2024.xlsx", "findings_2025.xlsx", "findings_2026.csv")
    ]
    with open_archive(store) as archive:
        archive.record_findings(load_findings(history[-1:]), source="2026")
    params = load_params(small_world.params["wage"]).model_copy(
        update={
            "store": store,
            "findings": history[:1],
            "register": world / "inputs" / "register.csv",
        }
    )
    plan = make_plan(params)
    assert plan.audit["archive"]["findings"] == len(load_findings(history[-1:]))
    assert set(plan.inputs.findings["inspection_date"].dt.year) == {2024, 2026}
    files = write_outputs(plan, tmp_path / "run")

    with open_archive(store) as archive:  # imported after the plan: not part of it
        archive.record_findings(load_findings(history[1:2]), source="2025")
        # a correction after the plan: the plan learned from the earlier version
        fixed = load_findings(history[-1:])
        flip = {"compliant": "violation", "violation": "compliant"}
        fixed.loc[:9, "result"] = fixed.loc[:9, "result"].map(lambda r: flip.get(r, r))
        assert archive.record_findings(fixed, "2026-corrected", replace=True).replaced >= 9
    assert main(["verify-draw", str(files["audit.json"])]) == 0
    assert capsys.readouterr().out.startswith("MATCH")

    engine = sa.create_engine(store)
    with engine.begin() as conn:
        deleted = conn.execute(
            sa.text("DELETE FROM findings WHERE rowid = (SELECT min(rowid) FROM findings)")
        )
        assert deleted.rowcount == 1  # one of the 2026 rows the plan learned from
    engine.dispose()
    assert main(["verify-draw", str(files["audit.json"])]) == 1
    assert "archived findings up to" in capsys.readouterr().out


def test_report_summary_says_which_days_the_schedule_uses(wage_plan):
    from inspectlib.report import summary

    days = pd.to_datetime(wage_plan.schedule.plan["date"]).dt.date
    text = str(summary(wage_plan))
    assert f"用 {days.nunique()} 个工作日（{days.min()} 至 {days.max()}）" in text
    assert f"共 {len(wage_plan.window.workdays)} 个工作日" in text
