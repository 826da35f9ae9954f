"""Official draws: plan runs are drafts until adopted; results reports use the official draw
(issue: a draw you can defend). Run on a region that is not the demo, outside the repo."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from inspectlib.archive import open_archive
from inspectlib.cli import main
from inspectlib.rundirs import latest
from tests.second_region import build_second_region


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    region = build_second_region(tmp_path_factory.mktemp("adopt"), n_firms=400)
    params = region.params["wage"]
    params.write_text(params.read_text(encoding="utf-8") + "target_firms: 30\n", encoding="utf-8")
    assert main(["plan", str(params)]) == 0
    return region


def store(region) -> str:
    return f"sqlite:///{region.root.resolve()}/outputs/archive.sqlite"


def record_violations(region, run: Path) -> Path:
    plan = pd.read_csv(run / "plan.csv", dtype={"firm_id": str}, encoding="utf-8-sig")
    visited = plan[plan["date"].notna()].head(12)
    sheet = region.root / f"findings-{run.name}.csv"
    pd.DataFrame(
        {
            "firm_id": visited["firm_id"],
            "campaign": "wage",
            "inspection_date": visited["date"],
            "team": visited["team"],
            "result": "violation",
        }
    ).to_csv(sheet, index=False)
    assert main(["record", str(sheet), "--params", str(region.params["wage"])]) == 0
    return sheet


def report_html(region) -> str:
    assert main(["report", str(region.params["wage"])]) == 0
    return (latest(region.root / "out" / "wage" / "results") / "report.html").read_text("utf-8")


def a_report_without_an_adopted_draw_summarises_the_findings(region, capsys):
    official = latest(region.root / "out" / "wage")
    record_violations(region, official)
    html = report_html(region)
    assert "本年度没有确认的正式抽取（档案中有 1 份未确认的抽取草稿）" in html
    assert "已检查 12 家" in html and "计划检查" not in html
    assert "违法率只依据标明为随机抽取的检查估计" in html


def adopt_makes_the_run_official_and_the_report_says_so(region, capsys):
    official = latest(region.root / "out" / "wage")
    assert main(["adopt", str(region.root / "out" / "wage" / "latest")]) == 0
    out = capsys.readouterr().out
    assert f"run {official.name} is now the official draw" in out
    assert main(["adopt", str(official)]) == 0  # again: nothing changes
    assert "is the official draw already" in capsys.readouterr().out
    html = report_html(region)
    sha = __import__("hashlib").sha256((official / "audit.json").read_bytes()).hexdigest()
    assert (
        f"本报告依据的正式抽取：运行 {official.name}（audit.json SHA-256 前 12 位 {sha[:12]}）"
        in html
    )
    assert "计划检查 30 家" in html


def a_what_if_plan_is_a_draft_and_changes_no_report(region, capsys):
    """Defect 1: `plan --set target_firms=50` after the results are known used to become the
    draw of record."""
    official = latest(region.root / "out" / "wage")
    assert main(["plan", str(region.params["wage"]), "--set", "target_firms=50"]) == 0
    what_if = latest(region.root / "out" / "wage")
    assert what_if != official
    html = report_html(region)
    assert "计划检查 30 家" in html and "计划检查 50 家" not in html
    assert f"运行 {official.name}" in html
    # a second official draw needs a reason; both are kept and the report lists the old one
    capsys.readouterr()
    assert main(["adopt", str(what_if)]) == 1
    assert "needs --reason" in capsys.readouterr().err
    assert main(["adopt", str(what_if), "--reason", "原抽取遗漏了新登记企业"]) == 0
    html = report_html(region)
    assert f"运行 {what_if.name}" in html and "计划检查 50 家" in html
    assert f"此前确认的抽取 {official.name} 已被替换，原因：原抽取遗漏了新登记企业。" in html
    with open_archive(store(region)) as archive:
        assert len(archive.adoptions("wage", 2027)) == 2


def adopt_refuses_a_run_whose_audit_was_replaced(region, tmp_path, capsys):
    run = latest(region.root / "out" / "wage")
    audit = json.loads((run / "audit.json").read_text(encoding="utf-8"))
    audit["seed"] = audit["seed"] + 1
    fake = tmp_path / run.name
    fake.mkdir()
    (fake / "audit.json").write_text(json.dumps(audit), encoding="utf-8")
    assert main(["adopt", str(fake), "--reason", "x"]) == 1
    assert "is not in the archive" in capsys.readouterr().err
    assert main(["adopt", str(tmp_path / "nowhere")]) == 1
    assert "cannot read the run's audit" in capsys.readouterr().err


def verify(audit: Path, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["verify-draw", str(audit)])
    return code, capsys.readouterr().out


def tampering_is_caught_by_verify_draw_and_the_report(region, capsys):
    """Defect 3: each tampering gives MISMATCH naming what changed."""
    import shutil

    import sqlalchemy as sa

    run = latest(region.root / "out" / "wage")
    audit = run / "audit.json"
    pristine = audit.read_bytes()
    assert verify(audit, capsys) == (0, "MATCH\n")

    # another seed's audit.json in place of this run's
    assert main(["plan", str(region.params["wage"]), "--set", "seed=999"]) == 0
    other = latest(region.root / "out" / "wage")
    shutil.copy(other / "audit.json", audit)
    code, out = verify(audit, capsys)
    assert code == 1 and "audit.json is not the audit the archive recorded for this run" in out
    assert "audit.json changed since the run was adopted" in out
    audit.write_bytes(pristine)

    # the audit's top-level seed, and one recorded risk score
    for change, needle in (
        (lambda a: a.update(seed=a["seed"] + 1), "- seed: recorded"),
        (lambda a: a["selected"][3].update(risk_score=0.123), "- selected[3].risk_score"),
        (lambda a: a["selected"][3]["reasons"].update(factors={}), "- selected[3].reasons"),
    ):
        doc = json.loads(pristine)
        change(doc)
        audit.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        code, out = verify(audit, capsys)
        assert code == 1 and needle in out, out
        audit.write_bytes(pristine)

    # the archived draw edited: verify-draw and the report both refuse it
    engine = sa.create_engine(store(region))
    with engine.begin() as conn:
        plan_id = conn.execute(
            sa.text("SELECT plan_id FROM adoptions ORDER BY id DESC LIMIT 1")
        ).scalar()
        conn.execute(
            sa.text("UPDATE draws SET risk_score = 0.5 WHERE plan_id = :p AND draw_order = 2"),
            {"p": plan_id},
        )
    official = Path(
        engine.connect()
        .execute(sa.text(f"SELECT output_dir FROM plans WHERE id = {plan_id}"))
        .scalar()
    )
    code, out = verify(official / "audit.json", capsys)
    assert code == 1 and "archived draw position 2" in out
    assert main(["report", str(region.params["wage"])]) == 1
    assert "正式抽取结果与其运行文件夹" in capsys.readouterr().err  # params: language zh

    # the archived plan deleted
    with engine.begin() as conn:
        for table in ("adoptions", "draws", "assignments"):
            conn.execute(sa.text(f"DELETE FROM {table} WHERE plan_id = :p"), {"p": plan_id})
        conn.execute(sa.text("DELETE FROM plans WHERE id = :p"), {"p": plan_id})
    engine.dispose()
    code, out = verify(official / "audit.json", capsys)
    assert code == 1 and "holds no plan for this run folder" in out


def test_the_official_draw_story(region, tmp_path, capsys):
    """One bureau's year, in order on one archive (each step builds on the one before, so
    they are one test: parallel workers never split the story)."""
    a_report_without_an_adopted_draw_summarises_the_findings(region, capsys)
    adopt_makes_the_run_official_and_the_report_says_so(region, capsys)
    a_what_if_plan_is_a_draft_and_changes_no_report(region, capsys)
    adopt_refuses_a_run_whose_audit_was_replaced(region, tmp_path, capsys)
    tampering_is_caught_by_verify_draw_and_the_report(region, capsys)
