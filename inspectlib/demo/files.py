"""Write the demo region's frames as the files a city office would really receive.

Every file is written to a hidden temporary name in the target folder and renamed into
place, so an interrupted build never leaves half a file under the real name.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from inspectlib.coords import wgs84_to_gcj02
from inspectlib.demo import vocab
from inspectlib.schema import FINDINGS, REGISTER

SYNTHETIC_NOTE = "SYNTHETIC DEMO DATA"


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary path next to ``path``, then rename it to ``path``.

    Parameters
    ----------
    path : Path
        Final file name.
    write : callable
        Writes the complete file to the path it is given.

    Returns
    -------
    Path
        ``path``.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _round_coords(geom: shapely.Polygon) -> list[list[list[float]]]:
    return [
        [[round(x, 6), round(y, 6)] for x, y in ring.coords]
        for ring in (geom.exterior, *geom.interiors)
    ]


def write_boundaries(towns: pd.DataFrame, path: Path) -> Path:
    """Town polygons as GeoJSON (WGS-84) with properties ``镇区``, ``代码`` and ``note``."""
    features = [
        {
            "type": "Feature",
            "properties": {"镇区": row.town, "代码": row.code, "note": SYNTHETIC_NOTE},
            "geometry": {"type": "Polygon", "coordinates": _round_coords(row.geometry)},
        }
        for row in towns.itertuples()
    ]
    text = json.dumps(
        {"type": "FeatureCollection", "name": "demo_boundaries", "features": features},
        ensure_ascii=False,
        separators=(",", ":"),
    )

    def write(tmp: Path) -> None:
        tmp.write_text(text + "\n", encoding="utf-8")

    return atomic_write(path, write)


def _zh_dates(dates: pd.Series, rng: np.random.Generator) -> pd.Series:
    """Dates written three ways (``2025-03-04``, ``2025/3/4``, ``2025年3月4日``); NaT → ""."""
    y, m, d = (
        dates.dt.year.astype("Int64").astype(str),
        dates.dt.month.astype("Int64").astype(str),
        dates.dt.day.astype("Int64").astype(str),
    )
    iso = dates.dt.strftime("%Y-%m-%d")
    slash = y + "/" + m + "/" + d
    chinese = y + "年" + m + "月" + d + "日"
    pick = rng.random(len(dates))
    out = iso.where(pick < 0.5, slash.where(pick < 0.8, chinese))
    return out.where(dates.notna(), "").astype(object)


def register_table(
    firms: pd.DataFrame, last_inspected: pd.Series, rng: np.random.Generator
) -> pd.DataFrame:
    """The register as exported: Chinese headers, GCJ-02 text coordinates, mixed formats.

    Parameters
    ----------
    firms : DataFrame
        From :func:`inspectlib.demo.world.build_firms`.
    last_inspected : Series
        Date of the last inspection per firm (NaT when never), aligned with ``firms``.
    rng : numpy.random.Generator
        Chooses the mixed spellings (``120人``, ``Y``/``是``, date formats).

    Returns
    -------
    DataFrame
        All text columns, headers as in :data:`inspectlib.schema.REGISTER` plus the extra
        columns 法定代表人 and 联系电话.
    """
    n = len(firms)
    zh = {c.name: c.aliases[0] for c in REGISTER}
    gcj_lon, gcj_lat = wgs84_to_gcj02(firms["lon"].to_numpy(), firms["lat"].to_numpy())
    has = firms["has_coords"].to_numpy()
    lon = np.where(has, pd.Series(gcj_lon).map("{:.6f}".format), "")
    lat = np.where(has, pd.Series(gcj_lat).map("{:.6f}".format), "")
    employees = firms["employees"].astype(str)
    employees = employees.where(rng.random(n) >= 0.08, employees + "人")
    yn = rng.random(n) < 0.3  # part of the register came from a form with Y/N boxes
    outdoor = np.where(firms["outdoor_work"], np.where(yn, "Y", "是"), np.where(yn, "N", "否"))
    credit = firms["credit_grade"].where(rng.random(n) >= 0.02, "")
    return pd.DataFrame(
        {
            zh["firm_id"]: firms["firm_id"],
            zh["name"]: firms["name"],
            "法定代表人": firms["legal_rep"],
            zh["town"]: firms["town_listed"],
            zh["address"]: firms["address"],
            zh["lon"]: lon,
            zh["lat"]: lat,
            zh["industry_code"]: firms["industry_code"],
            "行业门类": firms["industry"],
            zh["employees"]: employees,
            zh["ownership"]: firms["ownership"],
            zh["has_union"]: np.where(firms["has_union"], "是", "否"),
            zh["outdoor_work"]: outdoor,
            zh["complaints_12m"]: firms["complaints_12m"].astype(str),
            zh["credit_grade"]: credit,
            zh["last_inspected"]: _zh_dates(last_inspected.reset_index(drop=True), rng),
            "联系电话": firms["phone"],
        }
    )


def write_register(table: pd.DataFrame, path: Path) -> Path:
    """The register table as a GBK CSV with Windows line ends (as exported by 企业名录 tools)."""
    return atomic_write(
        path, lambda tmp: table.to_csv(tmp, index=False, encoding="gbk", lineterminator="\r\n")
    )


def write_roster(roster: pd.DataFrame, path: Path, plan_year: int) -> Path:
    """Roster XLSX: a title row, Chinese headers in row 2, date cells for availability."""
    headers = [
        *("编号", "姓名", "单位", "家庭所在镇(区)", "可用开始日期", "可用结束日期"),
        *("执法证号", "回避企业"),
    ]

    def write(tmp: Path) -> None:
        wb = Workbook()
        ws = wb.active
        ws.title = "名单"
        ws.append([f"{plan_year}年劳动保障监察人员名单（合成示例数据）"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        ws["A1"].font = Font(bold=True, size=14)
        ws["A1"].alignment = Alignment(horizontal="center")
        ws.append(headers)
        for row in roster.itertuples(index=False):
            ws.append(list(row))
        for cells in ws.iter_rows(min_row=3, min_col=5, max_col=6):
            for cell in cells:
                cell.number_format = "yyyy-mm-dd"
        for col, width in zip("ABCDEFGH", (8, 10, 12, 16, 14, 14, 14, 40), strict=True):
            ws.column_dimensions[col].width = width
        wb.save(tmp)

    return atomic_write(path, write)


def findings_table(findings: pd.DataFrame, style: str) -> pd.DataFrame:
    """Findings as one office writes them.

    ``style`` is ``zh`` (Chinese headers, Chinese campaign and result words), ``en``
    (canonical headers and values) or ``zh_headers`` (Chinese headers, English values).
    """
    table = findings[[c.name for c in FINDINGS]].copy()
    if style == "zh":
        table["campaign"] = table["campaign"].map(vocab.CAMPAIGN_ZH)
        table["result"] = table["result"].map(vocab.RESULT_ZH)
        table["stratum"] = table["stratum"].map({"random": "随机", "risk": "风险"})
    if style in ("zh", "zh_headers"):
        table = table.rename(columns={c.name: c.aliases[0] for c in FINDINGS})
    return table


def write_findings_xlsx(table: pd.DataFrame, path: Path) -> Path:
    """Findings as an XLSX sheet with real date cells."""

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(
            tmp, engine="openpyxl", date_format="YYYY-MM-DD", datetime_format="YYYY-MM-DD"
        ) as writer:
            table.to_excel(writer, index=False, sheet_name="检查结果")

    return atomic_write(path, write)


def write_findings_csv(table: pd.DataFrame, path: Path) -> Path:
    """Findings as a UTF-8 CSV with a byte-order mark (as Excel saves "CSV UTF-8")."""
    return atomic_write(
        path,
        lambda tmp: table.to_csv(tmp, index=False, encoding="utf-8-sig", date_format="%Y-%m-%d"),
    )


def write_csv(table: pd.DataFrame, path: Path, float_format: str | None = None) -> Path:
    """A plain UTF-8 CSV (weather, warning points)."""
    return atomic_write(
        path,
        lambda tmp: table.to_csv(
            tmp, index=False, encoding="utf-8", float_format=float_format, date_format="%Y-%m-%d"
        ),
    )


def write_parquet(table: pd.DataFrame, path: Path) -> Path:
    """A Parquet file (the hidden truth)."""
    return atomic_write(path, lambda tmp: table.to_parquet(tmp, index=False))


def write_text(text: str, path: Path) -> Path:
    """A UTF-8 text file."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
