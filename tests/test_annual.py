"""The annual summary's table, paragraphs and windows, on a small hand-made year."""

import datetime as dt

import pandas as pd
import pytest

from inspectlib.annual import AnnualSummary, annual_table, paragraph, planned_windows, show


def findings() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "firm_id": ["A", "B", "B", "C", "D"],
            "campaign": ["wage", "wage", "heat", "heat", "wage"],
            "inspection_date": pd.to_datetime(
                ["2027-01-05", "2027-01-20", "2027-08-03", "2027-08-09", "2026-01-05"]
            ),
            "result": ["violation", "compliant", "violation", "violation", "violation"],
            "workers_affected": pd.array([4, 0, 10, 2, 99], dtype="Int64"),
            "back_wages_yuan": [12000.0, 0.0, 0.0, 300.0, 5.0],
            "fine_yuan": [0.0, 0.0, 5000.0, 0.0, 0.0],
        }
    )


def test_planned_windows_take_the_latest_plan_or_the_default():
    plans = pd.DataFrame(
        {
            "id": [1, 2],
            "campaign": ["heat", "heat"],
            "params": [
                {"window_start": "2027-07-01", "window_end": "2027-07-31"},
                {"window_start": "2027-08-10", "window_end": "2027-09-20"},
            ],
        }
    )
    windows = planned_windows(plans, 2027)
    assert windows["heat"] == (dt.date(2027, 8, 10), dt.date(2027, 9, 20))
    assert windows["wage"][0].month == 1 and windows["service_sector"][0].month == 10
    assert planned_windows(plans.iloc[:0], 2027)["heat"][0].month == 8


def test_table_counts_the_year_and_shows_windows_and_dates():
    windows = {"wage": (dt.date(2027, 1, 1), dt.date(2027, 2, 4))}
    table = annual_table(findings(), 2027, "zh", windows).set_index("campaign")
    wage = table.loc["企业工资专项检查"]
    assert wage["window"] == "01-01 – 02-04" and wage["inspection dates"] == "01-05 – 01-20"
    assert (wage["firms inspected"], wage["violations found"], wage["workers covered"]) == (2, 1, 4)
    heat = table.loc["夏季高温专项检查"]
    assert heat["window"] == "—" and heat["fines (yuan)"] == 5000.0
    total = table.loc["合计"]
    # B was inspected in both campaigns: one firm of the year
    assert total["firms inspected"] == 3 and total["back wages (yuan)"] == 12300.0


def test_paragraphs_and_chinese_headers():
    table = annual_table(findings(), 2027, "zh")
    text = paragraph(table, 2027, "zh")
    assert text.startswith("2027年共开展2项专项检查，检查企业3家，发现违法行为3起")
    assert "企业工资专项检查：检查企业2家，发现违法1起。" in text and "检查检查" not in text
    assert "inspected 3 firms" in paragraph(annual_table(findings(), 2027, "en"), 2027, "en")
    html = str(show(AnnualSummary(table, text, "<p>map</p>", year=2027, language="zh")))
    assert "检查企业（家）" in html and "追发工资（元）" in html and "12,300" in html
    assert "2027 年度专项检查工作总结" in html
    assert "firms inspected" not in html and "inspected 3 firms" not in html


def test_english_summary_holds_english_words_only():
    table = annual_table(findings(), 2027, "en")
    text = paragraph(table, 2027, "en")
    assert text.startswith("In 2027 the office ran 2 special campaigns, inspected 3 firms")
    assert "Wage payment inspection: 2 firms, 1 violations." in text
    assert table["campaign"].iloc[-1] == "total"
    assert table.set_index("campaign").loc["Illegal employment inspection", "partners"] == (
        "human resources and social security, public security, market regulation, "
        "housing and construction, emergency management, health commission, tax bureau, "
        "trade union federation"
    )
    html = str(show(AnnualSummary(table, text, "<p>map</p>", year=2027, language="en")))
    assert "firms inspected" in html and "检查" not in html and "合计" not in html


def test_annual_params_without_register_are_refused():
    """``register`` shadows an attribute of pydantic's base class: it must still be required
    (it once validated to that attribute, a method)."""
    from inspectlib.annual import validate_annual
    from inspectlib.errors import ParamsError

    raw = {"year": 2027, "boundaries": "towns.geojson"}
    with pytest.raises(ParamsError) as info:
        validate_annual(raw, source="annual.yaml", base=None)
    assert info.value.lines == ["annual.yaml: register: required key is missing"]
    assert info.value.lines_in("zh") == ["annual.yaml：register：缺少必填参数"]
