"""The two learned risk models and their probability calibration.

Both are fitted on *every* labelled finding of the archive (all campaigns, firms no longer
in the register included) with the point-in-time features of
:mod:`inspectlib.history_features`:

``logistic``
    L2-regularised logistic regression (scikit-learn, lbfgs: deterministic). Numeric
    features are median-imputed with a missing-value indicator and standardised; industry
    section, ownership and **campaign** (the campaign effects of the pooled fit) are one-hot
    columns; the **team** that inspected is a one-hot nuisance effect (teams with fewer than
    :data:`MIN_TEAM` inspections share one column); the draw stratum enters as two flags
    (``risk_stratum``, ``unknown_stratum``).
``boosting``
    ``HistGradientBoostingClassifier`` (fixed ``random_state``, no early stopping:
    deterministic) on the same numeric features with missing values left as NaN, section,
    ownership and campaign as native categorical features, the stratum flags, and the
    team's detection effect estimated by the logistic fit (``team_effect``, centred on the
    average team).

Prediction is always *for the planned campaign, a firm drawn at random, inspected by an
average team*: campaign set to the planned one, stratum flags 0, and the team columns set
to their training mean (logistic: the frequency-weighted average team effect on the logit
scale) or ``team_effect = 0`` (boosting). So firms that lenient teams happened to visit are
not learned as safe. Rows of other campaigns are weighted :data:`OTHER_CAMPAIGN_WEIGHT`
against 1 for the planned campaign.

:class:`Calibration` is a Platt scaling (a one-feature logistic regression) fitted on
held-out years: it maps a score (the expert score, or the logit of a learned probability)
to the probability of a violation; being strictly increasing it never changes a ranking.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from inspectlib.history_features import CATEGORY_COLUMNS, HISTORY_COLUMNS, REGISTER_COLUMNS

NUMERIC: tuple[str, ...] = (*REGISTER_COLUMNS, *HISTORY_COLUMNS, "expert_score")
OWN: tuple[str, ...] = tuple(f"own_{c}" for c in REGISTER_COLUMNS)
"""The register features again for the planned campaign's rows only (0 elsewhere): with
the shared columns they let the pooled logistic fit give the planned campaign its own
effects while the other campaigns still inform the shared ones."""
CATEGORIES: tuple[str, ...] = (*CATEGORY_COLUMNS, "campaign")
OWN_CATEGORIES: tuple[str, ...] = tuple(f"own_{c}" for c in CATEGORY_COLUMNS)
"""Section and ownership again for the planned campaign's rows only (``""`` elsewhere)."""
LOGISTIC_CATEGORIES: tuple[str, ...] = ("campaign",)
LOGISTIC_NUMERIC: tuple[str, ...] = (
    *REGISTER_COLUMNS,
    "h_viol_same",
    "h_viol_other",
    "expert_score",
)
"""What the logistic model reads. Measured on the demo (``benchmarks/targeting.py``): the
other history columns (inspections, time since, last result, amounts) and the one-hot
sections, ownerships and planned-campaign interactions each made its top list *worse* than a
plain logistic regression on the expert factors (they mostly encode who was chosen for
inspection, and overfit campaigns with few findings); the expert score as of each
inspection carries the past-violation and time-since-inspection factors instead. The
boosting candidate reads every column and must prove itself on the held-out years."""
FLAGS: tuple[str, ...] = ("risk_stratum", "unknown_stratum")
MIN_TEAM = 20
"""Inspections a team needs for its own detection effect (others share one column)."""
MIN_CATEGORY = 30
"""Rows a section or ownership needs for its own column in the logistic model."""
OTHER_CAMPAIGN_WEIGHT = 0.5
"""Weight of a finding of another campaign, against 1 for the planned campaign."""
LOGISTIC_C = 1.0
TEAM_SCALE = 0.5
"""The team columns enter the logistic fit scaled by this factor, so the L2 penalty on a team
effect is 1 / TEAM_SCALE² (4×) that on a firm feature: a team only takes what the firms'
features cannot explain (teams often specialise in a sector, and a sector's risk must not
be averaged away with the team)."""
AVERAGE_TEAM = "\x00average team"
"""A team name no finding carries: the one-hot team columns are then all 0."""
SCORE_DECIMALS = 6


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


ONE_THREAD = threadpool_limits.wrap(limits=1)
"""Fit and predict on one OpenMP/BLAS thread: on a busy machine the histogram booster slows
down many times over with oversubscribed threads, and a single thread keeps the sums in one
order (deterministic fits)."""


@dataclass(frozen=True)
class Calibration:
    """Platt scaling: ``p = sigmoid(intercept + slope × x)``, ``x`` the score or its logit."""

    intercept: float
    slope: float
    on_logit: bool

    def __call__(self, score: np.ndarray) -> np.ndarray:
        """Calibrated probabilities of ``score`` (rounded to 6 decimals)."""
        s = np.asarray(score, dtype=float)
        x = _logit(s) if self.on_logit else s
        return np.round(_sigmoid(self.intercept + self.slope * x), SCORE_DECIMALS)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {"intercept": self.intercept, "slope": self.slope, "on_logit": self.on_logit}


def fit_calibration(
    score: np.ndarray, y: np.ndarray, flags: np.ndarray | None, *, on_logit: bool
) -> Calibration | None:
    """Platt scaling of held-out scores; the stratum flags (when given) absorb the higher
    hit rate of firms inspectors picked, and the map is read with the flags at 0."""
    if len(y) < 20 or len(set(y.tolist())) < 2:
        return None
    from sklearn.linear_model import LogisticRegression

    x = _logit(score) if on_logit else np.asarray(score, dtype=float)
    design = x[:, None] if flags is None else np.column_stack([x, flags])
    fit = LogisticRegression(C=100.0, max_iter=1000).fit(design, y)
    slope = float(fit.coef_[0][0])
    if slope <= 0:  # the score does not rank held-out firms at all: no honest map
        return None
    return Calibration(round(float(fit.intercept_[0]), 6), round(slope, 6), on_logit)


def stratum_flags(stratum: pd.Series | None, n: int) -> np.ndarray:
    """``risk_stratum`` and ``unknown_stratum`` per row (zeros when no stratum is known)."""
    if stratum is None:
        return np.zeros((n, 2))
    s = stratum.to_numpy()
    return np.column_stack([s == "risk", ~np.isin(s, ["random", "risk"])]).astype(float)


def _frame(
    features: pd.DataFrame, team: np.ndarray, flags: np.ndarray, planned: str
) -> pd.DataFrame:
    out = features[list(NUMERIC)].astype(float).reset_index(drop=True)
    own = features["campaign"].astype(str).to_numpy() == planned
    for col in OWN:  # the planned campaign's own effects (interactions)
        out[col] = np.where(own, features[col.removeprefix("own_")].to_numpy(float), 0.0)
    for col in CATEGORIES:
        out[col] = features[col].astype(str).to_numpy()
    for col in CATEGORY_COLUMNS:
        out[f"own_{col}"] = np.where(own, out[col].to_numpy(), "")
    out["team"] = np.asarray(team, dtype=object).astype(str)
    out[list(FLAGS)] = flags
    return out


@dataclass(frozen=True)
class LearnerFit:
    """A fitted learner: ``kind`` is ``"logistic"`` or ``"boosting"``."""

    kind: str
    campaign: str
    logistic: Any  # (ColumnTransformer, LogisticRegression)
    team_offset: float
    boosting: Any = None  # (ColumnTransformer, HistGradientBoostingClassifier, empty columns)

    @ONE_THREAD
    def raw(self, features: pd.DataFrame) -> np.ndarray:
        """Uncalibrated probability for the planned campaign, drawn at random, average team."""
        n = len(features)
        if n == 0:
            return np.zeros(0)
        if self.kind == "logistic":
            ct, model = self.logistic
            x = _prediction_design(ct, features, self.campaign)
            return _sigmoid(model.decision_function(x) + self.team_offset)
        data = features.assign(campaign=self.campaign)
        frame = _frame(data, np.full(n, AVERAGE_TEAM), np.zeros((n, len(FLAGS))), self.campaign)
        frame["team_effect"] = 0.0
        ct, model, empty = self.boosting
        x = ct.transform(frame).astype(float)
        x[:, empty] = 0.0
        return model.predict_proba(x)[:, 1]

    def team_effects(self) -> dict[str, float]:
        """Each team's detection effect on the logit scale, relative to the average team."""
        ct, model = self.logistic
        encoder = ct.named_transformers_["team"][0]
        cols = ct.output_indices_["team"]
        coef = model.coef_[0][cols]
        names = list(encoder.get_feature_names_out(["team"]))
        return {
            n.removeprefix("team_"): round(float(c + self.team_offset), 4)
            for n, c in zip(names, coef, strict=True)
        }

    def coefficients(self) -> dict[str, float]:
        """Logistic coefficients per standard deviation (numeric) or per category."""
        ct, model = self.logistic
        names = ct.get_feature_names_out()
        return {
            str(n).split("__", 1)[-1]: round(float(c), 4)
            for n, c in zip(names, model.coef_[0], strict=True)
            if not str(n).startswith("team__")
        }


def _prediction_design(ct: Any, features: pd.DataFrame, campaign: str) -> np.ndarray:
    """``ct.transform`` of the prediction frame (planned campaign, average team, no stratum
    flags) without building it for every row: only the numeric columns differ between rows,
    so every other part is transformed on one row and repeated. The matrix is the one
    ``ct.transform`` gives (a register of a million firms is scored in a fraction of the
    time: no million copies of the campaign and team names to encode)."""
    n = len(features)
    first = features.iloc[:1].assign(campaign=campaign).reset_index(drop=True)
    one = _frame(first, np.full(1, AVERAGE_TEAM), np.zeros((1, len(FLAGS))), campaign)
    width = max((s.stop for s in ct.output_indices_.values()), default=0)
    x = np.empty((n, width))
    for name, transformer, columns in ct.transformers_:
        part = ct.output_indices_[name]
        if part.stop == part.start or transformer == "drop":
            continue
        if name == "num":
            numeric = features[list(columns)].astype(float).reset_index(drop=True)
            x[:, part] = transformer.transform(numeric)
        elif transformer == "passthrough":
            x[:, part] = one[list(columns)].to_numpy(dtype=float)
        else:
            x[:, part] = transformer.transform(one[list(columns)])
    return x


def _Scale(factor: float) -> Any:  # noqa: N802 - a transformer factory
    from sklearn.preprocessing import FunctionTransformer

    return FunctionTransformer(lambda x: x * factor, feature_names_out="one-to-one")


def _logistic(frame: pd.DataFrame, y: np.ndarray, w: np.ndarray) -> tuple[Any, Any, float, Any]:
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    def onehot(minimum: int) -> OneHotEncoder:
        return OneHotEncoder(handle_unknown="ignore", min_frequency=minimum, sparse_output=False)

    ct = ColumnTransformer(
        [
            (
                "num",
                make_pipeline(
                    SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
                    StandardScaler(),
                ),
                list(LOGISTIC_NUMERIC),
            ),
            ("cat", onehot(MIN_CATEGORY), list(LOGISTIC_CATEGORIES)),
            ("team", make_pipeline(onehot(MIN_TEAM), _Scale(TEAM_SCALE)), ["team"]),
            ("flags", "passthrough", list(FLAGS)),
        ]
    )
    x = ct.fit_transform(frame)
    model = LogisticRegression(C=LOGISTIC_C, max_iter=3000).fit(x, y, sample_weight=w)
    cols = ct.output_indices_["team"]
    team_part = x[:, cols] @ model.coef_[0][cols]
    offset = float(np.average(team_part, weights=w))
    return ct, model, offset, team_part - offset


@ONE_THREAD
def fit_learner(
    kind: str,
    features: pd.DataFrame,
    y: np.ndarray,
    *,
    campaign: str,
    team: np.ndarray,
    flags: np.ndarray,
    logistic: LearnerFit | None = None,
) -> LearnerFit:
    """Fit ``kind`` (``"logistic"`` or ``"boosting"``) on the training rows.

    ``features`` from :func:`inspectlib.history_features.feature_rows` (with ``campaign``),
    ``team`` the team of each finding, ``flags`` from :func:`stratum_flags`; ``logistic``:
    the logistic fit of the same rows when there is one already (the booster reads its team
    effects). Fitted on one thread (:data:`ONE_THREAD`).
    """
    frame = _frame(features, team, flags, campaign)
    w = np.where(frame["campaign"].to_numpy() == campaign, 1.0, OTHER_CAMPAIGN_WEIGHT)
    if logistic is None:
        ct, model, offset, team_effect = _logistic(frame, y, w)
    else:
        ct, model = logistic.logistic
        offset = logistic.team_offset
        cols = ct.output_indices_["team"]
        team_effect = ct.transform(frame)[:, cols] @ model.coef_[0][cols] - offset
    if kind == "logistic":
        return LearnerFit(kind, campaign, (ct, model), offset)
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.preprocessing import OrdinalEncoder

    frame["team_effect"] = team_effect
    numeric = [*NUMERIC, "team_effect", *FLAGS]
    encoder = OrdinalEncoder(
        handle_unknown="use_encoded_value", unknown_value=np.nan, encoded_missing_value=np.nan
    )
    bct = ColumnTransformer([("num", "passthrough", numeric), ("cat", encoder, list(CATEGORIES))])
    xb = bct.fit_transform(frame).astype(float)
    # a column with no value at all (e.g. no firm inspected twice yet) cannot be binned
    empty = np.flatnonzero(np.isnan(xb[:, : len(numeric)]).all(axis=0))
    xb[:, empty] = 0.0
    booster = HistGradientBoostingClassifier(
        learning_rate=0.05,
        max_iter=100,
        max_leaf_nodes=15,
        min_samples_leaf=40,
        l2_regularization=1.0,
        early_stopping=False,
        categorical_features=list(range(len(numeric), len(numeric) + len(CATEGORIES))),
        random_state=0,
    ).fit(xb, y, sample_weight=w)
    return LearnerFit(kind, campaign, (ct, model), offset, (bct, booster, empty))
