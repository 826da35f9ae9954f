"""A small demo world for the end-to-end tests: the synthetic region with 2,000 firms and
its params files, built once per test session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from inspectlib.demo import DemoRegion, build_demo_region
from inspectlib.demo_run import write_demo_params

SMALL_FIRMS = 2_000


@dataclass(frozen=True)
class SmallWorld:
    """The region, its folder and its params files by name (``wage``, ..., ``annual``)."""

    root: Path
    region: DemoRegion
    params: dict[str, Path]


def build_small_world(root: Path) -> SmallWorld:
    """Build the small region under ``root/inputs`` and params under ``root/params``.

    Targets are cut down so that the schedule fits the small roster quickly.
    """
    region = build_demo_region(root / "inputs", n_firms=SMALL_FIRMS)
    files = write_demo_params(root)
    for path in files[:4]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text + "target_firms: 40\n", encoding="utf-8")
    return SmallWorld(root, region, {p.stem: p for p in files})
