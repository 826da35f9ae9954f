"""Words shown to people, by code, in Chinese and English.

Algorithms and loaders return codes (``Problem.code`` and the like); the words are chosen when
a report is rendered, in the report's language, so that a zh report holds no English sentence.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from inspectlib.errors import Problem

INPUT_WARNINGS: dict[str, dict[str, str]] = {
    "uscc_check": {
        "zh": "统一社会信用代码校验位不符（已保留，请核实）",
        "en": "credit code check character is wrong (kept; please confirm)",
    },
    "lonlat_partial": {
        "zh": "经纬度只填了一项，按所属镇（区）定位",
        "en": "only one of lon/lat filled in; placed by its town",
    },
    "lonlat_swapped": {
        "zh": "经度、纬度疑似填反，已对调",
        "en": "lon and lat looked swapped; swapped back",
    },
    "outside_china": {
        "zh": "坐标位于中国境外，请核实",
        "en": "coordinates outside China; please check",
    },
    "town_differs": {
        "zh": "登记的镇（区）与坐标所在镇（区）不一致，按坐标",
        "en": "registered town differs from the location's; the location is used",
    },
    "outside_boundaries": {
        "zh": "坐标不在任何镇（区）边界内，已保留并标记",
        "en": "location outside every town boundary; kept and flagged",
    },
    "approx_location": {
        "zh": "无经纬度，按所属镇（区）中心定位（近似位置）",
        "en": "no lon/lat; placed at its town's centre (approximate)",
    },
    "tmax_unusual": {
        "zh": "日最高气温超出常见范围，请核实",
        "en": "daily maximum temperature outside the usual range",
    },
    "no_crs": {
        "zh": "边界文件未注明坐标系，按 WGS-84 经纬度处理",
        "en": "boundaries have no CRS; read as WGS-84 lon/lat",
    },
    "geometry_repaired": {
        "zh": "边界几何图形无效，已自动修复",
        "en": "invalid boundary geometry repaired",
    },
    "other": {"zh": "其他提示（详见 audit.json）", "en": "other warnings (see audit.json)"},
}
"""Input warnings by :attr:`~inspectlib.errors.Problem.code`."""

INPUT_WARNING_TABLE: dict[str, dict[str, str]] = {
    "zh": {"file": "文件", "warning": "提示", "rows": "涉及行数", "examples": "行号（示例）"},
    "en": {"file": "file", "warning": "warning", "rows": "rows", "examples": "rows (examples)"},
}


def input_warning_table(
    problems: Iterable[Problem], language: str = "zh", examples: int = 5
) -> pd.DataFrame:
    """Input warnings counted by file and kind, in ``language``.

    Examples
    --------
    >>> from inspectlib.errors import Problem
    >>> found = [Problem("warning", "/x/r.csv", "swapped", 7, "lon", "lonlat_swapped")]
    >>> input_warning_table(found, "zh").to_dict("records")[0]["提示"]
    '经度、纬度疑似填反，已对调'
    """
    words = INPUT_WARNING_TABLE[language]
    rows: dict[tuple[str, str], list] = {}
    for problem in problems:
        if problem.severity != "warning":
            continue
        code = problem.code if problem.code in INPUT_WARNINGS else "other"
        entry = rows.setdefault((problem.file, code), [0, []])
        entry[0] += problem.rows
        if problem.row is not None and len(entry[1]) < examples:
            entry[1].append(str(problem.row))
    return pd.DataFrame(
        [
            {
                words["file"]: file.replace("\\", "/").rsplit("/", 1)[-1],
                words["warning"]: INPUT_WARNINGS[code][language],
                words["rows"]: count,
                words["examples"]: "、".join(shown) if language == "zh" else ", ".join(shown),
            }
            for (file, code), (count, shown) in rows.items()
        ],
        columns=list(words.values()),
    )
