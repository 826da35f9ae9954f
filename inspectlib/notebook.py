"""The names the campaign notebooks use, in one place (notebooks stay thin: parameters, then
calls into these)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from inspectlib import rundirs
from inspectlib.errors import ParamsError
from inspectlib.params import CampaignParams, validate_params
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

_NOT_PARAMS = {"In", "Out", "get_ipython", "exit", "quit", "open", "params_dir"}
_PLAIN = (str, int, float, bool, list, dict, type(None))


def campaign_params(namespace: Mapping[str, Any]) -> CampaignParams:
    """Validate the notebook's parameters (the ``parameters`` cell plus what papermill
    injected) with the same model the CLI uses.

    Every plain value in ``namespace`` that is not a parameter is reported as an unknown key,
    which papermill alone would only warn about. Relative paths are resolved against
    ``params_dir`` (the params file's folder; ``inspectlib plan`` sets it).
    """
    fields = set(CampaignParams.model_fields)
    raw = {k: v for k, v in namespace.items() if k in fields}
    unknown = sorted(
        k
        for k, v in namespace.items()
        if not k.startswith("_")
        and k not in fields
        and k not in _NOT_PARAMS
        and isinstance(v, _PLAIN)
    )
    if unknown:
        raise ParamsError(f"notebook parameters: unknown key(s) {', '.join(map(repr, unknown))}")
    base = Path(namespace.get("params_dir") or ".").resolve()
    return validate_params(raw, source="notebook parameters", base=base)


def output_folder(params: CampaignParams) -> Path:
    """Where this notebook run writes its files.

    Under ``inspectlib plan`` the output dir is already a fresh run folder. Run any other way
    (plain papermill, JupyterLab), a new folder ``run-…`` is made under ``output_dir`` so
    that no earlier run is overwritten.
    """
    out = Path(params.output_dir)
    if out.name.startswith(".running-"):
        return out
    fresh = rundirs.new_run_dir(out)
    return fresh.rename(fresh.with_name("run-" + fresh.name.removeprefix(".running-")))
