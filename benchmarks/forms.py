"""Time the three field documents (routes, 告知书, 检查记录表) of plans of growing size.

Run: ``.venv/bin/python benchmarks/forms.py``. Builds the demo region (4,000 firms) in a
temporary folder, plans the wage campaign for 40, 125 and 400 firms and prints, for each, the
seconds to write each document, its size and its page count as written (page breaks and
sections; one page per firm for notices and records). Target: a campaign of the real size
(125 firms) writes all three documents in under 10 s on one core.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import docx
from docx.oxml.ns import qn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inspectlib.demo import build_demo_region  # noqa: E402
from inspectlib.demo_run import write_demo_params  # noqa: E402
from inspectlib.forms import FORMS  # noqa: E402
from inspectlib.forms._docx import save  # noqa: E402
from inspectlib.params import load_params  # noqa: E402
from inspectlib.plan import make_plan  # noqa: E402

SIZES = (40, 125, 400)
TARGET_S = 10.0


def page_count(path: Path) -> int:
    body = docx.Document(str(path)).element.body
    breaks = sum(
        1
        for flag in body.iter(qn("w:pageBreakBefore"))
        if flag.get(qn("w:val")) not in ("0", "false")
    )
    sections = len(list(body.iter(qn("w:sectPr"))))
    return breaks + sections


def main() -> int:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build_demo_region(root / "inputs", n_firms=4_000)
        wage = next(p for p in write_demo_params(root) if p.stem == "wage")
        base = wage.read_text(encoding="utf-8")
        for size in SIZES:
            wage.write_text(base + f"target_firms: {size}\n", encoding="utf-8")
            plan = make_plan(load_params(wage))
            total = 0.0
            for name, build in FORMS.items():
                start = time.perf_counter()
                path = save(build(plan), root / f"{size}-{name}")
                seconds = time.perf_counter() - start
                total += seconds
                kib = path.stat().st_size / 1024
                rows.append((len(plan.table), name, seconds, kib, page_count(path)))
            rows.append((len(plan.table), "all three", total, float("nan"), 0))
    print(f"{'firms':>6} {'document':<14} {'seconds':>8} {'KiB':>8} {'pages':>6}")
    for firms, name, seconds, kib, n_pages in rows:
        print(f"{firms:>6} {name:<14} {seconds:>8.2f} {kib:>8.0f} {n_pages or '':>6}")
    real = [s for f, n, s, _, _ in rows if n == "all three" and f <= 125]
    ok = all(s < TARGET_S for s in real)
    print(
        f"target: all three documents for ≤125 firms in < {TARGET_S:.0f} s: {'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
