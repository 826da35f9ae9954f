"""Sampling maths of the firm draw: random stratum, risk band, top-risk keys, town quotas.

Every method is "take the largest keys": uniform keys for the random stratum (and for
``selection="random"``) and ``round(risk, 6) + u × 1e-7`` for ``top_risk`` (score first, ties
broken by a seeded random key). So the draw is vectorised (O(n) per stratum) and works the
same within towns.

The risk-weighted design (``selection="risk_weighted"``)
--------------------------------------------------------
Given calibrated violation probabilities ``p``, the number of violations a risk stratum of
``m`` firms is expected to find is the sum of ``p`` weighted by each firm's chance of being
drawn. The design maximises *randomness* under a stated cost: the risk stratum is an
equal-probability sample of ``m`` firms from the band of the ``B`` highest-risk firms, with
``B`` the **widest band whose expected violations stay within** :data:`MAX_LOSS` (params
``draw_loss``) **of the top-m list's** —

    B = max { b ≤ risk_pool_factor × m : m × mean(p of the top b) ≥ (1 − loss) × sum(p of the top m) }

— so every firm in the band has the same chance ``m ÷ B`` (no firm is certain to be drawn
unless the band cannot widen at all), the planner knows what compliance costs, and
``risk_pool_factor`` caps the band. Every eligible firm keeps a non-zero chance through the
pure random stratum drawn first (不免抽). Firms outside the band rank after every firm in it
by Efraimidis–Spirakis keys ``log(u) / (RISK_FLOOR + risk)``, so a town quota the band
cannot fill falls back on a risk-weighted draw. Without calibrated probabilities (no
history) the risk scores stand in for ``p``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from inspectlib.errors import Message, PlanningError

RISK_FLOOR = 0.05
"""Added to every risk score before risk-weighted sampling, so every eligible firm can be drawn."""

RISK_POOL_FACTOR = 5.0
"""Default widest band a risk-weighted draw samples from, as a multiple of the risk stratum."""

MAX_LOSS = 0.03
"""Default share of the top-m list's expected violations the risk band may give up."""

OUTSIDE_BAND = 1e9
"""Subtracted from the keys of firms outside the risk band (keys are ``log(u)/w`` < 0)."""


def random_count(target: int, share: float) -> int:
    """Size of the random stratum: ``ceil(share × target)`` (robust to float noise).

    Examples
    --------
    >>> random_count(125, 0.05), random_count(100, 0.07), random_count(20, 0.0)
    (7, 7, 0)
    """
    return min(target, math.ceil(round(share * target, 9)))


def _allocate(total: int, sizes: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """Split ``total`` in proportion to ``sizes`` without exceeding ``caps`` (largest remainder;
    ties go to the lower index, i.e. the town first in name order)."""
    alloc = np.zeros(len(sizes), dtype=int)
    remaining = min(int(total), int(caps.sum()))
    while remaining > 0:
        active = alloc < caps
        weight = np.where(active, sizes, 0).astype(float)
        if weight.sum() == 0:
            weight = active.astype(float)
        exact = remaining * weight / weight.sum()
        base = np.minimum(np.floor(exact).astype(int), caps - alloc)
        alloc += base
        remaining -= int(base.sum())
        frac = np.where(alloc < caps, exact - np.floor(exact), -1.0)
        for i in np.argsort(-frac, kind="stable"):
            if remaining == 0 or frac[i] < 0:
                break
            alloc[i] += 1
            remaining -= 1
    return alloc


def _top(key: np.ndarray, mask: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` largest keys among ``mask``, largest first.

    O(n): a partition finds the k-th key, then only the keys at or above it are sorted
    (stably, so equal keys keep firm_id order).
    """
    idx = np.flatnonzero(mask)
    k = min(int(k), len(idx))
    if k <= 0:
        return idx[:0]
    neg = -key[idx]
    if k < len(idx):
        kth = np.partition(neg, k - 1)[k - 1]
        near = np.flatnonzero(neg <= kth)
        idx, neg = idx[near], neg[near]
    return idx[np.argsort(neg, kind="stable")[:k]]


def _top_per_group(
    key: np.ndarray, mask: np.ndarray, group: np.ndarray, quota: np.ndarray
) -> np.ndarray:
    """Positions of the ``quota[g]`` largest keys of each group ``g`` among ``mask``."""
    idx = np.flatnonzero(mask)
    order = np.lexsort((-key[idx], group[idx]))
    g = group[idx][order]
    starts = np.searchsorted(g, np.arange(len(quota)))
    rank = np.arange(len(g)) - starts[g]
    return idx[order][rank < quota[g]]


def band_size(p_ranked: np.ndarray, m: int, *, max_factor: float, max_loss: float) -> int:
    """The widest band ``B`` (see the module docstring) for ``p`` sorted by rank.

    Examples
    --------
    >>> p = np.array([0.9, 0.8, 0.5, 0.5, 0.1, 0.1])
    >>> band_size(p, 2, max_factor=3, max_loss=0.05), band_size(p, 2, max_factor=3, max_loss=0.4)
    (2, 5)
    """
    n = len(p_ranked)
    if m <= 0 or n <= m:
        return n
    widest = min(n, max(m, math.ceil(round(max_factor * m, 9))))
    cum = np.cumsum(np.clip(p_ranked[:widest], 0.0, None))
    sizes = np.arange(1, widest + 1)
    keep = m * cum / sizes >= (1.0 - max_loss) * cum[m - 1] - 1e-12
    keep[: m - 1] = False
    ok = np.flatnonzero(keep)
    return int(ok[-1] + 1) if len(ok) else m


def _risk_band_keys(
    risk: np.ndarray,
    p: np.ndarray,
    u: np.ndarray,
    free: np.ndarray,
    m: int,
    *,
    max_factor: float,
    max_loss: float,
) -> np.ndarray:
    """Keys of the risk-weighted design: uniform inside the band, risk-weighted below it."""
    key = np.log(u) / (RISK_FLOOR + np.clip(risk, 0.0, None)) - OUTSIDE_BAND
    candidates = np.flatnonzero(free)
    rounded = np.round(risk[candidates], 6)
    widest = max(m, math.ceil(round(max_factor * m, 9)))
    if m > 0 and widest < len(candidates):
        # only the widest band is ranked: every firm whose rounded risk reaches the
        # widest-th highest (ties included), so the order of the first `widest` is unchanged
        kth = -np.partition(-rounded, widest - 1)[widest - 1]
        near = rounded >= kth
        candidates, rounded = candidates[near], rounded[near]
    order = candidates[np.lexsort((-u[candidates], -rounded))]
    band = band_size(p[order], m, max_factor=max_factor, max_loss=max_loss)
    inside = order[:band]
    key[inside] = u[inside]
    return key


def draw_firms(
    risk: np.ndarray,
    towns: np.ndarray,
    *,
    target: int,
    n_random: int,
    selection: str,
    town_quota: str = "none",
    town_minimum: int = 0,
    rng_random: np.random.Generator,
    rng_risk: np.random.Generator,
    risk_pool_factor: float = RISK_POOL_FACTOR,
    probability: np.ndarray | None = None,
    max_loss: float = MAX_LOSS,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``target`` positions from a pool (see the module docstring, steps 3–4).

    Parameters
    ----------
    risk : numpy.ndarray
        Risk score (0–1) per pool firm, in firm_id order.
    towns : numpy.ndarray
        Town per pool firm.
    target, n_random : int
        Firms to draw, and how many of them purely at random.
    selection : {"risk_weighted", "top_risk", "random"}
    town_quota : {"none", "proportional", "minimum"}
    town_minimum : int
    rng_random, rng_risk : numpy.random.Generator
    risk_pool_factor : float
        ``risk_weighted``: the widest band, as a multiple of the risk stratum.
    probability : numpy.ndarray, optional
        Calibrated violation probability per pool firm (default: ``risk``), which sets the
        band (see the module docstring).
    max_loss : float
        Share of the top list's expected violations the band may give up.

    Returns
    -------
    positions : numpy.ndarray of int
        Pool positions in draw order.
    strata : numpy.ndarray of str
        ``"random"`` or ``"risk"`` per drawn firm.
    """
    n = len(risk)
    u_random = 1.0 - rng_random.random(n)
    u_risk = 1.0 - rng_risk.random(n)
    if selection == "random":
        n_random, key = target, u_random
    else:
        key = np.round(risk, 6) + u_risk * 1e-7
    first = (
        np.zeros(0, dtype=int)
        if town_quota != "none" and selection == "random"
        else _top(u_random, np.ones(n, dtype=bool), n_random)
    )
    free = np.ones(n, dtype=bool)
    free[first] = False
    rest = target - len(first)
    if selection == "risk_weighted":
        p = risk if probability is None else np.asarray(probability, dtype=float)
        key = _risk_band_keys(
            risk, p, u_risk, free, rest, max_factor=risk_pool_factor, max_loss=max_loss
        )
    codes, uniques = pd.factorize(pd.Series(towns, dtype="str"), sort=True)
    size = np.bincount(codes, minlength=len(uniques))
    taken = np.bincount(codes[first], minlength=len(uniques))
    if town_quota == "proportional":
        quota = _allocate(rest, size, size - taken)
        second = _top_per_group(key, free, codes, quota)
    elif town_quota == "minimum":
        need = np.maximum(np.minimum(town_minimum, size) - taken, 0)
        if need.sum() > rest:
            raise PlanningError(
                Message(
                    "errors.sampling.town_minimum",
                    town_minimum=town_minimum,
                    need=int(need.sum() + taken.sum()),
                    towns=len(uniques),
                    target=target,
                )
            )
        second = _top_per_group(key, free, codes, need)
        free[second] = False
        second = np.concatenate([second, _top(key, free, rest - len(second))])
    else:
        second = _top(key, free, rest)
    second = second[np.argsort(-key[second], kind="stable")]
    positions = np.concatenate([first, second]).astype(int)
    stratum_rest = "random" if selection == "random" else "risk"
    strata = np.array(["random"] * len(first) + [stratum_rest] * len(second), dtype=object)
    return positions, strata
