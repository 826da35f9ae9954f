"""Wall time of campaign runs through papermill on the 20,000-firm demo region: one plan
run, and the four-campaign batch sequentially (``--workers 1``) versus ``--workers 2``.

Usage: ``.venv/bin/python benchmarks/runs.py`` (builds the demo inputs into a temporary
folder first). Targets: one run ≤ 30 s; batch with 2 workers ≤ 0.65 × sequential.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from inspectlib.batch import run_batch
from inspectlib.demo import build_demo_region
from inspectlib.demo_run import write_demo_params
from inspectlib.run import run_plan


def timed(label: str, work) -> float:
    started = time.perf_counter()
    results = work()
    seconds = time.perf_counter() - started
    bad = [r for r in results if r.status != "ok"]
    if bad:
        raise SystemExit(f"{label}: {bad[0].message}")
    return seconds


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build_demo_region(root / "inputs")
        files = write_demo_params(root)[:4]
        run_plan(files[0])  # warm-up: imports and caches, not measured
        one = timed("one plan", lambda: [run_plan(files[0])])
        sequential = timed("sequential", lambda: run_batch(files, workers=1))
        parallel = timed("2 workers", lambda: run_batch(files, workers=2))
    print(f"{'measurement':<38} {'seconds':>8}  target")
    print(f"{'one plan run (wage, 20k firms)':<38} {one:>8.1f}  ≤ 30 s")
    print(f"{'batch of 4, sequential (--workers 1)':<38} {sequential:>8.1f}")
    print(f"{'batch of 4, --workers 2':<38} {parallel:>8.1f}  ≤ {0.65 * sequential:.1f} s")
    print(f"{'ratio 2 workers / sequential':<38} {parallel / sequential:>8.2f}  ≤ 0.65")


if __name__ == "__main__":
    main()
