"""The interactive planner without a browser: the draw it shows is plan_draw's, the export
reproduces it, changes are debounced, the map is redrawn only for a new draw, and the
notebook runs unchanged under papermill."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from dataclasses import replace
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from inspectlib.draw import plan_draw
from inspectlib.errors import ParamsError
from inspectlib.params import load_params, validate_params
from inspectlib.planner import (
    Debouncer,
    Planner,
    PlannerChoices,
    PlannerSession,
    find_params_file,
)
from inspectlib.planner.export import rebase_paths
from inspectlib.planner.summary import hit_rate_of, random_base_rate
from inspectlib.planner.view import html_table, summary_html
from inspectlib.risk_model import ModelReport, expected_hit_rate, fit_risk_model
from tests.planner_demo import ROOT, copy_params, ensure_demo_inputs

NOTEBOOK = ROOT / "inspectlib" / "notebooks" / "planner.ipynb"


class FakeClock:
    """A scheduler for :class:`Debouncer` whose time moves only when told."""

    def __init__(self) -> None:
        self.now = 0.0
        self.timers: list[FakeTimer] = []

    def __call__(self, delay: float, callback) -> FakeTimer:
        timer = FakeTimer(self.now + delay, callback)
        self.timers.append(timer)
        return timer

    def advance(self, seconds: float) -> None:
        self.now += seconds
        for timer in sorted(self.timers, key=lambda t: t.due):
            if not timer.cancelled and timer.due <= self.now:
                self.timers.remove(timer)
                timer.callback()

    @property
    def waiting(self) -> int:
        return sum(not t.cancelled for t in self.timers)


class FakeTimer:
    def __init__(self, due: float, callback) -> None:
        self.due, self.callback, self.cancelled = due, callback, False

    def cancel(self) -> None:
        self.cancelled = True


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """A private copy of the demo inputs and of params/wage.yaml (relative paths)."""
    root = tmp_path_factory.mktemp("planner")
    inputs = ensure_demo_inputs(root / "inputs")
    (root / "params").mkdir()
    for name in ("wage", "heat"):
        copy_params(name, root / "params", inputs)
    return root


@pytest.fixture(scope="module")
def session(demo) -> PlannerSession:
    return PlannerSession.from_params_file(demo / "params" / "wage.yaml")


def weights_times(choices: PlannerChoices, factor: str, factor_by: float) -> PlannerChoices:
    return replace(
        choices,
        weights=tuple(
            (k, round(v * factor_by, 4) if k == factor else v) for k, v in choices.weights
        ),
    )


VARIANTS = {
    "as_in_file": lambda s, c: c,
    "more_firms": lambda s, c: replace(c, target_firms=160),
    "few_firms": lambda s, c: replace(c, target_firms=30),
    "seed_and_share": lambda s, c: replace(c, seed=7, random_share=0.2),
    "top_risk": lambda s, c: replace(c, selection="top_risk"),
    "random": lambda s, c: replace(c, selection="random"),
    "two_towns": lambda s, c: replace(c, towns=s.towns[3:5]),
    "weights": lambda s, c: weights_times(c, "complaints", 3.0),
    "low_share": lambda s, c: replace(c, random_share=0.01),
    "heat": lambda s, c: s.choices_for_campaign(c, "heat"),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_planner_draw_is_plan_draw(session, variant):
    choices = VARIANTS[variant](session, session.initial_choices())
    mine = session.draw(choices)
    params = session.params_for(choices)
    ref = plan_draw(params, session.inputs)
    for name in ("selected", "eligible", "excluded", "teams", "assignments"):
        pd.testing.assert_frame_equal(getattr(mine, name), getattr(ref, name), obj=name)
    assert mine.model_report == ref.model_report
    assert mine.warnings == ref.warnings
    assert mine.window == ref.window
    assert len(mine.selected) == choices.target_firms


def session_with(session: PlannerSession, **overrides) -> PlannerSession:
    """The same session with some params overridden (e.g. the risk model mode)."""
    raw = session.raw | overrides
    params = validate_params(raw, base=session.base)
    return PlannerSession(session.params_file, raw, params, session.inputs, session.base)


@pytest.mark.parametrize(
    "overrides",
    [
        {"risk_pool_factor": 2.0},
        {"town_quota": "proportional"},
        {"town_quota": "minimum", "town_minimum": 5},
        {"risk_model": "expert"},
        {"exclude_inspected_within_days": 0, "language": "en"},
    ],
    ids=lambda o: ",".join(o),
)
def test_planner_draw_is_plan_draw_for_other_params(session, overrides):
    other = session_with(session, **overrides)
    for choices in (other.initial_choices(), replace(other.initial_choices(), seed=11)):
        mine = other.draw(choices)
        ref = plan_draw(other.params_for(choices), other.inputs)
        for name in ("selected", "eligible", "teams", "assignments"):
            pd.testing.assert_frame_equal(getattr(mine, name), getattr(ref, name), obj=name)
        assert mine.warnings == ref.warnings
        assert len(mine.selected) == choices.target_firms


def test_initial_choices_come_from_the_params_file(session):
    choices = session.initial_choices()
    assert choices.campaign == "wage" and choices.target_firms == 125  # campaign default
    assert choices.seed == 20270104 and choices.selection == "risk_weighted"
    assert choices.towns == () and dict(choices.weights)["complaints"] == 1.0
    assert choices.weight_overrides() == {}
    assert len(session.towns) == 10


def test_campaign_switch_takes_that_campaigns_target_and_weights(session):
    heat = session.choices_for_campaign(replace(session.initial_choices(), seed=3), "heat")
    assert heat.campaign == "heat" and heat.target_firms == 110
    assert heat.seed == 20270802  # heat.yaml's seed (it lies beside wage.yaml), not the wage one
    assert dict(heat.weights)["outdoor_work"] == 1.0
    back = session.choices_for_campaign(heat, "wage")
    assert back.weights == session.initial_choices().weights
    # with no heat params file beside it, the choices made so far stay
    assert session.choices_for_campaign(replace(back, seed=3), "service_sector").seed == 3


def test_switching_to_heat_keeps_the_heat_files_weather(session):
    """Issue 15: the saved heat params planned without hot-day rules (weather dropped)."""
    heat = session.choices_for_campaign(session.initial_choices(), "heat")
    raw = session.raw_for(heat)
    assert raw["weather"].endswith("weather.csv") and raw["seed"] == 20270802
    assert session.params_for(heat).weather is not None


def test_learned_model_is_refitted_only_when_its_verdict_can_change(session):
    choices = session.initial_choices()
    session.draw(choices)
    fits = session.model_fits
    for target in (126, 150, 300):  # k = min(target, n_test // 2) stays the same
        session.draw(replace(choices, target_firms=target, seed=target))
    assert session.model_fits == fits
    small = replace(choices, target_firms=20)
    session.draw(small)
    assert session.model_fits == fits + 1
    heavy = weights_times(choices, "credit_grade", 2.0)
    result = session.draw(heavy)
    assert session.model_fits == fits + 2
    params = session.params_for(heavy)
    _, fresh = fit_risk_model(
        session.register,
        session.findings,
        "wage",
        today=result.window[0],
        capacity=125,
        weights=dict(heavy.weights),
        mode=params.risk_model,
    )
    assert result.model_report == fresh


def test_summary_counts_and_hit_rate(session):
    session = session_with(session, risk_model="learned")
    summary = session.summarize(session.initial_choices())
    assert summary.error is None and len(summary.selected) == 125
    assert summary.by_town["selected"].sum() == 125
    assert summary.by_town["eligible"].sum() == summary.eligible == len(summary.draw.eligible)
    assert (summary.by_town["random"] + summary.by_town["risk"]).equals(summary.by_town["selected"])
    assert summary.by_industry["selected"].sum() == 125
    hit = summary.hit_rate
    report = summary.draw.model_report
    # the held-out precision of the scorer, not the mean of its own probabilities
    assert report.method == "learned" and hit.kind == "held_out"
    assert (hit.value, hit.low, hit.high) == expected_hit_rate(report)
    assert hit.low < hit.value < hit.high
    assert hit.draw_share == pytest.approx(summary.draw.expected.draw / 125, abs=1e-3)
    f = session.findings
    rnd = f[
        (f["campaign"] == "wage")
        & (f["stratum"] == "random")
        & f["result"].isin(["compliant", "violation", "refused"])
    ]
    assert hit.base_n == len(rnd) > 0
    assert hit.base_rate == pytest.approx(rnd["result"].isin(["violation", "refused"]).mean())
    html = summary_html(summary, "en")
    assert "years it was not fitted on" in html and f"{hit.value:.1%}" in html
    assert 'data-selected="125"' in html and summary.fingerprint in html


def test_expert_score_hit_rate_is_its_calibrated_probability(session):
    session = session_with(session, risk_model="expert")
    summary = session.summarize(session.choices_for_campaign(session.initial_choices(), "heat"))
    draw, hit = summary.draw, summary.hit_rate
    assert draw.model_report.method == "expert" and hit.kind == "calibrated"
    assert hit.value == pytest.approx(draw.expected.draw / draw.expected.n, abs=1e-3)
    assert hit.low < hit.value < hit.high
    assert "校准后的违法概率" in summary_html(summary, "zh")


def test_expert_proxy_is_labelled_as_not_a_probability(session):
    summary = session.summarize(session.initial_choices())
    uncalibrated = dataclasses.replace(
        summary.draw, expected=None, model_report=ModelReport("expert", "no history")
    )
    hit = hit_rate_of(uncalibrated)
    assert hit.kind == "expert_proxy" and hit.low is None
    assert hit.value == pytest.approx(summary.selected["expert_score"].mean())
    shown = dataclasses.replace(summary, draw=uncalibrated, hit_rate=hit)
    assert "不是概率" in summary_html(shown, "zh")
    assert "not a probability" in summary_html(shown, "en")


def test_base_rate_without_strata_is_unknown():
    findings = pd.DataFrame(
        {
            "firm_id": ["a"],
            "campaign": ["wage"],
            "result": ["violation"],
            "inspection_date": pd.to_datetime(["2025-01-10"]),
        }
    )
    assert random_base_rate(findings, "wage", dt.date(2027, 1, 4)) == (None, 0, "")


def test_impossible_target_gives_a_message_not_an_exception(session):
    choices = replace(session.initial_choices(), towns=session.towns[:1], target_firms=5000)
    summary = session.summarize(choices)
    assert (
        summary.draw is None
        and "只有" in summary.error  # in the planner's language (zh)
        and "target_firms 为 5000" in (summary.error)
    )
    assert 'data-error="1"' in summary_html(summary, "en")


def test_fingerprint_follows_the_draw(session):
    c = session.initial_choices()
    a, b = session.summarize(c), session.summarize(c)
    assert a.fingerprint == b.fingerprint
    assert session.summarize(replace(c, seed=c.seed + 1)).fingerprint != a.fingerprint
    assert session.summarize(replace(c, target_firms=126)).fingerprint != a.fingerprint


@pytest.mark.parametrize("where", ["next_to_params", "other_folder"])
def test_export_reproduces_the_draw(session, demo, tmp_path, where):
    choices = replace(
        weights_times(session.initial_choices(), "no_union", 2.0),
        target_firms=140,
        seed=99,
        random_share=0.1,
        towns=session.towns[2:6],
        selection="top_risk",
    )
    shown = session.draw(choices)
    folder = None if where == "next_to_params" else tmp_path / "elsewhere"
    exported = session.export(choices, folder, now=dt.datetime(2027, 1, 2, 3, 4, 5))
    try:
        assert exported.path.name == "wage-planner-20270102-030405.yaml"
        assert exported.path.parent == (folder or demo / "params")
        assert exported.command.startswith("inspectlib plan ")
        assert exported.cwd / exported.command.split()[-1] == exported.path
        text = exported.path.read_text(encoding="utf-8")
        assert text.startswith("# Written by the inspectlib planner on 2027-01-02 03:04:05")
        raw = yaml.safe_load(text)
        assert raw["target_firms"] == 140 and raw["seed"] == 99 and raw["random_share"] == 0.1
        assert raw["towns"] == list(session.towns[2:6]) and raw["selection"] == "top_risk"
        assert raw["weights"] == {"no_union": 0.6}
        assert not Path(raw["register"]).is_absolute()  # still relative to the file's folder
        params = load_params(exported.path)
        assert params.register == session.params.register
        again = plan_draw(params, session.inputs)
        assert again.selected["firm_id"].tolist() == shown.selected["firm_id"].tolist()
        assert again.assignments.equals(shown.assignments)
    finally:
        exported.path.unlink()


@pytest.mark.slow
def test_inspectlib_plan_on_the_export_reproduces_the_draw(session):
    """The whole ``inspectlib plan`` run (papermill, schedule, files) on an exported file."""
    from inspectlib.run import run_plan

    choices = replace(session.initial_choices(), target_firms=60, seed=42, random_share=0.1)
    shown = session.draw(choices)
    exported = session.export(choices)
    try:
        result = run_plan(exported.path)
        plan = pd.read_csv(Path(result.output_dir) / "plan.csv", dtype={"firm_id": str})
        plan = plan.sort_values("draw_order")
        assert plan["firm_id"].tolist() == shown.selected["firm_id"].tolist()
    finally:
        exported.path.unlink()


def test_export_never_overwrites_and_names_a_new_campaign(session, demo):
    now = dt.datetime(2027, 5, 6, 7, 8, 9)
    heat = session.choices_for_campaign(session.initial_choices(), "heat")
    first = session.export(heat, now=now)
    second = session.export(heat, now=now)
    try:
        assert first.path.name == "heat-planner-20270506-070809.yaml"
        assert second.path.name == "heat-planner-20270506-070809-2.yaml"
        raw = yaml.safe_load(first.path.read_text(encoding="utf-8"))
        assert raw["campaign"] == "heat" and raw["output_dir"] == "out/heat"
        again = PlannerSession.from_params_file(first.path)
        assert again.initial_choices() == heat
        third = again.export(heat, now=now + dt.timedelta(seconds=1))
        assert third.path.name == "heat-planner-20270506-070810.yaml"  # no double suffix
        third.path.unlink()
    finally:
        first.path.unlink()
        second.path.unlink()


def test_export_refuses_invalid_choices(session, demo):
    before = set((demo / "params").iterdir())
    with pytest.raises(ParamsError, match="random_share"):
        session.export(replace(session.initial_choices(), random_share=1.5))
    assert set((demo / "params").iterdir()) == before


def test_find_params_file_from_a_subfolder(tmp_path):
    (tmp_path / "params").mkdir()
    (tmp_path / "notebooks").mkdir()
    target = tmp_path / "params" / "wage.yaml"
    target.write_text("campaign: wage\n", encoding="utf-8")
    assert find_params_file("params/wage.yaml", tmp_path / "notebooks") == target
    assert find_params_file(target) == target
    with pytest.raises(ParamsError, match="not found"):
        find_params_file("params/none.yaml", tmp_path / "notebooks")


def test_rebase_paths_keeps_files_where_they_are(tmp_path):
    raw = {
        "register": "../in/r.csv",
        "findings": ["../in/f.csv", "/abs/g.csv"],
        "store": "sqlite:///../db.sqlite",
        "seed": 1,
        "boundaries": None,
    }
    out = rebase_paths(raw, tmp_path / "a" / "params", tmp_path / "b")
    assert out == {
        "register": "../a/in/r.csv",
        "findings": ["../a/in/f.csv", "/abs/g.csv"],
        "store": "sqlite:///../a/db.sqlite",
        "seed": 1,
        "boundaries": None,
    }
    assert rebase_paths(raw, tmp_path, tmp_path) == raw


# -- debouncing ------------------------------------------------------------------------------


def test_debouncer_runs_once_after_a_quiet_period():
    clock, calls = FakeClock(), []
    debouncer = Debouncer(lambda: calls.append(clock.now), delay=0.3, scheduler=clock)
    for _ in range(5):
        debouncer.trigger()
        clock.advance(0.1)
    assert calls == [] and debouncer.pending
    clock.advance(0.25)
    assert calls == [pytest.approx(0.75)] and not debouncer.pending
    clock.advance(5)
    assert len(calls) == 1 and clock.waiting == 0


def test_debouncer_flush_and_cancel():
    clock, calls = FakeClock(), []
    debouncer = Debouncer(lambda: calls.append(1), delay=0.3, scheduler=clock)
    assert debouncer.flush() is False
    debouncer.trigger()
    assert debouncer.flush() is True and calls == [1]
    clock.advance(1)
    assert calls == [1]  # the flushed timer does not fire again
    debouncer.trigger()
    debouncer.cancel()
    clock.advance(1)
    assert calls == [1] and debouncer.runs == 1


def test_debouncer_ignores_a_timer_that_lost_a_race():
    fired: list[int] = []
    callbacks: list = []

    def scheduler(delay, callback):
        callbacks.append(callback)
        return FakeTimer(delay, callback)  # cancel() does not stop a timer thread in time

    debouncer = Debouncer(lambda: fired.append(1), delay=0.3, scheduler=scheduler)
    debouncer.trigger()
    debouncer.trigger()
    callbacks[0]()  # the first timer fires although trigger() replaced it
    assert fired == []
    callbacks[1]()
    assert fired == [1]


def test_debouncer_on_a_real_timer():
    import threading

    done = threading.Event()
    debouncer = Debouncer(done.set, delay=0.05)
    debouncer.trigger()
    debouncer.trigger()
    assert done.wait(5)
    assert debouncer.runs == 1


# -- the widgets (no browser) ----------------------------------------------------------------


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def planner(session, clock, tmp_path_factory) -> Planner:
    return Planner(session, scheduler=clock, export_dir=tmp_path_factory.mktemp("exports"))


def test_planner_shows_the_params_files_draw_at_once(planner):
    assert planner.updates == 1 and planner.map_renders == 1 and not planner.pending
    assert 'data-selected="125"' in planner.summary_w.value
    assert planner.list_w.value.count('data-col="firm_id"') == 125
    assert 'data-renders="1"' in planner.map_w.value and "<iframe" in planner.map_w.value
    assert planner.target_w.value == 125 and planner.seed_w.value == "20270104"


def test_changes_are_debounced_and_the_map_follows_only_new_draws(planner, clock):
    updates, maps = planner.updates, planner.map_renders
    planner.target_w.value = 130
    planner.target_w.value = 135
    planner.share_w.value = 0.1
    assert planner.pending and planner.updates == updates
    clock.advance(planner.delay / 2)
    assert planner.updates == updates
    clock.advance(planner.delay)
    assert planner.updates == updates + 1 and planner.map_renders == maps + 1
    assert 'data-selected="135"' in planner.summary_w.value
    assert f'data-draw="{planner.summary.fingerprint}"' in planner.map_w.value
    # A change and its undo inside one quiet period: one update, same draw, no new map.
    planner.seed_w.value = "1"
    planner.seed_w.value = "20270104"
    clock.advance(1)
    assert planner.updates == updates + 2 and planner.map_renders == maps + 1
    planner.update()  # nothing changed: no new map
    assert planner.map_renders == maps + 1


def test_flush_applies_waiting_changes_now(planner, clock):
    planner.target_w.value = 140
    assert planner.flush() and 'data-selected="140"' in planner.summary_w.value
    assert clock.waiting == 0


def test_bad_seed_is_reported_and_keeps_the_last_draw(planner, clock):
    summary = planner.summary
    planner.seed_w.value = "twelve"
    clock.advance(1)
    assert "随机种子必须是整数" in planner.status_w.value and planner.summary is summary
    assert "twelve" in planner.status_w.value
    planner.seed_w.value = "20270104"
    clock.advance(1)


def test_campaign_switch_resets_target_and_weights(planner, clock):
    planner.campaign_w.value = "heat"
    clock.advance(1)
    assert planner.target_w.value == 110 and planner.weight_w["outdoor_work"].value == 1.0
    assert planner.summary.choices.campaign == "heat" and len(planner.summary.selected) == 110
    planner.campaign_w.value = "wage"
    clock.advance(1)
    assert planner.summary.choices.campaign == "wage"


def test_impossible_target_keeps_the_map_and_says_why(planner, clock):
    maps = planner.map_renders
    towns = planner.summary.by_town
    smallest = towns.loc[towns["eligible"].idxmin()]
    too_many = int(smallest["eligible"]) + 1
    planner.set_choices(
        replace(planner.summary.choices, towns=(smallest["town"],), target_firms=too_many)
    )
    clock.advance(1)
    assert 'data-error="1"' in planner.summary_w.value and planner.map_renders == maps
    assert "<iframe" in planner.map_w.value
    assert planner.export() is None
    assert f"target_firms 为 {too_many}" in planner.export_out.value
    planner.towns_w.value = ()
    planner.target_w.value = 125
    clock.advance(1)


def test_export_button_writes_what_is_shown(planner, clock):
    planner.target_w.value = 128  # not yet applied: export flushes first
    exported = planner.export()
    assert 'data-selected="128"' in planner.summary_w.value
    assert f'data-path="{exported.path}"' in planner.export_out.value
    assert exported.command in planner.export_out.value
    ids = re.findall(r'data-col="firm_id">([^<]*)<', planner.list_w.value)
    again = plan_draw(load_params(exported.path), planner.session.inputs)
    assert again.selected["firm_id"].tolist() == ids and len(ids) == 128


def test_html_is_escaped():
    hostile = '<img src=x onerror="alert(1)">'
    table = html_table(pd.DataFrame({"name": [hostile]}), ["<b>"])
    assert "<img" not in table and "&lt;img" in table and "&lt;b&gt;" in table


# -- the notebook --------------------------------------------------------------------------


def test_notebook_opens_the_wage_params_with_the_project_kernel():
    # thin and stored without outputs: tests/test_notebooks.py checks every notebook
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert 'params_file = "params/wage.yaml"' in code[0].source
    assert nb.metadata["kernelspec"]["name"] == "inspectlib"


@pytest.mark.slow
def test_notebook_runs_unchanged_under_papermill(tmp_path):
    """The notebook as stored, run from its folder like JupyterLab does, on params/wage.yaml
    and the repository's demo inputs: the widgets show their defaults."""
    import papermill

    ensure_demo_inputs()
    before = NOTEBOOK.read_bytes()
    out = tmp_path / "planner.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(out),
        kernel_name="inspectlib",
        cwd=str(NOTEBOOK.parent),
        progress_bar=False,
        log_output=False,
    )
    assert NOTEBOOK.read_bytes() == before
    nb = json.loads(out.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    state = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    values = [m["state"].get("value") for m in state.values()]
    shown = [v for v in values if isinstance(v, str) and "inspectlib-planner-result" in v]
    assert len(shown) == 1 and 'data-selected="125"' in shown[0]
    assert any(isinstance(v, str) and "inspectlib-planner-mapframe" in v for v in values)
