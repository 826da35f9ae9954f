"""The names the campaign notebooks use, in one place (notebooks stay thin: parameters, then
calls into these)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspectlib import rundirs
from inspectlib.params import CampaignParams, namespace_params, validate_params
from inspectlib.plan import CampaignPlan, make_plan, write_outputs
from inspectlib.report import (
    audit_summary,
    breakdowns,
    checklist,
    input_warnings,
    plan_map,
    summary,
    timetable,
    town_chart,
)
from inspectlib.rundirs import take_over

if TYPE_CHECKING:
    from inspectlib.annual import AnnualParams, AnnualSummary
    from inspectlib.review import CampaignReview

__all__ = [
    "CampaignPlan",
    "audit_summary",
    "breakdowns",
    "campaign_params",
    "checklist",
    "input_warnings",
    "make_plan",
    "output_folder",
    "plan_map",
    "plan_run",
    "results_run",
    "annual_run",
    "summary",
    "timetable",
    "town_chart",
    "write_outputs",
]


def computed_run(
    params: Any,
    compute: Callable[[Any], Any],
    write: Callable[[Any, Path], dict[str, Path]],
) -> tuple[Any, dict[str, Path]]:
    """What a notebook renders, and the files written from it.

    Run by an ``inspectlib`` command, the command has computed and written it already and
    hands it over (:func:`inspectlib.rundirs.take_over`): nothing is loaded or computed twice.
    Run any other way (JupyterLab, plain papermill), it is computed here with ``compute`` and
    written with ``write`` into a new folder (:func:`output_folder`).
    """
    handed = take_over(params.output_dir)
    if handed is not None:
        return handed
    computed = compute(params)
    return computed, write(computed, output_folder(params))


def plan_run(params: CampaignParams) -> tuple[CampaignPlan, dict[str, Path]]:
    """The plan this notebook shows and its files (plan.csv, plan.xlsx, maps, audit.json):
    see :func:`computed_run`."""
    return computed_run(params, make_plan, write_outputs)


def results_run(params: CampaignParams) -> tuple[CampaignReview, dict[str, Path]]:
    """The campaign results this notebook shows and their files (maps, results.xlsx, the
    public list): see :func:`computed_run`."""
    from inspectlib import review  # the plan notebook does not pay for the archive's imports

    return computed_run(params, review.load_review, review.write_outputs)


def annual_run(params: AnnualParams) -> tuple[AnnualSummary, dict[str, Path]]:
    """The annual summary this notebook shows and its files: see :func:`computed_run`."""
    from inspectlib import annual

    return computed_run(params, annual.annual_summary, annual.write_outputs)


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
