"""The planner's widgets (ipywidgets) over :class:`~inspectlib.planner.state.PlannerSession`.

Every control (campaign, towns, target, random share, selection method, seed, expert
weights) feeds one :class:`~inspectlib.planner.debounce.Debouncer`: a burst of changes gives
one update, :attr:`Planner.delay` seconds after the last one (sliders report only when
released or moved with the keyboard). An update redraws the summary, the tables and the list
first; the map is rebuilt only when the draw's fingerprint changed. The save button writes
the current choices to a params file next to the one the planner started from and shows the
``inspectlib plan`` command that reproduces the draw.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

import ipywidgets as w

from inspectlib.campaigns import CAMPAIGNS
from inspectlib.errors import InspectlibError, Message, ParamsError
from inspectlib.planner.debounce import Debouncer, Scheduler
from inspectlib.planner.export import ExportedParams
from inspectlib.planner.state import SELECTIONS, WEIGHT_DECIMALS, PlannerChoices, PlannerSession
from inspectlib.planner.summary import PlannerSummary
from inspectlib.planner.view import (
    STYLE,
    esc,
    list_html,
    planner_words,
    summary_html,
    tables_html,
)
from inspectlib.report import map_frame
from inspectlib.risk import FACTORS

logger = logging.getLogger(__name__)

MAX_WEIGHT = 3.0


class Planner:
    """Widgets to tune a campaign's draw, with an at-once summary and map.

    Parameters
    ----------
    session : PlannerSession
        Loaded params and inputs.
    delay : float
        Debounce quiet time in seconds.
    scheduler : callable, optional
        Timer for the debounce (see :class:`~inspectlib.planner.debounce.Debouncer`); tests
        inject a fake clock.
    export_dir : str or Path, optional
        Where the export button writes (default: next to the params file).

    Examples
    --------
    >>> planner = Planner.from_params_file("params/wage.yaml")  # doctest: +SKIP
    >>> planner.display()  # doctest: +SKIP
    """

    def __init__(
        self,
        session: PlannerSession,
        *,
        delay: float = 0.3,
        scheduler: Scheduler | None = None,
        export_dir: str | Path | None = None,
    ) -> None:
        self.session = session
        self.language = "zh" if session.params.language == "zh" else "en"
        self.export_dir = export_dir
        self.summary: PlannerSummary | None = None
        self.updates = 0
        self.map_renders = 0
        self.exported: ExportedParams | None = None
        self._map_fingerprint: str | None = None
        self._syncing = False
        self._debouncer = Debouncer(self.update, delay, scheduler)
        self._build(session.initial_choices())
        self.update()
        for control in self._controls():
            control.observe(self._on_change, names="value")

    @classmethod
    def from_params_file(
        cls,
        params_file: str | Path,
        params_dir: str | Path | None = None,
        *,
        start: str | Path | None = None,
        **kwargs: Any,
    ) -> Planner:
        """Load a params file and its inputs and build the planner.

        Parameters
        ----------
        params_file : str or Path
            E.g. ``"params/wage.yaml"``: found from the working directory or a folder above
            it (a notebook's kernel runs in ``notebooks/``).
        params_dir : str or Path, optional
            Folder the file's relative paths are relative to (default: its own folder).
        start : str or Path, optional
            Folder to look for ``params_file`` from (default: the working directory).
        **kwargs
            ``delay``, ``scheduler``, ``export_dir`` (see :class:`Planner`).
        """
        return cls(PlannerSession.from_params_file(params_file, params_dir, start=start), **kwargs)

    @property
    def delay(self) -> float:
        """Debounce quiet time in seconds."""
        return self._debouncer.delay

    @property
    def pending(self) -> bool:
        """Whether changes are waiting for the debounce to pass."""
        return self._debouncer.pending

    # -- widgets ------------------------------------------------------------------------

    def _build(self, choices: PlannerChoices) -> None:
        words = planner_words(self.language)
        wide = {"description_width": "110px"}
        full = w.Layout(width="100%")
        self.campaign_w = w.Dropdown(
            options=[
                (words["campaign_option"].format(name=c.name(self.language), id=c.id), c.id)
                for c in CAMPAIGNS.values()
            ],
            value=choices.campaign,
            description=words["campaign"],
            style=wide,
            layout=full,
        )
        self.selection_w = w.Dropdown(
            options=[(words[s], s) for s in SELECTIONS],
            value=choices.selection,
            description=words["selection"],
            style=wide,
            layout=full,
        )
        top = max(1000, choices.target_firms)
        self.target_w = w.IntSlider(
            value=choices.target_firms,
            min=1,
            max=top,
            continuous_update=False,
            description=words["target"],
            style=wide,
            layout=full,
        )
        self.share_w = w.FloatSlider(
            value=choices.random_share,
            min=0.0,
            max=1.0,
            step=0.01,
            readout_format=".2f",
            continuous_update=False,
            description=words["share"],
            style=wide,
            layout=full,
        )
        self.seed_w = w.Text(
            value=str(choices.seed),
            continuous_update=False,
            description=words["seed"],
            style=wide,
            layout=w.Layout(width="70%"),
        )
        self.new_seed_w = w.Button(description=words["new_seed"], layout=w.Layout(width="28%"))
        self.new_seed_w.on_click(lambda _: self._new_seed())
        self.towns_w = w.SelectMultiple(
            options=list(self.session.towns),
            value=choices.towns,
            rows=min(10, max(3, len(self.session.towns))),
            layout=full,
        )
        names = words["factors"]
        self.weight_w = {
            name: w.FloatSlider(
                value=value,
                min=0.0,
                max=MAX_WEIGHT,
                step=0.05,
                readout_format=".2f",
                continuous_update=False,
                description=names[name],
                style=wide,
                layout=full,
            )
            for name, value in choices.weights
        }
        self.export_w = w.Button(
            description=words["export"],
            button_style="primary",
            icon="save",
            layout=w.Layout(width="100%"),
        )
        self.export_w.on_click(lambda _: self.export())
        self.export_out = w.HTML()
        self.status_w = w.HTML()
        self.summary_w = w.HTML()
        self.tables_w = w.HTML()
        self.list_w = w.HTML()
        self.map_w = w.HTML(layout=w.Layout(width="100%"))
        for widget, name in (
            (self.target_w, "target"),
            (self.share_w, "share"),
            (self.seed_w, "seed"),
            (self.campaign_w, "campaign"),
            (self.selection_w, "selection"),
            (self.towns_w, "towns"),
            (self.export_w, "export"),
            (self.export_out, "export-result"),
            (self.status_w, "status"),
            (self.summary_w, "summary"),
            (self.tables_w, "tables"),
            (self.list_w, "list"),
            (self.map_w, "map"),
            (self.new_seed_w, "new-seed"),
        ):
            widget.add_class(f"inspectlib-planner-{name}")
        for name, slider in self.weight_w.items():
            slider.add_class(f"inspectlib-planner-weight-{name}")
        controls = w.VBox(
            [
                self.campaign_w,
                self.selection_w,
                self.target_w,
                self.share_w,
                w.HBox([self.seed_w, self.new_seed_w]),
                w.HTML(f"<b>{esc(words['towns'])}</b>"),
                self.towns_w,
                w.HTML(f"<b>{esc(words['weights'])}</b>"),
                *self.weight_w.values(),
                self.export_w,
                self.export_out,
            ],
            layout=w.Layout(width="380px", flex="0 0 380px"),
        )
        results = w.VBox(
            [self.status_w, self.summary_w, self.tables_w],
            layout=w.Layout(flex="1 1 auto", min_width="0"),
        )
        self.widget = w.VBox([w.HTML(STYLE), w.HBox([controls, results]), self.map_w, self.list_w])
        self.widget.add_class("inspectlib-planner")

    def _controls(self) -> list[w.Widget]:
        return [
            self.campaign_w,
            self.selection_w,
            self.target_w,
            self.share_w,
            self.seed_w,
            self.towns_w,
            *self.weight_w.values(),
        ]

    def display(self) -> None:
        """Show the planner in the notebook."""
        from IPython.display import display

        display(self.widget)

    def _ipython_display_(self) -> None:
        self.display()

    # -- choices ------------------------------------------------------------------------

    def read_choices(self) -> PlannerChoices:
        """The choices the widgets show.

        Raises
        ------
        ParamsError
            When the seed is not a whole number ≥ 0.
        """
        text = self.seed_w.value.strip()
        try:
            seed = int(text)
        except ValueError:
            raise ParamsError(Message("planner.seed_not_whole", text=repr(text))) from None
        if seed < 0:
            raise ParamsError(Message("planner.seed_negative", seed=seed))
        return PlannerChoices(
            campaign=self.campaign_w.value,
            towns=tuple(self.towns_w.value),
            target_firms=int(self.target_w.value),
            random_share=round(float(self.share_w.value), WEIGHT_DECIMALS),
            selection=self.selection_w.value,
            seed=seed,
            weights=tuple(
                (name, round(float(self.weight_w[name].value), WEIGHT_DECIMALS)) for name in FACTORS
            ),
        )

    def set_choices(self, choices: PlannerChoices) -> None:
        """Show these choices in the widgets (one debounced update follows)."""
        self._syncing = True
        try:
            self.campaign_w.value = choices.campaign
            self.selection_w.value = choices.selection
            self.target_w.max = max(self.target_w.max, choices.target_firms)
            self.target_w.value = choices.target_firms
            self.share_w.value = choices.random_share
            self.seed_w.value = str(choices.seed)
            self.towns_w.value = tuple(choices.towns)
            for name, value in choices.weights:
                self.weight_w[name].value = value
        finally:
            self._syncing = False
        self._debouncer.trigger()

    def _on_change(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        if change.get("owner") is self.campaign_w:
            try:
                current = self.read_choices()
            except ParamsError:
                current = self.session.initial_choices()
            self.set_choices(self.session.choices_for_campaign(current, change["new"]))
            return
        self.status_w.value = f"<i>{esc(planner_words(self.language)['pending'])}</i>"
        self._debouncer.trigger()

    def _new_seed(self) -> None:
        self.seed_w.value = str(secrets.randbelow(10**9))

    def flush(self) -> bool:
        """Apply waiting changes now instead of after the debounce; returns whether any."""
        return self._debouncer.flush()

    # -- update -------------------------------------------------------------------------

    def update(self) -> PlannerSummary | None:
        """Draw with the widgets' choices and show the result (the map only if it changed)."""
        self._debouncer.cancel()
        words = planner_words(self.language)
        try:
            choices = self.read_choices()
        except ParamsError as exc:
            self.status_w.value = (
                f'<span style="color:#a40000">{esc(exc.render(self.language))}</span>'
            )
            return None
        summary = self.session.summarize(choices)
        self.summary = summary
        self.updates += 1
        self.summary_w.value = summary_html(summary, self.language)
        self.tables_w.value = tables_html(summary, self.language)
        self.list_w.value = list_html(summary, self.language)
        self._status(summary.seconds)
        if summary.draw is None:
            self.status_w.value += f"<i>{esc(words['stale'])}</i>" if self.map_renders else ""
            return summary
        if summary.fingerprint != self._map_fingerprint:
            self.render_map(summary)
        return summary

    def _status(self, seconds: float) -> None:
        text = planner_words(self.language)["status"].format(
            seconds=seconds, updates=self.updates, maps=self.map_renders
        )
        self.status_w.value = (
            f'<span class="inspectlib-planner-status-text" '
            f'data-updates="{self.updates}" data-seconds="{seconds:.3f}">'
            f"{esc(text)}</span>"
        )

    def render_map(self, summary: PlannerSummary) -> None:
        """Rebuild the map from a summary's draw."""
        document = self.session.map_html(summary)
        self.map_renders += 1
        self._map_fingerprint = summary.fingerprint
        self.map_w.value = (
            f'<div class="inspectlib-planner-mapframe" '
            f'data-draw="{esc(summary.fingerprint)}" '
            f'data-renders="{self.map_renders}">{map_frame(document, 600)}</div>'
        )
        self._status(summary.seconds)

    # -- export -------------------------------------------------------------------------

    def export(self) -> ExportedParams | None:
        """Write the shown draw's choices to a params file and show how to reproduce it."""
        words = planner_words(self.language)
        self.flush()
        summary = self.summary
        if summary is None or summary.draw is None:
            reason = summary.error if summary is not None else words["no_draw_yet"]
            self.export_out.value = (
                f'<p style="color:#a40000">{esc(words["not_written"])}{esc(reason)}</p>'
            )
            return None
        try:
            exported = self.session.export(summary.choices, self.export_dir)
        except InspectlibError as exc:
            self.export_out.value = (
                f'<p style="color:#a40000">{esc(words["not_written"])}{esc(exc)}</p>'
            )
            return None
        self.exported = exported
        shown = (
            exported.path.relative_to(exported.cwd)
            if exported.path.is_relative_to(exported.cwd)
            else exported.path
        )
        self.export_out.value = (
            f'<div class="inspectlib-planner-exported" data-path="{esc(exported.path)}" '
            f'data-draw="{esc(summary.fingerprint)}"><p>'
            + words["written"].format(path=esc(shown), cwd=esc(exported.cwd))
            + f'</p><pre style="white-space:pre-wrap">{esc(exported.command)}</pre></div>'
        )
        logger.info("planner params written to %s", exported.path)
        return exported
