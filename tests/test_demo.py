"""Tests of the synthetic demo region (inspectlib.demo)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely
from shapely.geometry import shape
from stdnum.cn import uscc

from inspectlib.coords import gcj02_to_wgs84
from inspectlib.demo import DemoRegion, build_demo_region, vocab
from inspectlib.demo.files import atomic_write
from inspectlib.errors import ParamsError
from inspectlib.industry import section_name, section_of
from inspectlib.schema import (
    CAMPAIGN_ALIASES,
    FINDINGS,
    REGISTER,
    RESULT_ALIASES,
    RESULTS,
    STRATUM_ALIASES,
)
from inspectlib.workdays import is_workday, spring_festival

SMALL = 1500
CAMPAIGNS = ("wage", "illegal_employment", "heat", "service_sector")
MONTHS = {"wage": (1, 2), "illegal_employment": (6, 7), "heat": (8, 9), "service_sector": (10, 11)}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> DemoRegion:
    return build_demo_region(tmp_path_factory.mktemp("small"), seed=7, n_firms=SMALL)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> DemoRegion:
    """The default 20,000-firm region (rates of rare quirks need the full size)."""
    return build_demo_region(tmp_path_factory.mktemp("large"))


def read_register(region: DemoRegion) -> pd.DataFrame:
    return pd.read_csv(region.register, encoding="gbk", dtype=str, keep_default_na=False)


def read_towns(region: DemoRegion) -> dict[str, shapely.Geometry]:
    data = json.loads(region.boundaries.read_text(encoding="utf-8"))
    return {f["properties"]["镇区"]: shape(f["geometry"]) for f in data["features"]}


def read_findings(region: DemoRegion) -> pd.DataFrame:
    """All findings files in canonical form, read without inspectlib's importers."""
    zh_to_en = {c.aliases[0]: c.name for c in FINDINGS}
    frames = []
    for path in region.findings:
        if path.suffix == ".csv":
            frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        else:
            frame = pd.read_excel(path, dtype=object)
        frame = frame.rename(columns=zh_to_en)
        frame["campaign"] = frame["campaign"].map(lambda v: CAMPAIGN_ALIASES.get(v, v))
        frame["result"] = frame["result"].map(lambda v: RESULT_ALIASES.get(v, v))
        frame["stratum"] = frame["stratum"].map(lambda v: STRATUM_ALIASES.get(v, v))
        frame["inspection_date"] = pd.to_datetime(frame["inspection_date"])
        frame["file"] = path.name
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def read_truth(region: DemoRegion) -> pd.DataFrame:
    return pd.read_parquet(region.truth)


# --- determinism and files ---------------------------------------------------------------


def test_same_seed_gives_identical_files(small: DemoRegion, tmp_path: Path) -> None:
    again = build_demo_region(tmp_path / "again", seed=7, n_firms=SMALL)
    for name in ("register", "boundaries", "weather", "warning_points", "readme"):
        assert getattr(again, name).read_bytes() == getattr(small, name).read_bytes(), name
    assert again.findings[2].read_bytes() == small.findings[2].read_bytes()
    pd.testing.assert_frame_equal(read_truth(again), read_truth(small))
    pd.testing.assert_frame_equal(
        pd.read_excel(again.roster, header=1), pd.read_excel(small.roster, header=1)
    )


def test_other_seed_differs(small: DemoRegion, tmp_path: Path) -> None:
    other = build_demo_region(tmp_path / "other", seed=8, n_firms=SMALL)
    assert other.register.read_bytes() != small.register.read_bytes()
    assert other.boundaries.read_bytes() != small.boundaries.read_bytes()
    assert not read_truth(other)["firm_id"].isin(read_truth(small)["firm_id"]).any()


def test_every_file_is_written_and_labelled(small: DemoRegion) -> None:
    names = sorted(p.name for p in small.out_dir.iterdir())
    assert names == sorted(p.name for p in small.files)  # no temporary files left over
    assert [p.name for p in small.findings] == [
        "findings_2024.xlsx",
        "findings_2025.xlsx",
        "findings_2026.csv",
    ]
    readme = small.readme.read_text(encoding="utf-8")
    assert "SYNTHETIC" in readme and "seed 7" in readme
    assert small.coords == "gcj02"
    assert (small.n_firms, small.n_towns, small.n_inspectors, small.n_warning_points) == (
        SMALL,
        10,
        48,
        120,
    )


def test_atomic_write_leaves_no_half_file(tmp_path: Path) -> None:
    target = tmp_path / "register.csv"
    target.write_text("old complete file", encoding="utf-8")

    def crash(tmp: Path) -> None:
        tmp.write_text("half a fi", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, crash)
    assert target.read_text(encoding="utf-8") == "old complete file"
    assert [p.name for p in tmp_path.iterdir()] == ["register.csv"]
    atomic_write(target, lambda tmp: tmp.write_text("new", encoding="utf-8"))
    assert target.read_text(encoding="utf-8") == "new"


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ParamsError, match="n_firms"):
        build_demo_region(tmp_path, n_firms=10)
    with pytest.raises(ParamsError, match="plan_year"):
        build_demo_region(tmp_path, n_firms=SMALL, plan_year=1066)
    assert not any(tmp_path.iterdir())


# --- boundaries ----------------------------------------------------------------------------


def test_boundaries_tile_a_county_sized_area(small: DemoRegion) -> None:
    data = json.loads(small.boundaries.read_text(encoding="utf-8"))
    props = [f["properties"] for f in data["features"]]
    assert len(props) == 10
    assert all(p["note"] == "SYNTHETIC DEMO DATA" for p in props)
    assert len({p["代码"] for p in props}) == 10
    kinds = [re.search(r"(街道|镇|开发区)$", p["镇区"]).group(1) for p in props]
    assert set(kinds) == {"街道", "镇", "开发区"}
    polys = list(read_towns(small).values())
    assert all(p.geom_type == "Polygon" and p.is_valid for p in polys)
    union = shapely.union_all(polys)
    assert union.geom_type == "Polygon"  # one connected area, no holes between towns
    assert sum(p.area for p in polys) == pytest.approx(union.area, rel=1e-6)  # no overlaps
    minx, miny, maxx, maxy = union.bounds
    width_km = (maxx - minx) * 111.32 * np.cos(np.radians(31.8))
    height_km = (maxy - miny) * 110.57
    assert 34 < width_km < 46 and 25 < height_km < 35
    assert union.contains(shapely.Point(120.3, 31.8))


# --- register ------------------------------------------------------------------------------


def test_register_is_gbk_with_chinese_headers(small: DemoRegion) -> None:
    raw = small.register.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    firms = read_register(small)
    expected = [c.aliases[0] for c in REGISTER if c.name != "industry"] + [
        "行业门类",
        "法定代表人",
        "联系电话",
    ]
    assert sorted(firms.columns) == sorted(expected)
    assert len(firms) == SMALL
    assert firms["企业名称"].is_unique and firms["统一社会信用代码"].is_unique
    assert (firms["法定代表人"].str.len() >= 2).all()
    assert firms["联系电话"].str.fullmatch(r"1380000\d{4}").all()


def test_uscc_validity_rate(large: DemoRegion) -> None:
    ids = read_register(large)["统一社会信用代码"]
    assert (ids.str.len() == 18).all()
    assert ids.str.match(r"9[12]3202(99|00)").all()
    valid = ids.map(uscc.is_valid)
    assert 0.995 <= valid.mean() <= 0.999  # ~0.3% genuine old codes fail the check
    broken = ids[~valid]
    # only the check character is wrong: the rest is well formed
    assert broken.map(lambda s: uscc.is_valid(s[:17] + uscc.calc_check_digit(s[:17]))).all()


def test_coordinates_are_gcj02_inside_the_towns(large: DemoRegion) -> None:
    firms = read_register(large)
    has = firms["经度"] != ""
    assert ((firms["纬度"] != "") == has).all()
    assert 0.005 <= (~has).mean() <= 0.02
    assert (firms.loc[~has, "所属镇(区)"] != "").all()  # no coordinates, but a town
    assert firms.loc[has, "经度"].str.fullmatch(r"1\d\d\.\d{6}").all()
    gx = firms.loc[has, "经度"].astype(float).to_numpy()
    gy = firms.loc[has, "纬度"].astype(float).to_numpy()
    wx, wy = gcj02_to_wgs84(gx, gy)
    towns = read_towns(large)
    union = shapely.union_all(list(towns.values()))
    assert shapely.contains_xy(union, wx, wy).all()
    assert not shapely.contains_xy(union, gx, gy).all()  # GCJ-02 is offset, not WGS-84
    # ~0.5% of firms list a town other than the one they lie in (out-of-date register)
    located = np.full(len(wx), "", dtype=object)
    for name, poly in towns.items():
        located[shapely.contains_xy(poly, wx, wy)] = name
    stale = located != firms.loc[has, "所属镇(区)"].to_numpy()
    assert 0.002 <= stale.mean() <= 0.01


def test_register_values_are_realistic(small: DemoRegion) -> None:
    firms = read_register(small)
    staff = firms["从业人数"]
    assert staff.str.fullmatch(r"\d+人?").all()
    assert 0.02 < staff.str.endswith("人").mean() < 0.2
    count = staff.str.rstrip("人").astype(int)
    assert count.min() >= 3 and count.max() <= 5000 and count.median() < 40
    assert set(firms["户外作业"]) == {"是", "否", "Y", "N"}
    assert set(firms["是否建会"]) == {"是", "否"}
    assert set(firms["信用等级"]) <= {"A", "B", "C", ""}
    assert set(firms["企业类型"]) == set(vocab.OWNERSHIPS)
    complaints = firms["近12个月投诉"].astype(int)
    assert (complaints == 0).mean() > 0.7
    dates = firms["上次检查日期"]
    assert dates.str.fullmatch(r"\d{4}-\d{2}-\d{2}").any()
    assert dates.str.fullmatch(r"\d{4}/\d{1,2}/\d{1,2}").any()
    assert dates.str.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日").any()
    assert (dates == "").any()
    shown = dates[dates != ""].str.replace(r"[年月/]", "-", regex=True).str.rstrip("日")
    assert pd.to_datetime(shown, format="%Y-%m-%d").dt.year.max() <= small.plan_year - 1


def test_industry_codes_match_sections(small: DemoRegion) -> None:
    firms = read_register(small)
    assert firms["行业代码"].str.fullmatch(r"\d{4}").all()
    sections = section_of(firms["行业代码"])
    assert (firms["行业门类"] == sections.map(section_name)).all()
    assert set(sections) == {"C", "E", "F", "G", "H", "K", "O", "R"}


def test_industry_mix_differs_by_town(small: DemoRegion) -> None:
    firms = read_register(small)
    division = firms["行业代码"].str[:2]
    share = pd.crosstab(firms["所属镇(区)"], division, normalize="index")
    textiles = share[["17", "18"]].sum(axis=1)
    assert textiles["青禾镇"] > 0.4 and textiles["澄和街道"] < 0.1
    assert share["38"].idxmax() == "临江开发区"
    services = share.reindex(columns=["52", "61", "62", "80", "90"], fill_value=0).sum(axis=1)
    assert services["澄和街道"] > 2 * services["临江开发区"]
    construction = share.reindex(columns=["47", "48", "49", "50"], fill_value=0).sum(axis=1)
    assert construction.idxmax() == "白荡镇"


def test_union_and_outdoor_work_follow_industry(small: DemoRegion) -> None:
    firms = read_register(small)
    section = firms["行业代码"].map(
        lambda c: vocab.SECTION_OF_GROUP[next(i.group for i in vocab.INDUSTRIES if i.code == c)]
    )
    union = firms["是否建会"] == "是"
    outdoor = firms["户外作业"].isin(["是", "Y"])
    assert union[section == "C"].mean() > 2 * union[section.isin(["H", "O", "R"])].mean()
    assert outdoor[section == "E"].mean() > 0.7 and outdoor[section == "C"].mean() < 0.2
    complaints = firms["近12个月投诉"].astype(int)
    assert complaints[section == "E"].mean() > complaints[section == "C"].mean()


# --- roster --------------------------------------------------------------------------------


def test_roster(small: DemoRegion) -> None:
    ws = openpyxl.load_workbook(small.roster).active
    assert "合成示例数据" in ws["A1"].value and str(small.plan_year) in ws["A1"].value
    roster = pd.read_excel(small.roster, header=1)
    assert list(roster.columns) == [
        "编号",
        "姓名",
        "单位",
        "家庭所在镇(区)",
        "可用开始日期",
        "可用结束日期",
        "执法证号",
        "回避企业",
    ]
    assert len(roster) == 48 and roster["编号"].is_unique and roster["姓名"].is_unique
    counts = roster["单位"].value_counts()
    assert counts["人社局"] == 14 and counts["总工会"] == 8 and len(counts) == 8
    assert set(roster["家庭所在镇(区)"]) <= set(read_towns(small))
    limited = roster[["可用开始日期", "可用结束日期"]].notna().any(axis=1)
    assert limited.sum() == 6
    dates = pd.concat([roster["可用开始日期"], roster["可用结束日期"]]).dropna()
    assert (pd.to_datetime(dates).dt.year == small.plan_year).all()
    holds = roster["执法证号"].notna()
    assert not holds[roster["单位"] == "总工会"].any()
    assert (~holds[roster["单位"] == "人社局"]).sum() == 2
    assert holds[~roster["单位"].isin(["总工会", "人社局"])].all()
    conflicts = roster["回避企业"].dropna().str.split(";")
    assert len(conflicts) == 10 and conflicts.map(len).between(1, 3).all()
    register_ids = set(pd.read_csv(small.register, encoding="gbk", dtype=str).iloc[:, 0])
    assert set(conflicts.explode()) <= register_ids


# --- findings and truth --------------------------------------------------------------------


def test_findings_files_have_three_formats(small: DemoRegion) -> None:
    zh, en, csv = small.findings
    zh_headers = list(pd.read_excel(zh, nrows=0).columns)
    assert zh_headers == [c.aliases[0] for c in FINDINGS]
    assert set(pd.read_excel(zh)["检查结果"]) <= set(RESULT_ALIASES)
    assert set(pd.read_excel(zh)["抽取方式"]) == {"随机", "风险"}
    assert list(pd.read_excel(en, nrows=0).columns) == [c.name for c in FINDINGS]
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf" + "统一社会信用代码".encode())


def test_findings_are_inside_campaign_windows(small: DemoRegion) -> None:
    found = read_findings(small)
    assert set(found["campaign"]) == set(CAMPAIGNS)
    assert set(found["result"]) <= set(RESULTS)
    assert set(found["stratum"]) == {"random", "risk"}
    years = found["inspection_date"].dt.year
    assert set(years) == {2024, 2025, 2026}
    assert (
        found["file"] == "findings_" + years.astype(str) + np.where(years == 2026, ".csv", ".xlsx")
    ).all()
    # workdays of the Chinese calendar, make-up Saturdays (调休) included
    assert all(is_workday(d) for d in found["inspection_date"].dt.date.unique())
    for campaign, (first, last) in MONTHS.items():
        dates = found.loc[found["campaign"] == campaign, "inspection_date"]
        assert dates.dt.month.between(first, last).all(), campaign
    wage = found[found["campaign"] == "wage"]
    festival = wage["inspection_date"].dt.year.map(spring_festival)
    assert (wage["inspection_date"].dt.date < festival).all()


def test_findings_per_campaign_counts(small: DemoRegion) -> None:
    found = read_findings(small)
    counts = found.groupby([found["inspection_date"].dt.year, "campaign"]).size()
    assert len(counts) == 12
    assert counts.between(110, 145).all()
    assert 0.07 <= (found["stratum"] == "random").mean() <= 0.13
    found["year"] = found["inspection_date"].dt.year
    assert not found.duplicated(["firm_id", "campaign", "year"]).any()
    other = found[found["result"].isin(["closed", "not_found", "refused"])]
    assert 0.005 < len(other) / len(found) < 0.08


def test_findings_details_are_consistent(small: DemoRegion) -> None:
    found = read_findings(small)
    found = found[found["file"] == "findings_2025.xlsx"]
    bad = found[found["result"] == "violation"]
    codes = bad["violation_codes"].str.split(";").explode()
    assert set(codes) <= set(vocab.VIOLATION_CODES)
    assert (bad["workers_affected"].astype(int) >= 1).all()
    assert (pd.to_datetime(bad["rectification_due"]) > bad["inspection_date"]).all()
    wage_codes = bad["violation_codes"].str.contains("W0")
    assert (bad.loc[wage_codes, "back_wages_yuan"].astype(float) > 0).all()
    good = found[found["result"] == "compliant"]
    assert good["violation_codes"].isna().all()


def test_truth_has_one_row_per_firm_and_target_prevalence(large: DemoRegion) -> None:
    truth = read_truth(large)
    firms = read_register(large)
    assert list(truth.columns) == ["firm_id"] + [f"p_{c}" for c in CAMPAIGNS]
    assert truth["firm_id"].is_unique and set(truth["firm_id"]) == set(firms["统一社会信用代码"])
    p = truth.drop(columns="firm_id")
    assert ((p > 0) & (p < 1)).all().all()
    for campaign in CAMPAIGNS:
        mean = p[f"p_{campaign}"].mean()
        assert 0.08 <= mean <= 0.20
        assert mean == pytest.approx(vocab.PREVALENCE[campaign], abs=0.002)


def _inspected_with_truth(region: DemoRegion) -> tuple[pd.DataFrame, pd.DataFrame]:
    truth = read_truth(region).set_index("firm_id")
    found = read_findings(region)
    found = found[found["result"].isin(["compliant", "violation"])].copy()
    found["p"] = [
        truth.at[f, f"p_{c}"] for f, c in zip(found["firm_id"], found["campaign"], strict=True)
    ]
    found["hit"] = found["result"] == "violation"
    return found, truth


@pytest.mark.parametrize("fixture", ["small", "large"])
def test_random_stratum_violation_rate_matches_truth(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    region = request.getfixturevalue(fixture)
    found, truth = _inspected_with_truth(region)
    rand = found[found["stratum"] == "random"]
    # what a purely random draw should find: the mean truth over ALL firms, per campaign
    expected = rand["campaign"].map(lambda c: truth[f"p_{c}"].mean())
    sd = np.sqrt((expected * (1 - expected)).sum()) / len(rand)
    assert abs(rand["hit"].mean() - expected.mean()) < 4 * sd
    # the random stratum's firms look like the whole register
    spread = rand["campaign"].map(lambda c: truth[f"p_{c}"].std()).mean() / np.sqrt(len(rand))
    assert abs(rand["p"].mean() - expected.mean()) < 4 * spread


def test_risk_stratum_is_biased_towards_violators(large: DemoRegion) -> None:
    found, _ = _inspected_with_truth(large)
    risk = found[found["stratum"] == "risk"]
    rand = found[found["stratum"] == "random"]
    assert risk["hit"].mean() > 1.5 * rand["hit"].mean()
    assert risk["p"].mean() > 1.5 * rand["p"].mean()
    # results follow the hidden probabilities of the firms actually inspected
    sd = np.sqrt((risk["p"] * (1 - risk["p"])).sum()) / len(risk)
    assert abs(risk["hit"].mean() - risk["p"].mean()) < 4 * sd


def test_last_inspected_reflects_findings(small: DemoRegion) -> None:
    firms = read_register(small).set_index("统一社会信用代码")
    found = read_findings(small)
    latest = found.groupby("firm_id")["inspection_date"].max()
    shown = firms.loc[latest.index, "上次检查日期"]
    parsed = pd.to_datetime(
        shown.str.replace(r"[年月/]", "-", regex=True).str.rstrip("日"),
        format="%Y-%m-%d",
        errors="coerce",
    )
    same = parsed == latest
    assert 0.8 < same.mean() < 0.97  # the register lags behind for some firms
    assert (parsed[~same].isna() | (parsed[~same] < latest[~same])).all()


# --- weather and warning points ------------------------------------------------------------


def test_weather_is_a_jiangsu_summer(small: DemoRegion) -> None:
    weather = pd.read_csv(small.weather, parse_dates=["date"])
    assert list(weather.columns) == ["date", "tmax_c"]
    assert weather["date"].iloc[0] == pd.Timestamp(small.plan_year, 6, 1)
    assert weather["date"].iloc[-1] == pd.Timestamp(small.plan_year, 9, 30)
    assert len(weather) == 122 and weather["date"].diff().dropna().dt.days.eq(1).all()
    peak = weather[weather["date"].between(f"{small.plan_year}-07-20", f"{small.plan_year}-08-31")][
        "tmax_c"
    ]
    assert 31.5 <= peak.mean() <= 34.5
    assert (peak >= 35).sum() >= 3 and (weather["tmax_c"] >= 37).sum() >= 1
    assert 1 <= (weather["tmax_c"] >= 40).sum() <= 2
    assert weather["tmax_c"].between(15, 42).all()
    assert weather.loc[weather["date"].dt.month == 6, "tmax_c"].mean() < peak.mean() - 2


def test_warning_points_lie_in_their_towns(small: DemoRegion) -> None:
    points = pd.read_csv(small.warning_points, encoding="utf-8")
    assert list(points.columns) == ["name", "town", "lon", "lat"]
    assert len(points) == 120 and points["name"].is_unique
    towns = read_towns(small)
    assert set(points["town"]) == set(towns)
    for town, rows in points.groupby("town"):
        assert shapely.contains_xy(towns[town], rows["lon"], rows["lat"]).all(), town


# --- the importers accept the demo -------------------------------------------------------


def test_register_imports_with_expected_warnings(small: DemoRegion) -> None:
    from inspectlib import geo, register
    from inspectlib.errors import Problems

    problems = Problems()
    towns = geo.read_boundaries(small.boundaries)
    firms = register.load_register(small.register, towns, coords="gcj02", problems=problems)
    assert len(firms) == SMALL
    assert "法定代表人" in firms.columns and "联系电话" in firms.columns
    assert not firms["outside_boundaries"].any()
    assert 0 < firms["approx_location"].sum() < 0.03 * SMALL
