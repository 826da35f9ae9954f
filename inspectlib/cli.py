"""The ``inspectlib`` command line.

Exit codes: 0 ok (warnings allowed), 1 bad input (one clear message per problem, no
traceback), 2 usage error (argparse).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from inspectlib import __version__
from inspectlib.errors import InputError, InspectlibError, Problems
from inspectlib.schema import KINDS


def _print_problems(problems: Problems | list, limit: int | None = None) -> None:
    items = list(problems)
    for problem in items[:limit] if limit else items:
        print(problem)
    if limit and len(items) > limit:
        print(f"… {len(items) - limit:,} more problems not shown (use --all)")


def cmd_validate(args: argparse.Namespace) -> int:
    """Check one input file and print a summary and one line per problem."""
    from inspectlib import geo, inputs
    from inspectlib.register import load_register

    problems = Problems()
    path = Path(args.file)
    try:
        if args.kind == "register":
            towns = geo.read_boundaries(args.boundaries, problems) if args.boundaries else None
            frame = load_register(
                path, towns, coords=args.coords, problems=problems, sheet=args.sheet
            )
        elif args.kind == "boundaries":
            frame = geo.read_boundaries(path, problems)
        elif args.kind == "roster":
            frame = inputs.load_roster(path, problems)
        elif args.kind == "findings":
            frame = inputs.load_findings([path], problems)
        else:
            frame = inputs.load_weather(path, problems)
    except InputError as exc:
        shown = exc.problems if exc.problems else list(problems)
        errors = sum(p.severity == "error" for p in shown)
        print(f"{path}: {args.kind}: {errors:,} errors, {len(shown) - errors:,} warnings")
        _print_problems(shown, None if args.all else 200)
        return 1
    print(
        f"{path}: {args.kind}: {len(frame):,} rows OK, 0 errors, "
        f"{len(problems.warnings):,} warnings"
    )
    _print_problems(problems.warnings, None if args.all else 200)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Build the synthetic demo region and run all four campaigns end to end."""
    from inspectlib.demo_run import run_demo

    out = Path(args.output_dir)
    done = run_demo(
        out,
        seed=args.seed,
        n_firms=args.firms,
        workers=args.workers,
        say=lambda line: print(line, flush=True),
    )
    print()
    print("Open these in a browser (they work offline):")
    for result in done.plans + done.reports + ([done.annual] if done.annual else []):
        if result.status == "ok":
            print(f"  {Path(result.output_dir).parent / 'latest' / 'report.html'}")
    failed = [r for r in done.reports + [done.annual] if r and r.status != "ok"]
    for result in failed:
        print(f"error: {result.campaign}: {result.message}", file=sys.stderr)
    return 1 if failed else 0


def cmd_report(args: argparse.Namespace) -> int:
    """The campaign results report from the archived findings."""
    from inspectlib.params import parse_set
    from inspectlib.run import run_kind

    result = run_kind("report", args.params, parse_set(args.set or []))
    print(f"{result.campaign}: results report in {result.output_dir}/report.html")
    return 0


def cmd_annual(args: argparse.Namespace) -> int:
    """The annual summary of all campaigns of a year from the archive."""
    from inspectlib.params import parse_set
    from inspectlib.run import run_kind

    result = run_kind("annual", args.params, parse_set(args.set or []))
    print(f"annual summary in {result.output_dir}/report.html")
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    """Run one campaign plan through papermill and print where its outputs are."""
    from inspectlib.params import parse_set
    from inspectlib.run import run_kind

    result = run_kind("plan", args.params, parse_set(args.set or []))
    print(f"{result.campaign}: ok in {result.seconds:.1f} s — outputs in {result.output_dir}")
    for name in ("report.html", "map.html", "map_public.html", "plan.xlsx", "audit.json"):
        path = Path(result.output_dir) / name
        if path.exists():
            print(f"  {path}")
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    """Run many plans in parallel; print progress and a final table; exit 1 if any failed."""
    from inspectlib.batch import results_table, run_batch
    from inspectlib.params import parse_set

    def progress(done: int, total: int, result) -> None:
        print(
            f"[{done}/{total}] {result.campaign}: {result.status} ({result.seconds:.1f} s)",
            flush=True,
        )

    results = run_batch(
        args.params,
        workers=args.workers,
        scheduler=args.scheduler,
        overrides=parse_set(args.set or []),
        progress=progress,
    )
    print()
    print(results_table(results))
    return 0 if all(r.status == "ok" for r in results) else 1


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-01-05") from None


def cmd_record(args: argparse.Namespace) -> int:
    """Validate findings files, then archive each one (all or nothing per file).

    Every file is checked before anything is written: one file with errors means nothing is
    recorded. Unknown firms (with ``--register``) and dates outside the campaign window are
    warnings; the rows are archived.
    """
    from inspectlib.archive import findings_warnings, key_problems, open_archive
    from inspectlib.inputs import load_findings
    from inspectlib.register import load_register

    window = tuple(args.campaign_window) if args.campaign_window else None
    if window and window[1] < window[0]:
        print(
            f"error: --campaign-window ends {window[1]} before it starts {window[0]}",
            file=sys.stderr,
        )
        return 2
    register_ids = None
    if args.register:
        register_ids = set(load_register(args.register, None, coords=args.coords)["firm_id"])
    checked, failed = [], False
    for name in args.files:
        problems = Problems()
        try:
            frame = load_findings([name], problems)
            problems.extend(p for p in key_problems(frame, name) if p.severity == "error")
            problems.raise_if_errors()
        except InputError as exc:
            failed = True
            errors = sum(p.severity == "error" for p in exc.problems)
            print(f"{name}: {errors:,} errors — not recorded")
            _print_problems(exc.problems, None if args.all else 200)
            continue
        problems.extend(
            findings_warnings(
                frame, name, register_ids=register_ids, register_name=args.register, window=window
            )
        )
        checked.append((name, frame, problems.warnings))
    if failed:
        print("nothing was recorded: fix the errors and run again")
        return 1
    store = _record_store(args)
    print(f"archive: {store}")
    with open_archive(store) as archive:
        for name, frame, warnings in checked:
            result = archive.record_findings(frame, name, replace=args.replace)
            shown = list(dict.fromkeys([*warnings, *result.warnings]))  # each problem once
            replaced = f"{result.replaced:,} replaced, " if args.replace else ""
            print(
                f"{name}: {result.rows:,} rows, {result.added:,} added, {replaced}"
                f"{result.already_present:,} already in the archive, {len(shown):,} warnings"
            )
            _print_problems(shown, None if args.all else 200)
    return 0


def cmd_adopt(args: argparse.Namespace) -> int:
    """Make a plan run the official draw of its campaign and year."""
    from inspectlib.adoption import adopt_run

    done = adopt_run(args.run_dir, reason=args.reason)
    a = done.adoption
    if not a.new:
        print(f"{a.year} {a.campaign}: run {a.run_folder} is the official draw already")
        return 0
    print(
        f"{a.year} {a.campaign}: run {a.run_folder} is now the official draw "
        f"(audit.json sha256 {a.audit_file_sha256[:12]}…, adopted by {a.adopted_by} "
        f"at {a.adopted_at:%Y-%m-%d %H:%M} UTC, archive {done.store})"
    )
    if done.replaced:
        print(f"  it replaces run {done.replaced}: {a.reason}")
    return 0


def _record_store(args: argparse.Namespace) -> str:
    """The archive ``record`` writes to: ``--store``, else the store of ``--params`` (its own
    ``store`` or the default beside it, as ``plan`` and ``report`` use), else the default
    archive of the current folder."""
    from inspectlib.params import default_store, read_params_file, resolve_store

    if args.store:
        return resolve_store(args.store, Path.cwd())
    if args.params:
        folder = Path(args.params).resolve().parent
        store = read_params_file(args.params).get("store")
        return resolve_store(str(store), folder) if store else default_store(folder)
    return default_store(Path.cwd())


def cmd_verify_draw(args: argparse.Namespace) -> int:
    """Re-run a recorded draw (and schedule) from its inputs; print MATCH or what differs."""
    from inspectlib.plan import verify_plan

    result = verify_plan(args.audit)
    print(result)
    return 0 if result.matches else 1


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``inspectlib`` command."""
    parser = argparse.ArgumentParser(
        prog="inspectlib",
        description="Plan, map, run and report labour-inspection campaigns (双随机、一公开).",
    )
    parser.add_argument("--version", action="version", version=f"inspectlib {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check an input file and list its problems by row")
    p.add_argument("file")
    p.add_argument("--kind", required=True, choices=tuple(KINDS))
    p.add_argument(
        "--coords",
        default="wgs84",
        choices=("wgs84", "gcj02", "bd09"),
        help="datum of the register's lon/lat (default wgs84)",
    )
    p.add_argument("--boundaries", help="town boundaries, to check towns of a register")
    p.add_argument("--sheet", help="XLSX sheet name (default: the first sheet)")
    p.add_argument("--all", action="store_true", help="print every problem (default: 200)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("plan", help="run one campaign plan (papermill) into a fresh folder")
    p.add_argument("params", help="campaign params YAML, e.g. params/wage.yaml")
    p.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="override a parameter (repeatable), e.g. --set target_firms=80",
    )
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("batch", help="run many plans in parallel (local processes or Dask)")
    p.add_argument("params", nargs="+", help="params YAML files")
    p.add_argument("--workers", type=int, help="local worker processes (default: up to 4)")
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786, for runs past one machine",
    )
    p.add_argument(
        "--set", action="append", metavar="KEY=VALUE", help="override a parameter in every run"
    )
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("record", help="validate findings files and archive them")
    p.add_argument(
        "files",
        nargs="+",
        metavar="FINDINGS_FILE",
        help="findings (CSV/XLSX/Parquet, English or Chinese headers)",
    )
    p.add_argument(
        "--store",
        metavar="URL",
        help="SQLAlchemy URL of the archive (default: the store of --params, else "
        "outputs/archive.sqlite in the current folder)",
    )
    p.add_argument(
        "--params",
        metavar="PARAMS.yaml",
        help="record into the archive this params file uses (what plan and report read)",
    )
    p.add_argument("--register", help="firm register: findings of other firms get a warning")
    p.add_argument(
        "--coords",
        default="wgs84",
        choices=("wgs84", "gcj02", "bd09"),
        help="datum of the register's lon/lat (default wgs84)",
    )
    p.add_argument(
        "--campaign-window",
        nargs=2,
        type=_iso_date,
        metavar=("START", "END"),
        help="warn about inspections outside START…END (default: each "
        "campaign's own window in the year of the inspection)",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="corrections: findings already archived with other values take this file's "
        "values (the earlier version is kept, so earlier draws still verify)",
    )
    p.add_argument("--all", action="store_true", help="print every problem (default: 200)")
    p.set_defaults(func=cmd_record)

    p = sub.add_parser("adopt", help="make a plan run the official draw of its campaign and year")
    p.add_argument("run_dir", metavar="RUN_DIR", help="the plan's run folder, e.g. out/wage/latest")
    p.add_argument(
        "--reason",
        metavar="TEXT",
        help="why this draw replaces the official one (required when there is one)",
    )
    p.set_defaults(func=cmd_adopt)

    p = sub.add_parser("report", help="campaign results report from the archived findings")
    p.add_argument("params", help="the campaign's params YAML (the same as for plan)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a parameter")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("annual", help="annual summary of the year's campaigns")
    p.add_argument("params", help="annual params YAML, e.g. params/annual.yaml")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a parameter")
    p.set_defaults(func=cmd_annual)

    p = sub.add_parser("verify-draw", help="re-run a recorded draw and check that it matches")
    p.add_argument("audit", help="audit.json of a plan run")
    p.set_defaults(func=cmd_verify_draw)

    p = sub.add_parser("demo", help="build the synthetic demo region and run it end to end")
    p.add_argument("--output-dir", default="outputs/demo")
    p.add_argument("--seed", type=int, default=2027)
    p.add_argument("--firms", type=int, default=20_000)
    p.add_argument("--workers", type=int, default=2, help="parallel runs (default 2)")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except InputError as exc:
        errors_first = sorted(exc.problems, key=lambda p: p.severity != "error")
        for problem in errors_first[:200]:
            print(problem, file=sys.stderr)
        return 1
    except InspectlibError as exc:
        for line in str(exc).splitlines() or [type(exc).__name__]:
            print(f"error: {line}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - one line, not a traceback; -v shows it
        if args.verbose:
            raise
        print(
            f"error: unexpected {type(exc).__name__}: {exc} (run with -v for details)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
