"""Run one campaign notebook with papermill and publish its outputs.

:func:`run_plan` is what ``inspectlib plan`` does: validate the params (before papermill
starts), execute ``notebooks/plan_campaign.ipynb`` in a fresh run folder with the project's
Jupyter kernel, export the executed notebook to a self-contained ``report.html`` without code
cells, check that no HTML output references the network, and only then mark the folder as the
latest run. A failed run keeps its partial notebook under ``failed-…`` and leaves the last good
run untouched.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspectlib import rundirs
from inspectlib.errors import InputError, InspectlibError, Problem, RunError
from inspectlib.htmlcheck import external_references, strip_external_assets
from inspectlib.params import CampaignParams, load_params

log = logging.getLogger(__name__)

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PLAN_NOTEBOOK = NOTEBOOKS / "plan_campaign.ipynb"
REPORT_NOTEBOOK = NOTEBOOKS / "campaign_report.ipynb"
NOTEBOOK_ONLY = "notebook-only"
"""Cell tag: shown in the notebook, left out of the exported report."""
ANNUAL_NOTEBOOK = NOTEBOOKS / "annual_summary.ipynb"
KERNEL_NAME = "inspectlib"
START_TIMEOUT_S = 180
KERNEL_START_ATTEMPTS = 3


@dataclass(frozen=True)
class RunResult:
    """Outcome of one run: ``status`` is ``ok`` or ``failed``; ``message`` says why it failed."""

    params_file: str
    campaign: str
    status: str
    seconds: float
    output_dir: str
    message: str = ""


def _is_kernel_start_failure(exc: BaseException) -> bool:
    """Kernel start races (papermill#511 port clashes, #239 start time-outs)."""
    text = f"{type(exc).__name__}: {exc}"
    return any(
        s in text
        for s in (
            "Address already in use",
            "Kernel didn't respond",
            "Kernel died before replying",
            "ZMQError",
            "kernel_info",
            "TimeoutError",
        )
    )


def execute_notebook(
    template: Path,
    output: Path,
    parameters: Mapping[str, Any],
    *,
    kernel_name: str = KERNEL_NAME,
    cwd: Path | None = None,
) -> None:
    """Execute a notebook with papermill, retrying only when the kernel fails to start.

    Raises
    ------
    RunError
        When a cell fails: names the cell, the exception and where the partial notebook is.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            papermill.execute_notebook(
                str(template),
                str(output),
                parameters=dict(parameters),
                kernel_name=kernel_name,
                cwd=str(cwd) if cwd else None,
                progress_bar=False,
                log_output=False,
                start_timeout=START_TIMEOUT_S,
                # the kernel only listens on 127.0.0.1; keep its start-up notices out of logs
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
                report_mode=False,
            )
            return
        except PapermillExecutionError as exc:
            raise RunError(
                template.name, exc.cell_index, exc.ename, exc.evalue, kept=str(output)
            ) from None
        except Exception as exc:
            if not _is_kernel_start_failure(exc) or attempt == KERNEL_START_ATTEMPTS:
                raise RunError(
                    template.name,
                    None,
                    type(exc).__name__,
                    str(exc),
                    kept=str(output) if output.exists() else None,
                ) from None
            wait = attempt * 2 + random.random() * 2
            log.warning("kernel failed to start (%s); retrying in %.1f s", exc, wait)
            time.sleep(wait)


def export_report(notebook: Path, html_path: Path) -> Path:
    """Export an executed notebook to self-contained HTML without code cells.

    Images are embedded, input cells, prompts and stderr are left out, and nbconvert's CDN
    references (require.js, MathJax) are removed; the result is checked for any remaining
    network reference.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(notebook, as_version=4)
    # notes for whoever opens the notebook itself (how to run it) stay out of the report
    nb.cells = [c for c in nb.cells if NOTEBOOK_ONLY not in c.get("metadata", {}).get("tags", [])]
    for cell in nb.cells:  # log noise (stderr) stays in report.ipynb, not in the report
        if cell.get("cell_type") == "code":
            cell.outputs = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(nb)
    body = strip_external_assets(body)
    leftovers = external_references(body)
    if leftovers:
        raise InspectlibError(
            f"{html_path.name}: report still references the network: {', '.join(leftovers[:5])}"
        )
    tmp = html_path.with_name(f".{html_path.name}.tmp")
    tmp.write_text(body, encoding="utf-8")
    os.replace(tmp, html_path)
    return html_path


def notebook_parameters(params: Any, run_dir: Path, params_dir: Path) -> dict:
    """The values papermill injects: validated params as plain JSON types, with absolute
    paths, ``output_dir`` set to the run folder and ``params_dir`` for relative paths."""
    values = params.model_dump(mode="json", exclude_none=True)
    values["output_dir"] = str(run_dir)
    values["params_dir"] = str(params_dir)
    return values


def _check_input_files(params: Any, params_file: str | Path) -> None:
    """Every input file the params name must exist before a kernel is started."""
    missing = []
    for name in ("register", "boundaries", "roster", "weather", "warning_points", "findings"):
        value = getattr(params, name, None)
        for path in value if isinstance(value, list) else [value]:
            if path is not None and not Path(path).is_file():
                missing.append(
                    Problem("error", str(path), f"file not found ({name} in {params_file})")
                )
    if missing:
        raise InputError(missing)


def _check_outputs(run_dir: Path) -> None:
    """The notebook's own HTML files (maps) must not reference the network either
    (``report.html`` was checked, embedded maps included, when it was exported)."""
    for html in sorted(run_dir.glob("*.html")):
        if html.name == "report.html":
            continue
        found = external_references(html.read_text(encoding="utf-8"))
        if found:
            raise InspectlibError(f"{html}: references the network: {', '.join(found[:5])}")


def run_plan(
    params_file: str | Path,
    overrides: Mapping[str, Any] | None = None,
    *,
    notebook: Path = PLAN_NOTEBOOK,
    subdir: str = "",
    record: Callable[[CampaignParams, Path], Any] | None = None,
    load: Callable[..., Any] = load_params,
    precheck: Callable[[Any], Any] | None = None,
) -> RunResult:
    """Run one campaign plan end to end (what ``inspectlib plan`` does).

    Parameters
    ----------
    params_file : str or Path
        The campaign's params YAML.
    overrides : mapping, optional
        ``--set key=value`` values, applied before validation.
    notebook : Path
        The notebook to run (default ``notebooks/plan_campaign.ipynb``).
    subdir : str
        Sub-folder of ``output_dir`` that receives the run folders (the results report uses
        ``results``).
    record : callable, optional
        Called with the params and the published folder after success (the CLI passes
        :func:`inspectlib.plan.archive_plan_run` to archive the plan).
    load : callable
        Reads and validates the params file (default :func:`~inspectlib.params.load_params`;
        the annual summary passes its own).
    precheck : callable, optional
        Called with the validated params before a kernel starts; raises
        :class:`~inspectlib.errors.InspectlibError` when the run cannot succeed (the results
        report passes :func:`inspectlib.review.latest_plan_id`: no archived plan).

    Returns
    -------
    RunResult
        ``output_dir`` is the published run folder.

    Raises
    ------
    ParamsError
        Bad params, before anything runs.
    InputError
        An input file is missing, before anything runs (so is whatever ``precheck`` raises).
    RunError
        A cell failed; the partial notebook is kept and the latest good run is untouched.
    """
    started = time.perf_counter()
    params = load(params_file, dict(overrides or {}))
    _check_input_files(params, params_file)
    if precheck is not None:
        precheck(params)
    run_dir = rundirs.new_run_dir(params.output_dir / subdir if subdir else params.output_dir)
    parameters = notebook_parameters(params, run_dir, Path(params_file).resolve().parent)
    try:
        execute_notebook(notebook, run_dir / "report.ipynb", parameters, cwd=run_dir)
        export_report(run_dir / "report.ipynb", run_dir / "report.html")
        _check_outputs(run_dir)
    except RunError as exc:
        failed = rundirs.mark_failed(run_dir)
        kept = failed / "report.ipynb"
        raise RunError(
            exc.notebook,
            exc.cell_index,
            exc.ename,
            exc.evalue,
            kept=str(kept) if kept.exists() else None,
        ) from None
    except BaseException:
        rundirs.mark_failed(run_dir)
        raise
    final = rundirs.promote(run_dir)
    if record is not None:
        record(params, final)
    return RunResult(
        str(params_file),
        getattr(params, "campaign", Path(params_file).stem),
        "ok",
        round(time.perf_counter() - started, 1),
        str(final),
    )
