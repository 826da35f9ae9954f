"""Run the demo end to end: build the synthetic region, read it back through the importers."""

from __future__ import annotations

from inspectlib.demo import DemoRegion
from inspectlib.errors import Problems
from inspectlib.geo import read_boundaries
from inspectlib.inputs import load_findings, load_roster, load_warning_points, load_weather
from inspectlib.register import load_register


def check_demo_inputs(region: DemoRegion) -> list[str]:
    """Read every demo file back through the same importers users' files go through.

    Returns one summary line per file (rows read, warnings); raises :class:`InputError` if
    the generator ever wrote something the importers reject.
    """
    lines = []

    def line(path, rows: int, problems: Problems) -> None:
        lines.append(f"{path.name}: {rows:,} rows, {len(problems.warnings):,} warnings")

    problems = Problems()
    towns = read_boundaries(region.boundaries, problems)
    line(region.boundaries, len(towns), problems)
    problems = Problems()
    firms = load_register(region.register, towns, coords=region.coords, problems=problems)
    line(region.register, len(firms), problems)
    problems = Problems()
    line(region.roster, len(load_roster(region.roster, problems)), problems)
    for path in region.findings:
        problems = Problems()
        line(path, len(load_findings([path], problems)), problems)
    problems = Problems()
    line(region.weather, len(load_weather(region.weather, problems)), problems)
    problems = Problems()
    line(region.warning_points, len(load_warning_points(region.warning_points, problems)), problems)
    return lines
