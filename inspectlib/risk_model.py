"""Learned risk model: past findings of a campaign → probability of a violation.

When there is enough history (at least :data:`MIN_LABELLED` labelled inspections of the
campaign with at least :data:`MIN_VIOLATIONS` violations, over at least two years) a
logistic regression (scikit-learn, lbfgs: deterministic) is trained on the expert factor
strengths of :func:`inspectlib.risk.factor_table`, computed *as of each past inspection* so
that an inspection never explains itself, plus two size features the 0–1 factors cannot
express (:data:`SIZE_FEATURES`: a small-firm flag and log employees, since small employers
break the rules more often while the expert factor only rewards a large workforce).
Features are standardised before the fit and coefficients are reported back in the units of
the features. Labels: ``violation`` and ``refused`` = 1, ``compliant`` = 0; ``closed`` and
``not_found`` are unlabelled and left out.

Selection bias
--------------
Past inspections were not a random sample: the risk stratum over-represents firms that
already looked risky. The model is therefore trained

1. on the **random stratum only** (``stratum == "random"`` in the findings) when the training
   years hold enough random-stratum inspections — an unbiased sample of eligible firms;
2. otherwise on **all** inspections with the draw stratum as an extra feature
   (``risk_stratum``: 1 for firms drawn for their risk; ``unknown_stratum``: 1 for
   inspections whose draw the findings do not record, e.g. complaint-driven visits). Firms
   drawn for risk were picked partly on things the register does not show (a tip-off, an
   inspector's knowledge), so at the same features they violate more often; the flags absorb
   that difference instead of letting it bend the other coefficients, and scores are
   predicted as for a firm drawn at random (both flags 0), i.e. for the eligible population.
   On the demo world this keeps 75–78 % of the oracle's lift, where weighting the few random-stratum rows up to
   equal the risk stratum (a stand-in for inverse-probability weighting, whose exact draw
   probabilities the findings do not record) kept only 63 % on the wage campaign: with a
   few dozen random rows per campaign the weights cost more in variance than they remove
   in bias (``benchmarks/targeting.py``);
3. on all inspections without the indicator when there is no stratum information (or no
   random-stratum inspection), and the report says the bias is not corrected.

Time-split evaluation
---------------------
The latest year before the window is the test year; the model is fitted on earlier years.
Both the model and the expert score then rank the test year's inspections, and we count the
violations among the ``k = min(capacity, n_test // 2)`` highest-ranked ones (at most half,
otherwise "top k" would be the whole set; ties at the cut count at their average hit rate).
These precisions are reported next to the base rate of the test year's random-stratum
inspections — what inspecting at random finds. With ``risk_model="auto"`` the learned
probability becomes the risk score only when it beats the expert score on this split by at
least one more violation found in the top k (smaller gaps are noise); the final model is then
refitted on all years. Features other than the history (complaints,
credit grade, union, size) come from the current register snapshot, which the report notes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from inspectlib.campaigns import Campaign, get_campaign
from inspectlib.risk import BAD_RESULTS, FACTORS, SCORE_DECIMALS, factor_table, score_from_table

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

logger = logging.getLogger(__name__)

MIN_LABELLED = 150
MIN_VIOLATIONS = 20
MIN_TEST = 20
SMALL_FIRM = 20
"""Employees below which a firm counts as small (the ``small_firm`` feature)."""
SIZE_FEATURES: tuple[str, ...] = ("small_firm", "log_employees")
STRATUM_FEATURES: tuple[str, ...] = ("risk_stratum", "unknown_stratum")
"""Flags of a stratum-aware fit: drawn for risk; drawn some way the findings do not say
(both 0 = drawn at random, which is how every firm is scored)."""
FEATURES: tuple[str, ...] = (*FACTORS, *SIZE_FEATURES)
"""Columns the learned model reads (see :func:`model_features`)."""
LABELLED_RESULTS = ("compliant", *BAD_RESULTS)


def _percent(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.0f}%"


_SUMMARY: dict[str, dict[str, Any]] = {
    "en": {
        "methods": {},
        "used": "Risk model used: {method}. {reason}",
        "split": (
            "Time split: trained on {r.n_train} inspections before {r.test_year}, tested on "
            "{r.n_test} in {r.test_year}. Violations among the top {r.k}: learned {learned}, "
            "expert {expert}; random-stratum base rate {random} (n={r.n_random_test}); all "
            "{r.test_year} inspections {everyone}."
        ),
        "training": "Training sample: {training}",
    },
    "zh": {
        "methods": {"learned": "学习模型（逻辑回归）", "expert": "专家评分"},
        "used": "使用的风险模型：{method}。{reason}",
        "split": (
            "时间切分检验：用 {r.test_year} 年以前的 {r.n_train} 次检查训练，在 {r.test_year} 年的 "
            "{r.n_test} 次检查上检验。风险最高的 {r.k} 家中违法比例：学习模型 {learned}，专家评分 "
            "{expert}；随机层基准 {random}（n={r.n_random_test}）；{r.test_year} 年全部检查 "
            "{everyone}。"
        ),
        "training": "训练样本：{training}",
    },
}


@dataclass(frozen=True)
class ModelReport:
    """Which risk model scored the draw, and why (time-split evaluation or fallback)."""

    method: str
    reason: str
    reason_zh: str = ""
    n_labelled: int = 0
    n_violations: int = 0
    training: str = ""
    training_zh: str = ""
    test_year: int | None = None
    n_train: int = 0
    n_test: int = 0
    k: int = 0
    precision_learned: float | None = None
    precision_expert: float | None = None
    base_rate_random: float | None = None
    n_random_test: int = 0
    base_rate_test: float | None = None
    auc_learned: float | None = None
    auc_expert: float | None = None
    coefficients: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)

    def summary(self, language: str = "en") -> str:
        """A few lines in plain words for the plan and the report (``en`` or ``zh``)."""
        zh = language == "zh" and bool(self.reason_zh)
        words = _SUMMARY["zh" if zh else "en"]
        method = words["methods"].get(self.method, self.method)
        lines = [words["used"].format(method=method, reason=self.reason_zh if zh else self.reason)]
        if self.test_year is not None:
            lines.append(
                words["split"].format(
                    r=self,
                    learned=_percent(self.precision_learned),
                    expert=_percent(self.precision_expert),
                    random=_percent(self.base_rate_random),
                    everyone=_percent(self.base_rate_test),
                )
            )
        training = self.training_zh if zh else self.training
        if training:
            lines.append(words["training"].format(training=training))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def model_features(table: pd.DataFrame) -> pd.DataFrame:
    """The learned model's features (:data:`FEATURES`) from a factor table.

    The factor strengths of :func:`inspectlib.risk.factor_table`, plus ``small_firm``
    (fewer than :data:`SMALL_FIRM` employees) and ``log_employees`` (``log(1 + employees)``;
    an unknown size counts as 0 employees, as the factor table records it).
    """
    employees = table["_employees"].to_numpy(dtype=float)
    out = table[list(FACTORS)].astype(float).reset_index(drop=True)
    out["small_firm"] = (employees < SMALL_FIRM).astype(float)
    out["log_employees"] = np.log1p(employees)
    return out


@dataclass(frozen=True)
class LearnedModel:
    """A fitted model over :data:`FEATURES` (and, when trained with it, the stratum flag)."""

    estimator: Pipeline  # StandardScaler, then LogisticRegression
    stratum_aware: bool = False

    def predict(self, table: pd.DataFrame) -> np.ndarray:
        """Probability of a violation per row of a factor table, rounded to 6 decimals.

        A stratum-aware model predicts as for a firm drawn at random (every stratum flag 0).
        """
        if len(table) == 0:
            return np.zeros(0)
        flags = np.zeros((len(table), len(STRATUM_FEATURES))) if self.stratum_aware else None
        x = _design(model_features(table), flags)
        return np.round(self.estimator.predict_proba(x)[:, 1], SCORE_DECIMALS)


def precision_at_k(score: np.ndarray, y: np.ndarray, k: int) -> float:
    """Share of violations among the ``k`` highest scores; ties at the cut count on average.

    Examples
    --------
    >>> precision_at_k(np.array([0.9, 0.5, 0.5, 0.1]), np.array([1, 1, 0, 0]), 2)
    0.75
    """
    k = int(min(k, len(score)))
    if k <= 0:
        return float("nan")
    thr = np.sort(score)[::-1][k - 1]
    above = score > thr
    ties = score == thr
    hits = y[above].sum() + (k - above.sum()) * y[ties].mean()
    return float(round(hits / k, 6))


def _training(stratum: pd.Series | None, y: np.ndarray) -> tuple[str, str, str]:
    """How selection bias is handled: ``"random_only"``, ``"stratum_aware"`` or ``"none"``,
    and a sentence for the report in English and Chinese (see the module docstring)."""
    n = len(y)
    if stratum is None:
        return (
            "none",
            f"all {n} inspections: no finding says how the firm was drawn (no stratum), "
            "so selection bias is not corrected",
            f"全部 {n} 次检查；检查结果未注明抽取方式，未校正选择偏差",
        )
    rnd = (stratum == "random").to_numpy()
    n_r = int(rnd.sum())
    if n_r >= MIN_LABELLED and int(y[rnd].sum()) >= MIN_VIOLATIONS:
        return (
            "random_only",
            f"random-stratum inspections only ({n_r}): an unbiased sample of eligible firms",
            f"仅用随机层检查（{n_r} 次）：符合条件企业的无偏样本",
        )
    if n_r == 0:
        return (
            "none",
            f"all {n} inspections: none was drawn in the random stratum, "
            "so selection bias is not corrected",
            f"全部 {n} 次检查；其中没有随机层抽取的企业，未校正选择偏差",
        )
    n_u = int((~stratum.isin(["random", "risk"])).sum())
    return (
        "stratum_aware",
        f"all {n} inspections ({n_r} in the random stratum, {n_u} drawn in no recorded "
        "stratum) with the draw stratum as a feature; scores are predicted as for a firm "
        "drawn at random (selection-bias correction)",
        f"全部 {n} 次检查（随机层 {n_r} 次，抽取方式不明 {n_u} 次），以抽取层作为特征；"
        "评分按随机抽取的企业预测（校正选择偏差）",
    )


def _strata(labelled: pd.DataFrame) -> pd.Series | None:
    """The draw stratum of each labelled inspection (``""`` when unknown), or None when
    no inspection says how it was drawn."""
    if "stratum" not in labelled:
        return None
    stratum = labelled["stratum"].fillna("").astype("str").str.strip().str.lower()
    return None if (stratum == "").all() else stratum


def _design(features: pd.DataFrame, flags: np.ndarray | None) -> np.ndarray:
    """Feature matrix, with the stratum flags (:data:`STRATUM_FEATURES`) last when given."""
    x = features[list(FEATURES)].to_numpy(dtype=float)
    return x if flags is None else np.column_stack([x, flags.astype(float)])


def _stratum_flags(stratum: pd.Series) -> np.ndarray:
    """``risk_stratum`` and ``unknown_stratum`` per inspection (see :data:`STRATUM_FEATURES`)."""
    return np.column_stack(
        [(stratum == "risk").to_numpy(), (~stratum.isin(["random", "risk"])).to_numpy()]
    )


def _positions(ids: pd.Series, wanted: pd.Series) -> np.ndarray:
    """Row position in ``ids`` of each of ``wanted`` (-1 when absent; first of duplicates).

    Looks up only the few rows that match, so it stays fast on a 1M-firm register."""
    hit = np.flatnonzero(ids.isin(wanted.unique()).to_numpy(dtype=bool))
    small = pd.Series(hit, index=ids.iloc[hit].to_numpy())
    small = small[~small.index.duplicated()]
    if small.empty:
        return np.full(len(wanted), -1)
    idx = pd.Index(small.index).get_indexer(wanted)
    return np.where(idx >= 0, small.to_numpy()[idx], -1)


def _fit(
    features: pd.DataFrame, y: np.ndarray, stratum: pd.Series | None, how: str
) -> LearnedModel:
    """Fit the standardised logistic regression the way ``how`` (:func:`_training`) says."""
    rows = np.ones(len(y), dtype=bool)
    flag = None
    if how == "random_only":
        rows = (stratum == "random").to_numpy()
    elif how == "stratum_aware":
        flag = _stratum_flags(stratum)
    x = _design(features[rows], None if flag is None else flag[rows])
    # scikit-learn is imported here, not at import time: most sessions never fit a model
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    pipeline = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))
    return LearnedModel(pipeline.fit(x, y[rows]), stratum_aware=flag is not None)


def _auc(y: np.ndarray, score: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, score))


def _coefficients(model: LearnedModel) -> dict[str, float]:
    """Coefficients per unit of each feature (undoing the standardisation)."""
    scaler, logit = model.estimator[0], model.estimator[-1]
    names = [*FEATURES, *STRATUM_FEATURES] if model.stratum_aware else list(FEATURES)
    raw = logit.coef_[0] / scaler.scale_
    out = {name: round(float(c), 4) for name, c in zip(names, raw, strict=True)}
    out["intercept"] = round(float(logit.intercept_[0] - (raw * scaler.mean_).sum()), 4)
    return out


def fit_risk_model(
    register: pd.DataFrame,
    findings: pd.DataFrame | None,
    campaign: Campaign | str,
    *,
    today: dt.date,
    capacity: int,
    weights: Mapping[str, float],
    mode: str = "auto",
) -> tuple[LearnedModel | None, ModelReport]:
    """Train and evaluate the learned model, or say why the expert score is used.

    Parameters
    ----------
    register : DataFrame
        Complete, firm-id-unique register (features of past inspected firms).
    findings : DataFrame or None
        Findings history; an optional ``stratum`` column says how each firm was drawn.
    campaign : Campaign or str
    today : date
        Window start; only findings before it are used.
    capacity : int
        Planned number of inspections (the ``k`` of the evaluation, at most half the test).
    weights : mapping
        Expert weights (for the expert side of the comparison).
    mode : {"auto", "expert", "learned"}
        ``auto``: learned only when it beats the expert score on the time split.

    Returns
    -------
    model : LearnedModel or None
        The model to score firms with, or None when the expert score is used.
    report : ModelReport
    """
    campaign = get_campaign(campaign)
    if mode == "expert":
        return None, ModelReport(
            "expert", "params.risk_model is 'expert'.", "参数 risk_model 设为 expert。"
        )
    if findings is None or findings.empty:
        return None, ModelReport(
            "expert",
            "No findings history: the expert score is used.",
            "没有历史检查结果，使用专家评分。",
        )
    start = pd.Timestamp(today)
    lab = findings[
        (findings["campaign"] == campaign.id)
        & (findings["inspection_date"] < start)
        & findings["result"].isin(LABELLED_RESULTS)
    ]
    pos = _positions(register["firm_id"], lab["firm_id"])
    unknown = int((pos < 0).sum())
    lab = lab.assign(_position=pos)[pos >= 0]
    lab = lab.sort_values(["inspection_date", "firm_id"], kind="stable")
    lab = lab.reset_index(drop=True)
    y = lab["result"].isin(BAD_RESULTS).to_numpy(dtype=int)
    n, nv = len(lab), int(y.sum())
    note = f" ({unknown} inspections of firms not in the register left out)" if unknown else ""
    note_zh = f"（{unknown} 次检查的企业不在名录中，未计入）" if unknown else ""
    years = lab["inspection_date"].dt.year.to_numpy()
    base = {"n_labelled": n, "n_violations": nv}
    if n < MIN_LABELLED or nv < MIN_VIOLATIONS:
        return None, ModelReport(
            "expert",
            (
                f"Too few labelled {campaign.id} inspections to learn from: {n} with {nv} "
                f"violations (need ≥{MIN_LABELLED} with ≥{MIN_VIOLATIONS}){note}; the expert "
                "score is used."
            ),
            (
                f"可供学习的{campaign.name_zh}记录太少：{n} 次，其中违法 {nv} 次（至少需要 "
                f"{MIN_LABELLED} 次且违法 {MIN_VIOLATIONS} 次）{note_zh}，使用专家评分。"
            ),
            **base,
        )
    test_year = int(years.max())
    test = years == test_year
    train = ~test
    if test.sum() < MIN_TEST or train.sum() < MIN_TEST or len(set(y[train])) < 2:
        return None, ModelReport(
            "expert",
            (
                f"Cannot make a time split: {int(train.sum())} inspections before {test_year} and "
                f"{int(test.sum())} in it (need ≥{MIN_TEST} each, with both outcomes before); the "
                "expert score is used."
            ),
            (
                f"无法做时间切分：{test_year} 年以前 {int(train.sum())} 次检查，{test_year} 年 "
                f"{int(test.sum())} 次（各需至少 {MIN_TEST} 次，且此前须有违法和合规两种结果），"
                "使用专家评分。"
            ),
            **base,
        )
    rows = register.iloc[lab["_position"].to_numpy()].reset_index(drop=True)
    table = factor_table(rows, campaign, today=lab["inspection_date"], findings=findings)
    features = model_features(table)
    stratum = _strata(lab)
    train_how, _, _ = _training(None if stratum is None else stratum[train], y[train])
    model = _fit(features[train], y[train], None if stratum is None else stratum[train], train_how)
    p_learned = model.predict(table[test])
    p_expert = score_from_table(table[test], weights)
    yt = y[test]
    k = max(1, min(int(capacity), int(test.sum()) // 2))
    prec_l, prec_e = precision_at_k(p_learned, yt, k), precision_at_k(p_expert, yt, k)
    rnd_test = (stratum[test] == "random").to_numpy() if stratum is not None else None
    n_rnd = int(rnd_test.sum()) if rnd_test is not None else 0
    both = len(set(yt)) == 2
    how, training, training_zh = _training(stratum, y)
    final = _fit(features, y, stratum, how)
    coefs = _coefficients(final)
    evaluation = dict(
        training=training + ". Non-history features come from the current register snapshot.",
        training_zh=training_zh + "。历史以外的特征取自当前企业名录。",
        test_year=test_year,
        n_train=int(train.sum()),
        n_test=int(test.sum()),
        k=k,
        precision_learned=prec_l,
        precision_expert=prec_e,
        base_rate_random=round(float(yt[rnd_test].mean()), 6) if n_rnd else None,
        n_random_test=n_rnd,
        base_rate_test=round(float(yt.mean()), 6),
        auc_learned=round(float(_auc(yt, p_learned)), 4) if both else None,
        auc_expert=round(float(_auc(yt, p_expert)), 4) if both else None,
        coefficients=coefs,
        **base,
    )
    wins = (prec_l - prec_e) * k >= 1 - 1e-9  # at least one more violation in the top k
    if mode == "learned" or wins:
        why = (
            f"The learned model found {prec_l:.0%} violations in the top {k} of "
            f"{test_year} vs {prec_e:.0%} for the expert score."
        )
        why_zh = (
            f"在 {test_year} 年风险最高的 {k} 家中，学习模型发现违法 {prec_l:.0%}，专家评分 "
            f"{prec_e:.0%}。"
        )
        if not wins:
            why = "params.risk_model is 'learned' although it did not beat the expert score: " + why
            why_zh = "参数 risk_model 设为 learned（学习模型未胜过专家评分）：" + why_zh
        logger.info("learned risk model used for %s: %s", campaign.id, why)
        return final, ModelReport("learned", why + note, why_zh + note_zh, **evaluation)
    why = (
        f"The learned model did not beat the expert score on the {test_year} time split "
        f"by at least one violation ({prec_l:.0%} vs {prec_e:.0%} violations in the top "
        f"{k}); the expert score is used."
    )
    why_zh = (
        f"学习模型在 {test_year} 年时间切分检验中未比专家评分多发现至少一家违法企业（风险最高的 "
        f"{k} 家中 {prec_l:.0%} 对 {prec_e:.0%}），使用专家评分。"
    )
    return None, ModelReport("expert", why + note, why_zh + note_zh, **evaluation)
