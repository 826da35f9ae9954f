"""verify-draw at the size where it used to disagree with itself (issue 13, defect 2): 800
firms drawn from 1,600, the whole schedule re-derived three times in fresh processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from inspectlib.audit import write_audit
from inspectlib.plan import make_plan
from tests.drawdata import TOWNS, make_params, make_register, write_input_files

REPO = Path(__file__).resolve().parents[1]


def big_roster(n: int = 24) -> pd.DataFrame:
    """``n`` labour inspectors (人社局), home towns spread over the ten towns."""
    return pd.DataFrame(
        {
            "inspector_id": [f"R{i:03d}" for i in range(1, n + 1)],
            "name": [f"检查员{i:02d}" for i in range(1, n + 1)],
            "agency": "人社局",
            "home_town": [TOWNS[i % len(TOWNS)] for i in range(n)],
            "available_from": "",
            "available_to": "",
        }
    )


@pytest.fixture(scope="module")
def big_audit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big")
    paths = write_input_files(root / "data", make_register(1600, seed=13), big_roster())
    params = make_params(
        register=str(paths["register"]),
        roster=str(paths["roster"]),
        boundaries=str(paths["boundaries"]),
        target_firms=800,
        teams=8,
        firms_per_team_day=8,
        exclude_inspected_within_days=0,
    )
    plan = make_plan(params)
    assert len(plan.draw.selected) == 800 and plan.schedule.unscheduled.empty
    assert plan.draw.assignments["team"].value_counts().min() >= 99  # teams of ~100 firms
    return write_audit(plan.audit, root / "out" / "audit.json")


def test_verify_draw_matches_three_times_in_fresh_processes(big_audit: Path) -> None:
    recorded = json.loads(big_audit.read_text(encoding="utf-8"))
    assert len(recorded["schedule"]["visits"]) == 800
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-m", "inspectlib.cli", "verify-draw", str(big_audit)],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=600,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.splitlines()[0] == "MATCH"


def test_the_schedule_audit_holds_nothing_timed(big_audit: Path) -> None:
    """Every solver field recorded is reproducible (no seconds, no time limit)."""
    solver = json.loads(big_audit.read_text(encoding="utf-8"))["schedule"]["solver"]
    assert set(solver["teams"]["T01"]) == {
        "strategy",
        "status",
        "optimum_reached",
        "solution_limit",
        "days",
    }
    assert all(team["optimum_reached"] for team in solver["teams"].values())
    assert "time limit" not in json.dumps(solver).replace("no time limit", "")
