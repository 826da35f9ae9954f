"""Register import speed and peak memory: demo registers of 20k / 200k / 1M firms (Chinese
headers, GCJ-02 coordinates, values as people type them) through ``load_register``: reading,
validation (USCC check characters, duplicates, values) and the town join.

Each register is imported twice, as the GB18030/GBK CSV the demo writes and as Parquet (the
same columns and text values), each in a fresh process so that the peak memory (maximum
resident set size of that process, interpreter and libraries included) is the import's own.
Target: 1,000,000 firms in under 20 s and 4 GB.

Usage: ``.venv/bin/python benchmarks/register.py [--sizes 20000 200000 1000000]``
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from inspectlib.demo import build_demo_region
from inspectlib.errors import Problems
from inspectlib.geo import read_boundaries
from inspectlib.register import load_register
from inspectlib.tables import decode_text

TARGET_S, TARGET_GB = 20.0, 4.0


def import_register(register: Path, boundaries: Path) -> tuple[int, int, float, float]:
    """In a fresh process: rows, warnings, seconds and peak RSS (MB) of one import."""
    towns = read_boundaries(boundaries)
    problems = Problems()
    started = time.perf_counter()
    firms = load_register(register, towns, coords="gcj02", problems=problems)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return len(firms), len(problems.warnings), seconds, peak_mb


def in_fresh_process(register: Path, boundaries: Path) -> tuple[int, int, float, float]:
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        return pool.submit(import_register, register, boundaries).result()


def as_parquet(csv: Path) -> Path:
    """The CSV's columns and text values as a Parquet file."""
    text = decode_text(csv.read_bytes(), csv)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    out = csv.with_suffix(".parquet")
    frame.to_parquet(out, index=False)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 200_000, 1_000_000])
    args = parser.parse_args()
    head = (
        f"{'firms':>10} {'format':>8} {'file MB':>8} {'import s':>9} {'rows/s':>10} "
        f"{'peak MB':>8} {'warnings':>9}"
    )
    print(head)
    print("-" * len(head))
    verdict = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            region = build_demo_region(Path(tmp), n_firms=n)
            for fmt, path in (("csv", region.register), ("parquet", as_parquet(region.register))):
                rows, warnings, seconds, peak = in_fresh_process(path, region.boundaries)
                assert rows == n
                size = path.stat().st_size / 1e6
                print(
                    f"{n:>10,} {fmt:>8} {size:>8.1f} {seconds:>9.2f} {n / seconds:>10,.0f} "
                    f"{peak:>8,.0f} {warnings:>9,}"
                )
                if n == 1_000_000:
                    verdict.append(seconds < TARGET_S and peak < TARGET_GB * 1024)
    if verdict:
        met = "met" if all(verdict) else "NOT met"
        print(f"target (1M firms < {TARGET_S:g} s and < {TARGET_GB:g} GB, both formats): {met}")


if __name__ == "__main__":
    main()
