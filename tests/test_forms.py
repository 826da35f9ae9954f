"""Field documents (routes, 告知书, 检查记录表) and the campaigns' 抽查事项清单.

Every DOCX is opened with python-docx and read back: what a team leader prints must hold
every drawn firm, every checklist item with its cited article, and nothing but Chinese words
in a zh document (data values aside)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import docx
import pandas as pd
import pytest
from docx.oxml.ns import qn

from inspectlib.campaigns import CAMPAIGNS, LegalBasis, chinese_numeral, cite, get_campaign
from inspectlib.forms import arrival_times, write_forms
from inspectlib.params import load_params
from inspectlib.plan import make_plan, write_outputs
from inspectlib.report import checklist

HOSTILE = ("<script>alert(1)</script>有限公司", '=HYPERLINK("http://x","点我")', "坏\x00名\x07称")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CJK = re.compile(r"[\u3400-\u9fff]")


# --- reading a document back -------------------------------------------------------------


def _paragraph_starts_page(p) -> bool:
    ppr = p.find(qn("w:pPr"))
    flag = ppr.find(qn("w:pageBreakBefore")) if ppr is not None else None
    if flag is not None and flag.get(qn("w:val")) not in ("0", "false"):
        return True
    return any(br.get(qn("w:type")) == "page" for br in p.iter(qn("w:br")))


def pages(path: Path) -> list[list[str]]:
    """The document's text, page by page (pages start at page breaks and new sections)."""
    document = docx.Document(str(path))
    out: list[list[str]] = [[]]
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            if _paragraph_starts_page(element) and any(out[-1]):
                out.append([])
            out[-1].append("".join(t.text or "" for t in element.iter(qn("w:t"))))
            if element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
                out.append([])
        elif element.tag == qn("w:tbl"):
            for tc in element.iter(qn("w:tc")):
                out[-1].append("".join(t.text or "" for t in tc.iter(qn("w:t"))))
    return [page for page in out if any(page)]


def all_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts)


def data_values(plan) -> list[str]:
    """Every value from data that may appear in the documents, longest first."""
    table = plan.table
    register = plan.inputs.register
    values = [*table["name"], *table["firm_id"], *table["town"], *table["team"]]
    values += list(register.get("address", pd.Series(dtype=object)).dropna())
    values += [*plan.draw.teams["name"], *plan.draw.teams["agency"]]
    values += list(plan.inputs.roster.get("credential_no", pd.Series(dtype=object)).dropna())
    return sorted({str(v) for v in values if isinstance(v, str) and v}, key=len, reverse=True)


def without_data(text: str, plan) -> str:
    for value in data_values(plan):
        text = text.replace(value, " ")
    return text


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wage_plan(small_world):
    return make_plan(load_params(small_world.params["wage"]))


@pytest.fixture(scope="module")
def heat_plan(small_world):
    return make_plan(load_params(small_world.params["heat"]))


@pytest.fixture(scope="module")
def wage_forms(wage_plan, tmp_path_factory):
    return write_forms(wage_plan, tmp_path_factory.mktemp("wage-forms"))


@pytest.fixture(scope="module")
def heat_forms(heat_plan, tmp_path_factory):
    return write_forms(heat_plan, tmp_path_factory.mktemp("heat-forms"))


def _with_language(plan, language: str):
    params = plan.params.model_copy(update={"language": language})
    return dataclasses.replace(plan, params=params)


# --- the campaign table ------------------------------------------------------------------


def test_chinese_article_numbers():
    assert [chinese_numeral(n) for n in (1, 8, 10, 11, 17, 20, 44, 58, 62, 82, 100, 105, 120)] == [
        "一", "八", "十", "十一", "十七", "二十", "四十四", "五十八", "六十二", "八十二",
        "一百", "一百零五", "一百二十",
    ]  # fmt: skip
    with pytest.raises(ValueError):
        chinese_numeral(0)


def test_every_checklist_item_names_its_legal_basis():
    for campaign in CAMPAIGNS.values():
        assert campaign.materials, campaign.id
        for item in campaign.checklist:
            assert item.title_zh and item.title_en and item.basis, (campaign.id, item.code)
            zh = cite(item.basis, "zh")
            assert zh.startswith("《") and "》" in zh
            assert not CJK.search(cite(item.basis, "en"))
            assert not LATIN_WORD.search(zh + item.title_zh)
    heat = {i.code: cite(i.basis, "zh") for i in get_campaign("heat").checklist}
    for code in ("hours_37_40", "stop_40", "shifts_35_37"):
        assert heat[code] == "《防暑降温措施管理办法》第八条"
    assert heat["heat_allowance"] == "《防暑降温措施管理办法》第十七条"
    illegal = {i.code: cite(i.basis, "zh") for i in get_campaign("illegal_employment").checklist}
    assert illegal["written_contracts"] == "《劳动合同法》第十条、第八十二条"
    assert illegal["child_labour"].startswith("《禁止使用童工规定》第二条")
    wage = {i.code: cite(i.basis, "zh") for i in get_campaign("wage").checklist}
    assert "《劳动法》第四十四条" in wage["overtime_pay"]
    assert "《最低工资规定》第十二条" in wage["minimum_wage"]
    assert wage["wage_deposit"] == "《保障农民工工资支付条例》"  # article not confirmed: none
    assert (
        LegalBasis(get_campaign("heat").checklist[0].basis[0].law, 8).text("en").endswith("Art. 8")
    )


def test_plan_report_shows_the_checklist_with_legal_basis(heat_plan):
    zh = checklist(heat_plan).markup
    assert "抽查事项清单" in zh
    for header in ("检查事项", "依据", "检查内容"):
        assert f"<th>{header}</th>" in zh
    assert "《防暑降温措施管理办法》第八条" in zh and "第十七条" in zh
    assert not LATIN_WORD.search(re.sub(r"<[^>]+>", " ", zh))
    en = checklist(_with_language(heat_plan, "en")).markup
    for header in ("item", "legal basis", "what is checked"):
        assert f"<th>{header}</th>" in en
    assert "Measures on Heatstroke Prevention and Cooling, Art. 8" in en
    assert not CJK.search(re.sub(r"<[^>]+>", " ", en))


# --- the documents of a demo run ---------------------------------------------------------


def test_write_outputs_writes_the_three_documents(wage_plan, tmp_path):
    files = write_outputs(wage_plan, tmp_path / "run")
    names = {"forms/routes.docx", "forms/notices.docx", "forms/records.docx"}
    assert names <= set(files)
    for name in names:
        assert files[name] == tmp_path / "run" / name
        document = docx.Document(str(files[name]))
        section = document.sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "SimSun"
    assert not list((tmp_path / "run" / "forms").glob(".tmp*"))


def test_notices_one_page_per_drawn_firm(wage_plan, wage_forms):
    drawn = wage_plan.table
    notice_pages = pages(wage_forms["forms/notices.docx"])
    assert len(notice_pages) == len(drawn)
    seen = []
    for page in notice_pages:
        text = "\n".join(page)
        assert page[0] == "随机抽查告知书"
        here = [f for f in drawn["firm_id"] if f in text]
        assert len(here) == 1
        firm = drawn.set_index("firm_id").loc[here[0]]
        assert firm["name"] in text
        assert "企业工资专项检查" in text and "《最低工资规定》第十二条" in text
        for material in ("劳动合同", "工资支付台账", "考勤记录"):
            assert material in text
        if pd.notna(firm["date"]):
            assert f"{firm['date']:%Y-%m-%d}" in text and str(firm["team"]) in text
        seen.append(here[0])
    assert sorted(seen) == sorted(drawn["firm_id"])


def test_records_hold_every_checklist_item_with_its_article(heat_plan, heat_forms):
    drawn = heat_plan.table
    items = heat_plan.draw.campaign.checklist
    record_pages = pages(heat_forms["forms/records.docx"])
    assert len(record_pages) == len(drawn)
    document = docx.Document(str(heat_forms["forms/records.docx"]))
    check_tables = [t for t in document.tables if t.rows[0].cells[0].text == "序号"]
    assert len(check_tables) == len(drawn)
    header = check_tables[0].rows[0]
    assert [c.text for c in header.cells] == [
        "序号", "检查事项", "检查内容", "依据", "合规", "违法", "不适用", "情况记录",
    ]  # fmt: skip
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    for grid in check_tables:
        rows = [[c.text for c in row.cells] for row in grid.rows[1:]]
        assert [r[1] for r in rows] == [i.title_zh for i in items]
        assert [r[3] for r in rows] == [cite(i.basis, "zh") for i in items]
        assert all(r[4:7] == ["☐", "☐", "☐"] for r in rows)
    assert "《防暑降温措施管理办法》第八条" in all_text(heat_forms["forms/records.docx"])
    for page, firm_id in zip(record_pages, _visit_order(heat_plan), strict=True):
        text = "\n".join(page)
        assert firm_id in text
        for words in ("整改期限", "检查人员（签名）", "被检查单位负责人（签名）"):
            assert words in text


def _visit_order(plan) -> list[str]:
    table = plan.table.assign(_later=plan.table["date"].isna())
    table = table.sort_values(["_later", "date", "team", "visit_order", "draw_order"])
    return table["firm_id"].tolist()


def test_routes_one_section_per_team_day_with_visits_in_order(heat_plan, heat_forms):
    path = heat_forms["forms/routes.docx"]
    document = docx.Document(str(path))
    team_days = heat_plan.schedule.team_days.sort_values(["date", "team"])
    assert len(document.sections) == len(team_days)
    visits = heat_plan.schedule.plan
    route_tables = [t for t in document.tables if t.rows[0].cells[0].text == "顺序"]
    assert len(route_tables) == len(team_days)
    for section, grid, day in zip(
        document.sections, route_tables, team_days.itertuples(), strict=True
    ):
        date = f"{day.date:%Y-%m-%d}"
        assert f"{day.team} 检查组 · {date}" in section.header.paragraphs[0].text
        expected = visits[(visits["date"] == day.date) & (visits["team"] == day.team)]
        expected = expected.sort_values("visit_order")
        rows = [[c.text for c in row.cells] for row in grid.rows[1:]]
        assert [r[1] for r in rows] == expected["name"].tolist()
        assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
        arrivals = [r[4] for r in rows]
        assert arrivals == sorted(arrivals) and arrivals[0] >= "08:30"
        km = [float(r[5]) for r in rows]
        assert km == [round(m / 1000, 1) for m in expected["distance_from_previous_m"]]
    text = all_text(path)
    assert "08:30" in text and "25 公里" in text and "60 分钟" in text
    assert "当日高温规则" in text or heat_plan.inputs.weather is None
    day_km = [p for p in document.paragraphs if p.text.startswith("当日路线约")]
    assert len(day_km) == len(team_days)  # set apart from the table above it
    assert all(p.paragraph_format.space_before == docx.shared.Pt(6) for p in day_km)


def test_routes_show_credential_numbers_when_the_roster_has_them(wage_plan, tmp_path):
    roster = wage_plan.inputs.roster.copy()
    roster["credential_no"] = [f"JZ{i:06d}" for i in range(len(roster))]
    plan = dataclasses.replace(
        wage_plan, inputs=dataclasses.replace(wage_plan.inputs, roster=roster)
    )
    files = write_forms(plan, tmp_path)
    text = all_text(files["forms/routes.docx"])
    by_id = dict(zip(roster["inspector_id"], roster["credential_no"], strict=True))
    for inspector in plan.draw.teams["inspector_id"]:
        assert by_id[inspector] in text
    assert by_id[plan.draw.teams["inspector_id"].iloc[0]] in all_text(files["forms/records.docx"])
    # without credential numbers the cell stays empty
    blank = dataclasses.replace(
        wage_plan,
        inputs=dataclasses.replace(wage_plan.inputs, roster=roster.assign(credential_no="")),
    )
    members = [
        t for t in docx.Document(str(write_forms(blank, tmp_path / "no")["forms/routes.docx"])).tables
        if t.rows[0].cells[0].text == "姓名"
    ]  # fmt: skip
    assert members and all(row.cells[2].text == "" for row in members[0].rows[1:])


def test_arrival_estimate():
    assert arrival_times([]) == []
    assert arrival_times([0]) == ["08:30"]
    assert arrival_times([12500, 25000]) == ["09:00", "11:00"]


def test_zh_documents_hold_no_english_and_en_no_chinese(wage_plan, wage_forms, tmp_path):
    for name, path in wage_forms.items():
        text = without_data(all_text(path), wage_plan)
        assert not LATIN_WORD.findall(text), (name, LATIN_WORD.findall(text)[:5])
    english = _with_language(wage_plan, "en")
    for name, path in write_forms(english, tmp_path).items():
        text = without_data(all_text(path), english)
        assert not CJK.findall(text), (name, CJK.findall(text)[:5])
        assert "Notice of random inspection" in text or name != "forms/notices.docx"


def test_hostile_firm_names_stay_text(wage_plan, tmp_path):
    selected = wage_plan.draw.selected.copy()
    ids = selected["firm_id"].iloc[:3].tolist()
    names = dict(zip(ids, HOSTILE, strict=True))
    selected["name"] = selected["firm_id"].map(names).fillna(selected["name"])
    schedule_plan = wage_plan.schedule.plan.copy()
    schedule_plan["name"] = schedule_plan["firm_id"].map(names).fillna(schedule_plan["name"])
    register = wage_plan.inputs.register.copy()
    register["address"] = register["firm_id"].map({ids[0]: "<b>路\x0b1号</b>"}).fillna("")
    plan = dataclasses.replace(
        wage_plan,
        draw=dataclasses.replace(wage_plan.draw, selected=selected),
        schedule=dataclasses.replace(wage_plan.schedule, plan=schedule_plan),
        inputs=dataclasses.replace(wage_plan.inputs, register=register),
    )
    files = write_forms(plan, tmp_path)
    for name in ("forms/notices.docx", "forms/records.docx"):
        text = all_text(files[name])
        assert "<script>alert(1)</script>有限公司" in text
        assert '=HYPERLINK("http://x","点我")' in text
        assert "坏名称" in text and "\x00" not in text
        assert "<b>路1号</b>" in all_text(files["forms/records.docx"])
    scheduled = set(plan.schedule.plan["firm_id"])
    if scheduled & set(ids):
        assert any(h.replace("\x00", "").replace("\x07", "") in all_text(files["forms/routes.docx"])
                   for h in HOSTILE)  # fmt: skip


# --- a region that is not the demo ---------------------------------------------------------


def test_second_region_documents(tmp_path):
    from tests.second_region import build_second_region

    region = build_second_region(tmp_path / "region")
    plan = make_plan(load_params(region.params["wage"]))
    files = write_outputs(plan, tmp_path / "elsewhere")
    notices = pages(files["forms/notices.docx"])
    assert len(notices) == len(plan.table)
    text = all_text(files["forms/records.docx"])
    for firm_id, name in zip(plan.table["firm_id"], plan.table["name"], strict=True):
        assert firm_id in text and name in text
    assert "《劳动法》第四十四条" in text
    routes = docx.Document(str(files["forms/routes.docx"]))
    assert len(routes.sections) == len(plan.schedule.team_days)
    assert not LATIN_WORD.findall(without_data(all_text(files["forms/routes.docx"]), plan))
