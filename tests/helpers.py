"""Small real input files built in code for the importer tests."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import box
from stdnum.cn import uscc

TOWNS = ("甲镇", "乙镇")


def valid_uscc(i: int) -> str:
    """A well-formed unified social credit code with a correct check character."""
    body = f"91320281{i:09d}"
    return body + uscc.calc_check_digit(body)


def two_towns() -> gpd.GeoDataFrame:
    """Two side-by-side squares near Wuxi, in WGS-84."""
    return gpd.GeoDataFrame(
        {"town": list(TOWNS), "code": ["001", "002"]},
        geometry=[box(120.0, 31.0, 120.1, 31.1), box(120.1, 31.0, 120.2, 31.1)],
        crs="EPSG:4326",
    )


def register_rows(n: int = 6) -> pd.DataFrame:
    """A register with Chinese headers, as an office would export it."""
    rows = []
    for i in range(n):
        rows.append(
            {
                "统一社会信用代码": valid_uscc(i + 1),
                "企业名称": f"测试{i}纺织有限公司",
                "所属镇(区)": TOWNS[i % 2],
                "经度": 120.05 + 0.1 * (i % 2),
                "纬度": 31.05,
                "行业代码": "1711",
                "从业人数": f"{10 * (i + 1)}人" if i % 2 else str(10 * (i + 1)),
                "是否建会": "是" if i % 2 else "否",
                "户外作业": "N",
                "近12个月投诉": str(i % 3),
                "信用等级": "B",
                "上次检查日期": ["2025-03-04", "2025/3/4", "2025年3月4日", "", "45720", ""][i % 6],
                "法定代表人": f"某{i}",
            }
        )
    return pd.DataFrame(rows)


def write_csv(
    frame: pd.DataFrame, path: Path, encoding: str = "utf-8", title: str | None = None
) -> Path:
    """Write a CSV the way Excel would (optionally with a title line above the header)."""
    text = frame.to_csv(index=False, lineterminator="\r\n")
    if title:
        text = title + "," * (frame.shape[1] - 1) + "\r\n" + text
    path.write_bytes(text.encode(encoding))
    return path


def free_port() -> int:
    """A TCP port nobody listens on at 127.0.0.1 right now."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
