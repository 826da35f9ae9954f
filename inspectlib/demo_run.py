"""Run the demo end to end: build the synthetic region, read it back through the importers,
archive the past findings, plan the four campaigns (through ``batch``), let the synthetic
inspectors carry the plans out, archive what they found, and write the results reports and
the annual summary."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from inspectlib.adoption import adopt_run
from inspectlib.archive import open_archive
from inspectlib.batch import run_batch
from inspectlib.demo import DemoRegion, build_demo_region
from inspectlib.demo.outcomes import simulate_findings, write_inspector_sheet
from inspectlib.errors import InspectlibError, Message, Problems
from inspectlib.geo import read_boundaries
from inspectlib.inputs import load_findings, load_roster, load_warning_points, load_weather
from inspectlib.params import load_params
from inspectlib.register import load_register
from inspectlib.run import RunResult

log = logging.getLogger(__name__)

PARAMS_TEMPLATES = Path(__file__).resolve().parent.parent / "params"
CAMPAIGNS = ("wage", "illegal_employment", "heat", "service_sector")
Say = Callable[[str], None]


@dataclass(frozen=True)
class CheckedInputs:
    """The demo files as read back: one summary line per file, the register and the
    findings of each past year (kept so that the demo does not read them twice)."""

    lines: list[Message]
    register: pd.DataFrame
    findings: dict[Path, pd.DataFrame]


def check_demo_inputs(region: DemoRegion) -> CheckedInputs:
    """Read every demo file back through the same importers users' files go through.

    Raises :class:`InputError` if the generator ever wrote something the importers reject.
    """
    lines = []
    findings = {}

    def line(path: Path, rows: int, problems: Problems) -> None:
        lines.append(
            Message("cli.demo.checked", file=path.name, rows=rows, warnings=len(problems.warnings))
        )

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
        findings[path] = load_findings([path], problems)
        line(path, len(findings[path]), problems)
    problems = Problems()
    line(region.weather, len(load_weather(region.weather, problems)), problems)
    problems = Problems()
    line(region.warning_points, len(load_warning_points(region.warning_points, problems)), problems)
    return CheckedInputs(lines, firms, findings)


def write_demo_params(out: Path) -> list[Path]:
    """Copy the repository's demo params files into ``out/params`` with their paths pointing
    at ``out`` (the committed files point at ``outputs/demo``)."""
    folder = out / "params"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in [f"{c}.yaml" for c in CAMPAIGNS] + ["annual.yaml"]:
        text = (PARAMS_TEMPLATES / name).read_text(encoding="utf-8")
        text = re.sub(r"\.\./outputs/demo/", "../", text)
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


@dataclass(frozen=True)
class DemoRun:
    """What the demo produced: the region and every run's result."""

    region: DemoRegion
    plans: list[RunResult]
    reports: list[RunResult]
    annual: RunResult | None


def _start_fresh_archive(store: str) -> Path | None:
    """A demo run starts from an empty archive (its findings are regenerated); an earlier
    demo archive is kept beside it as ``archive-previous.sqlite``, not deleted."""
    if not store.startswith("sqlite:///"):
        return None
    path = Path(store.removeprefix("sqlite:///"))
    if not path.exists():
        return None
    kept = path.with_name(f"{path.stem}-previous{path.suffix}")
    path.replace(kept)
    for suffix in ("-wal", "-shm"):  # SQLite's side files travel with their database
        side = Path(f"{path}{suffix}")
        if side.exists():
            side.replace(Path(f"{kept}{suffix}"))
    return kept


def _record(store: str, files: dict[Path, pd.DataFrame]) -> tuple[int, int]:
    """Archive findings files (each already read) and count what was added and present."""
    added = present = 0
    with open_archive(store) as archive:
        for path, frame in files.items():
            result = archive.record_findings(frame, source=str(path))
            added, present = added + result.added, present + result.already_present
    return added, present


def carry_out_plan(
    plan_dir: Path,
    region: DemoRegion,
    register: pd.DataFrame,
    campaign: str,
    seed: int,
    truth: pd.DataFrame | None = None,
) -> Path:
    """The synthetic inspectors' returned sheet for one published plan run (``truth``: the
    generator's hidden probabilities, read from the region when not given)."""
    plan = pd.read_csv(plan_dir / "plan.csv", dtype={"firm_id": str}, parse_dates=["date"])
    audit = json.loads((plan_dir / "audit.json").read_text(encoding="utf-8"))
    teams = pd.DataFrame(
        [
            {"team": t["team"], "inspector_id": m["inspector_id"]}
            for t in audit["teams"]
            for m in t["members"]
        ]
    )
    truth = pd.read_parquet(region.truth) if truth is None else truth
    found = simulate_findings(plan, teams, truth, register, campaign, seed)
    return write_inspector_sheet(
        found, region.out_dir / f"findings_{region.plan_year}_{campaign}.xlsx"
    )


def run_demo(
    out: Path,
    *,
    seed: int = 2027,
    n_firms: int = 20_000,
    workers: int = 2,
    say: Say | None = None,
    language: str = "en",
) -> DemoRun:
    """Build the demo region and run every campaign end to end into ``out``.

    ``say`` receives one line per step, in ``language`` (the CLI prints them; default: the
    log).
    """
    tell = say or log.info

    def step(key: str, **values: object) -> None:
        tell(Message(f"cli.demo.{key}", **values).render(language))

    region = build_demo_region(out / "inputs", seed=seed, n_firms=n_firms)
    step("region", seed=seed, folder=region.out_dir)
    checked = check_demo_inputs(region)
    for line in checked.lines:
        tell("  " + line.render(language))
    params_files = write_demo_params(out)
    campaign_files = params_files[:4]
    store = load_params(campaign_files[0]).store
    previous = _start_fresh_archive(store)
    if previous:
        step("previous_archive", folder=previous)
    added, present = _record(store, checked.findings)
    step("past_findings", added=added, present=present, store=store)

    step("planning")
    plans = run_batch(campaign_files, workers=workers, progress=_progress(tell, language))
    failed = [r for r in plans if r.status != "ok"]
    if failed:
        raise InspectlibError(
            Message(
                "cli.demo.plan_failed",
                reason=_Reason(failed[0].message, failed[0].message_zh),
            )
        )
    for result in plans:  # the drafts become the draws of record (inspectlib adopt)
        adopt_run(result.output_dir)
    step("adopted")

    truth = pd.read_parquet(region.truth)
    sheets = [
        carry_out_plan(Path(r.output_dir), region, checked.register, r.campaign, seed + i, truth)
        for i, r in enumerate(plans)
    ]
    added, present = _record(store, {path: load_findings([path]) for path in sheets})
    step("new_findings", year=region.plan_year, added=added)

    step("reports")
    progress = _progress(tell, language)
    reports = run_batch(campaign_files, workers=workers, kind="report", progress=progress)
    annual = run_batch([params_files[4]], workers=1, kind="annual", progress=progress)[0]
    return DemoRun(region, plans, reports, annual)


class _Reason:
    """A failure already said in both languages (a :class:`RunResult`'s messages), rendered
    by a :class:`~inspectlib.errors.Message` like a nested message."""

    def __init__(self, en: str, zh: str):
        self.en, self.zh = en, zh or en

    def render(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


def _progress(say: Say, language: str) -> Callable[[int, int, RunResult], None]:
    def progress(done: int, total: int, result: RunResult) -> None:
        status = Message(f"cli.status.{result.status}")
        line = Message(
            "cli.batch.progress",
            done=done,
            total=total,
            campaign=result.campaign,
            status=status,
            seconds=result.seconds,
        )
        say("  " + line.render(language))

    return progress
