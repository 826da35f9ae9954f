"""Shared pytest fixtures."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.drawdata import FakeInputs, empty_findings, make_register, make_roster
from tests.language_runs import PlanRun, en_heat_run, zh_heat_run
from tests.postgres import postgres_url  # noqa: F401  (fixture: throwaway PostgreSQL)


@pytest.fixture(autouse=True)
def _english_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands without params speak the locale's language: tests run in an English one,
    whatever the machine's (tests of the rule set their own)."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture(scope="session")
def synth_register() -> pd.DataFrame:
    """1,500 synthetic firms (targeting tests)."""
    return make_register()


@pytest.fixture(scope="session")
def synth_roster() -> pd.DataFrame:
    """20 synthetic inspectors from five agencies (targeting tests)."""
    return make_roster()


@pytest.fixture()
def synth_inputs(synth_register: pd.DataFrame, synth_roster: pd.DataFrame) -> FakeInputs:
    """Register + roster with no findings history, as a CampaignInputs stand-in."""
    return FakeInputs(
        register=synth_register.copy(), roster=synth_roster.copy(), findings=empty_findings()
    )


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory):
    """The demo region with 2,000 firms and its params files (end-to-end tests)."""
    from tests.demo_world import build_small_world

    return build_small_world(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def published_wage_plan(small_world):
    """The wage plan of the small world, run through papermill and published (and archived)."""
    from inspectlib.run import run_plan

    return run_plan(small_world.params["wage"])


@pytest.fixture(scope="session")
def zh_outputs(tmp_path_factory: pytest.TempPathFactory):
    """Issue 15: the small demo world's wage results, report and annual summary, in Chinese."""
    from tests.results_languages import build_chinese

    return build_chinese(tmp_path_factory.mktemp("languages-zh"))


@pytest.fixture(scope="session")
def en_outputs(tmp_path_factory: pytest.TempPathFactory):
    """Issue 15: the second region's results, report and annual summary, in English."""
    from tests.results_languages import build_english

    return build_english(tmp_path_factory.mktemp("languages-en"))


@pytest.fixture(scope="session")
def zh_run(tmp_path_factory: pytest.TempPathFactory) -> PlanRun:
    """A zh heat plan of the small demo world (every output, once per session)."""
    return zh_heat_run(tmp_path_factory.mktemp("zh-run"))


@pytest.fixture(scope="session")
def en_run(tmp_path_factory: pytest.TempPathFactory) -> PlanRun:
    """An en heat plan of the second region (every output, once per session)."""
    return en_heat_run(tmp_path_factory.mktemp("en-run"))
