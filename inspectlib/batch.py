"""Run many campaign plans at once: local worker processes, or a Dask cluster.

One failing run never stops the others; each run's outcome is a :class:`RunResult`.
"""

from __future__ import annotations

import logging
import random
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from inspectlib import catalogue
from inspectlib.errors import InspectlibError
from inspectlib.run import JOBS, Job, Kind, RunResult, failure_text, run_job

log = logging.getLogger(__name__)

Progress = Callable[[int, int, RunResult], None]


def run_one(
    params_file: str,
    overrides: Mapping[str, Any] | None = None,
    stagger_s: float = 0.0,
    job: Job = JOBS["plan"],
) -> RunResult:
    """:func:`inspectlib.run.run_job`, with any failure turned into a failed
    :class:`RunResult` (never raises). ``stagger_s`` spreads kernel starts out a little (papermill#511: kernels
    started in the same instant can race for the same ports).
    """
    if stagger_s:
        time.sleep(random.uniform(0, stagger_s))
    started = time.perf_counter()
    try:
        return run_job(job, params_file, overrides)
    except Exception as exc:  # noqa: BLE001 - a batch reports every failure and goes on
        message = str(exc) if isinstance(exc, InspectlibError) else failure_text(exc, "en")
        message_zh = failure_text(exc, "zh")
    campaign = Path(params_file).stem
    return RunResult(
        str(params_file),
        campaign,
        "failed",
        round(time.perf_counter() - started, 1),
        "",
        message,
        message_zh,
    )


def run_batch(
    params_files: Sequence[str | Path],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    kind: Kind = "plan",
    job: Job | None = None,
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
    kind : {"plan", "report", "annual"}
        What the runs are (see :func:`inspectlib.run.run_kind`).
    job : Job, optional
        Replaces the kind's job in every run.
    """
    job = job or JOBS[kind]
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
                    job,
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
                pool.submit(run_one, f, overrides, stagger, job): i for i, f in enumerate(files)
            }
            for future in as_completed(futures):
                finished(futures[future], future.result())
    return [results[i] for i in range(len(files))]


def results_table(results: Sequence[RunResult], language: str = "en") -> str:
    """A plain-text table: campaign, status, seconds, output dir (or why it failed), with
    headers and statuses in ``language`` (Chinese characters count as two columns wide).

    Examples
    --------
    >>> from inspectlib.run import RunResult
    >>> print(results_table([RunResult("p/wage.yaml", "wage", "ok", 1.5, "out/wage")], "zh"))
    参数文件   专项检查  状态  用时（秒）  输出文件夹 / 错误
    --------------------------------------------------------
    wage.yaml  wage      完成  1.5         out/wage
    """
    words = catalogue.words("cli", language)
    header = words["batch"]["table"]
    rows = [(header["params"], header["campaign"], header["status"], header["seconds"])]
    rows[0] += (header["output"],)
    rows += [
        (
            Path(r.params_file).name,
            r.campaign,
            words["status"].get(r.status, r.status),
            f"{r.seconds:.1f}",
            r.output_dir if r.status == "ok" else r.reason(language).splitlines()[0][:160],
        )
        for r in results
    ]
    widths = [max(_width(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(_pad(cell, w) for cell, w in zip(row[:4], widths, strict=True)) + "  " + row[4]
        for row in rows
    ]
    lines.insert(1, "-" * _width(lines[0]))
    return "\n".join(lines)


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
