"""The plan report's HTML pieces escape every value from data."""

import dataclasses

import pytest

from inspectlib import report
from inspectlib.params import load_params
from inspectlib.plan import make_plan

HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_TOWN = "</table><script>alert(2)</script>"


@pytest.fixture(scope="module")
def hostile_plan(small_world):
    plan = make_plan(load_params(small_world.params["heat"]))
    draw = plan.draw
    selected = draw.selected.copy()
    selected.loc[0, "name"] = HOSTILE
    selected.loc[1, "town"] = HOSTILE_TOWN
    schedule_plan = plan.schedule.plan.copy()
    schedule_plan.loc[schedule_plan.index[0], "name"] = HOSTILE
    schedule_plan.loc[schedule_plan.index[0], "members"] = "`${alert(3)}` C:\\temp\\x"
    schedule = dataclasses.replace(plan.schedule, plan=schedule_plan)
    warnings = [*draw.warnings, f"roster: {HOSTILE_TOWN} has no inspector"]
    return dataclasses.replace(
        plan,
        draw=dataclasses.replace(draw, selected=selected, warnings=warnings),
        schedule=schedule,
    )


@pytest.mark.parametrize("piece", ["breakdowns", "timetable", "town_chart", "audit_summary"])
def test_report_pieces_escape_data(hostile_plan, piece):
    # each of these pieces shows a hostile name or town (or note): escaped, never raw
    html = str(getattr(report, piece)(hostile_plan))
    assert "&lt;img src=x" in html or "&lt;/table&gt;&lt;script&gt;" in html
    assert "<img src=x" not in html
    assert "<script>alert(2)" not in html


def test_hostile_values_are_shown_as_text(hostile_plan):
    timetable = str(report.timetable(hostile_plan))
    assert "&lt;img src=x onerror=alert(1)&gt;" in timetable
    assert "`${alert(3)}` C:\\temp\\x" in timetable
    towns = str(report.breakdowns(hostile_plan))
    assert "&lt;/table&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in towns
    chart = str(report.town_chart(hostile_plan))
    assert "&lt;/table&gt;&lt;script&gt;" in chart


def test_embedded_map_is_escaped_into_srcdoc():
    block = str(report.map_frame('<p title="x">a & b</p>'))
    assert 'srcdoc="&lt;p title=&quot;x&quot;&gt;a &amp; b&lt;/p&gt;"' in block


def test_summary_states_the_draws_expected_violations_next_to_the_top_list(hostile_plan):
    from inspectlib.draw import Expectation

    hits = hostile_plan.draw.expected
    assert hits is not None and hits.random <= hits.draw <= hits.top_list + 1e-9
    zh = dataclasses.replace(
        hostile_plan,
        params=hostile_plan.params.model_copy(update={"language": "zh"}),
        draw=dataclasses.replace(hostile_plan.draw, expected=Expectation(110, 42.0, 45.5, 20.0)),
    )
    text = str(report.summary(zh))
    assert "本次抽取预计可发现违法约 42.0 家（38%）" in text and "风险最高名单约 45.5 家" in text
    assert "纯随机抽取约 20.0 家" in text
    en = dataclasses.replace(zh, params=zh.params.model_copy(update={"language": "en"}))
    assert "a top-risk list of the same size about 45.5" in str(report.summary(en))
    none = dataclasses.replace(zh, draw=dataclasses.replace(zh.draw, expected=None))
    assert "预计可发现" not in str(report.summary(none))


def test_table_cells_are_classed_by_column_and_dates_never_wrap():
    import pandas as pd

    from inspectlib.report import html_table

    frame = pd.DataFrame({"日期": ["2027-08-03"], "n": [3], "镇": ["甲<b>"], "km": [1.5]})
    cells = html_table(frame).split("<tbody>")[1]
    assert '<td class="date">2027-08-03</td>' in cells
    assert '<td class="num">3</td>' in cells and '<td class="num">1.5</td>' in cells
    assert "<td>甲&lt;b&gt;</td>" in cells
