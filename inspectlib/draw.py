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

from inspectlib import catalogue
from inspectlib.campaigns import Campaign, eligible_mask, get_campaign
from inspectlib.errors import Both, Message, PlanningError
from inspectlib.notices import Notice
from inspectlib.risk import (
    BAD_RESULTS,
    FACTORS,
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


@dataclass(frozen=True)
class DrawReasons:
    """Why each selected firm was drawn, in no language: the words come at the edge.

    Attributes
    ----------
    strata : tuple of str
        ``"random"`` or ``"risk"`` per selected firm, in draw order.
    factors : DataFrame
        The risk-factor table rows (:func:`inspectlib.risk.factor_table`) of the selected
        firms, in draw order.
    weights : dict
        The factor weights of the draw.
    campaign : Campaign
    learned : numpy.ndarray or None
        The learned model's probability of a violation per selected firm (None without one).
    """

    strata: tuple[str, ...]
    factors: pd.DataFrame
    weights: dict[str, float]
    campaign: Campaign
    learned: np.ndarray | None = None

    def text(self, language: str) -> list[str]:
        """The reasons of every selected firm, in ``language``, ``"; "``-joined parts.

        Risk factors are worded by :func:`inspectlib.risk.explain`; the random stratum and
        the learned probability by the catalogue (``draw.yaml``).
        """
        words = catalogue.words("draw", language)["reasons"]
        why = explain(self.factors, self.weights, self.campaign, language)
        any_factor = (expert_points(self.factors, self.weights) > 0).any(axis=1)
        sep = words["separator"]
        out = []
        for i, (stratum, part, has_factor) in enumerate(
            zip(self.strata, why, any_factor, strict=True)
        ):
            if stratum == "random":
                part = words["random"] + (sep + words["factors"] + part if has_factor else "")
            if self.learned is not None:
                part += sep + words["learned"].format(p=self.learned[i])
            out.append(part)
        return out

    def codes(self) -> list[dict[str, Any]]:
        """The reasons as codes and values, per selected firm: ``stratum``, ``factors``
        (factor name → points, largest first) and ``learned`` (probability or None)."""
        points = expert_points(self.factors, self.weights)
        names = list(FACTORS)
        out = []
        for i, stratum in enumerate(self.strata):
            row = points[i]
            order = np.argsort(-row, kind="stable")
            factors = {names[j]: round(float(row[j]), 4) for j in order if row[j] > 0}
            p = None if self.learned is None else round(float(self.learned[i]), 6)
            out.append({"stratum": stratum, "factors": factors, "learned": p})
        return out


def excluded_reasons(excluded: pd.DataFrame, language: str) -> list[str]:
    """Why each firm of :attr:`DrawResult.excluded` was left out, in ``language``.

    The frame holds the values (``last_inspected``, ``cap_days``, ``window_start``); the
    words are ``draw.reasons.capped`` of the catalogue.
    """
    template = catalogue.text("draw.reasons.capped", language)
    return [
        template.format(d=pd.Timestamp(d).strftime("%Y-%m-%d"), n=n, s=s)
        for d, n, s in zip(
            excluded["last_inspected"], excluded["cap_days"], excluded["window_start"], strict=True
        )
    ]


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
        Selected firms in draw order (columns :data:`SELECTED_COLUMNS`; ``reasons`` in
        English, :meth:`reasons` in any language).
    teams : DataFrame
        One row per team member: ``team``, ``seat``, ``inspector_id``, ``name``, ``agency``,
        ``home_town``, ``officer`` (holds a law-enforcement credential).
    assignments : DataFrame
        ``firm_id``, ``town``, ``team``, ``draw_order``.
    model_report : ModelReport
    warnings : list of Notice
        What the planner should read (codes and values; words by
        :meth:`inspectlib.notices.Notice.text`).
    redraws : list of dict
        Team re-draws forced by a rule (:attr:`inspectlib.teams.InspectorDraw.redraws`).
    expected : Expectation or None
        Expected violations of the draw, of a top-risk list and of a random draw of the same
        size (None when the draw has no calibrated probabilities).
    why : DrawReasons or None
        Why each selected firm was drawn, in no language: :meth:`reasons` words it in the
        output's language (the ``reasons`` column of ``selected`` holds the English words, for
        logs and developers; nothing of the draw depends on ``params.language``).
    """

    campaign: Campaign
    window: tuple[dt.date, dt.date]
    eligible: pd.DataFrame
    excluded: pd.DataFrame
    selected: pd.DataFrame
    teams: pd.DataFrame
    assignments: pd.DataFrame
    model_report: ModelReport
    warnings: list[Notice]
    redraws: list[dict] = field(default_factory=list)
    expected: Expectation | None = None
    why: DrawReasons | None = None

    def reasons(self, language: str) -> list[str]:
        """Why each selected firm was drawn, in ``language`` (in draw order)."""
        if self.why is None:
            return self.selected["reasons"].astype("str").tolist()
        return self.why.text(language)


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
    scope : numpy.ndarray of bool, optional
        Only these rows can be excluded (the campaign's firms); all rows when None.

    Returns
    -------
    keep : numpy.ndarray of bool
        Per row of ``firms``: not excluded by the cap.
    excluded : DataFrame
        ``firm_id``, ``name``, ``town``, ``last_inspected``, ``cap_days``, ``window_start``
        of the excluded (the reason in words: :func:`excluded_reasons`).
    """
    n = len(firms)
    cols = ["firm_id", "name", "town", "last_inspected", "cap_days", "window_start"]
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
    excluded = pd.DataFrame(
        {
            "firm_id": rows["firm_id"].to_numpy(),
            "name": rows["name"].to_numpy(),
            "town": rows["town"].to_numpy(),
            "last_inspected": last[out],
            "cap_days": days,
            "window_start": window_start,
        },
        columns=cols,
    )
    return ~out, excluded


def _scope(
    reg: pd.DataFrame, campaign: Campaign, towns: list[str] | None, warnings: list[Notice]
) -> np.ndarray:
    mask = eligible_mask(reg, campaign)
    if towns:
        wanted = [t.strip() for t in towns]
        present = set(reg["town"].unique())
        missing = [t for t in wanted if t not in present]
        if missing:
            warnings.append(Notice("draw.towns_missing", {"towns": missing}))
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
    warnings: tuple[Notice, ...] = ()


def prepare_pool(
    params: CampaignParams, prepared: PreparedInputs, window: tuple[dt.date, dt.date]
) -> DrawPool:
    """Steps 1–2 of the draw: scope (campaign eligibility, towns) and frequency cap."""
    campaign = get_campaign(params.campaign)
    warnings: list[Notice] = []
    scope = _scope(prepared.register, campaign, params.towns, warnings)
    keep, excluded = frequency_cap(
        prepared.register,
        prepared.findings,
        window_start=window[0],
        days=params.exclude_inspected_within_days,
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
    warnings = list(pool.warnings)
    weights = resolve_weights(campaign, params.weights)
    target = params.target_firms or campaign.default_target
    if len(pool.firms) < target:
        where = Message("errors.draw.in_towns", towns=list(params.towns)) if params.towns else ""
        raise PlanningError(
            Message(
                "errors.draw.too_few_eligible",
                eligible=len(pool.firms),
                campaign=Both.of(campaign.name),
                where=where,
                rule=Both.of(campaign.eligibility.describe),
                excluded=len(pool.excluded),
                days=params.exclude_inspected_within_days,
                target=target,
            )
        )
    share = 1.0 if params.selection == "random" else params.random_share
    if params.selection != "random" and params.random_share < RANDOM_SHARE_RULE:
        share_values = {"share": f"{params.random_share:g}", "rule": f"{RANDOM_SHARE_RULE:.0%}"}
        warnings.append(Notice("draw.low_random_share", share_values))
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
    why = DrawReasons(
        tuple(str(s) for s in strata),
        pool.table.iloc[positions].reset_index(drop=True),
        dict(weights),
        campaign,
        None if learned is None else np.asarray(learned)[positions],
    )
    selected = _selected_frame(pool.firms, positions, strata, risk, expert, why.text("en"))
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
        why,
    )


def _selected_frame(
    pool: pd.DataFrame,
    positions: np.ndarray,
    strata: np.ndarray,
    risk: np.ndarray,
    expert: np.ndarray,
    reasons: list[str],
) -> pd.DataFrame:
    rows = pool.iloc[positions].reset_index(drop=True)
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
