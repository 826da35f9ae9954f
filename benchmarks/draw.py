"""Time expert scoring and the whole draw on synthetic registers of 20k, 200k and 1M firms.

Run: ``.venv/bin/python benchmarks/draw.py``. Prints a table; nothing is written to disk.
The register is built in memory (vectorised); the findings history has 4 years of the
campaign with 2,000 inspections each, so the learned-model path (fit + time split) runs too.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from inspectlib.draw import plan_draw
from inspectlib.industry import section_of
from inspectlib.params import validate_params
from inspectlib.risk import expert_scores

TOWNS = np.array(
    [
        "城东镇",
        "城西镇",
        "城南街道",
        "城北街道",
        "开发区",
        "港口镇",
        "湖滨镇",
        "山前镇",
        "新城区",
        "高新区",
    ]
)
CODES = np.array(
    [
        "1810",
        "1951",
        "3110",
        "3011",
        "3511",
        "4710",
        "4812",
        "5411",
        "5211",
        "6110",
        "6210",
        "8010",
        "9011",
        "7212",
        "6510",
    ]
)
SIZES = (20_000, 200_000, 1_000_000)


@dataclass(frozen=True)
class Inputs:
    register: pd.DataFrame
    roster: pd.DataFrame
    findings: pd.DataFrame
    weather: Any = None
    boundaries: Any = None
    files: dict[str, list[Path]] = field(default_factory=dict)
    problems: list[Any] = field(default_factory=list)


def build_register(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ind = rng.integers(0, len(CODES), n)
    town = rng.integers(0, len(TOWNS), n)
    ids = pd.Series(
        np.char.add("9132", np.char.zfill(rng.choice(10**9, n, replace=False).astype(str), 14)),
        dtype="str",
    )
    last = pd.to_datetime("2019-01-01") + pd.to_timedelta(rng.integers(0, 2100, n), unit="D")
    return pd.DataFrame(
        {
            "firm_id": ids,
            "name": pd.Series(np.char.add("企业", np.arange(n).astype(str)), dtype="str"),
            "town": pd.Series(TOWNS[town], dtype="str"),
            "address": pd.Series([""] * n, dtype="str"),
            "lon": 120 + rng.random(n),
            "lat": 31 + rng.random(n),
            "industry_code": pd.Series(CODES[ind], dtype="str"),
            "industry_section": section_of(pd.Series(CODES[ind], dtype="str")),
            "industry": pd.Series(CODES[ind], dtype="str"),
            "employees": pd.array(rng.integers(1, 2000, n), dtype="Int64"),
            "ownership": pd.Series([""] * n, dtype="str"),
            "has_union": pd.array(rng.random(n) < 0.4, dtype="boolean"),
            "outdoor_work": pd.array(rng.random(n) < 0.2, dtype="boolean"),
            "complaints_12m": pd.array(rng.poisson(0.2, n), dtype="Int64"),
            "credit_grade": pd.Series(rng.choice(["A", "B", "C", ""], n), dtype="str"),
            "last_inspected": pd.Series(last).where(rng.random(n) < 0.5).astype("datetime64[ns]"),
        }
    )


def build_findings(register: pd.DataFrame, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for year in (2021, 2022, 2023, 2024):
        pick = rng.choice(len(register), 2000, replace=False)
        c = register["complaints_12m"].to_numpy(dtype=float)[pick]
        viol = rng.random(2000) < 1 / (1 + np.exp(2 - 1.5 * np.minimum(c, 3)))
        frames.append(
            pd.DataFrame(
                {
                    "firm_id": register["firm_id"].to_numpy()[pick],
                    "campaign": "wage",
                    "inspection_date": pd.Timestamp(year, 1, 10)
                    + pd.to_timedelta(rng.integers(0, 40, 2000), unit="D"),
                    "team": "I001+I009",
                    "result": np.where(viol, "violation", "compliant"),
                    "stratum": np.where(rng.random(2000) < 0.1, "random", "risk"),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def build_roster() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "inspector_id": [f"I{i:03d}" for i in range(1, 41)],
            "name": [f"检查员{i}" for i in range(1, 41)],
            "agency": ["人社局"] * 40,
            "home_town": [TOWNS[i % 10] for i in range(40)],
            "available_from": pd.NaT,
            "available_to": pd.NaT,
        }
    )


PARAMS = {
    "campaign": "wage",
    "year": 2025,
    "seed": 42,
    "register": "r.csv",
    "boundaries": "b.geojson",
    "roster": "o.csv",
    "target_firms": 500,
}


def time_draw(register: pd.DataFrame, roster: pd.DataFrame) -> tuple[float, float, str, float]:
    """Seconds to score and seconds for the whole draw (with the learned-model path) of
    ``register``, the risk model the draw used, and the CPU seconds of the draw (on a
    machine shared with other work, wall time grows with the load; CPU time much less)."""
    inputs = Inputs(register, roster, build_findings(register))
    t0 = time.perf_counter()
    expert_scores(register, "wage", today=pd.Timestamp("2025-01-02"), findings=inputs.findings)
    t1 = time.perf_counter()
    c1 = time.process_time()
    result = plan_draw(validate_params(PARAMS), inputs)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, result.model_report.method, time.process_time() - c1


def main() -> int:
    logging.getLogger("inspectlib").setLevel(logging.ERROR)  # roster notes repeat per size
    full = build_register(max(SIZES))
    roster = build_roster()
    print(
        f"{'firms':>10} | {'seconds score':>13} | {'seconds draw':>12} | {'CPU s draw':>10} | model"
    )
    print(f"{'-' * 10}-+-{'-' * 13}-+-{'-' * 12}-+-{'-' * 10}-+------")
    for n in SIZES:
        reg = full.iloc[:n].sample(frac=1.0, random_state=3).reset_index(drop=True)
        score_s, draw_s, method, cpu_s = time_draw(reg, roster)
        print(f"{n:>10,} | {score_s:>13.2f} | {draw_s:>12.2f} | {cpu_s:>10.2f} | {method}")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
