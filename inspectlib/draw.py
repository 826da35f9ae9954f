"""The firm draw (双随机、一公开): eligible firms, frequency cap, random and risk strata.

:func:`plan_draw` is a pure function of the params and the loaded inputs. Inputs are sorted
by ``firm_id`` (and ``inspector_id``) first, so the row order of the files does not matter,
and all randomness comes from ``numpy.random.SeedSequence(params.seed)`` spawned into four
streams in this fixed order: random stratum, risk stratum, team draw, firm-to-team split.

Steps
-----
The window is :func:`inspectlib.workdays.campaign_window` (the same one the schedule uses).

1. **Scope**: firms in ``params.towns`` (all when empty) that the campaign may draw
   (:func:`inspectlib.campaigns.eligible_mask`).
2. **Frequency cap**: a firm is excluded when its last inspection (the later of the register's
   ``last_inspected`` and the latest findings row before the window) falls within
   ``exclude_inspected_within_days`` days before the window start, *and* no ``violation`` or
   ``refused`` result is recorded for it on that date, *and* it has no complaint in the last
   12 months (``complaints_12m == 0``: the "new complaints" exception — the register does not
   date complaints, so any complaint in 12 months re-opens the firm). 0 days switches the cap
   off. What is left is the eligible pool.
3. **Random stratum**: ``ceil(random_share × target)`` firms drawn uniformly from the pool
   (all firms when ``selection="random"``). A share below 5 % is accepted with a warning.
4. **Risk stratum** (:mod:`inspectlib.sampling`), the rest, by ``selection``:
   ``risk_weighted`` draws with equal probability from the band of highest-risk firms that
   is as wide as possible while its expected violations (from the calibrated probabilities of
   :mod:`inspectlib.risk_model`) stay within ``draw_loss`` of the top list's, at most
   ``risk_pool_factor`` × the stratum (the random stratum keeps every firm drawable);
   ``top_risk`` takes the highest scores, ties broken by a seeded random key. Town quotas: ``proportional`` splits the risk stratum among towns in
   proportion to their eligible firms (largest remainder); ``minimum`` first tops every town
   up to ``min(town_minimum, its eligible firms)`` counting the random stratum, then fills
   the rest from the whole pool.
5. **Inspectors**: :func:`inspectlib.teams.draw_inspectors`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from inspectlib.campaigns import Campaign, eligible_mask, get_campaign
from inspectlib.errors import PlanningError
from inspectlib.risk import (
    BAD_RESULTS,
    complete_register,
    expert_points,
    explain,
    factor_table,
    resolve_weights,
    score_from_table,
)
from inspectlib.risk_model import ModelReport, fit_risk_model, pool_features
from inspectlib.sampling import draw_firms, random_count
from inspectlib.teams import draw_inspectors
from inspectlib.workdays import Window, campaign_window

if TYPE_CHECKING:
    from inspectlib.inputs import CampaignInputs
    from inspectlib.params import CampaignParams

logger = logging.getLogger(__name__)

RANDOM_SHARE_RULE = 0.05
SELECTED_COLUMNS = (
    "draw_order",
    "firm_id",
    "name",
    "town",
    "industry",
    "industry_section",
    "industry_code",
    "lon",
    "lat",
    "stratum",
    "risk_score",
    "expert_score",
    "complaints_12m",
    "reasons",
)
_PHRASES = {
    "en": {
        "random": "random stratum (pure random draw)",
        "factors": "risk factors present: ",
        "learned": "learned model: {p:.2f} probability of a violation",
        "capped": "inspected {d}, less than {n} days before the window start {s}; no "
        "violation found and no complaints in the last 12 months",
    },
    "zh": {
        "random": "随机层(纯随机抽取)",
        "factors": "存在的风险因素：",
        "learned": "学习模型：违法概率{p:.2f}",
        "capped": "{d}已检查(距窗口开始{s}不足{n}天)，未发现违法，近12个月无投诉",
    },
}


@dataclass(frozen=True)
class DrawResult:
    """Everything the draw decided, for the plan, the maps and the audit.

    Attributes
    ----------
    campaign : Campaign
    window : (date, date)
    eligible : DataFrame
        The pool: firms in scope after the frequency cap, with ``risk_score`` and
        ``expert_score``, sorted by ``firm_id``.
    excluded : DataFrame
        Firms removed by the frequency cap, with ``reason``.
    selected : DataFrame
        Selected firms in draw order (columns :data:`SELECTED_COLUMNS`).
    teams : DataFrame
        One row per team member: ``team``, ``seat``, ``inspector_id``, ``name``, ``agency``,
        ``home_town``, ``officer`` (holds a law-enforcement credential).
    assignments : DataFrame
        ``firm_id``, ``town``, ``team``, ``draw_order``.
    model_report : ModelReport
    warnings : list of str
    redraws : list of dict
        Team re-draws forced by a rule (:attr:`inspectlib.teams.InspectorDraw.redraws`).
    expected : Expectation or None
        Expected violations of the draw, of a top-risk list and of a random draw of the same
        size (None when the draw has no calibrated probabilities).
    """

    campaign: Campaign
    window: tuple[dt.date, dt.date]
    eligible: pd.DataFrame
    excluded: pd.DataFrame
    selected: pd.DataFrame
    teams: pd.DataFrame
    assignments: pd.DataFrame
    model_report: ModelReport
    warnings: list[str]
    redraws: list[dict] = field(default_factory=list)
    expected: Expectation | None = None


@dataclass(frozen=True)
class Expectation:
    """Expected violations (sums of calibrated probabilities) of ``n`` firms: this draw,
    the ``n`` highest-risk eligible firms (a top-risk list) and a purely random draw."""

    n: int
    draw: float
    top_list: float
    random: float

    def as_dict(self) -> dict[str, float]:
        """JSON-ready dict."""
        return {"n": self.n, "draw": self.draw, "top_list": self.top_list, "random": self.random}


def expectation(probability: np.ndarray, positions: np.ndarray) -> Expectation:
    """Expected violations of the drawn ``positions`` against a top list and a random draw."""
    n = len(positions)
    top = np.sort(probability)[::-1][:n].sum() if n else 0.0
    return Expectation(
        n,
        round(float(probability[positions].sum()), 3),
        round(float(top), 3),
        round(float(n * probability.mean()) if len(probability) else 0.0, 3),
    )


def prepare_register(register: pd.DataFrame) -> pd.DataFrame:
    """Complete and sort the register by ``firm_id``.

    The register is the loader's canonical frame (:func:`inspectlib.register.load_register`,
    which refuses repeated firm ids): the draw checks nothing again with a policy of its own.
    """
    reg = complete_register(register).reset_index(drop=True)
    if not reg["firm_id"].is_monotonic_increasing:
        order = pc.sort_indices(pa.array(reg["firm_id"])).to_numpy()
        reg = reg.take(order)
    return reg.reset_index(drop=True)


def prepare_findings(findings: pd.DataFrame | None) -> pd.DataFrame | None:
    """Findings with the columns the draw reads, in a deterministic order (None if empty)."""
    if findings is None or len(findings) == 0:
        return None
    f = findings.copy()
    for col in ("firm_id", "campaign", "result", "team"):
        f[col] = f[col].fillna("").astype("str").str.strip() if col in f else ""
    f["inspection_date"] = pd.to_datetime(f["inspection_date"]).dt.normalize()
    if "stratum" in f:
        f["stratum"] = f["stratum"].fillna("").astype("str").str.strip().str.lower()
    f = f.sort_values(["firm_id", "inspection_date", "campaign", "result", "team"], kind="stable")
    return f.reset_index(drop=True)


def frequency_cap(
    firms: pd.DataFrame,
    findings: pd.DataFrame | None,
    *,
    window_start: dt.date,
    days: int,
    language: str = "en",
    scope: np.ndarray | None = None,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Apply the frequency cap (see the module docstring, step 2).

    Parameters
    ----------
    firms : DataFrame
        Complete register rows.
    findings : DataFrame or None
        Prepared findings (:func:`prepare_findings`).
    window_start : date
    days : int
        ``exclude_inspected_within_days``; 0 switches the cap off.
    language : {"en", "zh"}
    scope : numpy.ndarray of bool, optional
        Only these rows can be excluded (the campaign's firms); all rows when None.

    Returns
    -------
    keep : numpy.ndarray of bool
        Per row of ``firms``: not excluded by the cap.
    excluded : DataFrame
        ``firm_id``, ``name``, ``town``, ``last_inspected``, ``reason`` of the excluded.
    """
    n = len(firms)
    cols = ["firm_id", "name", "town", "last_inspected", "reason"]
    if days <= 0 or n == 0:
        return np.ones(n, dtype=bool), pd.DataFrame(columns=cols)
    start = pd.Timestamp(window_start)
    cutoff = start - pd.Timedelta(days=days)
    last = (
        pd.to_datetime(firms["last_inspected"]).dt.normalize().to_numpy("datetime64[ns]", copy=True)
    )
    last[last >= start.to_datetime64()] = np.datetime64("NaT")  # only what came before, as
    # for the risk factors (risk.factor_table): a later date is not "within days before"
    bad = None
    if findings is not None:
        past = findings[findings["inspection_date"] < start]
        latest = past.groupby("firm_id")["inspection_date"].max()
        rows = np.flatnonzero(firms["firm_id"].isin(latest.index).to_numpy(dtype=bool))
        if len(rows):  # (mapping no firm at all gives floats, not dates)
            seen = firms["firm_id"].iloc[rows].map(latest).to_numpy("datetime64[ns]")
            last[rows] = np.fmax(last[rows], seen)
        bad = past.loc[past["result"].isin(BAD_RESULTS), ["firm_id", "inspection_date"]]
    recent = ~np.isnat(last) & (last >= cutoff.to_datetime64())
    complaints = firms["complaints_12m"].astype("Int64").fillna(0).to_numpy(dtype=int) > 0
    in_scope = np.ones(n, dtype=bool) if scope is None else scope
    candidates = np.flatnonzero(recent & ~complaints & in_scope)
    out = np.zeros(n, dtype=bool)
    out[candidates] = True
    if bad is not None and len(candidates) and len(bad):
        probe = pd.DataFrame(
            {
                "firm_id": firms["firm_id"].iloc[candidates].to_numpy(),
                "inspection_date": last[candidates],
                "row": candidates,
            }
        )
        hit = probe.merge(bad.drop_duplicates(), on=["firm_id", "inspection_date"])
        out[hit["row"].to_numpy()] = False
    rows = firms.loc[out, ["firm_id", "name", "town"]]
    text = _PHRASES["zh" if language == "zh" else "en"]["capped"]
    dates = pd.Series(pd.DatetimeIndex(last[out]).strftime("%Y-%m-%d"))
    reason = {d: text.format(d=d, n=days, s=window_start) for d in dates.unique()}
    excluded = pd.DataFrame(
        {
            "firm_id": rows["firm_id"].to_numpy(),
            "name": rows["name"].to_numpy(),
            "town": rows["town"].to_numpy(),
            "last_inspected": last[out],
            "reason": dates.map(reason).to_numpy(dtype=object),
        }
    )
    return ~out, excluded


def _scope(
    reg: pd.DataFrame, campaign: Campaign, towns: list[str] | None, warnings: list[str]
) -> np.ndarray:
    mask = eligible_mask(reg, campaign)
    if towns:
        wanted = [t.strip() for t in towns]
        present = set(reg["town"].unique())
        missing = [t for t in wanted if t not in present]
        if missing:
            warnings.append(
                f"towns in params.towns with no firm in the register: {', '.join(missing)}"
            )
        mask &= reg["town"].isin(wanted).to_numpy()
    return mask


def plan_draw(
    params: CampaignParams, inputs: CampaignInputs, window: Window | None = None
) -> DrawResult:
    """Draw the firms and the inspectors of one campaign.

    Parameters
    ----------
    params : CampaignParams
        Validated params (campaign, year, window, target_firms, random_share, selection,
        seed, towns, town_quota, town_minimum, agencies, team_size, teams,
        exclude_inspected_within_days, weights, risk_model, language).
    inputs : CampaignInputs
        Loaded register, roster and findings.
    window : Window, optional
        The campaign window when the caller has it already (default: computed from params).

    Returns
    -------
    DrawResult

    Raises
    ------
    PlanningError
        Fewer eligible firms than the target, impossible town minimums, a roster that cannot
        form teams under the agency rules, or firms no team can take under 回避.
    ParamsError
        Unknown factor names in ``params.weights``.

    Examples
    --------
    >>> result = plan_draw(params, inputs)  # doctest: +SKIP
    >>> result.selected[["draw_order", "firm_id", "stratum", "reasons"]].head()  # doctest: +SKIP
    """
    campaign = get_campaign(params.campaign)
    span = window or campaign_window(
        campaign.id, params.year, params.window_start, params.window_end
    )
    prepared = prepare_inputs(inputs)
    pool = prepare_pool(params, prepared, (span.start, span.end))
    return draw_from_pool(params, pool, prepared, inputs.roster)


@dataclass(frozen=True)
class PreparedInputs:
    """Register and findings sorted and typed for drawing (see :func:`prepare_register`)."""

    register: pd.DataFrame
    findings: pd.DataFrame | None


def prepare_inputs(inputs: CampaignInputs) -> PreparedInputs:
    """Prepare the register and findings once; many draws can share the result."""
    return PreparedInputs(prepare_register(inputs.register), prepare_findings(inputs.findings))


@dataclass(frozen=True)
class DrawPool:
    """The eligible pool of one campaign, window, town subset and frequency cap, with its
    risk-factor table: everything of a draw that target, share, seed and weights leave alone.
    """

    campaign: Campaign
    window: tuple[dt.date, dt.date]
    firms: pd.DataFrame
    excluded: pd.DataFrame
    table: pd.DataFrame
    warnings: tuple[str, ...] = ()


def prepare_pool(
    params: CampaignParams, prepared: PreparedInputs, window: tuple[dt.date, dt.date]
) -> DrawPool:
    """Steps 1–2 of the draw: scope (campaign eligibility, towns) and frequency cap."""
    campaign = get_campaign(params.campaign)
    lang = "zh" if params.language == "zh" else "en"
    warnings: list[str] = []
    scope = _scope(prepared.register, campaign, params.towns, warnings)
    keep, excluded = frequency_cap(
        prepared.register,
        prepared.findings,
        window_start=window[0],
        days=params.exclude_inspected_within_days,
        language=lang,
        scope=scope,
    )
    firms = prepared.register[scope & keep].reset_index(drop=True)
    table = factor_table(firms, campaign, today=window[0], findings=prepared.findings)
    features = pool_features(firms, prepared.findings, campaign.id, window[0])
    table = pd.concat([table, features.drop(columns=table.columns, errors="ignore")], axis=1)
    return DrawPool(campaign, window, firms, excluded, table, tuple(warnings))


def draw_from_pool(
    params: CampaignParams,
    pool: DrawPool,
    prepared: PreparedInputs,
    roster: pd.DataFrame,
    *,
    fit_model: Callable[..., tuple[Any, ModelReport]] = fit_risk_model,
) -> DrawResult:
    """Steps 3–5 of the draw: risk scores, the firm draw and the inspector draw.

    ``fit_model`` has the signature of :func:`~inspectlib.risk_model.fit_risk_model`; the
    interactive planner passes a cached one.
    """
    campaign, window = pool.campaign, pool.window
    lang = "zh" if params.language == "zh" else "en"
    warnings = list(pool.warnings)
    weights = resolve_weights(campaign, params.weights)
    target = params.target_firms or campaign.default_target
    if len(pool.firms) < target:
        where = f" in towns {', '.join(params.towns)}" if params.towns else ""
        raise PlanningError(
            f"only {len(pool.firms)} firms are eligible for the {campaign.id} campaign{where} "
            f"({campaign.eligibility.describe()}; {len(pool.excluded)} more were left out as "
            f"inspected within {params.exclude_inspected_within_days} days with no violation), "
            f"but target_firms is {target}: lower target_firms, widen towns, or lower "
            "exclude_inspected_within_days"
        )
    share = 1.0 if params.selection == "random" else params.random_share
    if params.selection != "random" and params.random_share < RANDOM_SHARE_RULE:
        warnings.append(
            f"random share {params.random_share:g} is below the usual {RANDOM_SHARE_RULE:.0%} rule"
        )
    expert = score_from_table(pool.table, weights)
    model, report = fit_model(
        prepared.register,
        prepared.findings,
        campaign,
        today=window[0],
        capacity=target,
        weights=weights,
        mode=params.risk_model,
    )
    learned = model.predict(pool.table) if model is not None else None
    risk = learned if learned is not None else expert
    probability = report.probability(risk)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(params.seed).spawn(4)]
    positions, strata = draw_firms(
        risk,
        pool.firms["town"].to_numpy(),
        target=target,
        n_random=random_count(target, share),
        selection=params.selection,
        risk_pool_factor=params.risk_pool_factor,
        probability=probability,
        max_loss=params.draw_loss,
        town_quota=params.town_quota,
        town_minimum=params.town_minimum,
        rng_random=streams[0],
        rng_risk=streams[1],
    )
    selected = _selected_frame(
        pool.firms, pool.table, positions, strata, risk, expert, learned, weights, campaign, lang
    )
    crew = draw_inspectors(
        roster,
        campaign,
        selected,
        prepared.findings,
        window=window,
        team_size=params.team_size,
        n_teams=params.teams,
        agencies=params.agencies,
        min_officers=params.min_officers,
        language=lang,
        rng_teams=streams[2],
        rng_assign=streams[3],
    )
    eligible = pool.firms.assign(risk_score=risk, expert_score=expert)
    for text in warnings + crew.warnings:
        logger.warning("%s: %s", campaign.id, text)
    return DrawResult(
        campaign,
        window,
        eligible,
        pool.excluded,
        selected,
        crew.teams,
        crew.assignments,
        report,
        warnings + crew.warnings,
        crew.redraws,
        None if probability is None else expectation(probability, positions),
    )


def _selected_frame(
    pool: pd.DataFrame,
    table: pd.DataFrame,
    positions: np.ndarray,
    strata: np.ndarray,
    risk: np.ndarray,
    expert: np.ndarray,
    learned: np.ndarray | None,
    weights: dict[str, float],
    campaign: Campaign,
    lang: str,
) -> pd.DataFrame:
    phrases = _PHRASES[lang]
    rows = pool.iloc[positions].reset_index(drop=True)
    drawn = table.iloc[positions].reset_index(drop=True)
    why = explain(drawn, weights, campaign, lang)
    any_factor = (expert_points(drawn, weights) > 0).any(axis=1)
    reasons = []
    for i, (stratum, text, has_factor) in enumerate(zip(strata, why, any_factor, strict=True)):
        if stratum == "random":
            text = phrases["random"] + ("; " + phrases["factors"] + text if has_factor else "")
        if learned is not None:
            text += "; " + phrases["learned"].format(p=learned[positions[i]])
        reasons.append(text)
    out = rows.assign(
        stratum=strata,
        risk_score=risk[positions],
        expert_score=expert[positions],
        reasons=reasons,
        draw_order=np.arange(1, len(rows) + 1),
    )
    out["stratum"] = out["stratum"].astype("str")
    out["reasons"] = out["reasons"].astype("str")
    return out[list(SELECTED_COLUMNS)]
