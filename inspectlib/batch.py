"""Run many campaign plans at once: local worker processes, or a Dask cluster.

One failing run never stops the others; each run's outcome is a :class:`RunResult`.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Literal

from inspectlib.errors import InspectlibError
from inspectlib.plan import archive_plan_run
from inspectlib.run import ANNUAL_NOTEBOOK, PLAN_NOTEBOOK, REPORT_NOTEBOOK, RunResult, run_plan

log = logging.getLogger(__name__)

Progress = Callable[[int, int, RunResult], None]
Kind = Literal["plan", "report", "annual"]


def run_kind(
    kind: Kind,
    params_file: str | Path,
    overrides: Mapping[str, Any] | None = None,
    *,
    notebook: Path | None = None,
) -> RunResult:
    """One run the way its command does it (raises on failure).

    ``plan``: campaign params, the plan notebook, the published plan archived when the params
    name a store (``inspectlib plan``). ``report``: campaign params, the results notebook into
    ``results/``, after checking that the archive holds the plan (``inspectlib report``).
    ``annual``: annual params, the annual notebook (``inspectlib annual``). ``notebook``
    replaces the kind's notebook (tests run a small one).
    """
    if kind == "annual":
        from inspectlib.annual import load_annual_params

        return run_plan(
            params_file, overrides, notebook=notebook or ANNUAL_NOTEBOOK, load=load_annual_params
        )
    if kind == "report":
        from inspectlib.review import latest_plan_id

        return run_plan(
            params_file,
            overrides,
            notebook=notebook or REPORT_NOTEBOOK,
            subdir="results",
            precheck=latest_plan_id,
        )
    from inspectlib.inputs import check_input_files

    return run_plan(
        params_file,
        overrides,
        notebook=notebook or PLAN_NOTEBOOK,
        record=archive_plan_run,
        # a bad input file: one line per problem and no run folder (a test's own notebook
        # reads no inputs)
        precheck=check_input_files if notebook is None else None,
    )


def run_one(
    params_file: str,
    overrides: Mapping[str, Any] | None = None,
    stagger_s: float = 0.0,
    notebook: Path | None = None,
    kind: Kind = "plan",
) -> RunResult:
    """:func:`run_kind`, with any failure turned into a failed :class:`RunResult` (never
    raises). ``stagger_s`` spreads kernel starts out a little (papermill#511: kernels
    started in the same instant can race for the same ports).
    """
    if stagger_s:
        time.sleep(random.uniform(0, stagger_s))
    started = time.perf_counter()
    try:
        return run_kind(kind, params_file, overrides, notebook=notebook)
    except InspectlibError as exc:
        message = str(exc)
    except Exception as exc:  # noqa: BLE001 - a batch reports every failure and goes on
        message = f"{type(exc).__name__}: {exc}"
    campaign = Path(params_file).stem
    return RunResult(
        str(params_file), campaign, "failed", round(time.perf_counter() - started, 1), "", message
    )


def run_batch(
    params_files: Sequence[str | Path],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    notebook: Path | None = None,
    kind: Kind = "plan",
) -> list[RunResult]:
    """Run every params file; return the results in the order of ``params_files``.

    Parameters
    ----------
    params_files : sequence of path
        One params YAML per run.
    workers : int, optional
        Local worker processes (default: the number of files, at most 4). Ignored with
        ``scheduler``.
    scheduler : str, optional
        Address of a Dask distributed scheduler (``tcp://host:8786``): the runs are submitted
        there instead, for batches past one machine. The params files and inputs must be
        reachable under the same paths on the workers (a shared file system).
    overrides : mapping, optional
        ``--set`` values applied to every run.
    progress : callable, optional
        Called as ``progress(done, total, result)`` after each run finishes.
    notebook : Path, optional
        Replaces the kind's notebook in every run.
    kind : {"plan", "report", "annual"}
        What the runs are (see :func:`run_kind`).
    """
    files = [str(Path(f)) for f in params_files]
    results: dict[int, RunResult] = {}

    def finished(i: int, result: RunResult) -> None:
        results[i] = result
        if progress:
            progress(len(results), len(files), result)

    if scheduler:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed

        with Client(scheduler, timeout="30s") as client:
            futures = {
                client.submit(
                    run_one,
                    f,
                    overrides,
                    1.0,
                    notebook,
                    kind,
                    pure=False,
                    key=f"{kind}-{i}-{Path(f).stem}",
                ): i
                for i, f in enumerate(files)
            }
            for future in dask_completed(futures):
                finished(futures[future], future.result())
    else:
        workers = workers or min(len(files), 4)
        stagger = 1.0 if workers > 1 else 0.0
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {
                pool.submit(run_one, f, overrides, stagger, notebook, kind): i
                for i, f in enumerate(files)
            }
            for future in as_completed(futures):
                finished(futures[future], future.result())
    return [results[i] for i in range(len(files))]


def results_table(results: Sequence[RunResult]) -> str:
    """A plain-text table: campaign, status, seconds, output dir (or why it failed)."""
    rows = [("params", "campaign", "status", "seconds", "output / error")]
    rows += [
        (
            Path(r.params_file).name,
            r.campaign,
            r.status,
            f"{r.seconds:.1f}",
            r.output_dir if r.status == "ok" else r.message.splitlines()[0][:160],
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths, strict=True)) + "  " + row[4]
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)
