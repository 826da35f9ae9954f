"""End to end on a region that is not the demo (issue: runs on anyone's data).

The region lives in a temporary folder outside the repository, its params files hold only the
keys a user needs, and the tests run from that folder with no demo output in sight."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspectlib.cli import main
from inspectlib.rundirs import latest
from tests.second_region import CAMPAIGNS, build_second_region

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    root = tmp_path_factory.mktemp("second-region")
    assert not root.resolve().is_relative_to(REPO)
    return build_second_region(root)


@pytest.fixture(scope="module")
def planned(region):
    """All four campaigns planned with the CLI from the region's own folder."""
    here = Path.cwd()
    import os

    os.chdir(region.root)
    try:
        codes = {c: main(["plan", str(region.params[c].name)]) for c in CAMPAIGNS}
    finally:
        os.chdir(here)
    return codes


def test_every_campaign_plans(planned, region):
    assert planned == dict.fromkeys(CAMPAIGNS, 0)
    for campaign in CAMPAIGNS:
        run = latest(region.root / "out" / campaign)
        assert run is not None and (run / "report.html").exists()
        assert not (run / ".computed.pickle").exists()


def test_service_sector_finds_firms_with_section_letter_codes(planned, region):
    audit = json.loads((latest(region.root / "out" / "service_sector") / "audit.json").read_text())
    assert audit["eligible_count"] > 0
    assert len(audit["selected"]) > 0
    heat = json.loads((latest(region.root / "out" / "heat") / "audit.json").read_text())
    assert heat["eligible_count"] > 0


def test_nothing_of_the_demo_reaches_the_outputs(planned, region):
    for campaign in CAMPAIGNS:
        run = latest(region.root / "out" / campaign)
        for path in run.iterdir():
            if path.suffix in (".html", ".json", ".csv", ".ipynb"):
                text = path.read_text(encoding="utf-8-sig")
                assert "outputs/demo" not in text, path
                assert "澄和街道" not in text, path  # the demo's office town
        audit = json.loads((run / "audit.json").read_text(encoding="utf-8"))
        assert audit["params"]["synthetic"] is False
        assert (
            audit["params"]["store"] == f"sqlite:///{region.root.resolve()}/outputs/archive.sqlite"
        )
        assert all(
            str(region.root.resolve()) in f["path"] for fs in audit["files"].values() for f in fs
        )
        assert "SYNTHETIC" not in (run / "report.html").read_text(encoding="utf-8")


def test_input_warnings_reach_the_report_and_the_audit(planned, region):
    run = latest(region.root / "out" / "wage")
    audit = json.loads((run / "audit.json").read_text(encoding="utf-8"))
    codes = {w["code"] for w in audit["input_warnings"]}
    assert {"lonlat_swapped", "uscc_check"} <= codes
    rows = {w["row"] for w in audit["input_warnings"] if w["code"] == "lonlat_swapped"}
    assert rows == {5}  # data row 3 is file row 5 (the header is row 1)
    html = (run / "report.html").read_text(encoding="utf-8")
    assert "输入数据提示" in html and "经度、纬度疑似填反，已对调" in html
    assert "swapped back" not in html  # the zh report has no English sentence for it


def test_plans_are_archived_as_drafts_in_the_default_store(planned, region):
    from inspectlib.archive import open_archive

    store = f"sqlite:///{region.root.resolve()}/outputs/archive.sqlite"
    with open_archive(store) as archive:
        assert sorted(archive.plans(year=2027)["campaign"]) == sorted(CAMPAIGNS)


def test_record_and_report_agree_with_plan_on_the_store(planned, region, capsys):
    """``record --params`` writes where ``plan`` and ``report`` read."""
    import pandas as pd

    run = latest(region.root / "out" / "wage")
    plan = pd.read_csv(run / "plan.csv", dtype={"firm_id": str}, encoding="utf-8-sig")
    visited = plan[plan["date"].notna()].head(5)
    sheet = region.root / "检查结果.csv"
    pd.DataFrame(
        {
            "统一社会信用代码": visited["firm_id"],
            "专项检查": "wage",
            "检查日期": visited["date"],
            "检查组": visited["team"],
            "检查结果": "violation",
        }
    ).to_csv(sheet, index=False, encoding="gbk")
    assert main(["record", str(sheet), "--params", str(region.params["wage"])]) == 0
    # its params name no language: the outputs are Chinese, and the command speaks Chinese
    assert (
        f"存档库：sqlite:///{region.root.resolve()}/outputs/archive.sqlite"
        in capsys.readouterr().out
    )

    assert main(["report", str(region.params["wage"])]) == 0
    report = latest(region.root / "out" / "wage" / "results")
    assert (report / "report.html").exists()


def test_generated_credit_codes_are_valid():
    import numpy as np
    from stdnum.cn import uscc

    from tests.second_region import credit_codes

    ids = credit_codes(np.random.default_rng(1), 40_000)
    assert len(set(ids)) == 40_000
    assert all(uscc.is_valid(i) for i in ids[::97])


def test_field_outputs_are_chinese_and_printable(planned, region):
    """Spreadsheets, field documents and the printable map on a region that is not the demo."""
    import docx
    from openpyxl import load_workbook

    run = latest(region.root / "out" / "heat")
    book = load_workbook(run / "plan.xlsx")
    assert book.sheetnames == ["抽中企业", "检查日程", "检查组", "抽取记录"]
    headers = [c.value for c in book["抽中企业"][1]]
    assert {"统一社会信用代码", "企业名称", "抽取层", "检查日期"} <= set(headers)
    assert not {"firm_id", "name", "stratum"} & set(headers)
    assert book["抽中企业"].freeze_panes == "A2"
    assert (run / "plan.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    notices = docx.Document(str(run / "forms" / "notices.docx"))
    text = "\n".join(p.text for p in notices.paragraphs)
    assert "随机抽查告知书" in text
    html = (run / "report.html").read_text(encoding="utf-8")
    assert "Campaign plan" not in html and 'class="inspectlib-print-map"' in html
    assert "石岗镇" in html.split('class="inspectlib-print-map"')[1][:200_000]


def test_chinese_plan_reports_hold_no_english_sentence(planned, region):
    """Minimal params write Chinese outputs: every plan report of the region reads as Chinese
    (the calendar, team and schedule notes included), whatever the region's towns."""
    from inspectlib.catalogue.languages import english_sentences
    from inspectlib.htmlcheck import visible_text

    for campaign in CAMPAIGNS:
        run = latest(region.root / "out" / campaign)
        for name in ("report.html", "map_public.html"):
            text = visible_text((run / name).read_text(encoding="utf-8"))
            assert english_sentences(text) == [], (campaign, name)
        assert "专项检查计划" in visible_text((run / "report.html").read_text(encoding="utf-8"))
