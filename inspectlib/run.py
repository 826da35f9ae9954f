"""Run one command's notebook with papermill and publish its outputs: the one run seam.

Every run (``inspectlib plan``, ``report``, ``annual``, and each run of ``batch``) is one
:class:`Job` carried out by :func:`run_job` in this order:

1. read and validate the params (:mod:`inspectlib.params`): nothing starts before they are
   valid, and every problem is reported at once;
2. check that every input file exists;
3. make a fresh, hidden run folder (:mod:`inspectlib.rundirs`);
4. **compute** the result once, in this process (the plan: inputs loaded and checked once,
   draw, schedule and audit; the results review; the annual summary);
5. **write** its files (plan.csv, plan.xlsx, maps, audit.json, …) from memory;
6. run the notebook, which **renders** that same result (handed over in the run folder,
   :func:`inspectlib.rundirs.take_over`) into ``report.ipynb``, then export ``report.html``
   without code cells and check that no HTML file references the network. The notebook's
   kernel is started in a thread at step 4, so that starting it and importing the package
   there overlap with the computation; its first cell waits for the hand-over;
7. publish the folder as the latest run and **record** the result (the plan's draft in the
   archive) from memory.

A failure before step 6 leaves nothing behind; a failure in the notebook keeps the partial
notebook under ``failed-…``; the last good run is never touched. The notebook runs on a kernel
of this very interpreter (:class:`CurrentPythonKernelManager`), so a wheel installed anywhere
runs its own notebooks without a registered kernelspec.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import random
import shutil
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from inspectlib import rundirs
from inspectlib.errors import Detail, InputError, InspectlibError, Message, Problem, RunError
from inspectlib.htmlcheck import external_references, strip_external_assets

log = logging.getLogger(__name__)

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"
"""The package's notebooks (shipped in the wheel)."""
PLAN_NOTEBOOK = NOTEBOOKS / "plan_campaign.ipynb"
REPORT_NOTEBOOK = NOTEBOOKS / "campaign_report.ipynb"
ANNUAL_NOTEBOOK = NOTEBOOKS / "annual_summary.ipynb"
PLANNER_NOTEBOOK = NOTEBOOKS / "planner.ipynb"
NOTEBOOK_ONLY = "notebook-only"
"""Cell tag: shown in the notebook, left out of the exported report."""
KERNEL_NAME = "inspectlib"
START_TIMEOUT_S = 180
KERNEL_START_ATTEMPTS = 3
Kind = Literal["plan", "report", "annual"]


@dataclass(frozen=True)
class Job:
    """What one kind of run does (see the module docstring for the order of the steps).

    The steps are named ``"module:function"`` so that a job is cheap to import and can be
    sent to another process or a Dask worker.

    Attributes
    ----------
    notebook : Path
        The notebook that renders the result.
    load : str
        ``load(params_file, overrides) -> params``.
    compute : str or None
        ``compute(params) -> result``; None runs the notebook on the params alone.
    write : str or None
        ``write(result, run_dir) -> {name: path}``.
    record : str or None
        ``record(params, result, published_dir)``, after publishing.
    subdir : str
        Sub-folder of ``output_dir`` that receives the run folders.
    """

    notebook: Path
    load: str = "inspectlib.params:load_params"
    compute: str | None = None
    write: str | None = None
    record: str | None = None
    subdir: str = ""


JOBS: dict[str, Job] = {
    "plan": Job(
        PLAN_NOTEBOOK,
        compute="inspectlib.plan:make_plan",
        write="inspectlib.plan:write_outputs",
        record="inspectlib.plan:archive_plan",
    ),
    "report": Job(
        REPORT_NOTEBOOK,
        compute="inspectlib.review:load_review",
        write="inspectlib.review:write_outputs",
        subdir="results",
    ),
    "annual": Job(
        ANNUAL_NOTEBOOK,
        load="inspectlib.annual:load_annual_params",
        compute="inspectlib.annual:annual_summary",
        write="inspectlib.annual:write_outputs",
    ),
}
"""The job of each command: ``inspectlib plan``, ``report`` and ``annual``."""


def _step(name: str) -> Callable[..., Any]:
    module, _, function = name.partition(":")
    return getattr(importlib.import_module(module), function)


@dataclass(frozen=True)
class RunResult:
    """Outcome of one run: ``status`` is ``ok`` or ``failed``; ``message`` says why it failed
    (in English, for logs; ``message_zh`` in Chinese, see :meth:`reason`)."""

    params_file: str
    campaign: str
    status: str
    seconds: float
    output_dir: str
    message: str = ""
    message_zh: str = ""

    def reason(self, language: str) -> str:
        """Why the run failed, in ``language``."""
        return self.message_zh if language == "zh" and self.message_zh else self.message


def failure_text(exc: BaseException, language: str) -> str:
    """What went wrong, in ``language``: an inspectlib error in catalogue words (one line
    per problem), any other exception as its type and text (a programming error)."""
    if isinstance(exc, InspectlibError):
        return "\n".join(exc.lines_in(language))
    return f"{type(exc).__name__}: {exc}"


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


def _kernel_manager_class() -> type:
    """A Jupyter kernel manager that starts ipykernel on this very interpreter.

    The kernelspec named ``inspectlib`` that ``make setup`` registers (for JupyterLab) is
    not needed, and a kernelspec of that name left by another environment can never run the
    notebook against another copy of the package.
    """
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class CurrentPythonKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self) -> KernelSpec:
            return KernelSpec(
                argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                display_name="Python (inspectlib)",
                language="python",
                name=KERNEL_NAME,
                resource_dir=str(NOTEBOOKS),
            )

    return CurrentPythonKernelManager


def execute_notebook(
    template: Path,
    output: Path,
    parameters: Mapping[str, Any],
    *,
    kernel_name: str = KERNEL_NAME,
) -> None:
    """Execute a notebook with papermill on this interpreter's kernel, retrying only when
    the kernel fails to start. No working folder is set: papermill would ``chdir`` the whole
    process, and the command computes in another thread meanwhile (every path is absolute).

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
                progress_bar=False,
                log_output=False,
                start_timeout=START_TIMEOUT_S,
                # the kernel only listens on 127.0.0.1; keep its start-up notices out of logs
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
                report_mode=False,
                kernel_manager_class=_kernel_manager_class(),
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
            log.warning("%s", Message("cli.log.kernel_retry", reason=Detail(exc), wait=wait))
            time.sleep(wait)


def export_report(notebook: Path, html_path: Path, title: str | None = None) -> Path:
    """Export an executed notebook to self-contained HTML without code cells.

    Images are embedded, input cells, prompts and stderr are left out, and nbconvert's CDN
    references (require.js, MathJax) are removed; the result is checked for any remaining
    network reference. ``title`` is the page's title (the report's title in its language;
    nbconvert would say "Notebook").
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(notebook, as_version=4)
    if title:  # nbconvert's lab template escapes it
        nb.metadata["title"] = title
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
    from inspectlib.report import PRINT_CSS, TABLE_CSS  # paper, and tables that read well

    body = body.replace("</head>", f"<style>{TABLE_CSS}{PRINT_CSS}</style>\n</head>", 1)
    leftovers = external_references(body)
    if leftovers:
        raise InspectlibError(
            Message(
                "cli.run.network", file=html_path.name, found=", ".join(map(str, leftovers[:5]))
            )
        )
    tmp = html_path.with_name(f".{html_path.name}.tmp")
    tmp.write_text(body, encoding="utf-8")
    os.replace(tmp, html_path)
    return html_path


def notebook_parameters(params: Any, run_dir: Path, params_dir: Path) -> dict:
    """The values papermill injects: every validated param as a plain JSON value (``None``
    included, so that no default of the notebook's parameters cell survives), with absolute
    paths, ``output_dir`` set to the run folder and ``params_dir`` for relative paths."""
    values = params.model_dump(mode="json")
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
                said = Message("problems.run.input_missing", key=name, params=str(params_file))
                missing.append(Problem("error", str(path), said))
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
            raise InspectlibError(
                Message("cli.run.network", file=str(html), found=", ".join(map(str, found[:5])))
            )


class _NotebookRun(threading.Thread):
    """The notebook of one run, executed in a thread so that its kernel starts while the
    command computes; ``error`` holds what it raised."""

    def __init__(self, notebook: Path, run_dir: Path, parameters: Mapping[str, Any]):
        super().__init__(name=f"notebook {run_dir.name}", daemon=True)
        self.notebook, self.run_dir, self.parameters = notebook, run_dir, parameters
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            execute_notebook(self.notebook, self.run_dir / "report.ipynb", self.parameters)
        except BaseException as exc:  # noqa: BLE001 - handed to the command's thread
            self.error = exc


def run_job(
    job: Job, params_file: str | Path, overrides: Mapping[str, Any] | None = None
) -> RunResult:
    """Carry out one run (see the module docstring for the steps).

    Parameters
    ----------
    job : Job
        What to run (one of :data:`JOBS`, or a job of your own).
    params_file : str or Path
        The params YAML.
    overrides : mapping, optional
        ``--set key=value`` values, applied before validation.

    Returns
    -------
    RunResult
        ``output_dir`` is the published run folder.

    Raises
    ------
    ParamsError
        Bad params, before anything runs.
    InputError, PlanningError
        Missing or bad input files, or a plan the inputs cannot carry: nothing is written.
    RunError
        A cell failed; the partial notebook is kept and the latest good run is untouched.
    """
    started = time.perf_counter()
    params = _step(job.load)(params_file, dict(overrides or {}))
    _check_input_files(params, params_file)
    base = Path(params.output_dir) / job.subdir if job.subdir else Path(params.output_dir)
    made = [p for p in (base, *base.parents) if not p.exists()]  # removed again on failure
    run_dir = rundirs.new_run_dir(base)
    parameters = notebook_parameters(params, run_dir, Path(params_file).resolve().parent)
    notebook = _NotebookRun(job.notebook, run_dir, parameters)
    computed = None
    if job.compute:
        # the kernel starts (and imports) while this process computes; it waits for the result
        rundirs.expect_handover(run_dir)
        notebook.start()
        try:
            computed = _step(job.compute)(params)
            files = _step(job.write)(computed, run_dir) if job.write else {}
            rundirs.hand_over(run_dir, computed, files)
        except BaseException as exc:
            rundirs.hand_over_failure(run_dir, f"{type(exc).__name__}: {exc}")
            notebook.join()
            shutil.rmtree(run_dir, ignore_errors=True)  # nothing of this run is kept
            for folder in made:  # nor the output folders made for it
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise
    else:
        notebook.start()
    notebook.join()
    rundirs.clear_handover(run_dir)
    try:
        if notebook.error is not None:
            raise notebook.error
        title = getattr(computed, "report_title", None)  # the plan, review or year summary
        export_report(run_dir / "report.ipynb", run_dir / "report.html", title=title)
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
    if job.record:
        _step(job.record)(params, computed, final)
    return RunResult(
        str(params_file),
        getattr(params, "campaign", Path(params_file).stem),
        "ok",
        round(time.perf_counter() - started, 1),
        str(final),
    )


def run_kind(
    kind: Kind, params_file: str | Path, overrides: Mapping[str, Any] | None = None
) -> RunResult:
    """One run the way its command does it: ``plan`` (the plan, archived as a draft),
    ``report`` (the campaign's results) or ``annual`` (the year's summary)."""
    return run_job(JOBS[kind], params_file, overrides)


def run_plan(params_file: str | Path, overrides: Mapping[str, Any] | None = None) -> RunResult:
    """What ``inspectlib plan`` does (:func:`run_kind` ``"plan"``)."""
    return run_kind("plan", params_file, overrides)
