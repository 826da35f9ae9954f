"""Issue 15: every results-side output holds only its language.

A zh output (the small demo world) holds no English sentence; an en output (the second
region, ``language: en``) holds no Chinese apart from data values read from the input files
(firm names, towns, people's names, agencies). Checked on the results report and the annual
summary (``report.html``, static visible text), ``results.xlsx``, ``results_public.csv``, the
field documents and the planner's widgets. The maps' text after load is checked in
tests/browser/test_results_languages_browser.py.

The English field documents cite Chinese law by its English title (``Labour Law, Art. 44``,
the notice ``Guo Ban Fa [2015] No. 58``): no Chinese is needed there, so none is allowed.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pandas as pd
import pytest
from openpyxl import load_workbook

from inspectlib.htmlcheck import visible_text
from tests.results_languages import LanguageOutputs, foreign_text

LANGUAGES = ("zh", "en")


@pytest.fixture
def outputs(request) -> dict[str, LanguageOutputs]:
    """The outputs of a language, built once per session when a test first asks for them."""

    class ByLanguage(dict):
        def __missing__(self, language: str) -> LanguageOutputs:
            return request.getfixturevalue(f"{language}_outputs")

    return ByLanguage()


def docx_text(path: Path) -> str:
    """Every paragraph, table cell, header and footer of a Word document."""
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
        parts += [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def xlsx_text(path: Path) -> str:
    """Sheet names and every text cell (headers included) of a workbook."""
    book = load_workbook(path)
    parts = list(book.sheetnames)
    for sheet in book.worksheets:
        parts += [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    return "\n".join(parts)


def cells(frame: pd.DataFrame) -> str:
    """Every filled cell of a frame as text."""
    return " ".join(str(v) for v in frame.to_numpy().ravel() if pd.notna(v))


def assert_in_language(text: str, out: LanguageOutputs, what: str) -> None:
    found = foreign_text(text, out.language, out.data)
    assert found == [], f"{what} ({out.language}) holds {sorted(set(found))[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("which", ["report_dir", "annual_dir"])
def test_report_html_holds_only_its_language(outputs, language, which):
    out = outputs[language]
    html = (getattr(out, which) / "report.html").read_text(encoding="utf-8")
    text = visible_text(html)
    assert len(text) > 200  # the report was written, with its words
    assert_in_language(text, out, f"{which}/report.html")


def test_chinese_reports_say_what_they_are(outputs):
    zh = outputs["zh"]
    report = visible_text((zh.report_dir / "report.html").read_text(encoding="utf-8"))
    annual = visible_text((zh.annual_dir / "report.html").read_text(encoding="utf-8"))
    assert "企业工资专项检查" in report and "合成示例数据" in report
    assert "2027 年度专项检查工作总结" in annual and "年共开展" in annual
    assert "本总结中的企业、人员和结果均为虚构" in annual


def test_english_reports_say_what_they_are(outputs):
    en = outputs["en"]
    report = visible_text((en.report_dir / "report.html").read_text(encoding="utf-8"))
    annual = visible_text((en.annual_dir / "report.html").read_text(encoding="utf-8"))
    assert "Illegal employment inspection" in report and "SYNTHETIC DEMO DATA" in report
    assert "Public results list" in report and "refused inspection" in report
    assert "In 2027 the office ran" in annual and "public security" in annual
    assert "人社局" not in annual  # partner agencies are named in English, not as data


TITLES = {
    "zh": (
        "2027 年企业工资专项检查计划",
        "2027 企业工资专项检查 · 检查结果",
        "2027 年度专项检查工作总结",
    ),
    "en": (
        "2027 Illegal employment inspection plan",
        "2027 Illegal employment inspection · results",
        "2027 special inspection campaigns: the year in summary",
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_report_page_carries_its_title_in_its_language(outputs, language):
    """Not nbconvert's "Notebook": the title a browser tab, a bookmark and a printed page's
    header show."""
    import re

    out = outputs[language]
    folders = (out.plan_dir, out.report_dir, out.annual_dir)
    for folder, title in zip(folders, TITLES[language], strict=True):
        page = (folder / "report.html").read_text(encoding="utf-8")
        assert re.findall(r"<title>(.*?)</title>", page) == [title], folder


@pytest.mark.parametrize("language", LANGUAGES)
def test_results_spreadsheet_and_public_list_follow_the_language(outputs, language):
    out = outputs[language]
    assert_in_language(xlsx_text(out.report_dir / "results.xlsx"), out, "results.xlsx")
    public = pd.read_csv(out.report_dir / "results_public.csv", encoding="utf-8-sig")
    assert_in_language(" ".join(public.columns), out, "results_public.csv headers")
    assert_in_language(cells(public), out, "results_public.csv")
    book = load_workbook(out.report_dir / "results.xlsx")
    expected = {"zh": ["计划与完成", "检查记录", "公示名单"], "en": None}[language]
    if expected:
        assert book.sheetnames == expected
    else:
        assert book.sheetnames == ["planned vs done", "inspections", "public list"]
        headers = [c.value for c in book["inspections"][1]]
        assert "credit code" in headers and "firm_id" not in headers


@pytest.mark.parametrize("language", LANGUAGES)
def test_annual_summary_csv_values_follow_the_language(outputs, language):
    out = outputs[language]
    table = pd.read_csv(out.annual_dir / "annual_summary.csv", encoding="utf-8-sig")
    assert_in_language(" ".join(table.columns), out, "annual_summary.csv headers")
    assert_in_language(cells(table), out, "annual_summary.csv")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("form", ["routes", "notices", "records"])
def test_field_documents_follow_the_language(outputs, language, form):
    out = outputs[language]
    text = docx_text(out.plan_dir / "forms" / f"{form}.docx")
    assert len(text) > 100
    assert_in_language(text, out, f"{form}.docx")


def _widget_texts(widget) -> list[str]:
    """Labels, options and HTML of a widget tree, as a person sees them."""
    texts = []
    description = getattr(widget, "description", "")
    if description:
        texts.append(description)
    for option in getattr(widget, "options", ()) or ():
        label = option[0] if isinstance(option, tuple) else option
        texts.append(str(label))
    value = getattr(widget, "value", None)
    if type(widget).__name__ == "HTML" and isinstance(value, str):
        texts.append(visible_text(f"<html><body>{value}</body></html>"))
    for child in getattr(widget, "children", ()):
        texts += _widget_texts(child)
    return texts


class _NoTimer:
    def __call__(self, delay, callback):  # a debounce that never fires by itself
        return self

    def cancel(self) -> None:
        pass


@pytest.mark.parametrize("language", LANGUAGES)
def test_planner_widgets_follow_the_language(outputs, language, tmp_path):
    from inspectlib.planner import Planner
    from inspectlib.planner.state import PlannerSession

    out = outputs[language]
    planner = Planner(
        PlannerSession.from_params_file(out.params_file),
        scheduler=_NoTimer(),
        export_dir=tmp_path,
    )
    texts = _widget_texts(planner.widget)
    assert any("<" not in t and len(t) > 20 for t in texts)
    campaigns = {"zh": "企业工资专项检查（wage）", "en": "Wage payment inspection (wage)"}
    assert campaigns[language] in texts
    assert_in_language("\n".join(texts), out, "planner widgets")


def test_the_scan_catches_a_sentence_in_the_wrong_language(outputs, tmp_path):
    """The checks above can fail: one English sentence in a zh report, one Chinese word in
    an en spreadsheet header or document, and they are found."""
    zh, en = outputs["zh"], outputs["en"]
    html = (zh.report_dir / "report.html").read_text(encoding="utf-8")
    planted = html.replace("</body>", "<p>检查 every firm here is made up</p></body>", 1)
    assert foreign_text(visible_text(html), "zh") == []
    assert foreign_text(visible_text(planted), "zh") == ["every firm here is made up"]
    tooltip = html.replace("</body>", '<span title="Results are due soon">!</span></body>', 1)
    assert foreign_text(visible_text(tooltip), "zh") == ["Results are due soon"]

    public = pd.read_csv(en.report_dir / "results_public.csv", encoding="utf-8-sig")
    headers = [*public.columns[:-1], "整改期限"]
    assert foreign_text(" ".join(headers), "en", en.data) == ["整改期限"]
    town = next(iter(t for t in en.data if t.endswith("镇")))
    assert foreign_text(f"Firms in {town}", "en", en.data) == []  # data is let be

    notice = docx.Document(str(en.plan_dir / "forms" / "notices.docx"))
    notice.add_paragraph("检查机关（盖章）")
    planted_docx = tmp_path / "planted-notices.docx"
    notice.save(str(planted_docx))
    assert foreign_text(docx_text(planted_docx), "en", en.data) == ["检查机关（盖章）"]


def test_planner_hit_rate_on_a_region_with_little_history(outputs):
    """The second region has only the results recorded by these tests: too little to calibrate
    a score, so its planner claims no hit rate; it shows the expert score as a proxy labelled
    as not a probability, in the planner's language."""
    from inspectlib.planner.state import PlannerSession
    from inspectlib.planner.view import summary_html

    session = PlannerSession.from_params_file(outputs["en"].params_file)
    assert len(session.findings) < 50
    summary = session.summarize(session.initial_choices())
    hit = summary.hit_rate
    assert hit.kind == "expert_proxy" and hit.low is None and summary.draw.expected is None
    assert hit.value == pytest.approx(summary.selected["expert_score"].mean())
    html = summary_html(summary, "en")
    assert "not a probability" in html and 'data-hit-kind="expert_proxy"' in html
    assert foreign_text(visible_text(html), "en", outputs["en"].data) == []
