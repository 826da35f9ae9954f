"""The interactive planner's logic, without widgets: choices in, a draw and its summary out.

A :class:`PlannerSession` loads a campaign's params file and inputs once, then answers
:meth:`PlannerSession.summarize` for any :class:`PlannerChoices` (campaign, towns, target,
random share, selection method, seed, expert weights) fast enough for a slider: the prepared
register and findings are computed once per session, the eligible pool with its risk-factor
table once per (campaign, towns), and the learned risk model once per campaign (refitted only
when a change could change its verdict, see :meth:`PlannerSession.risk_model`). What changes
with every move of a slider is only the score (a weighted sum over the factor table), the
draw itself and the inspector draw.

The draw runs :func:`inspectlib.draw.plan_draw`'s own steps
(:func:`~inspectlib.draw.prepare_pool`, :func:`~inspectlib.draw.draw_from_pool`) on the params
:meth:`PlannerSession.params_for` returns, which :meth:`PlannerSession.export` writes to a YAML
file so that ``inspectlib plan`` reproduces it (the tests compare both on many choices).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from inspectlib import catalogue
from inspectlib.campaigns import Campaign, get_campaign
from inspectlib.draw import (
    DrawPool,
    DrawResult,
    draw_from_pool,
    prepare_inputs,
    prepare_pool,
)
from inspectlib.errors import Message, ParamsError, PlanningError
from inspectlib.inputs import CampaignInputs, load_campaign_inputs
from inspectlib.params import CampaignParams, read_params_file, validate_params
from inspectlib.planner.export import ExportedParams, export_params, locate_params_file
from inspectlib.planner.summary import (
    HitRate,
    PlannerSummary,
    counts_by_industry,
    counts_by_town,
    draw_fingerprint,
    hit_rate_of,
    random_base_rate,
)
from inspectlib.risk import FACTORS, resolve_weights
from inspectlib.risk_model import LearnedModel, ModelReport, fit_risk_model
from inspectlib.workdays import campaign_window

logger = logging.getLogger(__name__)

CAMPAIGN_SETTINGS: tuple[str, ...] = (
    "seed",
    "weather",
    "window_start",
    "window_end",
    "output_dir",
    "agencies",
    "team_size",
    "min_officers",
    "firms_per_team_day",
)
"""Params a campaign's own file sets for it: switching the planner to a campaign whose params
file lies beside the open one takes these from that file."""
SELECTIONS: tuple[str, ...] = ("risk_weighted", "top_risk", "random")
WEIGHT_DECIMALS = 4
MODEL_CACHE_SIZE = 64


@dataclass(frozen=True)
class PlannerChoices:
    """What the planner can change; everything else comes from the params file.

    Attributes
    ----------
    campaign : str
        Campaign id.
    towns : tuple of str
        Towns to draw from; empty means every town.
    target_firms : int
        Firms to draw.
    random_share : float
        Share of the purely random stratum (0–1).
    selection : {"risk_weighted", "top_risk", "random"}
    seed : int
    weights : tuple of (str, float)
        Every expert factor's weight (the campaign's defaults unless changed), in
        :data:`inspectlib.risk.FACTORS` order.
    """

    campaign: str
    towns: tuple[str, ...]
    target_firms: int
    random_share: float
    selection: str
    seed: int
    weights: tuple[tuple[str, float], ...]

    @classmethod
    def from_params(cls, params: CampaignParams) -> PlannerChoices:
        """The choices a params file makes (defaults filled in from the campaign)."""
        campaign = get_campaign(params.campaign)
        return cls(
            campaign=campaign.id,
            towns=tuple(params.towns or ()),
            target_firms=params.target_firms or campaign.default_target,
            random_share=params.random_share,
            selection=params.selection,
            seed=params.seed,
            weights=full_weights(campaign, params.weights),
        )

    def weight_overrides(self) -> dict[str, float]:
        """Only the weights that differ from the campaign's expert defaults (for params)."""
        default = dict(full_weights(get_campaign(self.campaign)))
        return {k: v for k, v in self.weights if v != default[k]}


def full_weights(
    campaign: Campaign | str, overrides: Mapping[str, float] | None = None
) -> tuple[tuple[str, float], ...]:
    """Every factor's weight for a campaign, rounded like the planner's sliders."""
    resolved = resolve_weights(campaign, overrides)
    return tuple((name, round(float(resolved[name]), WEIGHT_DECIMALS)) for name in FACTORS)


class PlannerSession:
    """One params file's inputs, loaded once, and fast draws for changing choices.

    Parameters
    ----------
    params_file : Path
        The params file the planner starts from (exports are written next to it).
    raw : dict
        Its contents (plus overrides), as read from YAML.
    params : CampaignParams
        ``raw`` validated, paths resolved against ``base``.
    inputs : CampaignInputs
        Loaded input files.
    base : Path
        Folder relative paths in ``raw`` are relative to.
    root : Path, optional
        Folder commands are shown relative to (the project folder ``params_file`` was named
        from); without it commands show absolute paths.

    Examples
    --------
    >>> session = PlannerSession.from_params_file("params/wage.yaml")  # doctest: +SKIP
    >>> choices = session.initial_choices()  # doctest: +SKIP
    >>> summary = session.summarize(replace(choices, target_firms=150))  # doctest: +SKIP
    >>> len(summary.selected)  # doctest: +SKIP
    150
    """

    def __init__(
        self,
        params_file: Path,
        raw: dict[str, Any],
        params: CampaignParams,
        inputs: CampaignInputs,
        base: Path,
        root: Path | None = None,
    ) -> None:
        self.params_file = Path(params_file).resolve()
        self.raw = dict(raw)
        self.params = params
        self.inputs = inputs
        self.base = Path(base).resolve()
        self.root = Path(root).resolve() if root else None
        self.prepared = prepare_inputs(inputs)
        self.register = self.prepared.register
        self.findings = self.prepared.findings
        self.towns: tuple[str, ...] = tuple(sorted(t for t in self.register["town"].unique() if t))
        self._pools: dict[tuple[Any, ...], DrawPool] = {}
        self._windows: dict[str, tuple[dt.date, dt.date]] = {}
        self._models: OrderedDict[tuple[Any, ...], tuple[LearnedModel | None, ModelReport]] = (
            OrderedDict()
        )
        self._model_tests: dict[tuple[Any, ...], int] = {}
        self.model_fits = 0

    @classmethod
    def from_params_file(
        cls,
        params_file: str | Path,
        params_dir: str | Path | None = None,
        overrides: Mapping[str, Any] | None = None,
        *,
        start: str | Path | None = None,
    ) -> PlannerSession:
        """Load a params file and every input it names.

        Parameters
        ----------
        params_file : str or Path
            Found relative to ``start`` or one of its parents (:func:`~inspectlib.planner.export.find_params_file`).
        params_dir : str or Path, optional
            Folder the params file's relative paths are relative to (default: its own folder).
        overrides : mapping, optional
            Values that replace the file's (like ``--set``).
        start : str or Path, optional
            Where to look for ``params_file`` from (default: the working directory).

        Raises
        ------
        ParamsError, InputError
            Bad params or input files.
        """
        path, root = locate_params_file(params_file, start)
        raw = read_params_file(path) | dict(overrides or {})
        base = Path(params_dir).resolve() if params_dir else path.parent
        params = validate_params(raw, source=str(path), base=base)
        inputs = load_campaign_inputs(params)
        return cls(path, raw, params, inputs, base, root=root)

    # -- choices and params -------------------------------------------------------------

    def initial_choices(self) -> PlannerChoices:
        """The choices the params file makes."""
        return PlannerChoices.from_params(self.params)

    def sibling_params(self, campaign_id: str) -> tuple[dict[str, Any], CampaignParams] | None:
        """The params file of another campaign beside this one (``heat.yaml`` next to
        ``wage.yaml``), raw and validated, or None when there is none (or it is of another
        campaign or invalid)."""
        path = self.params_file.parent / f"{campaign_id}.yaml"
        if campaign_id == self.params.campaign or not path.is_file():
            return None
        try:
            raw = read_params_file(path)
            params = validate_params(raw, source=str(path), base=self.base)
        except ParamsError:
            return None
        return (raw, params) if params.campaign == campaign_id else None

    def choices_for_campaign(self, choices: PlannerChoices, campaign_id: str) -> PlannerChoices:
        """Switch campaign: the target and weights become that campaign's (or the params
        file's, when it is the file's campaign). When that campaign's own params file lies
        beside this one, its seed, target and weights are taken too (and, on export, its
        weather, window and other settings): a heat plan never borrows the wage seed or
        loses its weather. Towns, share and selection stay."""
        campaign = get_campaign(campaign_id)
        sibling = self.sibling_params(campaign.id)
        if campaign.id == self.params.campaign or sibling is not None:
            start = (
                self.initial_choices()
                if sibling is None
                else PlannerChoices.from_params(sibling[1])
            )
            return replace(
                choices,
                campaign=campaign.id,
                target_firms=start.target_firms,
                weights=start.weights,
                seed=start.seed if sibling is not None else choices.seed,
            )
        return replace(
            choices,
            campaign=campaign.id,
            target_firms=campaign.default_target,
            weights=full_weights(campaign),
        )

    def raw_for(self, choices: PlannerChoices) -> dict[str, Any]:
        """The params file's mapping with the planner's choices written in.

        For another campaign whose params file lies beside this one, that file's
        :data:`CAMPAIGN_SETTINGS` (weather, window, teams…) replace this file's. Otherwise, when ``output_dir`` ends in
        the file's campaign id (as in ``outputs/demo/wage``), that last part becomes the new
        campaign id, so that one campaign's runs do not land in another's folder.
        """
        sibling = self.sibling_params(choices.campaign)
        raw = dict(self.raw)
        if sibling is not None:  # that campaign's own settings; the rest stays this session's
            for key in CAMPAIGN_SETTINGS:
                raw.pop(key, None)
                if key in sibling[0]:
                    raw[key] = sibling[0][key]
        if sibling is None and choices.campaign != self.params.campaign and raw.get("output_dir"):
            out = Path(str(raw["output_dir"]))
            if out.name == self.params.campaign:
                raw["output_dir"] = (out.parent / choices.campaign).as_posix()
        raw.update(
            campaign=choices.campaign,
            towns=list(choices.towns) or None,
            target_firms=int(choices.target_firms),
            random_share=float(choices.random_share),
            selection=choices.selection,
            seed=int(choices.seed),
            weights=choices.weight_overrides(),
        )
        if raw["towns"] is None:
            del raw["towns"]
        return raw

    def params_for(self, choices: PlannerChoices) -> CampaignParams:
        """Validated params for these choices (what the exported file loads as).

        Raises
        ------
        ParamsError
            For values the params model refuses (e.g. a negative seed).
        """
        return validate_params(self.raw_for(choices), source="planner choices", base=self.base)

    # -- the draw -----------------------------------------------------------------------

    def window(self, params: CampaignParams) -> tuple[dt.date, dt.date]:
        """The campaign window (cached per campaign)."""
        key = params.campaign
        if key not in self._windows:
            span = campaign_window(key, params.year, params.window_start, params.window_end)
            self._windows[key] = (span.start, span.end)
        return self._windows[key]

    def _pool(self, params: CampaignParams, window: tuple[dt.date, dt.date]) -> DrawPool:
        """:func:`~inspectlib.draw.prepare_pool`, cached per campaign, towns and cap."""
        key = (
            params.campaign,
            tuple(params.towns or ()),
            window,
            params.exclude_inspected_within_days,
            params.language,
        )
        if key not in self._pools:
            self._pools[key] = prepare_pool(params, self.prepared, window)
        return self._pools[key]

    def risk_model(
        self,
        campaign: Campaign,
        start: dt.date,
        capacity: int,
        weights: Mapping[str, float],
        mode: str,
    ) -> tuple[LearnedModel | None, ModelReport]:
        """:func:`inspectlib.risk_model.fit_risk_model`, fitted only when its answer can change.

        Its answer depends on the target only through ``k = max(1, min(target, n_test //
        2))`` (the time split's top-k) and on the weights only through the expert side of
        the comparison; without a time split (too little history) on neither. So after the
        first fit of a campaign, a new target reuses the fit whenever ``k`` is unchanged.
        """
        base_key = (campaign.id, start, mode)

        def key_for(n_test: int | None) -> tuple[Any, ...] | None:
            if n_test is None:
                return None
            if n_test < 0:
                return base_key
            k = max(1, min(int(capacity), n_test // 2))
            return (*base_key, tuple(sorted(weights.items())), k)

        key = key_for(self._model_tests.get(base_key))
        if key is not None and key in self._models:
            self._models.move_to_end(key)
            return self._models[key]
        model, report = fit_risk_model(
            self.register,
            self.findings,
            campaign,
            today=start,
            capacity=capacity,
            weights=weights,
            mode=mode,
        )
        self.model_fits += 1
        self._model_tests[base_key] = -1 if report.test_year is None else int(report.n_test)
        self._models[key_for(self._model_tests[base_key])] = (model, report)
        while len(self._models) > MODEL_CACHE_SIZE:
            self._models.popitem(last=False)
        return model, report

    def draw(self, choices: PlannerChoices) -> DrawResult:
        """The draw for these choices: :func:`~inspectlib.draw.plan_draw`'s own steps
        (:func:`~inspectlib.draw.draw_from_pool`) on the cached pool and risk model.

        Raises
        ------
        PlanningError, ParamsError
            As :func:`~inspectlib.draw.plan_draw` does.
        """
        params = self.params_for(choices)
        pool = self._pool(params, self.window(params))

        def cached_fit(register, findings, campaign, *, today, capacity, weights, mode):
            return self.risk_model(campaign, today, capacity, weights, mode)

        return draw_from_pool(params, pool, self.prepared, self.inputs.roster, fit_model=cached_fit)

    def summarize(self, choices: PlannerChoices) -> PlannerSummary:
        """Draw and summarise; an impossible draw gives a summary with ``error`` set."""
        started = time.perf_counter()
        try:
            result = self.draw(choices)
        except (PlanningError, ParamsError) as exc:
            said = exc.render(self.params.language)  # shown by the planner in its language
            return PlannerSummary(choices, None, said, seconds=time.perf_counter() - started)
        lang = self.params.language
        return PlannerSummary(
            choices,
            result,
            None,
            eligible=len(result.eligible),
            excluded=len(result.excluded),
            by_town=counts_by_town(result),
            by_industry=counts_by_industry(result, lang),
            hit_rate=self.hit_rate(result),
            fingerprint=draw_fingerprint(result),
            seconds=time.perf_counter() - started,
        )

    def hit_rate(self, result: DrawResult) -> HitRate:
        """Expected hit rate of a draw (see :class:`HitRate`)."""
        rate, n, years = random_base_rate(self.findings, result.campaign.id, result.window[0])
        return replace(hit_rate_of(result), base_rate=rate, base_n=n, base_years=years)

    # -- map and export -----------------------------------------------------------------

    def map_plan(self, result: DrawResult) -> pd.DataFrame:
        """The drawn firms as the map's plan table (teams drawn, no dates or routes yet)."""
        selected = result.selected
        team = selected["firm_id"].map(result.assignments.set_index("firm_id")["team"])
        members = result.teams.groupby("team")["name"].agg(lambda s: ", ".join(map(str, s)))
        return selected.assign(
            team=pd.array(team, dtype="string"),
            members=team.map(members).fillna(""),
            date=pd.Series(pd.NaT, index=selected.index, dtype="datetime64[ns]"),
            visit_order=pd.array([pd.NA] * len(selected), dtype="Int64"),
        )

    def map_html(self, summary: PlannerSummary) -> str:
        """The campaign map of a summary's draw (self-contained HTML)."""
        from inspectlib import maps
        from inspectlib.plan import resolve_office

        if summary.draw is None:
            raise PlanningError(
                Message("errors.planner.no_map", reason=summary.error or summary.choices.campaign)
            )
        result = summary.draw
        params = self.params_for(summary.choices)
        lang = params.language
        name = result.campaign.name(lang)
        note = catalogue.text("planner.preview", lang)
        title = (
            f"{params.year} {name} · {result.window[0]:%Y-%m-%d} – "
            f"{result.window[1]:%Y-%m-%d} · {note}"
        )
        campaign_map = maps.campaign_map(
            self.map_plan(result),
            self.inputs.boundaries,
            result.eligible,
            title=title,
            office=resolve_office(params, self.inputs),
            warning_points=self.inputs.warning_points,
            tiles=params.tiles,
            synthetic=params.synthetic,
            language=lang,
        )
        return maps.to_html(campaign_map)

    def export(
        self,
        choices: PlannerChoices,
        folder: str | Path | None = None,
        now: dt.datetime | None = None,
    ) -> ExportedParams:
        """Write the params file plus these choices as a new params file
        (:func:`~inspectlib.planner.export.export_params`)."""
        return export_params(self, choices, folder, now)
