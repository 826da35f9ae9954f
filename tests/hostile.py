"""A corpus of malformed and hostile input files, generated in code (issue 14).

Each :class:`Case` is one file (or a few) that one command must refuse with exit code 1 and
one line per problem naming file, row and column — or, when the file is still usable,
accept with exit code 0 and a warning. ``python -m tests.hostile DIR`` writes the corpus to
``DIR`` and prints one line per case; the tests run every case through
:func:`inspectlib.cli.main`.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from tests.helpers import TOWNS, register_rows, valid_uscc, write_csv

LONG = "长" * 100_000
"""A value far longer than any message may quote."""


@dataclass(frozen=True)
class Case:
    """One malformed input.

    Attributes
    ----------
    name : str
        Case id (also the file's stem).
    defect : str
        The issue's defect class: ``ranges``, ``exhaustion``, ``agree``, ``catch-all``,
        ``silent``.
    command : str
        ``validate`` (with ``kind``), ``record`` or ``verify-draw``.
    build : callable
        ``build(folder) -> Path`` writes the file and returns its path.
    exit_code : int
        1 for a refused file, 0 for a usable one (then ``expect`` is a warning).
    expect : tuple of str
        Fragments that must appear in the output (e.g. ``"row 3"``, the column's header).
    kind : str
        ``--kind`` for ``validate``.
    forbid : tuple of str
        Fragments that must not appear (a misleading message).
    """

    name: str
    defect: str
    command: str
    build: Callable[[Path], Path]
    exit_code: int
    expect: tuple[str, ...]
    kind: str = ""
    forbid: tuple[str, ...] = field(default_factory=tuple)


def roster_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "编号": ["I01", "I02", "I03"],
            "姓名": ["王一", "李二", "张三"],
            "单位": ["人社局", "公安局", "总工会"],
            "家庭所在镇(区)": list(TOWNS) + [TOWNS[0]],
            "可用开始日期": ["", "2026/6/1", ""],
            "可用结束日期": ["", "2026年7月15日", ""],
        }
    )


def findings_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "统一社会信用代码": [valid_uscc(1), valid_uscc(2), valid_uscc(3)],
            "专项检查": ["工资", "heat", "heat"],
            "检查日期": ["2026-01-12", "2026/8/3", "2026-08-04"],
            "检查组": ["I01+I02", "I02+I03", "I02+I03"],
            "检查结果": ["违法", "compliant", "合规"],
            "违法代码": ["W01;W03", "", ""],
            "涉及职工人数": ["12人", "0", "0"],
            "追发工资(元)": ["35,000", "", ""],
            "罚款(元)": ["2000", "", ""],
            "备注": ["", "", ""],
            "抽取方式": ["随机", "风险", "随机"],
        }
    )


def weather_rows() -> pd.DataFrame:
    return pd.DataFrame({"日期": ["2026-07-01", "2026-07-02"], "最高气温": ["36.5", "38"]})


def _csv(frame_of: Callable[[], pd.DataFrame], edit: Callable[[pd.DataFrame], None]):
    def build(folder: Path, name: str) -> Path:
        frame = frame_of()
        edit(frame)
        return write_csv(frame, folder / f"{name}.csv", encoding="utf-8-sig")

    return build


def _set(row: int, column: str, value: object) -> Callable[[pd.DataFrame], None]:
    """Edit one cell (row 0 = first data row = file row 2)."""

    def edit(frame: pd.DataFrame) -> None:
        frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value

    return edit


def _xlsx(frame: pd.DataFrame, path: Path, after: Callable | None = None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append(list(row))
    if after is not None:
        after(sheet)
    book.save(path)
    return path


def register_with_huge_comment(folder: Path, name: str) -> Path:
    """A 50 KB workbook whose sheet XML carries a 64 MB comment (an XML bomb)."""
    plain = _xlsx(register_rows(), folder / f"{name}-plain.xlsx")
    out = folder / f"{name}.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                head, tail = data.split(b"<sheetData>", 1)
                data = head + b"<!--" + b" " * (64 * 2**20) + b"--><sheetData>" + tail
            dst.writestr(item, data)
    plain.unlink()
    return out


def register_with_uncached_formulas(folder: Path, name: str) -> Path:
    """Employees and complaints given as formulas that no spreadsheet has computed."""

    def formulas(sheet) -> None:
        sheet["G3"] = "=10*3"
        sheet["J4"] = "=SUM(1,2)"

    return _xlsx(register_rows(), folder / f"{name}.xlsx", formulas)


def register_with_far_serial(folder: Path, name: str) -> Path:
    """An Excel serial number that is a date past 2262 (largest Excel date, 9999-12-31)."""
    rows = register_rows()
    rows["上次检查日期"] = rows["上次检查日期"].astype(object)
    rows.loc[1, "上次检查日期"] = 2958465
    return _xlsx(rows, folder / f"{name}.xlsx")


def roster_with_far_date_cell(folder: Path, name: str) -> Path:
    rows = roster_rows().astype(object)
    rows.loc[0, "可用结束日期"] = dt.datetime(2999, 1, 1)
    return _xlsx(rows, folder / f"{name}.xlsx")


def not_a_workbook(folder: Path, name: str) -> Path:
    path = folder / f"{name}.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive" * 10)
    return path


def csv_sniffer_bomb(folder: Path, name: str) -> Path:
    """A first line that makes csv.Sniffer's regular expression take quadratic time."""
    path = folder / f"{name}.csv"
    path.write_text('",' * 10_000 + "\n" + "a,b\n" * 10, encoding="utf-8")
    return path


def very_wide_csv(folder: Path, name: str) -> Path:
    """5,000 columns: each column is parsed on its own, so width must be bounded."""
    path = folder / f"{name}.csv"
    header = ",".join(f"c{i}" for i in range(5_000))
    path.write_text(header + "\n" + ("1," * 4_999 + "1\n") * 20, encoding="utf-8")
    return path


def findings_with_nul_header(folder: Path, name: str) -> Path:
    frame = findings_rows()
    text = frame.to_csv(index=False, lineterminator="\r\n").replace("抽取方式", "抽取\x00方式")
    path = folder / f"{name}.csv"
    path.write_bytes(text.encode("utf-8"))
    return path


def findings_nul_notes(frame: pd.DataFrame) -> None:
    frame.loc[1, "备注"] = "整改\x00完成"


def findings_repeat_with_other_values(frame: pd.DataFrame) -> None:
    frame.loc[2] = frame.loc[1]
    frame.loc[2, "检查结果"] = "违法"


def register_two_name_columns(frame: pd.DataFrame) -> None:
    frame["名称"] = [f"别名{i}" for i in range(len(frame))]


def register_same_header_twice(folder: Path, name: str) -> Path:
    frame = register_rows()
    frame.insert(2, "企业名称 ", [f"别名{i}" for i in range(len(frame))])  # Excel keeps both
    return write_csv(frame, folder / f"{name}.csv", encoding="utf-8-sig")


def _geojson(features: list, crs: str | None = None):
    def build(folder: Path, name: str) -> Path:
        data: dict = {"type": "FeatureCollection", "features": features}
        if crs:
            data["crs"] = {"type": "name", "properties": {"name": crs}}
        path = folder / f"{name}.geojson"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return path

    return build


def _town(name: str, ring: list) -> dict:
    return {
        "type": "Feature",
        "properties": {"town": name},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


_SQUARE = [[120.0, 31.0], [120.1, 31.0], [120.1, 31.1], [120.0, 31.1], [120.0, 31.0]]
_NEXT = [[120.1, 31.0], [120.2, 31.0], [120.2, 31.1], [120.1, 31.1], [120.1, 31.0]]


def truncated_audit(folder: Path, name: str) -> Path:
    path = folder / f"{name}.json"
    text = json.dumps({"format": "inspectlib-audit/1", "params": {"campaign": "wage"}})
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    return path


def missing_audit(folder: Path, name: str) -> Path:
    return folder / f"{name}.json"


def _register(edit):
    return _csv(register_rows, edit)


def _findings(edit):
    return _csv(findings_rows, edit)


def _roster(edit):
    return _csv(roster_rows, edit)


def _weather(edit):
    return _csv(weather_rows, edit)


def _case(name, defect, command, build, code, expect, kind="", forbid=()):
    return Case(
        name,
        defect,
        command,
        lambda folder: build(folder, name),
        code,
        tuple(expect),
        kind,
        tuple(forbid),
    )


COL_EMP, COL_COMPLAINTS, COL_LAST = "'从业人数'", "'近12个月投诉'", "'上次检查日期'"
COL_WORKERS, COL_WAGES, COL_FINE = "'涉及职工人数'", "'追发工资(元)'", "'罚款(元)'"
COL_DATE, COL_ID, COL_TMAX = "'检查日期'", "'统一社会信用代码'", "'最高气温'"

# fmt: off
CASES: tuple[Case, ...] = (
    # 2. impossible values
    _case("reg-employees-2p63", "ranges", "validate", _register(_set(1, "从业人数", "9223372036854775808")), 1, ["row 3", COL_EMP, "0 … 2,000,000"], "register"),
    _case("reg-employees-1e20", "ranges", "validate", _register(_set(0, "从业人数", "1e20")), 1, ["row 2", COL_EMP], "register"),
    _case("reg-employees-3e6", "ranges", "validate", _register(_set(2, "从业人数", "3000000")), 1, ["row 4", COL_EMP, "outside the accepted range"], "register"),
    _case("reg-complaints-neg", "ranges", "validate", _register(_set(0, "近12个月投诉", "-1")), 1, ["row 2", COL_COMPLAINTS], "register"),
    _case("reg-last-2099", "ranges", "validate", _register(_set(0, "上次检查日期", "2099-01-01")), 1, ["row 2", COL_LAST, "outside the accepted range"], "register"),
    _case("reg-last-1999", "ranges", "validate", _register(_set(0, "上次检查日期", "1999-12-31")), 1, ["row 2", COL_LAST, "2000-01-01"], "register"),
    _case("reg-lon-1e10", "ranges", "validate", _register(_set(0, "经度", "1e10")), 1, ["row 2", "out of range"], "register"),
    _case("fnd-fine-inf", "ranges", "validate", _findings(_set(0, "罚款(元)", "inf")), 1, ["row 2", COL_FINE, "outside the accepted range"], "findings"),
    _case("fnd-wages-1e309", "ranges", "validate", _findings(_set(0, "追发工资(元)", "1e309")), 1, ["row 2", COL_WAGES], "findings"),
    _case("fnd-wages-1e300", "ranges", "validate", _findings(_set(1, "追发工资(元)", "1e300")), 1, ["row 3", COL_WAGES, "10,000,000,000 yuan"], "findings"),
    _case("fnd-fine-negative", "ranges", "validate", _findings(_set(0, "罚款(元)", "-5")), 1, ["row 2", COL_FINE], "findings"),
    _case("fnd-workers-2p63", "ranges", "validate", _findings(_set(0, "涉及职工人数", "9223372036854775808")), 1, ["row 2", COL_WORKERS], "findings", ["-9223372036854775808"]),
    _case("fnd-date-2030", "ranges", "validate", _findings(_set(0, "检查日期", "2030-06-01")), 1, ["row 2", COL_DATE, "outside the accepted range"], "findings"),
    _case("fnd-date-2099", "ranges", "validate", _findings(_set(2, "检查日期", "2099/8/4")), 1, ["row 4", COL_DATE], "findings"),
    _case("wea-999", "ranges", "validate", _weather(_set(0, "最高气温", "999")), 1, ["row 2", COL_TMAX, "-60 … 60 °C"], "weather"),
    _case("wea-inf", "ranges", "validate", _weather(_set(1, "最高气温", "inf")), 1, ["row 3", COL_TMAX], "weather"),
    _case("wea-minus-300", "ranges", "validate", _weather(_set(0, "最高气温", "-300")), 1, ["row 2", COL_TMAX], "weather"),
    _case("wea-55-usable", "ranges", "validate", _weather(_set(0, "最高气温", "55")), 0, ["warning:", "row 2", COL_TMAX], "weather"),
    # 3. resource exhaustion
    _case("reg-xml-bomb", "exhaustion", "validate", register_with_huge_comment, 1, ["unpacks", "times its packed size"], "register"),
    _case("reg-not-a-zip", "exhaustion", "validate", not_a_workbook, 1, ["not a readable XLSX workbook"], "register"),
    _case("reg-csv-sniffer-bomb", "exhaustion", "validate", csv_sniffer_bomb, 1, ["cannot read the file"], "register"),
    _case("reg-5000-columns", "exhaustion", "validate", very_wide_csv, 1, ["5,000 columns", "at most 1,000"], "register"),
    _case("reg-long-values", "exhaustion", "validate", _register(lambda f: (_set(0, "从业人数", LONG)(f), _set(1, "统一社会信用代码", LONG)(f))), 1, ["row 2", COL_EMP, "row 3", COL_ID], "register"),
    # 4. validate and record agree (these also run through record)
    _case("fnd-same-key-other-values", "agree", "validate", _findings(findings_repeat_with_other_values), 1, ["row 4", "'检查结果'", "different values"], "findings"),
    _case("fnd-workers-1e20", "agree", "validate", _findings(_set(0, "涉及职工人数", "1e20")), 1, ["row 2", COL_WORKERS], "findings"),
    _case("fnd-workers-3e9", "agree", "validate", _findings(_set(1, "涉及职工人数", "3000000000")), 1, ["row 3", COL_WORKERS], "findings"),
    _case("fnd-nul-notes-usable", "agree", "validate", _findings(findings_nul_notes), 0, ["warning:", "row 3", "'备注'", "NUL"], "findings"),
    # 5. catch-all errors
    _case("fnd-date-2999", "catch-all", "validate", _findings(_set(0, "检查日期", "2999-01-01")), 1, ["row 2", COL_DATE], "findings", ["is empty", "unexpected"]),
    _case("fnd-date-1900", "catch-all", "validate", _findings(_set(0, "检查日期", "1900-01-05")), 1, ["row 2", COL_DATE, "2000-01-01"], "findings", ["Spring Festival"]),
    _case("reg-serial-2958465", "catch-all", "validate", register_with_far_serial, 1, ["row 3", COL_LAST], "register"),
    _case("ros-date-2999", "catch-all", "validate", _roster(_set(0, "可用结束日期", "2999-01-01")), 1, ["row 2", "'可用结束日期'"], "roster"),
    _case("ros-date-cell-2999", "catch-all", "validate", roster_with_far_date_cell, 1, ["row 2", "'可用结束日期'"], "roster"),
    _case("bnd-unclosed-ring", "catch-all", "validate", _geojson([_town("甲镇", _SQUARE), _town("乙镇", _NEXT[:-1])]), 1, ["row 3", "'geometry'", "ring"], "boundaries"),
    _case("audit-truncated", "catch-all", "verify-draw", truncated_audit, 1, ["not valid JSON"]),
    _case("audit-missing", "catch-all", "verify-draw", missing_audit, 1, ["cannot read the audit"]),
    # 6. silently accepted
    _case("bnd-lat-120", "silent", "validate", _geojson([_town("甲镇", [[120, 120], [120.1, 120], [120.1, 121], [120, 120]])]), 1, ["row 2", "'geometry'", "not longitude/latitude"], "boundaries"),
    _case("bnd-coords-1e10", "silent", "validate", _geojson([_town("甲镇", [[1e10, 1e10], [2e10, 1e10], [2e10, 2e10], [1e10, 1e10]])]), 1, ["row 2", "'geometry'"], "boundaries"),
    _case("bnd-bogus-crs", "silent", "validate", _geojson([_town("甲镇", _SQUARE)], "urn:ogc:def:crs:EPSG::999999"), 1, ["column 'crs'", "no known coordinate system"], "boundaries"),
    _case("bnd-identical-towns", "silent", "validate", _geojson([_town("甲镇", _SQUARE), _town("乙镇", _SQUARE)]), 1, ["row 3", "'geometry'", "overlaps town '甲镇' (row 2)"], "boundaries"),
    _case("reg-uncached-formulas", "silent", "validate", register_with_uncached_formulas, 1, ["row 3", COL_EMP, "cell G3", "row 4", COL_COMPLAINTS, "cell J4"], "register"),
    _case("fnd-nul-header-usable", "silent", "validate", findings_with_nul_header, 0, ["warning:", "'抽取方式'", "NUL"], "findings"),
    _case("fnd-firm-id-malformed", "silent", "validate", _findings(_set(0, "统一社会信用代码", "ABC123")), 1, ["row 2", COL_ID, "not a unified social credit code"], "findings"),
    _case("fnd-firm-id-check-usable", "silent", "validate", _findings(_set(0, "统一社会信用代码", valid_uscc(1)[:-1] + ("0" if valid_uscc(1)[-1] != "0" else "1"))), 0, ["warning:", "row 2", COL_ID, "check character"], "findings"),
    _case("ros-unknown-agency-usable", "silent", "validate", _roster(_set(1, "单位", "黑客局")), 0, ["warning:", "row 3", "'单位'", "黑客局"], "roster"),
    _case("reg-two-name-columns", "silent", "validate", _register(register_two_name_columns), 1, ["'企业名称' and '名称'", "row 1"], "register"),
    _case("reg-same-header-twice", "silent", "validate", register_same_header_twice, 1, ["'企业名称' and '企业名称'", "row 1"], "register"),
    _case("fnd-bad-date-not-empty", "silent", "validate", _findings(_set(1, "检查日期", "下周")), 1, ["row 3", COL_DATE, "cannot read"], "findings", ["is empty"]),
)
# fmt: on

RECORD_CASES: tuple[str, ...] = (
    "fnd-same-key-other-values",
    "fnd-workers-1e20",
    "fnd-workers-3e9",
    "fnd-nul-notes-usable",
    "fnd-fine-inf",
    "fnd-date-1900",
)
"""Findings cases that ``record`` must treat exactly as ``validate`` does (on SQLite and
PostgreSQL)."""


def argv(case: Case, path: Path) -> list[str]:
    """The command line of a case."""
    if case.command == "validate":
        return ["validate", str(path), "--kind", case.kind]
    return [case.command, str(path)]


def write_corpus(folder: Path) -> dict[str, Path]:
    """Write every case's file into ``folder``; returns ``{case name: path}``."""
    folder.mkdir(parents=True, exist_ok=True)
    return {case.name: case.build(folder) for case in CASES}


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    for name, path in write_corpus(out).items():
        case = next(c for c in CASES if c.name == name)
        print(f"{case.defect:10} {case.exit_code}  {' '.join(argv(case, path))}")
