"""The risk model's report: which score ranked the draw, why, how it fared on held-out
years, in English and Chinese (every sentence of a zh report is Chinese)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from inspectlib import catalogue
from inspectlib.errors import Message, render
from inspectlib.model_choice import Choice
from inspectlib.risk_learners import Calibration

CANDIDATES: tuple[str, ...] = ("logistic", "boosting")


@dataclass(frozen=True)
class ModelReport:
    """Which risk model scored the draw, why, and how it fared on held-out years."""

    method: str
    reason: str
    candidate: str = ""
    n_labelled: int = 0
    n_violations: int = 0
    n_history: int = 0
    n_outside_register: int = 0
    training: str = ""
    test_year: int | None = None
    test_years: list[int] = field(default_factory=list)
    n_train: int = 0
    n_test: int = 0
    k: int = 0
    hits: dict[str, float] = field(default_factory=dict)
    gains: dict[str, float] = field(default_factory=dict)
    gain_low: dict[str, float] = field(default_factory=dict)
    gain_high: dict[str, float] = field(default_factory=dict)
    auc_gain: dict[str, float] = field(default_factory=dict)
    auc_gain_low: dict[str, float] = field(default_factory=dict)
    precision_learned: float | None = None
    precision_expert: float | None = None
    base_rate_random: float | None = None
    n_random_test: int = 0
    base_rate_test: float | None = None
    auc_learned: float | None = None
    auc_expert: float | None = None
    hit_rate: float | None = None
    """Held-out precision of the scorer in use: share of violations among its top ``k``
    inspections of the held-out years (the expected hit rate of a draw it ranks)."""
    hit_rate_low: float | None = None
    hit_rate_high: float | None = None
    """95 % Wilson interval of :attr:`hit_rate` (``k`` inspections)."""
    calibration: dict[str, Any] | None = None
    coefficients: dict[str, float] = field(default_factory=dict)
    team_effects: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)

    def probability(self, risk: np.ndarray) -> np.ndarray | None:
        """Calibrated violation probability of each risk score, or None when there is no
        calibration (then the scores are only a ranking). A learned model's scores are
        already calibrated; the expert score is mapped through the stored calibration."""
        if self.calibration is None:
            return None
        if self.method == "learned":
            return np.asarray(risk, dtype=float)
        c = self.calibration
        return Calibration(c["intercept"], c["slope"], c["on_logit"])(risk)

    def summary(self, language: str = "en") -> str:
        """A few lines in plain words for the plan and the report (``en`` or ``zh``)."""
        zh = language == "zh"
        w = catalogue.words("risk", language)["report"]
        kind = w.get(self.candidate, self.candidate)
        method = w["learned"].format(kind=kind) if self.method == "learned" else w["expert"]
        if self.method not in ("learned", "expert"):
            method = self.method
        lines = [w["used"].format(method=method, reason=render(self.reason, language))]
        if self.test_years:
            detail = "；".join if zh else "; ".join
            parts = [
                w["candidate"].format(
                    name=w[c],
                    hits=self.hits.get(c, 0.0),
                    gain=self.gains.get(c, 0.0),
                    low=self.gain_low.get(c, 0.0),
                    high=self.gain_high.get(c, 0.0),
                    auc=self.auc_gain.get(c, 0.0),
                    auc_low=self.auc_gain_low.get(c, 0.0),
                )
                for c in CANDIDATES
                if c in self.gains
            ]
            years = (
                "、".join(map(str, self.test_years)) if zh else ", ".join(map(str, self.test_years))
            )
            lines.append(
                w["folds"].format(
                    years=years,
                    n=self.n_test,
                    k=self.k,
                    expert=self.hits.get("expert", 0.0),
                    detail=detail(parts),
                )
            )
        lines.append(w["calibrated"] if self.calibration else w["uncalibrated"])
        training = render(self.training, language)
        if training:
            lines.append(w["training"].format(training=training))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _evidence(verdict: Choice, candidate: str) -> dict[str, Any]:
    """What the held-out years said of ``candidate`` against the expert score."""
    return dict(
        name=Message(f"risk.report.{candidate}"),
        auc=verdict.auc_gains[candidate],
        auc_low=verdict.auc_lows[candidate],
        hits=verdict.gains[candidate],
        k=verdict.k_total,
    )


def expert_reason(verdict: Choice) -> Message:
    """Why the expert score ranks the draw: no learned model beat it beyond chance."""
    best = max(CANDIDATES, key=lambda c: (verdict.auc_gains[c], c))
    return Message("risk.reasons.expert", **_evidence(verdict, best))


def blend_reason(verdict: Choice, candidate: str) -> Message:
    """Why the expert score and ``candidate`` are averaged."""
    floor = verdict.auc_floors[candidate]
    return Message("risk.reasons.blend", floor=floor, **_evidence(verdict, candidate))


def learned_reason(verdict: Choice, chosen: str, *, forced: bool) -> Message:
    """Why the learned ``chosen`` model ranks the draw (``forced``: by params, unproven)."""
    low, high = verdict.lows[chosen], verdict.highs[chosen]
    said = Message("risk.reasons.learned", low=low, high=high, **_evidence(verdict, chosen))
    return Message("risk.reasons.forced", reason=said) if forced else said
