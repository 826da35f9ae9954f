"""Synthetic register, roster and findings for the targeting tests (built in code, fixed seeds)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from inspectlib.industry import section_of
from inspectlib.inputs import CampaignInputs
from inspectlib.params import CampaignParams, validate_params
from inspectlib.schema import FINDINGS_COLUMNS

TOWNS = (
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
)
# (code, outdoor probability, sampling weight)
INDUSTRIES = (
    ("1310", 0.0, 3),
    ("1810", 0.0, 5),
    ("1951", 0.0, 3),
    ("2110", 0.0, 3),  # labour-intensive C
    ("3110", 0.1, 2),
    ("3011", 0.2, 2),
    ("3391", 0.0, 2),
    ("1713", 0.0, 2),
    ("2614", 0.0, 2),
    ("3511", 0.0, 5),
    ("3982", 0.0, 4),  # other manufacturing
    ("4710", 0.9, 6),
    ("4812", 0.9, 3),
    ("4910", 0.7, 2),  # construction E
    ("5411", 0.8, 3),
    ("5920", 0.3, 2),
    ("6010", 0.7, 1),  # transport G
    ("5111", 0.0, 3),
    ("5211", 0.0, 5),
    ("5261", 0.0, 3),  # wholesale F51, retail F52
    ("6110", 0.0, 3),
    ("6210", 0.0, 6),
    ("6220", 0.0, 2),  # hotels, catering H
    ("8010", 0.1, 3),
    ("8111", 0.2, 2),
    ("9011", 0.0, 3),  # O80, O81, R90
    ("7010", 0.0, 3),
    ("7212", 0.0, 4),
    ("6510", 0.0, 3),  # K, L, I (office)
)


def FakeInputs(  # noqa: N802 - reads like the class it builds
    register: pd.DataFrame,
    roster: pd.DataFrame,
    findings: pd.DataFrame,
    weather: pd.DataFrame | None = None,
    boundaries: Any = None,
    files: dict[str, list[Path]] | None = None,
    archive: dict[str, Any] | None = None,
) -> CampaignInputs:
    """A real :class:`~inspectlib.inputs.CampaignInputs` from canonical frames (the frames
    the loaders produce), without files."""
    return CampaignInputs(
        register=register,
        boundaries=boundaries,
        roster=roster,
        findings=findings,
        weather=weather,
        files=files or {},
        archive=archive,
    )


def make_register(n: int = 1500, seed: int = 7) -> pd.DataFrame:
    """A canonical register of ``n`` synthetic firms."""
    rng = np.random.default_rng(seed)
    codes = np.array([c for c, _, _ in INDUSTRIES])
    outdoor_p = np.array([p for _, p, _ in INDUSTRIES])
    w = np.array([x for _, _, x in INDUSTRIES], dtype=float)
    ind = rng.choice(len(codes), size=n, p=w / w.sum())
    town_i = rng.integers(0, len(TOWNS), n)
    employees = np.round(np.exp(rng.normal(3.2, 1.1, n))).astype(int) + 1
    emp = pd.array(employees, dtype="Int64")
    emp[rng.random(n) < 0.05] = pd.NA
    has_union = pd.array(rng.random(n) < 0.4, dtype="boolean")
    has_union[rng.random(n) < 0.05] = pd.NA
    grade = rng.choice(["A", "B", "C", ""], size=n, p=[0.5, 0.35, 0.1, 0.05])
    last = pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 2000, n), unit="D")
    last = pd.Series(last).where(rng.random(n) < 0.6)
    ids = [f"91320500{int(x):010d}" for x in rng.choice(10**9, size=n, replace=False)]
    return pd.DataFrame(
        {
            "firm_id": pd.Series(ids, dtype="str"),
            "name": pd.Series([f"合成企业{i:05d}有限公司" for i in range(n)], dtype="str"),
            "town": pd.Series(np.array(TOWNS)[town_i], dtype="str"),
            "address": pd.Series([f"合成路{i}号" for i in range(n)], dtype="str"),
            "lon": 120.3 + 0.05 * (town_i % 5) + rng.normal(0, 0.01, n),
            "lat": 31.5 + 0.05 * (town_i // 5) + rng.normal(0, 0.01, n),
            "industry_code": pd.Series(codes[ind], dtype="str"),
            "industry_section": section_of(pd.Series(codes[ind], dtype="str")),
            "industry": pd.Series([f"行业{c}" for c in codes[ind]], dtype="str"),
            "employees": emp,
            "ownership": pd.Series(["私营"] * n, dtype="str"),
            "has_union": has_union,
            "outdoor_work": pd.array(rng.random(n) < outdoor_p[ind], dtype="boolean"),
            "complaints_12m": pd.array(rng.poisson(0.25, n), dtype="Int64"),
            "credit_grade": pd.Series(grade, dtype="str"),
            "last_inspected": last.astype("datetime64[ns]"),
            "approx_location": np.zeros(n, dtype=bool),
            "outside_boundaries": np.zeros(n, dtype=bool),
            "source_row": np.arange(2, n + 2),
        }
    )


def draw_with(inputs: CampaignInputs, **params: Any):
    """``plan_draw`` with :func:`make_params` (English reasons) and these overrides."""
    from inspectlib.draw import plan_draw

    return plan_draw(make_params(language="en", **params), inputs)


def make_roster() -> pd.DataFrame:
    """20 inspectors from five agencies, home towns spread over the ten towns."""
    agencies = (
        ["人社局"] * 8 + ["公安局"] * 4 + ["总工会"] * 4 + ["市场监管局"] * 2 + ["住建局"] * 2
    )
    rows = []
    for i, agency in enumerate(agencies):
        rows.append(
            {
                "inspector_id": f"I{i + 1:03d}",
                "name": f"检查员{i + 1:02d}",
                "agency": agency,
                "home_town": TOWNS[(i * 3) % len(TOWNS)],
                "available_from": pd.NaT,
                "available_to": pd.NaT,
            }
        )
    roster = pd.DataFrame(rows)
    roster["available_from"] = pd.to_datetime(roster["available_from"])
    roster["available_to"] = pd.to_datetime(roster["available_to"])
    return roster


def make_findings(
    register: pd.DataFrame,
    campaign: str = "wage",
    years=(2021, 2022, 2023, 2024),
    per_year: int = 0,
    seed: int = 11,
    signal: str = "expert",
    random_share: float = 0.1,
) -> pd.DataFrame:
    """Past inspections of ``campaign``; the chance of a violation follows ``signal``.

    ``signal="expert"``: complaints, credit grade C and no union raise it; ``"outdoor"``:
    only outdoor work does (a factor the wage experts weight 0); ``"none"``: pure noise.
    """
    rng = np.random.default_rng(seed)
    c = register["complaints_12m"].fillna(0).to_numpy(dtype=float)
    grade_c = (register["credit_grade"] == "C").to_numpy()
    no_union = register["has_union"].eq(False).fillna(False).to_numpy(dtype=bool)
    outdoor = register["outdoor_work"].fillna(False).to_numpy(dtype=bool)
    if signal == "expert":
        logit = -2.2 + 1.6 * (1 - 0.5**c) + 1.5 * grade_c + 0.9 * no_union
    elif signal == "outdoor":
        logit = -2.5 + 3.0 * outdoor
    else:
        logit = np.full(len(register), -1.2)
    p_viol = 1 / (1 + np.exp(-logit))
    draw_w = 0.2 + c + grade_c + 0.5 * no_union  # past risk draws favoured these firms
    rows = []
    for year in years:
        n_random = int(per_year * random_share)
        rand = rng.choice(len(register), n_random, replace=False)
        rest = rng.choice(
            len(register), per_year - n_random, replace=False, p=draw_w / draw_w.sum()
        )
        for stratum, picks in (("random", rand), ("risk", rest)):
            for i in picks:
                viol = rng.random() < p_viol[i]
                a, b = int(rng.integers(1, 9)), int(rng.integers(9, 13))
                rows.append(
                    {
                        "firm_id": register["firm_id"].iloc[i],
                        "campaign": campaign,
                        "inspection_date": pd.Timestamp(year, 3, 1)
                        + pd.Timedelta(days=int(rng.integers(0, 200))),
                        "team": f"I{a:03d}+I{b:03d}",
                        "result": "violation" if viol else "compliant",
                        "violation_codes": "W01" if viol else "",
                        "workers_affected": pd.NA,
                        "back_wages_yuan": np.nan,
                        "fine_yuan": np.nan,
                        "rectification_due": pd.NaT,
                        "notes": "",
                        "stratum": stratum,
                    }
                )
    return pd.DataFrame(rows, columns=list(FINDINGS_COLUMNS))


def empty_findings() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "firm_id": pd.Series(dtype="str"),
            "campaign": pd.Series(dtype="str"),
            "inspection_date": pd.Series(dtype="datetime64[ns]"),
            "team": pd.Series(dtype="str"),
            "result": pd.Series(dtype="str"),
        }
    )


def make_params(**overrides: Any) -> CampaignParams:
    raw = {
        "campaign": "wage",
        "year": 2025,
        "seed": 20250101,
        "register": "/data/register.csv",
        "boundaries": "/data/towns.geojson",
        "roster": "/data/roster.csv",
    }
    return validate_params(raw | overrides)


# ----- real files on disk (for the audit / verify tests) -----


def write_input_files(
    folder: Path, register: pd.DataFrame, roster: pd.DataFrame, findings: pd.DataFrame | None = None
) -> dict[str, Path]:
    """Write canonical CSV files and a boundaries GeoJSON; return their paths by kind."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "register": folder / "register.csv",
        "roster": folder / "roster.csv",
        "boundaries": folder / "towns.geojson",
    }
    reg = register.drop(
        columns=["approx_location", "outside_boundaries", "source_row"], errors="ignore"
    ).copy()
    reg["last_inspected"] = pd.to_datetime(reg["last_inspected"]).dt.strftime("%Y-%m-%d")
    reg.to_csv(paths["register"], index=False, encoding="utf-8")
    roster.to_csv(paths["roster"], index=False, encoding="utf-8")
    features = []
    for i, town in enumerate(TOWNS):
        x, y = 120.275 + 0.05 * (i % 5), 31.475 + 0.05 * (i // 5)
        ring = [[x, y], [x + 0.05, y], [x + 0.05, y + 0.05], [x, y + 0.05], [x, y]]
        features.append(
            {
                "type": "Feature",
                "properties": {"town": town},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    paths["boundaries"].write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        encoding="utf-8",
    )
    if findings is not None:
        paths["findings"] = folder / "findings.csv"
        findings.to_csv(paths["findings"], index=False, encoding="utf-8")
    return paths


def csv_loader(params: CampaignParams) -> CampaignInputs:
    """A minimal loader of the canonical CSVs written by :func:`write_input_files`."""
    reg = pd.read_csv(
        params.register,
        dtype={"firm_id": "str", "industry_code": "str"},
        keep_default_na=False,
        na_values=[""],
    )
    for col in (
        "firm_id",
        "name",
        "town",
        "address",
        "industry_code",
        "industry_section",
        "industry",
        "ownership",
        "credit_grade",
    ):
        reg[col] = reg[col].fillna("").astype("str")
    reg["employees"] = reg["employees"].astype("Int64")
    reg["complaints_12m"] = reg["complaints_12m"].astype("Int64")
    for col in ("has_union", "outdoor_work"):
        reg[col] = (
            reg[col].map({True: True, False: False, "True": True, "False": False}).astype("boolean")
        )
    reg["last_inspected"] = pd.to_datetime(reg["last_inspected"])
    ros = pd.read_csv(params.roster, dtype="str", keep_default_na=False)
    for col in ("available_from", "available_to"):
        ros[col] = pd.to_datetime(ros[col].replace("", None))
    files: dict[str, list[Path]] = {
        "register": [params.register],
        "roster": [params.roster],
        "boundaries": [params.boundaries],
    }
    if params.findings:
        fnd = pd.concat(
            [
                pd.read_csv(p, dtype={"firm_id": "str"}, keep_default_na=False)
                for p in params.findings
            ]
        )
        fnd["inspection_date"] = pd.to_datetime(fnd["inspection_date"])
        files["findings"] = list(params.findings)
    else:
        fnd = empty_findings()
    return FakeInputs(register=reg, roster=ros, findings=fnd, files=files)


# ----- generated worlds for the targeting benchmark and tests -----

WORLD_KINDS = ("expert_wrong", "biased_no_stratum", "short_history", "team_effect")
"""Each breaks one assumption of the demo world (see :func:`make_world`)."""
WORLD_CAMPAIGNS = ("wage", "heat")
WORLD_YEARS = (2021, 2022, 2023, 2024, 2025)
WORLD_PLAN_YEAR = 2026


@dataclass(frozen=True)
class World:
    """A generated region: register, roster, findings with teams, and the hidden truth."""

    kind: str
    register: pd.DataFrame
    roster: pd.DataFrame
    findings: pd.DataFrame
    truth: pd.DataFrame  # firm_id, p_<campaign> (true violation probability this year)
    detection: dict[str, float]  # team -> share of violations the team finds

    def inputs(self) -> CampaignInputs:
        return FakeInputs(register=self.register, roster=self.roster, findings=self.findings)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _world_truth(kind: str, firms: pd.DataFrame, z: np.ndarray) -> dict[str, np.ndarray]:
    """True violation logits per campaign. Outside ``expert_wrong`` they follow the expert
    score (the demo's assumption) plus the hidden trait ``z``."""
    outdoor = firms["outdoor_work"].fillna(False).to_numpy(dtype=float)
    emp = firms["employees"].astype("Float64").fillna(30).to_numpy(dtype=float)
    small = (emp < 20).astype(float)
    section = firms["industry_section"].to_numpy()
    if kind == "expert_wrong":
        # what matters is what the experts weight little: small firms, catering and
        # retail (H, F), and for heat manufacturing (C) more than outdoor work
        services = np.isin(section, ["H", "F"]).astype(float)
        return {
            "wage": -2.6 + 1.4 * small + 1.3 * services + 0.8 * z,
            "heat": -2.4 + 1.2 * small + 1.2 * (section == "C") + 0.2 * outdoor + 0.8 * z,
        }
    from inspectlib.risk import expert_scores

    today = pd.Timestamp(WORLD_PLAN_YEAR, 1, 1)
    return {  # the demo's assumption: the expert weights are right (up to the hidden trait)
        cid: -3.2 + 5.0 * expert_scores(firms, cid, today=today)[0].to_numpy() + 0.8 * z
        for cid in WORLD_CAMPAIGNS
    }


def make_world(kind: str, *, n_firms: int = 6000, seed: int = 2026) -> World:
    """A region whose history breaks one assumption of the demo.

    ``expert_wrong``
        violations follow factors the expert weights miss (small firms, catering/retail;
        for heat, manufacturing rather than outdoor work);
    ``biased_no_stratum``
        past inspections chosen by hand, strongly towards complaints and by what the
        inspectors privately knew, and the findings carry no ``stratum`` column;
    ``short_history``
        about 300 findings in all (30 per campaign and year);
    ``team_effect``
        teams are organised by sector and detect 20 %–100 % of the violations they meet:
        the construction team is the most lenient, while construction firms are risky.

    Every world has a hidden firm trait shared by both campaigns (so a violation in one
    campaign predicts the other), 10 % of the inspected firms closed since (absent from the
    register), and the truth ``p_<campaign>`` of the plan year.
    """
    if kind not in WORLD_KINDS and kind != "plain":
        raise ValueError(f"unknown world {kind!r}")
    rng = np.random.default_rng(seed + WORLD_KINDS.index(kind) if kind in WORLD_KINDS else seed)
    total = int(n_firms * 1.1)
    firms = make_register(total, seed=seed)
    z = rng.standard_normal(total)
    firms["complaints_12m"] = pd.array(rng.poisson(np.exp(-1.4 + 0.7 * z)), dtype="Int64")
    grade = np.where(-z + rng.normal(0, 0.8, total) < -1.5, "C", "B")
    grade = np.where(-z + rng.normal(0, 0.8, total) > 0.3, "A", grade)
    firms["credit_grade"] = pd.Series(grade, dtype="str")
    logits = _world_truth(kind, firms, z)
    p_true = {c: _sigmoid(v) for c, v in logits.items()}
    sections = firms["industry_section"].to_numpy()
    team_of = np.where(
        sections == "E", "建筑组", np.where(sections == "C", "制造组", "服务组")
    ).astype(object)
    # two teams per sector, alternating by town
    town_half = firms["town"].isin(TOWNS[::2]).to_numpy()
    team_of = np.where(town_half, team_of + "一", team_of + "二")
    all_teams = np.array(sorted(set(team_of)), dtype=object)
    stand_in = rng.random(total) < 0.3  # a third of the visits by whichever team is free
    team_of = np.where(stand_in, all_teams[rng.integers(0, len(all_teams), total)], team_of)
    if kind == "team_effect":
        detection = {"建筑组一": 0.2, "建筑组二": 0.3, "制造组一": 1.0, "制造组二": 0.9}
        detection |= {"服务组一": 0.6, "服务组二": 1.0}
    else:
        detection = dict.fromkeys(sorted(set(team_of)), 0.95)
    per_year = 30 if kind == "short_history" else 150
    firm_ids = firms["firm_id"].to_numpy()
    rows = []
    for year in WORLD_YEARS:
        for campaign in WORLD_CAMPAIGNS:
            p = p_true[campaign]
            if kind == "biased_no_stratum":
                n_random = 0
                key = 1.5 * np.log1p(firms["complaints_12m"].to_numpy(dtype=float))
                key = key + 0.8 * (z + rng.normal(0, 0.7, total)) + rng.gumbel(size=total)
            else:
                n_random = max(1, round(0.1 * per_year))
                noisy = np.log(p / (1 - p)) + rng.normal(0, 1.2, total)
                key = 0.8 * noisy + rng.gumbel(size=total)
            rand = rng.choice(total, n_random, replace=False)
            key[rand] = -np.inf
            risk = np.argsort(-key, kind="stable")[: per_year - n_random]
            for stratum, picks in (("random", rand), ("risk", risk)):
                for i in picks:
                    date = pd.Timestamp(year, 3 if campaign == "wage" else 7, 1)
                    date += pd.Timedelta(days=int(rng.integers(0, 50)))
                    team = str(team_of[i])
                    u = rng.random()
                    if u < 0.02:
                        result = "closed"
                    else:
                        found = rng.random() < p[i] and rng.random() < detection[team]
                        result = "violation" if found else "compliant"
                    viol = result == "violation"
                    rows.append(
                        {
                            "firm_id": firm_ids[i],
                            "campaign": campaign,
                            "inspection_date": date,
                            "team": team,
                            "result": result,
                            "violation_codes": ("W01" if campaign == "wage" else "H01")
                            if viol
                            else "",
                            "workers_affected": int(rng.integers(1, 20)) if viol else pd.NA,
                            "back_wages_yuan": float(rng.integers(1, 50)) * 1000
                            if viol and campaign == "wage"
                            else np.nan,
                            "fine_yuan": np.nan,
                            "rectification_due": pd.NaT,
                            "notes": "",
                            "stratum": stratum,
                        }
                    )
    findings = pd.DataFrame(rows, columns=list(FINDINGS_COLUMNS))
    findings["workers_affected"] = findings["workers_affected"].astype("Int64")
    if kind == "biased_no_stratum":
        findings = findings.drop(columns="stratum")
    inspected = findings["firm_id"].unique()
    closed = rng.choice(inspected, size=len(inspected) // 10, replace=False)
    keep = ~firms["firm_id"].isin(closed).to_numpy()
    keep &= np.arange(total) < n_firms + len(closed)  # about n_firms stay
    register = firms[keep].reset_index(drop=True)
    truth = pd.DataFrame({"firm_id": firms["firm_id"]})
    for campaign, p in p_true.items():
        truth[f"p_{campaign}"] = p
    truth = truth[keep].reset_index(drop=True)
    return World(kind, register, make_roster(), findings, truth, detection)
