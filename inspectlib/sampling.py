"""Sampling maths of the firm draw: random stratum, risk-weighted / top-risk keys, town quotas.

Every method is "take the largest keys": uniform keys for the random stratum (and for
``selection="random"``), Efraimidis–Spirakis keys ``log(u) / w`` with ``w = RISK_FLOOR +
risk`` for ``risk_weighted`` (the ``k`` largest keys are a sample without replacement with
probability proportional to ``w``; sorting them gives a valid successive-draw order) among
the ``risk_pool_factor × k`` highest-risk firms, and
``round(risk, 6) + u × 1e-7`` for ``top_risk`` (score first, ties broken by a seeded random
key). So the draw is vectorised (O(n) per stratum) and works the same within towns.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from inspectlib.errors import PlanningError

RISK_FLOOR = 0.05
"""Added to every risk score before risk-weighted sampling, so every eligible firm can be drawn."""

RISK_POOL_FACTOR = 5.0
"""Default size of the band a risk-weighted draw samples from, as a multiple of the risk
stratum (measured in ``benchmarks/targeting.py``: about 2–3× the violations of a random draw
and ~85 % of a top-risk list, while no firm is certain to be drawn)."""

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


def _within_risk_band(key: np.ndarray, risk: np.ndarray, free: np.ndarray, band: int) -> np.ndarray:
    """Keep the risk-weighted keys of the ``band`` highest-risk free firms on top.

    A risk-proportional draw from the whole pool hardly differs from a random one when a few
    hundred firms are drawn from tens of thousands (every firm has some risk), so the risk
    stratum is drawn, with probability proportional to risk, from the firms whose scores
    rank in the top ``band`` (ties at the edge broken by the random key). Firms outside the
    band keep their order but rank below every firm in it, so a town quota that the band
    cannot fill still falls back on a risk-weighted draw.
    """
    if band >= int(free.sum()):
        return key
    candidates = np.flatnonzero(free)
    order = np.lexsort((-key[candidates], -np.round(risk[candidates], 6)))
    outside = np.ones(len(key), dtype=bool)
    outside[candidates[order[:band]]] = False
    shifted = key.copy()
    shifted[outside] = key[outside] - OUTSIDE_BAND
    return shifted


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
        ``risk_weighted`` draws its risk stratum from the ``risk_pool_factor × size`` firms
        with the highest scores (see :func:`_within_risk_band`).

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
    elif selection == "top_risk":
        key = np.round(risk, 6) + u_risk * 1e-7
    else:
        key = np.log(u_risk) / (RISK_FLOOR + np.clip(risk, 0.0, None))
    first = (
        np.zeros(0, dtype=int)
        if town_quota != "none" and selection == "random"
        else _top(u_random, np.ones(n, dtype=bool), n_random)
    )
    free = np.ones(n, dtype=bool)
    free[first] = False
    rest = target - len(first)
    if selection == "risk_weighted":
        key = _within_risk_band(key, risk, free, math.ceil(risk_pool_factor * rest))
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
                f"town_minimum {town_minimum} needs {int(need.sum() + taken.sum())} firms over "
                f"{len(uniques)} towns but target_firms is {target}: lower town_minimum or "
                "raise target_firms"
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
