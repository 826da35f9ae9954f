"""Shared pytest fixtures."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.drawdata import FakeInputs, empty_findings, make_register, make_roster
from tests.postgres import postgres_url  # noqa: F401  (fixture: throwaway PostgreSQL)


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
