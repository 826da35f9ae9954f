"""The synthetic demo inputs for the planner tests: the repository's (what params/*.yaml point
at, built like ``inspectlib demo`` when missing) or a private copy of a params file."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import yaml

from inspectlib.demo import build_demo_region
from inspectlib.params import read_params_file

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "params"
DEMO_INPUTS = ROOT / "outputs" / "demo" / "inputs"
DEMO_FILES = (
    "register.csv",
    "boundaries.geojson",
    "roster.xlsx",
    "findings_2024.xlsx",
    "findings_2025.xlsx",
    "findings_2026.csv",
    "warning_points.csv",
    "weather.csv",
)


def ensure_demo_inputs(folder: Path = DEMO_INPUTS) -> Path:
    """Build the demo region into ``folder`` unless it is there (locked against parallel
    test workers); the build is deterministic, so an existing one is the same data."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / ".planner-tests.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not all((folder / name).is_file() for name in DEMO_FILES):
            build_demo_region(folder)
    return folder


def copy_params(name: str, folder: Path, inputs: Path) -> Path:
    """``params/<name>.yaml`` written into ``folder``, its input paths relative to ``folder``
    and pointing into ``inputs``, its outputs under ``folder/out`` and no archive."""

    def moved(path: str) -> str:
        return Path(os.path.relpath(inputs / Path(path).name, folder)).as_posix()

    raw = read_params_file(PARAMS / f"{name}.yaml")
    for key in ("register", "boundaries", "roster", "weather", "warning_points"):
        if raw.get(key):
            raw[key] = moved(raw[key])
    raw["findings"] = [moved(p) for p in raw.get("findings", [])]
    raw["output_dir"] = f"out/{name}"
    raw.pop("store", None)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
