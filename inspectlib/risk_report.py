"""The risk model's report: which score ranked the draw, why, how it fared on held-out
years, in English and Chinese (every sentence of a zh report is Chinese)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from inspectlib.model_choice import Choice
from inspectlib.risk_learners import Calibration

CANDIDATES: tuple[str, ...] = ("logistic", "boosting")

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "learned": "learned model ({kind})",
        "expert": "expert score",
        "logistic": "logistic regression",
        "boosting": "gradient boosting",
        "used": "Risk model used: {method}. {reason}",
        "folds": (
            "Rolling-origin test on {years} ({n} inspections; top half of each year, {k} in "
            "all): violations found — expert {expert:.0f}, {detail}."
        ),
        "candidate": (
            "{name} {hits:.0f} (gain {gain:+.1f}, interval {low:+.1f} to {high:+.1f}; "
            "AUC gain {auc:+.3f}, lower end {auc_low:+.3f})"
        ),
        "calibrated": "Probabilities calibrated on held-out years (Platt scaling).",
        "uncalibrated": "No calibration possible: expected violations are not shown as probabilities.",
        "training": "Training sample: {training}",
        "blend": "mean of the expert score and the logistic regression",
        "blend_reason": (
            "No learned model ranked the held-out years better than the expert score beyond "
            "chance (AUC gain {auc:+.3f}, interval lower end {auc_low:+.3f}; {hits:+.1f} "
            "violations in the top {k}), but the {name} ranked them better than chance (AUC "
            "interval lower end {floor:.3f} > 0.5): the calibrated probabilities of the two "
            "are averaged."
        ),
    },
    "zh": {
        "learned": "学习模型（{kind}）",
        "expert": "专家评分",
        "logistic": "逻辑回归",
        "boosting": "梯度提升树",
        "used": "使用的风险模型：{method}。{reason}",
        "folds": (
            "滚动时间切分检验（{years} 年，共 {n} 次检查，每年取风险最高的一半，合计 {k} 家）中发现"
            "违法：专家评分 {expert:.0f} 家，{detail}。"
        ),
        "candidate": (
            "{name} {hits:.0f} 家（多 {gain:+.1f}，区间 {low:+.1f} 至 {high:+.1f}；排序 AUC 提高 "
            "{auc:+.3f}，下限 {auc_low:+.3f}）"
        ),
        "calibrated": "概率已用未参与训练的年份校准（Platt 校准）。",
        "uncalibrated": "无法校准，预计发现违法数不以概率显示。",
        "training": "训练样本：{training}",
        "blend": "专家评分与逻辑回归的平均",
        "blend_reason": (
            "在未参与训练的年份中，学习模型的排序没有显著胜过专家评分（AUC 提高 {auc:+.3f}，区间下限 "
            "{auc_low:+.3f}；风险最高的 {k} 家中多发现 {hits:+.1f} 家），但{name}的排序显著优于随机"
            "（AUC 区间下限 {floor:.3f}，高于 0.5）：取两者校准后概率的平均值。"
        ),
    },
}


@dataclass(frozen=True)
class ModelReport:
    """Which risk model scored the draw, why, and how it fared on held-out years."""

    method: str
    reason: str
    reason_zh: str = ""
    candidate: str = ""
    n_labelled: int = 0
    n_violations: int = 0
    n_history: int = 0
    n_outside_register: int = 0
    training: str = ""
    training_zh: str = ""
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
        w = _WORDS["zh" if zh else "en"]
        kind = w.get(self.candidate, self.candidate)
        method = w["learned"].format(kind=kind) if self.method == "learned" else w["expert"]
        if self.method not in ("learned", "expert"):
            method = self.method
        lines = [w["used"].format(method=method, reason=self.reason_zh if zh else self.reason)]
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
        training = self.training_zh if zh else self.training
        if training:
            lines.append(w["training"].format(training=training))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def expert_reason(verdict: Choice) -> tuple[str, str]:
    best = max(CANDIDATES, key=lambda c: (verdict.auc_gains[c], c))
    g, lo = verdict.auc_gains[best], verdict.auc_lows[best]
    hits = verdict.gains[best]
    en = (
        f"No learned model ranked the held-out years better than the expert score beyond "
        f"chance (best: {best}, AUC gain {g:+.3f} with interval lower end {lo:+.3f}, "
        f"{hits:+.1f} violations in the top {verdict.k_total}); the expert score is used."
    )
    name = _WORDS["zh"][best]
    zh = (
        f"在未参与训练的年份中，学习模型的排序没有显著胜过专家评分（最好的{name} AUC 提高 "
        f"{g:+.3f}，区间下限 {lo:+.3f}；风险最高的 {verdict.k_total} 家中多发现 {hits:+.1f} 家），"
        "使用专家评分。"
    )
    return en, zh


def blend_reason(verdict: Choice, candidate: str) -> tuple[str, str]:
    """Why the expert score and ``candidate`` are averaged (English, Chinese)."""
    values = dict(
        auc=verdict.auc_gains[candidate],
        auc_low=verdict.auc_lows[candidate],
        hits=verdict.gains[candidate],
        k=verdict.k_total,
        floor=verdict.auc_floors[candidate],
    )
    return tuple(  # type: ignore[return-value]
        _WORDS[lang]["blend_reason"].format(name=_WORDS[lang][candidate], **values)
        for lang in ("en", "zh")
    )


def learned_reason(verdict: Choice, chosen: str, *, forced: bool) -> tuple[str, str]:
    g, lo, hi = verdict.gains[chosen], verdict.lows[chosen], verdict.highs[chosen]
    a, a_lo = verdict.auc_gains[chosen], verdict.auc_lows[chosen]
    en = (
        f"On the held-out years the {_WORDS['en'][chosen]} ranked better than the expert score "
        f"(AUC gain {a:+.3f}, bootstrap interval lower end {a_lo:+.3f}) and found {g:+.1f} "
        f"violations more in the top {verdict.k_total} (interval {lo:+.1f} to {hi:+.1f})."
    )
    zh = (
        f"在未参与训练的年份中，{_WORDS['zh'][chosen]}的排序胜过专家评分（AUC 提高 {a:+.3f}，"
        f"自助法区间下限 {a_lo:+.3f}），在风险最高的 {verdict.k_total} 家中多发现 {g:+.1f} 家违法"
        f"（区间 {lo:+.1f} 至 {hi:+.1f}）。"
    )
    if forced:
        en = "params.risk_model is 'learned' although it did not beat the expert score: " + en
        zh = "参数 risk_model 设为 learned（学习模型未显著胜过专家评分）：" + zh
    return en, zh
