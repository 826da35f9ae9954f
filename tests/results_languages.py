"""Results-side outputs built once in Chinese (the small demo world) and once in English (the
second region), and the checks that say whether a text holds only its language (issue 15).

Used by tests/test_results_languages.py and tests/browser/test_results_languages_browser.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from inspectlib.adoption import adopt_run
from inspectlib.catalogue.languages import chinese_runs, english_sentences
from inspectlib.cli import main
from inspectlib.run import run_kind


@dataclass(frozen=True)
class LanguageOutputs:
    """Where one language's plan, results report and annual summary were written."""

    language: str
    plan_dir: Path
    report_dir: Path
    annual_dir: Path
    params_file: Path
    data: frozenset[str]
    """Text values read from the input files (names, towns, agencies): not the toolkit's words."""


def foreign_text(text: str, language: str, data: Iterable[str] = ()) -> list[str]:
    """What in ``text`` is not in ``language``: English sentences in a zh text, Chinese runs
    (apart from ``data`` values) in an en text."""
    if language == "zh":
        return english_sentences(text)
    return chinese_runs(text, set(data))


def data_values(*frames: pd.DataFrame) -> frozenset[str]:
    """Every text cell of the input frames, stripped (and the parts of ``；``-joined lists)."""
    values: set[str] = set()
    for frame in frames:
        for column in frame.columns:
            for value in frame[column].dropna():
                if isinstance(value, str):
                    values.add(value.strip())
                    values.update(part.strip() for part in value.split("；"))
    return frozenset(v for v in values if v)


def _ok(result) -> Path:
    assert result.status == "ok", result.message
    return Path(result.output_dir)


def build_chinese(root: Path) -> LanguageOutputs:
    """The small demo world (Chinese, synthetic): the wage plan, adopted, carried out by the
    synthetic inspectors and recorded; then its results report and the annual summary."""
    from inspectlib.demo_run import carry_out_plan
    from inspectlib.geo import read_boundaries
    from inspectlib.register import load_register
    from tests.demo_world import build_small_world

    world = build_small_world(root)
    params = world.params["wage"]
    plan_dir = _ok(run_kind("plan", params))
    adopt_run(plan_dir)
    register = load_register(
        world.region.register, read_boundaries(world.region.boundaries), coords="gcj02"
    )
    sheet = carry_out_plan(plan_dir, world.region, register, "wage", seed=5)
    assert main(["record", str(sheet), "--params", str(params)]) == 0
    report_dir = _ok(run_kind("report", params))
    annual_dir = _ok(run_kind("annual", world.params["annual"]))
    return LanguageOutputs("zh", plan_dir, report_dir, annual_dir, params, frozenset())


ANNUAL_EN = """year: 2027
register: data/企业名录.csv
boundaries: data/镇街边界.geojson
coords: gcj02
language: en
synthetic: true
output_dir: out/annual
"""


def build_english(root: Path) -> LanguageOutputs:
    """The second region with ``language: en`` (and the synthetic banner): the illegal
    employment plan (teams from several agencies), adopted; findings of every kind
    recorded; then its results report and an English annual summary."""
    from tests.second_region import TOWNS, build_second_region, register_frame, roster_frame

    region = build_second_region(root, n_firms=400)
    params = region.params["illegal_employment"]
    params.write_text(
        params.read_text(encoding="utf-8") + "target_firms: 30\nlanguage: en\nsynthetic: true\n",
        encoding="utf-8",
    )
    plan_dir = _ok(run_kind("plan", params))
    adopt_run(plan_dir)
    plan = pd.read_csv(plan_dir / "plan.csv", dtype={"firm_id": str}, encoding="utf-8-sig")
    visited = plan[plan["date"].notna()].head(16).reset_index(drop=True)
    kinds = ["violation", "compliant", "violation", "closed", "not_found", "refused"]
    result = [kinds[i % len(kinds)] for i in range(len(visited))]
    sheet = root / "findings-en.csv"
    pd.DataFrame(
        {
            "firm_id": visited["firm_id"],
            "campaign": "illegal_employment",
            "inspection_date": visited["date"],
            "team": visited["team"],
            "result": result,
            "workers_affected": [3 if r == "violation" else 0 for r in result],
            "back_wages_yuan": [1200.0 if r == "violation" else 0.0 for r in result],
            "fine_yuan": [500.0 if r == "violation" else 0.0 for r in result],
            "rectification_due": ["2027-08-31" if r == "violation" else "" for r in result],
        }
    ).to_csv(sheet, index=False)
    assert main(["record", str(sheet), "--params", str(params)]) == 0
    report_dir = _ok(run_kind("report", params))
    annual = root / "annual.yaml"
    annual.write_text(ANNUAL_EN, encoding="utf-8")
    annual_dir = _ok(run_kind("annual", annual))
    register = register_frame(400, 11)[["企业名称", "所属镇(区)"]]  # names and towns only
    roster = roster_frame()[["姓名", "单位", "户籍镇区"]]  # people, their agencies and towns
    data = data_values(register, roster, pd.DataFrame({"town": list(TOWNS)}))
    return LanguageOutputs("en", plan_dir, report_dir, annual_dir, params, data)
