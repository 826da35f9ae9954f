"""Honest model choice: rolling-origin time splits and a bootstrap interval of the gain.

For each of the last :data:`MAX_FOLDS` years ``Y`` with at least :data:`MIN_TEST` labelled
inspections of the planned campaign (and some history before it), every candidate is
fitted on the findings dated before 1 January ``Y`` and ranks year ``Y``'s inspections of
the campaign; so does the expert score. In each fold we count the violations among the
``k = min(capacity, n_Y // 2)`` highest-ranked inspections (ties at the cut count at their
average hit rate). A candidate's *gain* is its violations found minus the expert score's,
summed over the folds.

A candidate replaces the expert score only when the lower end of the bootstrap interval of
its gain is above zero: the test inspections of each fold are resampled with replacement
:data:`BOOTSTRAP` times (fixed seed :data:`BOOTSTRAP_SEED`, so the choice never depends on
the draw's seed) and the :data:`ALPHA` ÷ (number of candidates) quantile of the resampled
gain must be > 0 (one-sided 95 %, Bonferroni over the candidates: picking the best of
several noisy candidates must not let noise win).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

MAX_FOLDS = 3
MIN_TEST = 20
BOOTSTRAP = 1000
BOOTSTRAP_SEED = 20_160_101
ALPHA = 0.05


def hits_at_k(score: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    """Violations among the ``k`` highest scores, per row of 2-D ``score``/``y`` (ties at
    the cut count at their average hit rate).

    Examples
    --------
    >>> hits_at_k(np.array([[0.9, 0.5, 0.5, 0.1]]), np.array([[1, 1, 0, 0]]), 2)
    array([1.5])
    """
    score = np.atleast_2d(np.asarray(score, dtype=float))
    y = np.atleast_2d(np.asarray(y, dtype=float))
    k = int(min(k, score.shape[1]))
    if k <= 0:
        return np.zeros(score.shape[0])
    thr = -np.partition(-score, k - 1, axis=1)[:, k - 1 : k]
    above = score > thr
    ties = score == thr
    n_above = above.sum(axis=1)
    tie_rate = (y * ties).sum(axis=1) / ties.sum(axis=1)
    return (y * above).sum(axis=1) + (k - n_above) * tie_rate


@dataclass(frozen=True)
class Fold:
    """One rolling-origin split: the test year, its labels and every scorer's scores."""

    year: int
    y: np.ndarray
    k: int
    scores: dict[str, np.ndarray]
    n_train: int = 0
    random: np.ndarray | None = None


@dataclass(frozen=True)
class Choice:
    """The verdict: which scorer, its gain over the expert score and the interval."""

    method: str
    gains: dict[str, float] = field(default_factory=dict)
    lows: dict[str, float] = field(default_factory=dict)
    highs: dict[str, float] = field(default_factory=dict)
    hits: dict[str, float] = field(default_factory=dict)
    k_total: int = 0


def choose(folds: list[Fold], candidates: tuple[str, ...], expert: str = "expert") -> Choice:
    """Pick the candidate with the largest gain whose bootstrap lower bound is above zero.

    Returns ``Choice(expert)`` when none qualifies.
    """
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    boot = {c: np.zeros(BOOTSTRAP) for c in candidates}
    point = dict.fromkeys(candidates, 0.0)
    hits = dict.fromkeys((*candidates, expert), 0.0)
    for fold in folds:
        n = len(fold.y)
        idx = rng.integers(0, n, size=(BOOTSTRAP, n))
        yb = fold.y[idx]
        base = hits_at_k(fold.scores[expert][idx], yb, fold.k)
        hits[expert] += float(hits_at_k(fold.scores[expert], fold.y, fold.k)[0])
        for c in candidates:
            h = float(hits_at_k(fold.scores[c], fold.y, fold.k)[0])
            hits[c] += h
            point[c] += h - float(hits_at_k(fold.scores[expert], fold.y, fold.k)[0])
            boot[c] += hits_at_k(fold.scores[c][idx], yb, fold.k) - base
    q = ALPHA / max(len(candidates), 1)
    lows = {c: float(np.quantile(boot[c], q)) for c in candidates}
    highs = {c: float(np.quantile(boot[c], 1 - q)) for c in candidates}
    k_total = sum(f.k for f in folds)
    winners = [c for c in candidates if lows[c] > 0 and point[c] > 0]
    method = max(winners, key=lambda c: (point[c], c)) if winners else expert
    rounded: Callable[[dict[str, float]], dict[str, float]] = lambda d: {  # noqa: E731
        key: round(v, 3) for key, v in d.items()
    }
    return Choice(method, rounded(point), rounded(lows), rounded(highs), rounded(hits), k_total)


def auc(y: np.ndarray, score: np.ndarray) -> float | None:
    """Area under the ROC curve (None when only one outcome occurs)."""
    if len(set(np.asarray(y).tolist())) < 2:
        return None
    from sklearn.metrics import roc_auc_score

    return round(float(roc_auc_score(y, score)), 4)
