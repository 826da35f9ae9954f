"""Past inspections of the demo region, drawn with selection bias from the hidden truth.

Each past campaign inspected ~110–145 firms: about 10% drawn purely at random (stratum
``random``), the rest with probability rising with a *noisy* view of the hidden violation
probability (stratum ``risk``), as a risk-weighted 双随机 draw would. Firms inspected with
no violation in the previous 12 months are not drawn again (frequency cap). Results come
from the hidden probabilities, so a model trained on the findings sees a biased sample.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from inspectlib.demo import vocab
from inspectlib.demo.world import CAMPAIGNS
from inspectlib.schema import FINDINGS_COLUMNS
from inspectlib.workdays import default_window, workdays_between

RANDOM_SHARE = 0.10
# risk stratum: P(draw) ∝ exp(RISK_WEIGHT · (logit p + N(0, NOISE_SD²))), without replacement
RISK_WEIGHT, NOISE_SD = 0.8, 1.2
# chance of each non-inspection outcome, whatever the firm's risk
P_CLOSED, P_NOT_FOUND, P_REFUSED = 0.015, 0.010, 0.006


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return np.log(p / (1 - p))


def _draw(
    rng: np.random.Generator, eligible: np.ndarray, p: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Random stratum uniformly, risk stratum by a noisy view of the risk (Gumbel top-k)."""
    n_random = max(1, round(RANDOM_SHARE * n))
    random_pick = rng.choice(eligible, n_random, replace=False)
    rest = np.setdiff1d(eligible, random_pick)
    noisy = _logit(p[rest]) + rng.normal(0.0, NOISE_SD, len(rest))
    key = RISK_WEIGHT * noisy + rng.gumbel(size=len(rest))
    risk_pick = rest[np.argsort(-key, kind="stable")[: n - n_random]]
    picked = np.concatenate([random_pick, risk_pick])
    stratum = np.array(["random"] * n_random + ["risk"] * len(risk_pick), dtype=object)
    return picked, stratum


def _codes(rng: np.random.Generator, campaign: str, group: str, outdoor: bool) -> list[str]:
    weights = dict(vocab.CAMPAIGN_CODES[campaign])
    if campaign == "wage" and group == "construction":
        weights["W01"] *= 2.0
    if campaign == "heat":
        weights["H02"] = weights["H02"] * 3.0 if outdoor else 0.0
    codes = list(weights)
    w = np.array([weights[c] for c in codes])
    first = codes[rng.choice(len(codes), p=w / w.sum())]
    found = [first]
    if rng.random() < 0.35:
        w[codes.index(first)] = 0.0
        if w.sum() > 0:
            found.append(codes[rng.choice(len(codes), p=w / w.sum())])
    return sorted(found)


_OTHER_NOTES = {
    "closed": "企业已停业",
    "not_found": "按登记地址查无此企业",
    "refused": "拒绝检查，已依法处理",
}


def _violation(
    rng: np.random.Generator, campaign: str, group: str, outdoor: bool, staff: int
) -> tuple[list[str], int, float, float]:
    """Codes, workers affected, back wages and fine of one violation."""
    codes = _codes(rng, campaign, group, outdoor)
    if "E02" in codes:
        workers = int(min(staff, rng.integers(1, 4)))
    else:
        workers = int(min(staff, max(1, rng.binomial(staff, rng.beta(1.5, 5.0)))))
    back = 0.0
    if "W01" in codes:
        back += workers * rng.uniform(3000, 6000) * rng.uniform(0.5, 3.0)
    if "W02" in codes:
        back += workers * rng.uniform(200, 600) * rng.integers(3, 13)
    if "W03" in codes:
        back += workers * rng.uniform(300, 1500)
    if "H01" in codes:
        back += workers * 300.0 * rng.integers(1, 5)  # Jiangsu: 300 yuan a month
    fine = 0.0
    if "E02" in codes:
        fine += 5000.0 * workers * rng.integers(1, 4)  # 5,000 yuan per child per month
    if "H02" in codes and rng.random() < 0.5:
        fine += rng.integers(10, 31) * 1000.0
    if "E03" in codes and rng.random() < 0.3:
        fine += rng.integers(2, 11) * 1000.0
    if "S01" in codes and rng.random() < 0.2:
        fine += rng.integers(1, 6) * 1000.0
    return codes, workers, round(back, -1), fine


def _details(rng: np.random.Generator, rows: pd.DataFrame, firms: pd.DataFrame) -> None:
    """Add codes, workers, back wages, fines, rectification dates and notes to ``rows``."""
    zh = {code: name for code, (name, _) in vocab.VIOLATION_CODES.items()}
    n = len(rows)
    codes_col = [""] * n
    notes = [""] * n
    workers: list[int | None] = [None] * n
    back = np.full(n, np.nan)
    fine = np.full(n, np.nan)
    due = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    group = firms["group"].to_numpy()
    outdoor = firms["outdoor_work"].to_numpy()
    staff = firms["employees"].to_numpy()
    results = rows["result"].to_numpy()
    for i, (firm, campaign, date) in enumerate(
        zip(rows["firm"], rows["campaign"], rows["inspection_date"], strict=True)
    ):
        result = results[i]
        if result == "compliant":
            workers[i], back[i], fine[i] = 0, 0.0, 0.0
            notes[i] = "未发现违法行为" if rng.random() < 0.3 else ""
        elif result == "violation":
            found, workers[i], back[i], fine[i] = _violation(
                rng, campaign, group[firm], bool(outdoor[firm]), int(staff[firm])
            )
            codes_col[i] = ";".join(found)
            notes[i] = "责令限期整改：" + "、".join(zh[c] for c in found)
            due[i] = np.datetime64(date) + np.timedelta64(int(rng.choice([7, 15, 30])), "D")
        else:
            notes[i] = _OTHER_NOTES[result]
            if result == "refused":
                fine[i] = float(rng.integers(2, 21) * 1000)
    rows["violation_codes"] = codes_col
    rows["workers_affected"] = pd.array(workers, dtype="Int64")
    rows["back_wages_yuan"] = back
    rows["fine_yuan"] = fine
    rows["rectification_due"] = due
    rows["notes"] = notes


def build_findings(
    rng: np.random.Generator, firms: pd.DataFrame, plan_year: int, years: int = 3
) -> pd.DataFrame:
    """Generate the inspections of the ``years`` years before ``plan_year``.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    firms : DataFrame
        From :func:`inspectlib.demo.world.build_firms` (needs the hidden ``p_*`` columns).
    plan_year : int
        The year being planned; history covers ``plan_year - years`` to ``plan_year - 1``.
    years : int
        Number of past years.

    Returns
    -------
    DataFrame
        Canonical findings columns (English campaign ids and results, Timestamps) plus
        ``stratum`` (``random``/``risk``), ``year`` and ``firm`` (row of ``firms``), sorted
        by date.
    """
    n_firms = len(firms)
    last_clean = np.full(n_firms, np.datetime64("NaT"), dtype="datetime64[ns]")
    frames = []
    for year in range(plan_year - years, plan_year):
        for campaign in CAMPAIGNS:
            start, end = default_window(campaign, year)
            days = np.array(workdays_between(start, end)[0], dtype="datetime64[ns]")
            cutoff = np.datetime64(start, "ns") - np.timedelta64(365, "D")
            eligible = np.flatnonzero(~(last_clean > cutoff))
            size = vocab.CAMPAIGN_SIZE[campaign] + int(rng.integers(-12, 13))
            size = min(int(np.clip(size, 110, 145)), len(eligible) // 2)
            picked, stratum = _draw(rng, eligible, firms[f"p_{campaign}"].to_numpy(), size)
            u = rng.random(size)
            violation = rng.random(size) < firms[f"p_{campaign}"].to_numpy()[picked]
            result = np.select(
                [
                    u < P_CLOSED,
                    u < P_CLOSED + P_NOT_FOUND,
                    u < P_CLOSED + P_NOT_FOUND + P_REFUSED,
                    violation,
                ],
                ["closed", "not_found", "refused", "violation"],
                "compliant",
            )
            dates = days[rng.integers(0, len(days), size)]
            n_teams = max(2, int(np.ceil(size / (3.0 * len(days)))))
            team = pd.Series(rng.integers(1, n_teams + 1, size)).map("第{}组".format)
            frames.append(
                pd.DataFrame(
                    {
                        "firm": picked,
                        "firm_id": firms["firm_id"].to_numpy()[picked],
                        "campaign": campaign,
                        "inspection_date": dates,
                        "team": team.to_numpy(),
                        "result": result.astype(object),
                        "stratum": stratum,
                        "year": year,
                    }
                )
            )
            clean = picked[result == "compliant"]
            last_clean[clean] = dates[result == "compliant"]
    rows = pd.concat(frames, ignore_index=True)
    rows = rows.sort_values(["inspection_date", "campaign", "team"], kind="stable")
    rows = rows.reset_index(drop=True)
    _details(rng, rows, firms)
    return rows[[*FINDINGS_COLUMNS, "year", "firm"]]
