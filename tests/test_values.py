import datetime as dt

import pandas as pd
import pytest

from inspectlib import values


def test_bool_words_people_type():
    parsed, bad = values.parse_bool(pd.Series(["是", "否", "Y", "n", "1", "0", "", "maybe"]))
    assert parsed.tolist()[:6] == [True, False, True, False, True, False]
    assert parsed.isna().tolist()[6:] == [True, True]
    assert bad.tolist() == [False] * 7 + [True]


@pytest.mark.parametrize(
    "raw",
    [
        "2025-03-04",
        "2025/3/4",
        "2025年3月4日",
        "2025.03.04",
        "20250304",
        "45720",
        dt.datetime(2025, 3, 4, 15, 30),
        45720.0,
    ],
)
def test_dates_in_every_usual_form(raw):
    parsed, bad = values.parse_date(pd.Series([raw], dtype=object))
    assert parsed.iloc[0] == pd.Timestamp("2025-03-04")
    assert not bad.iloc[0]


def test_bad_and_blank_dates():
    parsed, bad = values.parse_date(pd.Series(["2025-13-01", "next week", "", None], dtype=object))
    assert parsed.isna().all()
    assert bad.tolist() == [True, True, False, False]


def test_counts_with_units_and_separators():
    parsed, bad = values.parse_count(pd.Series(["120", "120人", "1,200", "-3", "1.5", ""]))
    assert parsed.tolist()[:3] == [120, 120, 1200]
    assert parsed.isna().tolist()[3:] == [True, True, True]
    assert bad.tolist() == [False, False, False, True, True, False]


def test_grades_and_text():
    grade, bad = values.parse_grade(pd.Series(["A", "b级", "Ｃ", "D", None], dtype=object))
    assert grade.tolist() == ["A", "B", "C", "", ""]
    assert bad.tolist() == [False, False, False, True, False]
    assert values.as_text(pd.Series([1.0, " x ", None], dtype=object)).tolist() == ["1", "x", ""]


def test_choice_aliases():
    parsed, bad = values.parse_choice(
        pd.Series(["违法", "Compliant", "not found", "??"]),
        ("compliant", "violation", "not_found"),
        {"违法": "violation", "not found": "not_found"},
    )
    assert parsed.tolist() == ["violation", "compliant", "not_found", ""]
    assert bad.tolist() == [False, False, False, True]
