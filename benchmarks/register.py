"""Register import speed: demo registers of 20k / 200k / 1M firms (GBK CSV, GCJ-02, Chinese
headers) through ``load_register`` with town assignment.

Usage: ``.venv/bin/python benchmarks/register.py [--sizes 20000 200000 1000000]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from inspectlib.demo import build_demo_region
from inspectlib.errors import Problems
from inspectlib.geo import read_boundaries
from inspectlib.register import load_register


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 200_000, 1_000_000])
    args = parser.parse_args()
    print(f"{'firms':>10} {'file MB':>8} {'generate s':>11} {'import s':>9} {'warnings':>9}")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            region = build_demo_region(Path(tmp), n_firms=n)
            generated = time.perf_counter() - started
            towns = read_boundaries(region.boundaries)
            problems = Problems()
            started = time.perf_counter()
            firms = load_register(region.register, towns, coords="gcj02", problems=problems)
            imported = time.perf_counter() - started
            size = region.register.stat().st_size / 1e6
            assert len(firms) == n
            print(
                f"{n:>10,} {size:>8.1f} {generated:>11.1f} {imported:>9.2f} "
                f"{len(problems.warnings):>9,}"
            )


if __name__ == "__main__":
    main()
