"""What the demo's inspectors "find" when they carry out a plan: results drawn from the
hidden per-firm violation probabilities, written back the way inspectors send them (an
XLSX sheet with Chinese headers). Used by ``inspectlib demo`` to close the loop
plan → inspect → record → report, and by tests that check the report against the truth.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from inspectlib.demo import files
from inspectlib.demo.history import P_CLOSED, P_NOT_FOUND, P_REFUSED, _details

COMPLETION = 0.97
"""Share of scheduled visits that actually take place (illness, weather, ...)."""


def simulate_findings(
    plan: pd.DataFrame,
    teams: pd.DataFrame,
    truth: pd.DataFrame,
    register: pd.DataFrame,
    campaign: str,
    seed: int,
) -> pd.DataFrame:
    """Inspection results of a carried-out plan, in the canonical findings columns.

    Parameters
    ----------
    plan : DataFrame
        ``plan.csv`` rows: ``firm_id``, ``team``, ``date`` (NaT for unscheduled firms, which
        are not visited).
    teams : DataFrame
        ``team``, ``inspector_id``: team labels become the members' ids joined by ``+``.
    truth : DataFrame
        ``firm_id`` and ``p_<campaign>``, the hidden violation probabilities.
    register : DataFrame
        Canonical register (employees, outdoor work, industry section).
    campaign : str
        Campaign id.
    seed : int
        Seed; the same inputs and seed give the same results.
    """
    rng = np.random.default_rng(seed)
    visits = plan[plan["date"].notna()].sort_values(["date", "team", "visit_order"])
    visits = visits[rng.random(len(visits)) < COMPLETION].reset_index(drop=True)
    p = visits["firm_id"].map(truth.set_index("firm_id")[f"p_{campaign}"]).to_numpy(float)
    u = rng.random(len(visits))
    result = np.where(u < p, "violation", "compliant").astype(object)
    other = rng.random(len(visits))
    result[other < P_CLOSED + P_NOT_FOUND + P_REFUSED] = "refused"
    result[other < P_CLOSED + P_NOT_FOUND] = "not_found"
    result[other < P_CLOSED] = "closed"
    labels = teams.groupby("team")["inspector_id"].agg(lambda ids: "+".join(sorted(ids)))
    firms = register.set_index("firm_id").loc[visits["firm_id"]].reset_index()
    firms["group"] = np.where(firms["industry_section"] == "E", "construction", "other")
    firms["outdoor_work"] = firms["outdoor_work"].fillna(False).astype(bool)
    firms["employees"] = firms["employees"].fillna(10).astype(int).clip(lower=1)
    rows = pd.DataFrame(
        {
            "firm_id": visits["firm_id"],
            "campaign": campaign,
            "inspection_date": pd.to_datetime(visits["date"]),
            "team": visits["team"].map(labels),
            "result": result,
            "firm": np.arange(len(visits)),
        }
    )
    _details(rng, rows, firms)
    rows["stratum"] = visits["stratum"].to_numpy() if "stratum" in visits else ""
    return rows.drop(columns=["firm"])


def write_inspector_sheet(findings: pd.DataFrame, path: Path) -> Path:
    """Write findings as inspectors return them: XLSX, Chinese headers and words."""
    return files.write_findings_xlsx(files.findings_table(findings, "zh"), path)
