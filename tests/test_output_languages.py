"""Every plan output holds only its language (issue 15): the static visible text of the HTML
outputs, plan.csv's reasons, plan.xlsx and the audit's notices, of a **zh** plan of the demo
world and of an **en** plan of the second region (Chinese data values aside). The browser half
(maps after load, every popup and tooltip) is tests/browser/test_output_languages_browser.py.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from inspectlib import catalogue
from inspectlib.catalogue.languages import chinese_runs, english_sentences
from inspectlib.draw import excluded_reasons, plan_draw
from inspectlib.htmlcheck import visible_text
from inspectlib.notices import Notice, notice_text
from inspectlib.params import load_params
from inspectlib.plan import make_plan, plan_table
from tests.drawdata import make_params
from tests.language_runs import HTML_OUTPUTS, PlanRun

COMMANDS = {"inspectlib verify-draw audit.json"}
"""Cells that are a command to type, not words (the audit sheet's "verify with")."""


def wrong_language(text: str, run: PlanRun) -> list[str]:
    """English sentences in a zh text, Chinese (data values aside) in an en text."""
    if run.language == "zh":
        return english_sentences(text)
    return chinese_runs(text, run.data)


# --- the scans can fail -----------------------------------------------------------------------


def test_the_scans_catch_a_sentence_of_the_other_language(zh_run, en_run):
    zh_page = zh_run.read("report.html").replace(
        "</body>", "<p>2 visits could not be matched to hot days</p></body>", 1
    )
    assert wrong_language(visible_text(zh_page), zh_run) == [
        "visits could not be matched to hot days"
    ]
    en_page = en_run.read("report.html").replace("</body>", "<p>检查组 T01 已满</p></body>", 1)
    assert wrong_language(visible_text(en_page), en_run) == ["检查组", "已满"]
    town = next(t for t in en_run.data if t.endswith("镇"))
    assert wrong_language(f"firms of {town}", en_run) == []  # a data value is not a sentence


# --- HTML outputs -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", HTML_OUTPUTS)
def test_zh_html_outputs_hold_no_english_sentence(zh_run, name):
    text = visible_text(zh_run.read(name))  # the maps' words are drawn by their script:
    assert english_sentences(text) == []  # tests/browser/test_output_languages_browser.py


@pytest.mark.parametrize("name", HTML_OUTPUTS)
def test_en_html_outputs_hold_no_chinese_but_data(en_run, name):
    text = visible_text(en_run.read(name))
    assert chinese_runs(text, en_run.data) == []


def test_the_reports_show_the_notices_in_their_language(zh_run, en_run):
    zh = visible_text(zh_run.read("report.html"))
    assert "均未收录国务院办公厅公布的当年部分节假日安排" in zh  # the calendar's notice
    assert "应发高温津贴" in zh  # the heat rule of the day
    en = visible_text(en_run.read("report.html"))
    assert "heat campaign without a weather forecast" in en
    assert "law-enforcement credential" in en


# --- plan.csv, plan.xlsx, audit.json ------------------------------------------------------------


def test_plan_csv_reasons_follow_the_language(zh_run, en_run):
    zh = pd.read_csv(zh_run.run_dir / "plan.csv", dtype=str, encoding="utf-8-sig")
    assert list(zh.columns[:3]) == ["firm_id", "name", "town"]  # machine names stay
    assert zh["reasons"].str.len().gt(0).all()
    assert not [r for r in zh["reasons"] if english_sentences(r)]
    assert zh.loc[zh["stratum"] == "random", "reasons"].str.startswith("随机层").all()
    rules = zh["heat_rule"].dropna()
    assert len(rules) and not [r for r in rules if english_sentences(r)]
    en = pd.read_csv(en_run.run_dir / "plan.csv", dtype=str, encoding="utf-8-sig")
    assert en["reasons"].str.len().gt(0).all()
    assert not [r for r in en["reasons"] if chinese_runs(r, en_run.data)]
    assert en.loc[en["stratum"] == "random", "reasons"].str.startswith("random stratum").all()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_plan_xlsx_words_follow_the_language(zh_run, en_run, language):
    run = zh_run if language == "zh" else en_run
    sheets = pd.read_excel(run.run_dir / "plan.xlsx", sheet_name=None, dtype=str)
    found = []
    for sheet, frame in sheets.items():
        cells = [sheet, *frame.columns, *frame.stack().dropna().tolist()]
        found += [(sheet, c) for c in cells if c not in COMMANDS and wrong_language(c, run)]
    assert found == []
    if language == "en":
        assert sheets["audit"].iloc[0].tolist() == ["campaign", "Summer heat protection inspection"]


def test_plan_xlsx_schedule_keeps_one_heat_rule_column(zh_run):
    sheets = pd.read_excel(zh_run.run_dir / "plan.xlsx", sheet_name=None, dtype=str)
    schedule = next(f for f in sheets.values() if "高温规则" in f.columns)
    assert "高温规则（英文）" not in schedule.columns
    assert schedule["高温规则"].dropna().str.contains("℃").all()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_audit_keeps_notices_as_codes_and_values(zh_run, en_run, language):
    run = zh_run if language == "zh" else en_run
    audit = json.loads((run.run_dir / "audit.json").read_text(encoding="utf-8"))
    notes = audit["warnings"] + audit["schedule"]["warnings"]
    assert notes
    for note in notes:
        assert set(note) == {"code", "values", "message"}
        words = notice_text(note, run.language)
        assert words and not wrong_language(words, run)
        assert note["message"] == str(Notice(note["code"], note["values"]))
    assert all(
        u["reason"] in catalogue.words("schedule", "en")["unscheduled"]
        for u in audit["schedule"]["unscheduled"]
    )


# --- the draw does not depend on the language ---------------------------------------------------


def test_the_draw_is_the_same_in_both_languages(synth_inputs):
    zh = plan_draw(make_params(language="zh", campaign="heat"), synth_inputs)
    en = plan_draw(make_params(language="en", campaign="heat"), synth_inputs)
    pd.testing.assert_frame_equal(zh.selected, en.selected)
    pd.testing.assert_frame_equal(zh.teams, en.teams)
    assert zh.warnings == en.warnings and zh.redraws == en.redraws
    assert zh.why.codes() == en.why.codes()
    assert zh.reasons("en") == en.reasons("en") and zh.reasons("zh") == en.reasons("zh")
    assert zh.selected["reasons"].tolist() == zh.reasons("en")  # for logs and developers
    assert not [r for r in zh.reasons("zh") if english_sentences(r)]
    assert not [r for r in zh.reasons("en") if chinese_runs(r)]
    codes = zh.why.codes()
    random = [c for c in codes if c["stratum"] == "random"]
    assert random and all(isinstance(c["factors"], dict) for c in codes)


def test_frequency_cap_reasons_in_both_languages(synth_inputs):
    excluded = pd.DataFrame(
        {
            "last_inspected": [pd.Timestamp("2024-06-01")],
            "cap_days": [365],
            "window_start": [pd.Timestamp("2025-01-01").date()],
        }
    )
    (zh,) = excluded_reasons(excluded, "zh")
    (en,) = excluded_reasons(excluded, "en")
    assert zh.startswith("2024-06-01 已检查") and "365 天" in zh and not english_sentences(zh)
    assert en.startswith("inspected 2024-06-01, less than 365 days") and not chinese_runs(en)


def test_plan_table_words_reasons_and_heat_rule_in_the_asked_language(small_world):
    plan = make_plan(load_params(small_world.params["heat"]))
    zh, en = plan_table(plan.draw, plan.schedule, "zh"), plan_table(plan.draw, plan.schedule, "en")
    assert zh["firm_id"].tolist() == en["firm_id"].tolist()
    rules = en["heat_rule"].dropna()
    assert len(rules) and not [r for r in rules if chinese_runs(r)]
    assert not [r for r in en["reasons"] if chinese_runs(r)]
    assert not [r for r in zh["reasons"] if english_sentences(r)]
