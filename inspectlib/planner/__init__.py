"""The interactive planner: tune a campaign's draw in JupyterLab before committing to it.

``notebooks/planner.ipynb`` is two lines of it::

    planner = Planner.from_params_file("params/wage.yaml")
    planner.display()

Modules: :mod:`~inspectlib.planner.state` (choices → the draw, with the expensive parts
computed once per session; no widgets), :mod:`~inspectlib.planner.summary` (counts, hit
rate, fingerprint), :mod:`~inspectlib.planner.export` (find the params file; write the
choices back), :mod:`~inspectlib.planner.debounce`, :mod:`~inspectlib.planner.view` (HTML)
and :mod:`~inspectlib.planner.widgets` (ipywidgets).
"""

from inspectlib.planner.debounce import Debouncer
from inspectlib.planner.export import ExportedParams, export_params, find_params_file
from inspectlib.planner.state import PlannerChoices, PlannerSession
from inspectlib.planner.summary import HitRate, PlannerSummary
from inspectlib.planner.widgets import Planner

__all__ = [
    "Debouncer",
    "ExportedParams",
    "HitRate",
    "Planner",
    "PlannerChoices",
    "PlannerSession",
    "PlannerSummary",
    "export_params",
    "find_params_file",
]
