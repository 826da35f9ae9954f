"""Chinese workdays, make-up days (调休) and campaign windows."""

from __future__ import annotations

import datetime as dt
import logging

import chinese_calendar
import holidays
import pytest

from inspectlib import workdays
from inspectlib.errors import ParamsError, PlanningError
from inspectlib.workdays import (
    calendar_source,
    campaign_window,
    default_window,
    is_workday,
    last_workday_before_spring_festival,
    spring_festival,
    spring_festival_holiday,
    workdays_between,
)

D = dt.date

# Days on which chinesecalendar 1.11 and holidays 0.109 disagree, with who is right.
# 2005-12-31 (Saturday) was worked: 国务院办公厅关于2006年部分节假日安排的通知 moves that
# Saturday's rest day to 2006-01-03 (元旦 1月1日至3日放假). holidays has it as a weekend
# workday; chinesecalendar misses it (its issues #17 and #125).
KNOWN_DIFFERENCES = {D(2005, 12, 31): "holidays"}

# A year no package will know for a long time.
FAR_YEAR = 2099


def _days(year: int) -> list[dt.date]:
    first = D(year, 1, 1)
    return [first + dt.timedelta(days=i) for i in range((D(year + 1, 1, 1) - first).days)]


def _years_both_know() -> list[int]:
    years = []
    for year in range(2000, 2101):
        try:
            chinese_calendar.is_workday(D(year, 6, 1))
        except NotImplementedError:
            continue
        if year in holidays.China(years=year).special_public_holidays:
            years.append(year)
    return years


# --- 国务院办公厅关于2025年部分节假日安排的通知 (published November 2024) ---------------


def test_2025_spring_festival_holiday_and_make_up_days() -> None:
    # 春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。
    # 1月26日（周日）、2月8日（周六）上班。
    block = [D(2025, 1, 28) + dt.timedelta(days=i) for i in range(8)]
    assert not any(is_workday(d) for d in block)
    assert is_workday(D(2025, 1, 26)) and D(2025, 1, 26).weekday() == 6
    assert is_workday(D(2025, 2, 8)) and D(2025, 2, 8).weekday() == 5
    assert is_workday(D(2025, 1, 27)) and is_workday(D(2025, 2, 5))
    assert spring_festival(2025) == D(2025, 1, 29)
    assert spring_festival_holiday(2025) == (D(2025, 1, 28), D(2025, 2, 4))
    assert last_workday_before_spring_festival(2025) == D(2025, 1, 27)


def test_2025_matches_chinesecalendar_data() -> None:
    for day in [D(2025, 1, 28) + dt.timedelta(days=i) for i in range(8)]:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        assert on_holiday and name == chinese_calendar.Holiday.spring_festival.value
    assert chinese_calendar.is_in_lieu(D(2025, 2, 3)) or chinese_calendar.is_holiday(D(2025, 2, 3))
    assert D(2025, 1, 26) in chinese_calendar.constants.workdays
    assert D(2025, 2, 8) in chinese_calendar.constants.workdays


def test_2025_other_holidays_of_the_notice() -> None:
    # 劳动节 5月1日至5日，4月27日（周日）上班；国庆节、中秋节 10月1日至8日，
    # 9月28日（周日）、10月11日（周六）上班；端午节 5月31日至6月2日；清明节 4月4日至6日。
    off = (
        [D(2025, 5, d) for d in range(1, 6)]
        + [D(2025, 10, d) for d in range(1, 9)]
        + [D(2025, 5, 31), D(2025, 6, 2), D(2025, 4, 4), D(2025, 1, 1)]
    )
    assert not any(is_workday(d) for d in off)
    for day in (D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)):
        assert day.weekday() >= 5 and is_workday(day)
    assert calendar_source(2025) == "chinesecalendar"


def test_workdays_between_includes_make_up_weekend() -> None:
    days, warnings = workdays_between(D(2025, 1, 20), D(2025, 2, 9))
    assert D(2025, 1, 26) in days and D(2025, 2, 8) in days
    assert D(2025, 1, 25) not in days and D(2025, 2, 1) not in days
    assert days == sorted(days) and warnings == []
    assert len(days) == 5 + 2 + 4  # Jan 20-24, Jan 26-27, Feb 5-8
    assert workdays_between(D(2025, 2, 1), D(2025, 1, 1)) == ([], [])


# --- cross-check of the two packages --------------------------------------------------------


def test_holidays_and_chinesecalendar_agree_on_every_day_both_know() -> None:
    years = _years_both_know()
    assert years[0] <= 2004 and years[-1] >= 2026, years
    differences: dict[dt.date, str] = {}
    for year in years:
        cal = holidays.China(years=(year, year + 1))
        for day in _days(year):
            by_holidays = cal.is_working_day(day)
            if by_holidays != chinese_calendar.is_workday(day):
                differences[day] = "holidays" if by_holidays else "chinesecalendar"
    # Every difference is a documented one (an upstream fix may remove it).
    assert set(differences) <= set(KNOWN_DIFFERENCES), differences
    for day, workday_per in differences.items():
        assert KNOWN_DIFFERENCES[day] == workday_per


def test_make_up_workday_lists_agree() -> None:
    for year in _years_both_know():
        cal = holidays.China(years=(year, year + 1))
        by_holidays = {d for d in cal.weekend_workdays if d.year == year}
        by_cc = {d for d in chinese_calendar.constants.workdays if d.year == year}
        extra = by_holidays ^ by_cc
        assert extra <= set(KNOWN_DIFFERENCES), (year, sorted(extra))


def test_known_difference_follows_the_official_notice() -> None:
    assert calendar_source(2005) == "chinesecalendar"
    assert not chinese_calendar.is_workday(D(2005, 12, 31))
    assert holidays.China(years=(2005, 2006)).is_working_day(D(2005, 12, 31))


# --- years without an official arrangement --------------------------------------------------


def test_unknown_year_gives_a_visible_warning(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import inspectlib.workdays as workdays

    monkeypatch.setattr(workdays, "_LOGGED_YEARS", set())
    assert calendar_source(FAR_YEAR) == "estimated"
    with caplog.at_level(logging.WARNING, logger="inspectlib.workdays"):
        days, warnings = workdays_between(D(FAR_YEAR, 3, 1), D(FAR_YEAR, 3, 31))
        again, warnings_again = workdays_between(D(FAR_YEAR, 4, 1), D(FAR_YEAR, 4, 30))
    assert days and len(warnings) == 1 and warnings_again == warnings  # every call records it
    assert warnings[0].code == "workdays.unknown_year" and warnings[0].values["year"] == FAR_YEAR
    assert str(FAR_YEAR) in warnings[0].text("zh") and "调休" in warnings[0].text("zh")
    assert "make-up workdays" in warnings[0].text("en") and "调休" not in str(warnings[0])
    logged = [r for r in caplog.records if str(FAR_YEAR) in r.getMessage()]
    assert len(logged) == 1  # …and the log says it once
    window = campaign_window("heat", FAR_YEAR)
    assert window.warnings and "estimated" in window.calendar


def test_window_across_years_warns_only_for_the_unknown_year() -> None:
    _, warnings = workdays_between(D(2025, 12, 20), D(2026, 1, 10))
    assert warnings == []
    _, warnings = workdays_between(D(FAR_YEAR - 1, 12, 20), D(FAR_YEAR, 1, 10))
    assert [w.values["year"] for w in warnings] == [FAR_YEAR - 1, FAR_YEAR]


# --- campaign windows -----------------------------------------------------------------------


def test_wage_window_ends_on_last_workday_before_spring_festival_2027() -> None:
    festival = spring_festival(2027)
    assert festival == D(2027, 2, 6)
    # Independently of inspectlib: the days off before New Year's day per `holidays`.
    cal = holidays.China(years=2027)
    day = festival - dt.timedelta(days=1)
    while day in cal or day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    window = campaign_window("wage", 2027)
    assert window.end == day == D(2027, 2, 4)  # Feb 5 is New Year's Eve (除夕), a holiday
    assert window.workdays[-1] == window.end
    assert window.start == D(2027, 1, 1) and window.workdays[0] == D(2027, 1, 4)
    if calendar_source(2027) == "estimated":
        assert window.warnings and window.warnings[0].values["year"] == 2027
    else:
        assert not window.warnings


def test_wage_window_with_a_saturday_make_up_day() -> None:
    # 2026: holiday Feb 15-23; Saturday Feb 14 is worked (国务院办公厅关于2026年部分节假日安排的通知).
    assert default_window("wage", 2026) == (D(2026, 1, 1), D(2026, 2, 14))
    assert spring_festival_holiday(2026) == (D(2026, 2, 15), D(2026, 2, 23))


@pytest.mark.parametrize(
    ("campaign", "start", "end"),
    [
        ("illegal_employment", D(2025, 6, 1), D(2025, 7, 31)),
        ("heat", D(2025, 8, 1), D(2025, 9, 30)),
        ("service_sector", D(2025, 10, 1), D(2025, 11, 30)),
        ("wage", D(2025, 1, 1), D(2025, 1, 27)),
    ],
)
def test_default_windows(campaign: str, start: dt.date, end: dt.date) -> None:
    assert default_window(campaign, 2025) == (start, end)
    window = campaign_window(campaign, 2025)
    assert (window.start, window.end) == (start, end)
    assert all(start <= d <= end and is_workday(d) for d in window.workdays)


def test_service_sector_window_skips_national_day() -> None:
    window = campaign_window("service_sector", 2025)
    assert window.workdays[0] == D(2025, 10, 9)  # Oct 1-8 off
    assert D(2025, 10, 11) in window.workdays  # Saturday make-up day


def test_window_overrides() -> None:
    window = campaign_window("heat", 2025, start=D(2025, 8, 11), end="2025-08-15")
    assert window.workdays == [D(2025, 8, d) for d in range(11, 16)]
    only_start = campaign_window("heat", 2025, start=D(2025, 9, 29))
    assert only_start.end == D(2025, 9, 30) and len(only_start.workdays) == 2


def test_window_errors() -> None:
    with pytest.raises(PlanningError, match="before it starts"):
        campaign_window("heat", 2025, start=D(2025, 9, 1), end=D(2025, 8, 1))
    with pytest.raises(PlanningError, match="no workday"):
        campaign_window("service_sector", 2025, start=D(2025, 10, 1), end=D(2025, 10, 8))
    with pytest.raises(ParamsError, match="unknown campaign"):
        default_window("payroll", 2025)


def test_is_workday_accepts_timestamps_and_strings() -> None:
    import pandas as pd

    assert is_workday(pd.Timestamp("2025-01-26"))
    assert is_workday("2025-02-08")
    assert not is_workday(dt.datetime(2025, 1, 28, 9, 30))
    with pytest.raises(TypeError):
        is_workday(20250126)  # type: ignore[arg-type]


def test_module_documents_the_known_difference() -> None:
    assert "2005-12-31" in (workdays.__doc__ or "")
