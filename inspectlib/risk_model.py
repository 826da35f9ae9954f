"""Learned risk model: the findings archive → calibrated probability of a violation.

What it learns from
-------------------
*Every* labelled finding dated before the window (``violation``/``refused`` = 1,
``compliant`` = 0; ``closed``/``not_found`` carry no answer): all campaigns pooled with
campaign effects (rows of other campaigns weighted
:data:`~inspectlib.risk_learners.OTHER_CAMPAIGN_WEIGHT`), firms no longer in the current
register included (their register features are missing). Each finding is described by
point-in-time features (:mod:`inspectlib.history_features`: only findings strictly before
its date) and the register's facts as today. Selection bias: the draw stratum, when the
findings record it, is a training feature and predictions are made as for a firm drawn at
random; with no stratum at all the bias cannot be separated and the report says so. The
inspecting team is a nuisance effect, predictions are for an average team
(:mod:`inspectlib.risk_learners`).

How the model is chosen
-----------------------
Candidates: regularised logistic regression and HistGradientBoosting, evaluated against the
expert score on rolling-origin time splits with bootstrap intervals of the gain
(:mod:`inspectlib.model_choice`: a fixed-sequence test, simplest first). ``risk_model="auto"``
uses a candidate only when it proved better than the expert score (and than every simpler
candidate). When none did, but the logistic regression ranks the held-out years better than
chance (lower end of its AUC interval above 0.5) and is not provably worse than the expert
score, the two are **blended**: the mean of their calibrated probabilities, so each weighs
in as much as its held-out calibration shows it discriminates (a learner with a held-out
AUC of 0.47 never enters). Otherwise the expert score ranks the firms, with the reason
stated. Whichever scorer is used, its held-out-year scores calibrate it (Platt scaling), so
the expected violations quoted for a draw are probabilities checked against years the scorer
did not see, and :func:`expected_hit_rate` gives its held-out precision with an interval.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from inspectlib.campaigns import Campaign, get_campaign
from inspectlib.errors import Message, ParamsError
from inspectlib.history_features import feature_rows, register_rows
from inspectlib.model_choice import MAX_FOLDS, MIN_TEST, Choice, Fold, auc, choose, hits_at_k
from inspectlib.risk import (
    BAD_RESULTS,
    SCORE_DECIMALS,
    factor_table,
    resolve_weights,
    score_from_table,
)
from inspectlib.risk_learners import (
    Calibration,
    LearnerFit,
    fit_calibration,
    fit_learner,
    stratum_flags,
)
from inspectlib.risk_report import (
    CANDIDATES,
    ModelReport,
    blend_reason,
    expert_reason,
    learned_reason,
)

logger = logging.getLogger(__name__)

MIN_LABELLED = 150
MIN_VIOLATIONS = 20
LABELLED_RESULTS = ("compliant", *BAD_RESULTS)


@dataclass(frozen=True)
class LearnedModel:
    """A fitted learner and the calibration of its probabilities."""

    fit: LearnerFit
    calibration: Calibration | None = None
    weights: dict[str, float] = field(default_factory=dict)
    expert_calibration: Calibration | None = None
    """Set for a blend: the probability is then the mean of the learner's calibrated
    probability and the expert score's (both calibrated on the held-out years)."""

    def predict(self, table: pd.DataFrame) -> np.ndarray:
        """Calibrated probability of a violation per row of a pool table (a factor table
        that carries the features of :func:`pool_features`), rounded to 6 decimals."""
        if len(table) == 0:
            return np.zeros(0)
        if "expert_score" not in table:
            table = table.assign(expert_score=score_from_table(table, self.weights))
        raw = self.fit.raw(table)
        if self.calibration is None:
            return np.round(raw, SCORE_DECIMALS)
        p = self.calibration(raw)
        if self.expert_calibration is None:
            return p
        expert = self.expert_calibration(table["expert_score"].to_numpy(dtype=float))
        return np.round((p + expert) / 2, SCORE_DECIMALS)


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
    return float(round(hits_at_k(score, y, k)[0] / k, 6))


def pool_features(
    firms: pd.DataFrame, findings: pd.DataFrame | None, campaign: str, today: dt.date
) -> pd.DataFrame:
    """The learned model's features of the eligible firms as of the window start."""
    keys = pd.DataFrame(
        {
            "firm_id": firms["firm_id"].array,
            "as_of": np.full(len(firms), np.datetime64(pd.Timestamp(today), "ns")),
            "campaign": pd.Series(campaign, index=range(len(firms)), dtype="str").array,
        }
    )
    return feature_rows(firms, np.ones(len(firms), dtype=bool), keys, findings)


def _strata(labelled: pd.DataFrame) -> pd.Series | None:
    """The draw stratum of each labelled inspection (``""`` when unknown), or None when no
    inspection says how it was drawn."""
    if "stratum" not in labelled:
        return None
    stratum = labelled["stratum"].fillna("").astype("str").str.strip().str.lower()
    return None if (stratum == "").all() else stratum.reset_index(drop=True)


@dataclass(frozen=True)
class _History:
    """The labelled findings with their features, labels, teams and strata."""

    rows: pd.DataFrame
    features: pd.DataFrame
    y: np.ndarray
    team: np.ndarray
    stratum: pd.Series | None
    planned: np.ndarray
    present: np.ndarray
    register_rows: pd.DataFrame


def _history(
    register: pd.DataFrame, findings: pd.DataFrame, campaign: Campaign, start: pd.Timestamp
) -> _History:
    lab = findings[
        (findings["inspection_date"] < start) & findings["result"].isin(LABELLED_RESULTS)
    ]
    lab = lab.sort_values(["inspection_date", "firm_id", "campaign"], kind="stable")
    lab = lab.reset_index(drop=True)
    rows, present = register_rows(register, lab["firm_id"])
    keys = pd.DataFrame(
        {
            "firm_id": lab["firm_id"].to_numpy(),
            "as_of": lab["inspection_date"].to_numpy(),
            "campaign": lab["campaign"].astype(str).to_numpy(),
        }
    )
    team = lab["team"].fillna("").astype(str).to_numpy() if "team" in lab else np.full(len(lab), "")
    return _History(
        lab,
        feature_rows(rows, present, keys, findings),
        lab["result"].isin(BAD_RESULTS).to_numpy(dtype=int),
        team,
        _strata(lab),
        (lab["campaign"] == campaign.id).to_numpy(),
        present,
        rows,
    )


def _flags(h: _History, mask: np.ndarray) -> np.ndarray:
    return stratum_flags(None if h.stratum is None else h.stratum[mask], int(mask.sum()))


def _fit(
    h: _History, kind: str, mask: np.ndarray, campaign: str, logistic: LearnerFit | None = None
) -> LearnerFit:
    return fit_learner(
        kind,
        h.features[mask].reset_index(drop=True),
        h.y[mask],
        campaign=campaign,
        team=h.team[mask],
        flags=_flags(h, mask),
        logistic=logistic,
    )


def _folds(
    h: _History,
    campaign: Campaign,
    expert: np.ndarray,
    capacity: int,
    candidates: tuple[str, ...],
) -> tuple[list[Fold], dict[str, list[np.ndarray]]]:
    """Rolling-origin folds (see :mod:`inspectlib.model_choice`) and the held-out raw
    scores of each scorer, for calibration."""
    years = h.rows["inspection_date"].dt.year.to_numpy()
    planned_years = pd.Series(years[h.planned]).value_counts()
    folds: list[Fold] = []
    for year in sorted(planned_years.index)[::-1]:
        if len(folds) == MAX_FOLDS:
            break
        train = years < year
        test = h.planned & (years == year)
        if test.sum() < MIN_TEST or train.sum() < MIN_TEST or len(set(h.y[train])) < 2:
            continue
        scores = {"expert": expert[test]}
        test_rows = h.features[test].reset_index(drop=True)
        logistic = _fit(h, "logistic", train, campaign.id)
        for kind in candidates:
            fitted = logistic if kind == "logistic" else _fit(h, kind, train, campaign.id, logistic)
            scores[kind] = fitted.raw(test_rows)
        rnd = None if h.stratum is None else (h.stratum[test] == "random").to_numpy()
        k = max(1, min(int(capacity), int(test.sum()) // 2))
        folds.append(Fold(int(year), h.y[test], k, scores, int(train.sum()), rnd))
    folds.reverse()
    return folds, {}


def _training_text(h: _History, campaign: Campaign) -> Message:
    """What the model learned from, for the report."""
    if h.stratum is None:
        bias = Message("risk.training.no_stratum")
    else:
        bias = Message("risk.training.stratum", n_random=int((h.stratum == "random").sum()))
    return Message(
        "risk.training.sample",
        n=len(h.y),
        n_plan=int(h.planned.sum()),
        campaign=Message(f"campaigns.names.{campaign.id}"),
        out=int((~h.present).sum()),
        bias=bias,
        teams=len(set(h.team) - {""}),
    )


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
    """Train, test and choose the risk model, or say why the expert score is used.

    Parameters
    ----------
    register : DataFrame
        Complete, firm-id-unique register.
    findings : DataFrame or None
        Findings history (prepared); optional ``stratum`` and ``team`` columns.
    campaign : Campaign or str
    today : date
        Window start; only findings before it are used.
    capacity : int
        Planned number of inspections (the ``k`` of each fold, at most half the test year).
    weights : mapping
        Expert weights (the expert side of the comparison).
    mode : {"auto", "expert", "learned"}
        ``auto``: learned only when its gain's bootstrap interval is above zero;
        ``learned``: the better candidate whatever the test says; ``expert``: never learned
        (the expert score is still calibrated on the history).

    Returns
    -------
    model : LearnedModel or None
        The model to score firms with, or None when the expert score is used.
    report : ModelReport
        With the calibration of the chosen scorer (:meth:`ModelReport.probability`).
    """
    campaign = get_campaign(campaign)
    if findings is None or findings.empty:
        return None, ModelReport("expert", Message("risk.reasons.no_history"))
    h = _history(register, findings, campaign, pd.Timestamp(today))
    plan_rows = h.register_rows[h.planned].reset_index(drop=True)
    as_of = h.rows.loc[h.planned, "inspection_date"].reset_index(drop=True)
    expert_all = np.zeros(len(h.y))
    if h.planned.any():
        table = factor_table(plan_rows, campaign, today=as_of, findings=findings)
        expert_all[h.planned] = score_from_table(table, weights)
    expert_feature = _expert_feature(h, campaign, weights, findings, expert_all)
    # a firm no longer registered has no register facts: its expert score (from a blank
    # row, no complaints, no grade) is unknown, not low (hand-picked firms look safe else)
    h.features["expert_score"] = np.where(h.present, expert_feature, np.nan)
    y_plan = h.y[h.planned]
    n, nv = int(h.planned.sum()), int(y_plan.sum())
    training = _training_text(h, campaign)
    base: dict[str, Any] = dict(
        n_labelled=n,
        n_violations=nv,
        n_history=len(h.y),
        n_outside_register=int((~h.present).sum()),
        training=training,
    )
    if mode == "expert" or n < MIN_LABELLED or nv < MIN_VIOLATIONS:
        calib = _expert_calibration(h, expert_all)
        if mode == "expert":
            why = Message("risk.reasons.expert_chosen")
        else:
            why = Message(
                "risk.reasons.too_few",
                campaign=Message(f"campaigns.names.{campaign.id}"),
                n=n,
                nv=nv,
                min_n=MIN_LABELLED,
                min_v=MIN_VIOLATIONS,
            )
        return None, ModelReport("expert", why, calibration=calib, **base)
    folds, _ = _folds(h, campaign, expert_all, capacity, CANDIDATES)
    if not folds:
        why = Message(
            "risk.reasons.no_split",
            campaign=Message(f"campaigns.names.{campaign.id}"),
            min_test=MIN_TEST,
        )
        return None, ModelReport(
            "expert", why, calibration=_expert_calibration(h, expert_all), **base
        )
    verdict = choose(folds, CANDIDATES)
    chosen = verdict.method
    if mode == "learned" and chosen == "expert":
        chosen = max(CANDIDATES, key=lambda c: (verdict.auc_gains[c], c))
    evaluation = _evaluation(folds, verdict, chosen)
    blend = _blend(h, folds, verdict, campaign.id) if chosen == "expert" else None
    if mode == "auto" and blend is not None:
        final, calib, expert_calib = blend
        why = blend_reason(verdict, CANDIDATES[0])
        report = ModelReport(
            "learned",
            why,
            candidate="blend",
            calibration=calib.as_dict(),
            coefficients=final.coefficients(),
            team_effects=final.team_effects(),
            **_evaluation(folds, verdict, CANDIDATES[0], _blend_hits(folds, calib, expert_calib)),
            **base,
        )
        return LearnedModel(final, calib, dict(weights), expert_calib), report
    if chosen == "expert":
        calib = _fold_calibration(folds, "expert", h)
        why = expert_reason(verdict)
        return None, ModelReport(
            "expert", why, calibration=calib and calib.as_dict(), **evaluation, **base
        )
    final = _fit(h, chosen, np.ones(len(h.y), dtype=bool), campaign.id)
    calib = _fold_calibration(folds, chosen, h)
    why = learned_reason(verdict, chosen, forced=verdict.method == "expert")
    logger.info("learned risk model used for %s: %s", campaign.id, why)
    report = ModelReport(
        "learned",
        why,
        candidate=chosen,
        calibration=calib and calib.as_dict(),
        coefficients=final.coefficients() if chosen == "logistic" else {},
        team_effects=final.team_effects(),
        **evaluation,
        **base,
    )
    return LearnedModel(final, calib, dict(weights)), report


def _blend(
    h: _History, folds: list[Fold], verdict: Choice, campaign: str
) -> tuple[LearnerFit, Calibration, Calibration] | None:
    """The simplest candidate fitted on all of the history and the calibrations of it and of
    the expert score, for a blend of the two, when that candidate ranks the held-out years
    better than chance (lower end of its AUC interval above 0.5) and is not provably worse
    than the expert score (upper end of its gain interval in violations above zero); None
    otherwise.

    Used when no candidate proved better than the expert score: a learner that ranks
    held-out years well but not provably better than the expert shares the ranking with it.
    The calibrations weight the two by what they showed on the held-out years (a flat,
    uninformative calibration adds nothing to the ranking).
    """
    first = CANDIDATES[0]
    if verdict.auc_floors.get(first, 0.0) <= 0.5:
        return None
    if verdict.highs[first] <= 0:  # provably worse than the expert score in the top k
        return None
    calib = _fold_calibration(folds, first, h)
    expert_calib = _fold_calibration(folds, "expert", h)
    if calib is None or expert_calib is None:
        return None
    return _fit(h, first, np.ones(len(h.y), dtype=bool), campaign), calib, expert_calib


def _blend_hits(folds: list[Fold], calib: Calibration, expert_calib: Calibration) -> float:
    """Violations the blend finds in the top ``k`` of the held-out years."""
    first = CANDIDATES[0]
    return float(
        sum(
            hits_at_k((calib(f.scores[first]) + expert_calib(f.scores["expert"])) / 2, f.y, f.k)[0]
            for f in folds
        )
    )


def _expert_feature(
    h: _History,
    campaign: Campaign,
    weights: Mapping[str, float],
    findings: pd.DataFrame,
    planned: np.ndarray,
) -> np.ndarray:
    """Each finding's expert score as of its date, with its own campaign's default weights
    (the planned campaign's: ``weights``), as a feature of the learned models."""
    out = planned.copy()
    campaigns = h.rows["campaign"].astype(str).to_numpy()
    for cid in sorted(set(campaigns) - {campaign.id}):
        try:
            other = get_campaign(cid)
        except ParamsError:
            continue
        rows = campaigns == cid
        table = factor_table(
            h.register_rows[rows].reset_index(drop=True),
            other,
            today=h.rows.loc[rows, "inspection_date"].reset_index(drop=True),
            findings=findings,
        )
        out[rows] = score_from_table(table, resolve_weights(other))
    return out


def _expert_calibration(h: _History, expert: np.ndarray) -> dict[str, Any] | None:
    """Platt map of the expert score from the campaign's last :data:`MAX_FOLDS` years (the
    expert score is never fitted, so every past year is held out for it)."""
    years = h.rows["inspection_date"].dt.year.to_numpy()
    recent = h.planned & np.isin(years, sorted(set(years[h.planned]))[-MAX_FOLDS:])
    calib = fit_calibration(expert[recent], h.y[recent], None, on_logit=False)
    return calib and calib.as_dict()


def _fold_calibration(folds: list[Fold], method: str, h: _History) -> Calibration | None:
    """Platt map of ``method``'s held-out scores over the folds."""
    score = np.concatenate([f.scores[method] for f in folds])
    y = np.concatenate([f.y for f in folds])
    return fit_calibration(score, y, None, on_logit=method != "expert")


def expected_hit_rate(report: ModelReport) -> tuple[float, float, float] | None:
    """The expected hit rate of a draw ranked by the report's scorer, with its 95 % interval.

    This is the held-out precision: the share of violations among the inspections the scorer
    in use ranked highest in the years it was not fitted on (the top ``k`` of each test year,
    see :mod:`inspectlib.model_choice`), not the mean of the model's own probabilities.

    Parameters
    ----------
    report : ModelReport
        From :func:`fit_risk_model`.

    Returns
    -------
    (rate, low, high) or None
        Share and Wilson interval, or None when no held-out year could be tested (no or too
        little history).

    Examples
    --------
    >>> expected_hit_rate(ModelReport("expert", "no history")) is None
    True
    >>> expected_hit_rate(ModelReport("expert", "", hit_rate=0.4, hit_rate_low=0.3,
    ...     hit_rate_high=0.5))
    (0.4, 0.3, 0.5)
    """
    if report.hit_rate is None or report.hit_rate_low is None or report.hit_rate_high is None:
        return None
    return report.hit_rate, report.hit_rate_low, report.hit_rate_high


def _held_out_rate(hits: float, k: int) -> dict[str, float]:
    """Held-out precision ``hits / k`` and its 95 % Wilson interval (ties at the cut count
    fractionally, the interval takes the rounded count)."""
    from scipy.stats import binomtest

    found = min(int(round(hits)), k)
    ci = binomtest(found, k).proportion_ci(confidence_level=0.95, method="wilson")
    return dict(
        hit_rate=round(hits / k, 6),
        hit_rate_low=round(float(ci.low), 6),
        hit_rate_high=round(float(ci.high), 6),
    )


def _evaluation(
    folds: list[Fold], verdict: Choice, chosen: str, used_hits: float | None = None
) -> dict[str, Any]:
    """The report's held-out figures; ``used_hits``: the hits of the scorer in use when it
    is not one of the verdict's (a blend)."""
    y = np.concatenate([f.y for f in folds])
    learned = chosen if chosen != "expert" else max(CANDIDATES, key=lambda c: verdict.auc_gains[c])
    rnd = [f.y[f.random] for f in folds if f.random is not None]
    y_rnd = np.concatenate(rnd) if rnd else np.zeros(0)
    k = verdict.k_total
    return dict(
        test_year=folds[-1].year,
        test_years=[f.year for f in folds],
        n_train=folds[-1].n_train,
        n_test=max(len(f.y) for f in folds),
        k=k,
        hits=verdict.hits,
        gains=verdict.gains,
        gain_low=verdict.lows,
        gain_high=verdict.highs,
        auc_gain=verdict.auc_gains,
        auc_gain_low=verdict.auc_lows,
        precision_learned=round(verdict.hits[learned] / k, 6),
        precision_expert=round(verdict.hits["expert"] / k, 6),
        base_rate_random=round(float(y_rnd.mean()), 6) if len(y_rnd) else None,
        n_random_test=len(y_rnd),
        base_rate_test=round(float(y.mean()), 6),
        auc_learned=auc(y, np.concatenate([f.scores[learned] for f in folds])),
        auc_expert=auc(y, np.concatenate([f.scores["expert"] for f in folds])),
        **_held_out_rate(verdict.hits[chosen] if used_hits is None else used_hits, k),
    )
