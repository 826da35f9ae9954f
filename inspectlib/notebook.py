"""The names the campaign notebooks use, in one place (notebooks stay thin: parameters, then
calls into these)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from inspectlib import rundirs
from inspectlib.params import CampaignParams, namespace_params, validate_params
from inspectlib.plan import CampaignPlan, make_plan, write_outputs
from inspectlib.report import (
    audit_summary,
    breakdowns,
    checklist,
    plan_map,
    summary,
    timetable,
    town_chart,
)

__all__ = [
    "CampaignPlan",
    "audit_summary",
    "breakdowns",
    "campaign_params",
    "checklist",
    "make_plan",
    "output_folder",
    "plan_map",
    "summary",
    "timetable",
    "town_chart",
    "write_outputs",
]


def campaign_params(namespace: Mapping[str, Any]) -> CampaignParams:
    """Validate the notebook's parameters with the same model the CLI uses; unknown keys
    are errors and relative paths are resolved against ``params_dir`` (the params file's
    folder; ``inspectlib plan`` sets it)."""
    raw, base = namespace_params(namespace, CampaignParams.model_fields)
    return validate_params(raw, source="notebook parameters", base=base)


def output_folder(params: CampaignParams) -> Path:
    """Where this notebook run writes its files.

    Under ``inspectlib plan`` the output dir is already a fresh run folder. Run any other way
    (plain papermill, JupyterLab), a new folder ``run-…`` is made under ``output_dir`` so
    that no earlier run is overwritten.
    """
    out = Path(params.output_dir)
    if out.name.startswith(rundirs.RUNNING):
        return out
    return rundirs.new_run_dir(out, prefix="run-")
