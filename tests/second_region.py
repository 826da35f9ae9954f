"""A second region, unlike the demo: other towns and boundaries, a GBK register with Chinese
headers and industry codes written with their section letter (``F5211``, ``H6210``), GCJ-02
coordinates, a Chinese roster, and a minimal params file per campaign (only campaign, year,
seed, register, boundaries, roster, coords and output_dir). Built in any folder."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from inspectlib.coords import from_wgs84

# four towns on a 2 × 2 grid in the Pearl River Delta (none of them a demo town)
TOWNS = {
    "石岗镇": (113.20, 23.10),
    "沙湾街道": (113.30, 23.10),
    "龙口镇": (113.20, 23.20),
    "新塘区": (113.30, 23.20),
}
SIZE = 0.1  # degrees per town square
# (code as the register writes it, outdoor work share)
CODES = (
    ("F5211", 0.0),
    ("F5261", 0.0),
    ("H6110", 0.0),
    ("H6210", 0.0),
    ("C1713", 0.0),
    ("C1810", 0.0),
    ("C3120", 0.1),
    ("E4720", 0.9),
    ("G5411", 0.8),
    ("R9011", 0.0),
    ("O8010", 0.1),
    ("I6510", 0.0),
)
AGENCIES = {
    "人社局": 16,
    "总工会": 6,
    "公安局": 2,
    "市场监管局": 2,
    "住建局": 2,
    "应急管理局": 2,
    "卫健委": 2,
    "税务局": 2,
}
CAMPAIGNS = ("wage", "illegal_employment", "heat", "service_sector")


@dataclass(frozen=True)
class SecondRegion:
    """Paths of the region's files and of one minimal params file per campaign."""

    root: Path
    register: Path
    boundaries: Path
    roster: Path
    params: dict[str, Path]


ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = np.array((1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28))


def credit_codes(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct well-formed unified social credit codes with correct check characters
    (GB 32100-2015; tests/test_second_region.py compares them with python-stdnum)."""
    digits = np.empty((n, 17), dtype=np.int64)
    digits[:, :4] = [9, 1, 4, 4]
    digits[:, 4:8] = rng.integers(0, 10, (n, 4))
    digits[:, 8:] = rng.integers(0, 31, (n, 9))
    serial = np.arange(n)
    digits[:, 14], digits[:, 15], digits[:, 16] = serial % 31, serial // 31 % 31, serial // 961 % 31
    digits[:, 13] = serial // 29791 % 31  # distinct up to 31**4 firms
    check = (31 - (digits * WEIGHTS).sum(axis=1) % 31) % 31
    chars = np.array(list(ALPHABET))[np.concatenate([digits, check[:, None]], axis=1)]
    return ["".join(row) for row in chars]


def boundaries_geojson() -> dict:
    """The four towns as squares, WGS-84, with a Chinese name column."""
    features = []
    for town, (lon, lat) in TOWNS.items():
        ring = [
            [lon, lat],
            [lon + SIZE, lat],
            [lon + SIZE, lat + SIZE],
            [lon, lat + SIZE],
            [lon, lat],
        ]
        features.append(
            {
                "type": "Feature",
                "properties": {"名称": town},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def register_frame(n_firms: int, seed: int) -> pd.DataFrame:
    """The register as the bureau exports it (Chinese headers, GCJ-02 lon/lat)."""
    rng = np.random.default_rng(seed)
    towns = list(TOWNS)
    town = rng.choice(towns, n_firms)
    corner = np.array([TOWNS[t] for t in town])
    lon = corner[:, 0] + rng.uniform(0.01, SIZE - 0.01, n_firms)
    lat = corner[:, 1] + rng.uniform(0.01, SIZE - 0.01, n_firms)
    glon, glat = from_wgs84(lon, lat, "gcj02")
    picked = rng.integers(0, len(CODES), n_firms)
    codes = np.array([CODES[i][0] for i in picked])
    outdoor = rng.random(n_firms) < np.array([CODES[i][1] for i in picked])
    ids = credit_codes(rng, n_firms)
    frame = pd.DataFrame(
        {
            "统一社会信用代码": ids,
            "企业名称": [f"{t[:2]}第{i + 1}商贸有限公司" for i, t in enumerate(town)],
            "所属镇(区)": town,
            "经度": np.round(glon, 6),
            "纬度": np.round(glat, 6),
            "行业代码": codes,
            "从业人数": rng.integers(3, 400, n_firms),
            "是否建会": np.where(rng.random(n_firms) < 0.4, "是", "否"),
            "户外作业": np.where(outdoor, "是", "否"),
            "近12个月投诉": rng.poisson(0.4, n_firms),
            "信用等级": rng.choice(["A", "B", "C"], n_firms, p=[0.6, 0.3, 0.1]),
        }
    )
    # rows a real export has: swapped lon/lat and a credit code whose check character is wrong
    lon3, lat3 = float(frame.at[3, "经度"]), float(frame.at[3, "纬度"])
    frame.loc[3, "经度"], frame.loc[3, "纬度"] = lat3, lon3
    wrong = "0" if frame.loc[7, "统一社会信用代码"][-1] != "0" else "1"
    frame.loc[7, "统一社会信用代码"] = frame.loc[7, "统一社会信用代码"][:-1] + wrong
    return frame


def roster_frame(conflicts: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """Inspectors of the eight agencies, with home towns for 回避.

    With ``conflicts`` (inspector id → credit codes), the roster also has the columns
    执法证号 (every inspector but the union's holds one) and 回避企业 (codes joined by ``；``).
    """
    rows, towns = [], list(TOWNS)
    for agency, count in AGENCIES.items():
        for _ in range(count):
            n = len(rows)
            rows.append(
                {
                    "编号": f"SG{n + 1:03d}",
                    "姓名": f"检查员{n + 1}",
                    "单位": agency,
                    "户籍镇区": towns[n % 4],
                }
            )
    frame = pd.DataFrame(rows)
    if conflicts is not None:
        frame["执法证号"] = [
            "" if agency == "总工会" else f"粤{int(code[2:]):06d}"
            for code, agency in zip(frame["编号"], frame["单位"], strict=True)
        ]
        frame["回避企业"] = ["；".join(conflicts.get(code, [])) for code in frame["编号"]]
    return frame


def build_second_region(root: Path, n_firms: int = 600, seed: int = 11) -> SecondRegion:
    """Write the region's files and four minimal params files under ``root``."""
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    register = data / "企业名录.csv"
    register_frame(n_firms, seed).to_csv(register, index=False, encoding="gbk")
    boundaries = data / "镇街边界.geojson"
    boundaries.write_text(json.dumps(boundaries_geojson(), ensure_ascii=False), encoding="utf-8")
    roster = data / "执法人员.csv"
    roster_frame().to_csv(roster, index=False, encoding="utf-8-sig")
    params = {}
    for i, campaign in enumerate(CAMPAIGNS):
        path = root / f"{campaign}.yaml"
        path.write_text(
            f"campaign: {campaign}\nyear: 2027\nseed: {101 + i}\n"
            f"register: data/企业名录.csv\nboundaries: data/镇街边界.geojson\n"
            f"roster: data/执法人员.csv\ncoords: gcj02\noutput_dir: out/{campaign}\n",
            encoding="utf-8",
        )
        params[campaign] = path
    return SecondRegion(root, register, boundaries, roster, params)
