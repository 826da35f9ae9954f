"""Two published plan runs for the language checks of every output, built once per process:
a **zh** heat plan of the small demo world (weather, hot-day rules, calendar and schedule
notices) and an **en** heat plan of the second region (tests/second_region.py: other towns,
Chinese headers and names, no weather), each through papermill as ``inspectlib plan`` does.

The data values of the second region (firm names, towns, people, agencies, addresses, file
names) are what an en output may show in Chinese: :func:`data_values` lists them."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from inspectlib.run import run_plan
from inspectlib.rundirs import latest

HTML_OUTPUTS = ("report.html", "map.html", "map_public.html")


@dataclass(frozen=True)
class PlanRun:
    """A published run: its folder, its language and the Chinese data values it may show."""

    run_dir: Path
    language: str
    data: frozenset[str]

    def read(self, name: str) -> str:
        return (self.run_dir / name).read_text(encoding="utf-8-sig")


def _published(params_file: Path) -> Path:
    result = run_plan(params_file)
    assert result.status == "ok", result.message
    run = latest(Path(result.output_dir).parent) or Path(result.output_dir)
    assert (run / "report.html").exists(), run
    return run


@functools.cache
def zh_heat_run(root: Path) -> PlanRun:
    """The small demo world's heat plan, in Chinese (the params' default language)."""
    from tests.demo_world import build_small_world

    world = build_small_world(root)
    return PlanRun(_published(world.params["heat"]), "zh", frozenset())


@functools.cache
def en_heat_run(root: Path) -> PlanRun:
    """The second region's heat plan with ``language: en``."""
    from tests.second_region import build_second_region

    region = build_second_region(root)
    params = region.params["heat"]
    english = params.with_name("heat_en.yaml")
    text = params.read_text(encoding="utf-8").replace("out/heat", "out/heat_en")
    english.write_text(text + "language: en\n", encoding="utf-8")
    run = _published(english)
    return PlanRun(run, "en", data_values(region.register, region.roster, region.boundaries))


def data_values(*files: Path) -> frozenset[str]:
    """Every Chinese text cell (and file name) of the input files: names, towns, agencies,
    addresses, people: the values an English output shows as they were given."""
    values: set[str] = set()
    for path in files:
        values.add(path.name)
        if path.suffix == ".csv":
            for encoding in ("utf-8-sig", "gbk"):
                try:
                    frame = pd.read_csv(path, dtype=str, encoding=encoding)
                    break
                except UnicodeDecodeError:
                    continue
        else:
            import geopandas as gpd

            frame = pd.DataFrame(gpd.read_file(path).drop(columns="geometry")).astype(str)
        for column in frame.columns:
            values.update(frame[column].dropna().astype(str))
    return frozenset(v for v in values if re.search(r"[\u3400-\u9fff]", v))
