"""What the planner shows of a draw, as data: counts by town and industry, the expected hit
rate with its base rate, and a fingerprint that says whether the map must be redrawn."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from inspectlib.draw import DrawResult
from inspectlib.industry import section_name
from inspectlib.risk import BAD_RESULTS
from inspectlib.risk_model import LABELLED_RESULTS, expected_hit_rate

if TYPE_CHECKING:
    from inspectlib.planner.state import PlannerChoices


@dataclass(frozen=True)
class HitRate:
    """Expected share of drawn firms with a violation, and what to compare it with.

    Attributes
    ----------
    kind : {"held_out", "calibrated", "expert_proxy"}
        ``held_out``: the scorer's held-out precision — the share of violations among the
        inspections it ranked highest in years it was not fitted on
        (:func:`inspectlib.risk_model.expected_hit_rate`), with its 95 % interval.
        ``calibrated`` (no year could be held out, but the scores are calibrated): the drawn
        firms' mean calibrated probability, with the 90 % range of what the draw would find.
        ``expert_proxy``: mean expert score (0–1), **not** a probability; shown only when
        the history allows neither.
    value : float
    low, high : float or None
        The interval of ``value`` (see ``kind``).
    draw_share : float or None
        This draw's share by the calibrated probabilities (its random stratum included), as
        the plan report states it, next to a ``held_out`` rate.
    base_rate : float or None
        Violation rate of past random-stratum inspections of this campaign (what inspecting
        at random found), when the findings say which inspections were random.
    base_n : int
        Number of those inspections.
    base_years : str
        Years they cover, e.g. ``"2024–2026"``.
    """

    kind: str
    value: float
    low: float | None = None
    high: float | None = None
    draw_share: float | None = None
    base_rate: float | None = None
    base_n: int = 0
    base_years: str = ""


@dataclass(frozen=True)
class PlannerSummary:
    """What the planner shows for one set of choices.

    Attributes
    ----------
    choices : PlannerChoices
    draw : DrawResult or None
        None when the draw is impossible (see ``error``).
    error : str or None
        Why there is no draw (e.g. fewer eligible firms than the target).
    eligible, excluded : int
        Pool size, and firms left out by the frequency cap.
    by_town, by_industry : DataFrame
        Counts of eligible and drawn firms.
    hit_rate : HitRate or None
    fingerprint : str
        Hash of everything the map shows; equal fingerprints mean an identical map.
    seconds : float
        Time taken to compute this summary.
    """

    choices: PlannerChoices
    draw: DrawResult | None
    error: str | None
    eligible: int = 0
    excluded: int = 0
    by_town: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_industry: pd.DataFrame = field(default_factory=pd.DataFrame)
    hit_rate: HitRate | None = None
    fingerprint: str = ""
    seconds: float = 0.0

    @property
    def selected(self) -> pd.DataFrame:
        """Drawn firms in draw order (empty when there is no draw)."""
        return self.draw.selected if self.draw is not None else pd.DataFrame()


def counts_by_town(result: DrawResult) -> pd.DataFrame:
    """Eligible and drawn firms per town: ``town, eligible, selected, random, risk,
    coverage`` (coverage = selected ÷ eligible, 0–1), towns by name."""
    eligible = result.eligible.groupby("town").size()
    sel = result.selected
    by = (
        pd.DataFrame(
            {
                "eligible": eligible,
                "selected": sel.groupby("town").size(),
                "random": sel[sel["stratum"] == "random"].groupby("town").size(),
                "risk": sel[sel["stratum"] != "random"].groupby("town").size(),
            }
        )
        .fillna(0)
        .astype(int)
    )
    by["coverage"] = (by["selected"] / by["eligible"].where(by["eligible"] > 0)).fillna(0.0)
    return (
        by.rename_axis("town").reset_index().sort_values("town", kind="stable", ignore_index=True)
    )


def counts_by_industry(result: DrawResult, language: str = "zh") -> pd.DataFrame:
    """Eligible and drawn firms per GB/T 4754 section: ``section, industry, eligible,
    selected``, most drawn first."""
    by = (
        pd.DataFrame(
            {
                "eligible": result.eligible.groupby("industry_section").size(),
                "selected": result.selected.groupby("industry_section").size(),
            }
        )
        .fillna(0)
        .astype(int)
    )
    by = by[by["selected"] > 0].rename_axis("section").reset_index()
    by.insert(1, "industry", [section_name(s, language) or "—" for s in by["section"]])
    return by.sort_values(["selected", "section"], ascending=[False, True], ignore_index=True)


def hit_rate_of(result: DrawResult) -> HitRate:
    """Expected share of a draw's firms with a violation, as honestly as the history allows.

    First the scorer's held-out precision (:func:`inspectlib.risk_model.expected_hit_rate`);
    failing that, the drawn firms' mean calibrated probability with the 90 % range of the
    number of violating firms (a sum of independent Bernoulli outcomes); failing that, the
    mean expert score as a proxy that is not a probability. The base rate is left to the
    caller.

    Examples
    --------
    >>> import numpy as np
    >>> round(_share_range(np.array([0.5] * 100))[0], 3)
    0.418
    """
    selected = result.selected
    probability = None
    if result.expected is not None and len(selected):
        probability = result.model_report.probability(selected["risk_score"].to_numpy(float))
    share = None if probability is None else float(probability.mean())
    held_out = expected_hit_rate(result.model_report)
    if held_out is not None:
        rate, low, high = held_out
        return HitRate("held_out", rate, low, high, draw_share=share)
    if probability is not None:
        low, high = _share_range(probability)
        return HitRate("calibrated", float(share), low, high)
    return HitRate("expert_proxy", float(selected["expert_score"].mean()))


def _share_range(probability: np.ndarray, z: float = 1.645) -> tuple[float, float]:
    """90 % range of the share of successes among independent Bernoulli(p) outcomes."""
    n = len(probability)
    spread = z * float(np.sqrt(np.sum(probability * (1 - probability)))) / n
    mean = float(probability.mean())
    return max(0.0, mean - spread), min(1.0, mean + spread)


def random_base_rate(
    findings: pd.DataFrame | None, campaign_id: str, before: dt.date
) -> tuple[float | None, int, str]:
    """Violation rate of past random-stratum inspections of a campaign before a date.

    Returns
    -------
    rate : float or None
        None when the findings do not record strata or have no such inspection.
    n : int
    years : str
        ``"2024–2026"`` (or one year).
    """
    if findings is None or "stratum" not in findings or findings.empty:
        return None, 0, ""
    past = findings[
        (findings["campaign"] == campaign_id)
        & (findings["inspection_date"] < pd.Timestamp(before))
        & findings["result"].isin(LABELLED_RESULTS)
        & (findings["stratum"] == "random")
    ]
    if past.empty:
        return None, 0, ""
    years = past["inspection_date"].dt.year
    span = f"{years.min()}" if years.min() == years.max() else f"{years.min()}–{years.max()}"
    return float(past["result"].isin(BAD_RESULTS).mean()), len(past), span


def draw_fingerprint(result: DrawResult) -> str:
    """A short hash of everything the map shows of a draw: pool, firms, strata, scores,
    reasons and teams."""
    digest = hashlib.sha256()
    digest.update(f"{result.campaign.id}|{len(result.eligible)}|".encode())
    digest.update(
        pd.util.hash_pandas_object(result.eligible["town"], index=False).to_numpy().tobytes()
    )
    sel = result.selected[["firm_id", "stratum", "risk_score", "reasons"]]
    digest.update(pd.util.hash_pandas_object(sel, index=False).to_numpy().tobytes())
    teams = result.assignments[["firm_id", "team"]]
    digest.update(pd.util.hash_pandas_object(teams, index=False).to_numpy().tobytes())
    digest.update(
        pd.util.hash_pandas_object(result.teams[["team", "name"]], index=False).to_numpy().tobytes()
    )
    return digest.hexdigest()[:16]
