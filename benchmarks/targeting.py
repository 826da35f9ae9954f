"""Targeting against the truth: expected violations found by each selection method on the
20,000-firm demo region, scored with the generator's hidden per-firm probabilities.

Rows: the four 2027 campaigns. Columns: expected violations among the drawn firms (sum of
the hidden probabilities) for a purely random draw, a "top complaints" list (most complaints
first, the usual practice), the risk-weighted 双随机 draw and the top-risk draw — all of the
same size, from the same eligible pool after the frequency cap.

Usage: ``.venv/bin/python benchmarks/targeting.py [--seeds 5]``
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from inspectlib.demo import build_demo_region
from inspectlib.demo_run import write_demo_params
from inspectlib.draw import plan_draw
from inspectlib.inputs import load_campaign_inputs
from inspectlib.params import load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5, help="draws averaged per method")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        region = build_demo_region(root / "inputs")
        files = write_demo_params(root)[:4]
        truth = pd.read_parquet(region.truth).set_index("firm_id")
        header = (
            f"{'campaign':<20} {'n':>4} {'random':>7} {'top complaints':>15} "
            f"{'risk_weighted':>14} {'top_risk':>9} {'rw/random':>10} {'model':>8}"
        )
        print(header)
        print("-" * len(header))
        for path in files:
            params = load_params(path)
            inputs = load_campaign_inputs(params)
            p = truth[f"p_{params.campaign}"]
            scores: dict[str, list[float]] = {
                m: [] for m in ("random", "risk_weighted", "top_risk")
            }
            model = ""
            for k in range(args.seeds):
                for method in scores:
                    draw = plan_draw(
                        params.model_copy(update={"selection": method, "seed": params.seed + k}),
                        inputs,
                    )
                    scores[method].append(float(p.loc[draw.selected["firm_id"]].sum()))
                    model = draw.model_report.method
            pool = draw.eligible
            n = len(draw.selected)
            rng = np.random.default_rng(0)
            key = pool["complaints_12m"].fillna(0).to_numpy(float) + rng.random(len(pool)) * 0.5
            top_complaints = pool["firm_id"].to_numpy()[np.argsort(-key)[:n]]
            complaints = float(p.loc[top_complaints].sum())
            mean = {m: float(np.mean(v)) for m, v in scores.items()}
            print(
                f"{params.campaign:<20} {n:>4} {mean['random']:>7.1f} {complaints:>15.1f} "
                f"{mean['risk_weighted']:>14.1f} {mean['top_risk']:>9.1f} "
                f"{mean['risk_weighted'] / mean['random']:>10.2f} {model:>8}"
            )


if __name__ == "__main__":
    main()
