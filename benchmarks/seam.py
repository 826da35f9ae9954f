"""Wall time of one run through the run seam (kernel start included), on a region that is
not the demo (tests/second_region.py: other towns, GBK register, section-letter codes, GCJ-02,
minimal params):

- ``inspectlib plan`` on a 30,000-firm register (target ≤ 10 s);
- ``inspectlib report`` whose params name a 1,000,000-firm register that holds the planned
  firms (target ≤ 10 s): the report reads only the firms it needs.

It also counts how often a plan reads and validates the register (``load_register``).

Usage: ``.venv/bin/python benchmarks/seam.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inspectlib import register as register_module  # noqa: E402
from inspectlib.archive import open_archive  # noqa: E402
from inspectlib.inputs import load_findings  # noqa: E402
from inspectlib.run import run_kind  # noqa: E402
from tests.second_region import build_second_region, register_frame  # noqa: E402


def timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        region = build_second_region(Path(tmp) / "region", n_firms=30_000)
        params = region.params["wage"]
        run_kind("plan", region.params["heat"])  # warm-up: imports and caches, not measured
        calls = []
        real = register_module.load_register

        def counting(*args, **kwargs):
            calls.append(kwargs.get("firm_ids") is None)
            return real(*args, **kwargs)

        with mock.patch("inspectlib.inputs.load_register", counting):
            plan_s, plan = timed(lambda: run_kind("plan", params))
        run = Path(plan.output_dir)

        table = pd.read_csv(run / "plan.csv", dtype={"firm_id": str}, encoding="utf-8-sig")
        visited = table[table["date"].notna()]
        sheet = region.root / "findings.csv"
        pd.DataFrame(
            {
                "firm_id": visited["firm_id"],
                "campaign": "wage",
                "inspection_date": visited["date"],
                "team": visited["team"],
                "result": ["violation" if i % 3 == 0 else "compliant" for i in range(len(visited))],
            }
        ).to_csv(sheet, index=False)
        with open_archive(f"sqlite:///{region.root}/outputs/archive.sqlite") as archive:
            archive.record_findings(load_findings([sheet]), source=str(sheet))

        big = register_frame(1_000_000, seed=3)
        small = pd.read_csv(region.register, dtype=str, encoding="gbk")
        big = pd.concat([small, big.iloc[len(small) :]], ignore_index=True)
        big.to_csv(region.root / "data" / "province.csv", index=False, encoding="gbk")
        province = region.root / "wage_province.yaml"
        province.write_text(
            params.read_text(encoding="utf-8").replace("企业名录.csv", "province.csv"),
            encoding="utf-8",
        )
        report_s, _ = timed(lambda: run_kind("report", province))

    print(f"{'measurement':<58} {'value':>8}  target")
    print(f"{'plan, 30,000-firm register (s, kernel included)':<58} {plan_s:>8.1f}  ≤ 10 s")
    print(f"{'report, 1,000,000-firm register (s, kernel included)':<58} {report_s:>8.1f}  ≤ 10 s")
    print(f"{'register reads per plan (full import)':<58} {sum(calls):>8d}  1")


if __name__ == "__main__":
    main()
