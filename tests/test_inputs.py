import pandas as pd
import pytest

from inspectlib.errors import InputError, Problems
from inspectlib.inputs import load_campaign_inputs, load_findings, load_roster, load_weather
from inspectlib.params import validate_params
from tests.helpers import register_rows, two_towns, valid_uscc, write_csv

ROSTER = pd.DataFrame(
    {
        "编号": ["I01", "I02", "I03"],
        "姓名": ["王一", "李二", "张三"],
        "单位": ["人社局", "公安局", "总工会"],
        "家庭所在镇(区)": ["甲镇", "乙镇", "甲镇"],
        "可用开始日期": ["", "2027/6/1", ""],
        "可用结束日期": ["", "2027年7月15日", ""],
    }
)


def findings_rows():
    return pd.DataFrame(
        {
            "统一社会信用代码": [valid_uscc(1), valid_uscc(2)],
            "专项检查": ["工资", "heat"],
            "检查日期": ["2026-01-12", "2026/8/3"],
            "检查组": ["I01+I02", "I02+I03"],
            "检查结果": ["违法", "compliant"],
            "违法代码": ["W01;W03", ""],
            "涉及职工人数": ["12人", "0"],
            "追发工资(元)": ["35,000", ""],
            "罚款(元)": ["2000", ""],
        }
    )


def test_roster_with_chinese_headers(tmp_path):
    roster = load_roster(write_csv(ROSTER, tmp_path / "roster.csv", encoding="gbk"))
    assert roster["agency"].tolist() == ["人社局", "公安局", "总工会"]
    assert roster.loc[1, "available_to"] == pd.Timestamp("2027-07-15")


def test_roster_duplicates_and_backwards_availability(tmp_path):
    bad = ROSTER.copy()
    bad.loc[2, "编号"] = "I01"
    bad.loc[1, "可用结束日期"] = "2027-05-01"
    with pytest.raises(InputError) as info:
        load_roster(write_csv(bad, tmp_path / "roster.csv"))
    messages = [str(p) for p in info.value.problems]
    assert any("'I01' appears 2 times" in m for m in messages)
    assert any("row 3" in m and "available_to is before" in m for m in messages)


def test_findings_aliases_and_amounts(tmp_path):
    found = load_findings([write_csv(findings_rows(), tmp_path / "f.csv", encoding="utf-8-sig")])
    assert found["campaign"].tolist() == ["wage", "heat"]
    assert found["result"].tolist() == ["violation", "compliant"]
    assert found["back_wages_yuan"].tolist() == [35000.0, 0.0]
    assert found["workers_affected"].tolist() == [12, 0]


def test_findings_stratum_in_chinese_or_english_or_absent(tmp_path):
    found = load_findings([write_csv(findings_rows(), tmp_path / "none.csv")])
    assert found["stratum"].tolist() == ["", ""]
    rows = findings_rows().assign(抽取方式=["随机", "Risk"])
    found = load_findings([write_csv(rows, tmp_path / "f.csv")])
    assert found["stratum"].tolist() == ["random", "risk"]
    rows.loc[1, "抽取方式"] = "抽签"
    with pytest.raises(InputError) as info:
        load_findings([write_csv(rows, tmp_path / "bad.csv")])
    (problem,) = info.value.problems
    assert (problem.row, problem.column) == (3, "抽取方式")
    assert "random or risk" in str(problem) and "抽签" in str(problem)


def test_findings_missing_result_and_negative_fine(tmp_path):
    rows = findings_rows()
    rows.loc[0, "检查结果"] = ""
    rows.loc[1, "罚款(元)"] = "-5"
    with pytest.raises(InputError) as info:
        load_findings([write_csv(rows, tmp_path / "f.csv")])
    places = {(p.row, p.column) for p in info.value.problems}
    assert places == {(2, "检查结果"), (3, "罚款(元)")}


def test_weather_duplicates_are_errors(tmp_path):
    weather = pd.DataFrame({"date": ["2027-08-01", "2027-08-01"], "tmax_c": [36, 37]})
    with pytest.raises(InputError, match="more than once"):
        load_weather(write_csv(weather, tmp_path / "w.csv"))


def test_campaign_inputs_report_errors_of_every_file_at_once(tmp_path):
    two_towns().to_file(tmp_path / "towns.geojson", driver="GeoJSON")
    write_csv(register_rows(), tmp_path / "register.csv", encoding="gbk")
    bad_roster = ROSTER.drop(columns=["单位"])
    write_csv(bad_roster, tmp_path / "roster.csv")
    weather = pd.DataFrame({"date": ["2027-08-01", "soon"], "tmax_c": [36, 37]})
    write_csv(weather, tmp_path / "weather.csv")
    params = validate_params(
        {
            "campaign": "heat",
            "year": 2027,
            "seed": 1,
            "register": "register.csv",
            "boundaries": "towns.geojson",
            "roster": "roster.csv",
            "weather": "weather.csv",
        },
        base=tmp_path,
    )
    with pytest.raises(InputError) as info:
        load_campaign_inputs(params)
    files = {p.file.rsplit("/", 1)[-1] for p in info.value.problems if p.severity == "error"}
    assert files == {"roster.csv", "weather.csv"}
    write_csv(ROSTER, tmp_path / "roster.csv")
    write_csv(weather.iloc[:1], tmp_path / "weather.csv")
    loaded = load_campaign_inputs(params)
    assert len(loaded.register) == 6 and len(loaded.roster) == 3
    assert set(loaded.files) == {"register", "boundaries", "roster", "findings", "weather"}
    assert isinstance(loaded.problems, Problems)


def test_findings_without_optional_amount_columns(tmp_path):
    rows = findings_rows().drop(columns=["追发工资(元)", "罚款(元)", "涉及职工人数"])
    found = load_findings([write_csv(rows, tmp_path / "f.csv")])
    assert found["back_wages_yuan"].tolist() == [0.0, 0.0]
    assert found["fine_yuan"].tolist() == [0.0, 0.0]


def test_file_findings_without_stratum_keep_the_archived_or_drawn_one():
    from inspectlib.archive import resolve_strata
    from inspectlib.inputs import combine_findings

    day = pd.Timestamp("2026-01-12")
    files = pd.DataFrame(
        {
            "firm_id": ["A", "B", "C"],
            "campaign": ["wage"] * 3,
            "inspection_date": [day] * 3,
            "result": ["violation", "compliant", "compliant"],
            "stratum": ["", "", "risk"],
        }
    )
    archived = files.iloc[:1].assign(result="compliant", stratum="random")
    strata = pd.DataFrame(
        {
            "campaign": ["wage", "wage"],
            "firm_id": ["B", "C"],
            "stratum": ["risk", "random"],
            "window_start": pd.Timestamp("2026-01-05"),
            "window_end": pd.Timestamp("2026-02-10"),
            "drawn_on": pd.Timestamp("2025-12-20"),
        }
    )
    both = resolve_strata(combine_findings(files, archived), strata).set_index("firm_id")
    assert both["result"].to_dict() == {"A": "violation", "B": "compliant", "C": "compliant"}
    # A: the file's row wins but keeps the archived stratum; B: from the draw; C: as given
    assert both["stratum"].to_dict() == {"A": "random", "B": "risk", "C": "risk"}
