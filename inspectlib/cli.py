"""The ``inspectlib`` command line.

Exit codes: 0 ok (warnings allowed), 1 bad input (one clear message per problem, no
traceback), 2 usage error (argparse).

Every line it prints is in the language :func:`inspectlib.speech.choose_language` picks
(``--lang``, else the params file's ``language``, else the locale, else English), from the
catalogue (``cli.yaml``, ``problems.yaml``, ``params.yaml``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from inspectlib import __version__, catalogue
from inspectlib.catalogue import LANGUAGES
from inspectlib.errors import Detail, InputError, InspectlibError, Problem, Problems
from inspectlib.schema import KINDS
from inspectlib.speech import choose_language, say


def _print_problems(problems: Problems | list, language: str, limit: int | None = None) -> None:
    items = list(problems)
    for problem in items[:limit] if limit else items:
        print(problem.line(language))
    if limit and len(items) > limit:
        print(say("more_problems", language, more=len(items) - limit))


def cmd_validate(args: argparse.Namespace) -> int:
    """Check one input file and print a summary and one line per problem."""
    from inspectlib import geo, inputs
    from inspectlib.register import load_register

    problems = Problems()
    path = Path(args.file)
    lang = args.language
    kind = say(f"kinds.{args.kind}", lang)
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
        print(
            say(
                "validate.refused",
                lang,
                path=path,
                kind=kind,
                errors=errors,
                warnings=len(shown) - errors,
            )
        )
        _print_problems(shown, lang, None if args.all else 200)
        return 1
    print(
        say(
            "validate.ok",
            lang,
            path=path,
            kind=kind,
            rows=len(frame),
            warnings=len(problems.warnings),
        )
    )
    _print_problems(problems.warnings, lang, None if args.all else 200)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Build the synthetic demo region and run all four campaigns end to end."""
    from inspectlib.demo_run import run_demo

    out = Path(args.output_dir)
    lang = args.language
    done = run_demo(
        out,
        seed=args.seed,
        n_firms=args.firms,
        workers=args.workers,
        say=lambda line: print(line, flush=True),
        language=lang,
    )
    print()
    print(say("demo.open_these", lang))
    for result in done.plans + done.reports + ([done.annual] if done.annual else []):
        if result.status == "ok":
            print(f"  {Path(result.output_dir).parent / 'latest' / 'report.html'}")
    failed = [r for r in done.reports + [done.annual] if r and r.status != "ok"]
    for result in failed:
        print(
            say("error_line", lang, text=f"{result.campaign}: {result.reason(lang)}"),
            file=sys.stderr,
        )
    return 1 if failed else 0


def cmd_report(args: argparse.Namespace) -> int:
    """The campaign results report from the archived findings."""
    from inspectlib.params import parse_set
    from inspectlib.run import run_kind

    result = run_kind("report", args.params, parse_set(args.set or []))
    report = Path(result.output_dir) / "report.html"
    print(say("report.done", args.language, campaign=result.campaign, report=report))
    return 0


def cmd_annual(args: argparse.Namespace) -> int:
    """The annual summary of all campaigns of a year from the archive."""
    from inspectlib.params import parse_set
    from inspectlib.run import run_kind

    result = run_kind("annual", args.params, parse_set(args.set or []))
    print(say("annual.done", args.language, report=Path(result.output_dir) / "report.html"))
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    """Run one campaign plan through papermill and print where its outputs are."""
    from inspectlib.params import parse_set
    from inspectlib.run import run_kind

    result = run_kind("plan", args.params, parse_set(args.set or []))
    print(
        say(
            "plan.done",
            args.language,
            campaign=result.campaign,
            seconds=result.seconds,
            folder=result.output_dir,
        )
    )
    for name in ("report.html", "map.html", "map_public.html", "plan.xlsx", "audit.json"):
        path = Path(result.output_dir) / name
        if path.exists():
            print(f"  {path}")
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    """Run many plans in parallel; print progress and a final table; exit 1 if any failed."""
    from inspectlib.batch import results_table, run_batch
    from inspectlib.params import parse_set

    lang = args.language

    def progress(done: int, total: int, result) -> None:
        print(
            say(
                "batch.progress",
                lang,
                done=done,
                total=total,
                campaign=result.campaign,
                status=say(f"status.{result.status}", lang),
                seconds=result.seconds,
            ),
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
    print(results_table(results, lang))
    return 0 if all(r.status == "ok" for r in results) else 1


def _iso_date(text: str, language: str = "en") -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(say("not_a_date", language, text=repr(text))) from None


def cmd_record(args: argparse.Namespace) -> int:
    """Validate findings files, then archive each one (all or nothing per file).

    Every file is checked before anything is written: one file with errors means nothing is
    recorded. Unknown firms (with ``--register``) and dates outside the campaign window are
    warnings; the rows are archived.
    """
    from inspectlib.archive import findings_warnings, key_problems, open_archive
    from inspectlib.inputs import load_findings
    from inspectlib.register import load_register

    lang = args.language
    window = tuple(args.campaign_window) if args.campaign_window else None
    if window and window[1] < window[0]:
        print(
            say("record.window_backwards", lang, end=window[1], start=window[0]),
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
            print(say("record.not_recorded", lang, name=name, errors=errors))
            _print_problems(exc.problems, lang, None if args.all else 200)
            continue
        problems.extend(
            findings_warnings(
                frame, name, register_ids=register_ids, register_name=args.register, window=window
            )
        )
        checked.append((name, frame, problems.warnings))
    if failed:
        print(say("record.nothing_recorded", lang))
        return 1
    store = _record_store(args)
    print(say("record.archive", lang, store=store))
    with open_archive(store) as archive:
        for name, frame, warnings in checked:
            result = archive.record_findings(frame, name, replace=args.replace)
            shown = list(dict.fromkeys([*warnings, *result.warnings]))  # each problem once
            replaced = say("record.replaced", lang, replaced=result.replaced)
            print(
                say(
                    "record.recorded",
                    lang,
                    name=name,
                    rows=result.rows,
                    added=result.added,
                    replaced=replaced if args.replace else "",
                    present=result.already_present,
                    warnings=len(shown),
                )
            )
            _print_problems(shown, lang, None if args.all else 200)
    return 0


def cmd_adopt(args: argparse.Namespace) -> int:
    """Make a plan run the official draw of its campaign and year."""
    from inspectlib.adoption import adopt_run

    done = adopt_run(args.run_dir, reason=args.reason)
    a = done.adoption
    lang = args.language
    if not a.new:
        print(say("adopt.already", lang, year=a.year, campaign=a.campaign, run=a.run_folder))
        return 0
    print(
        say(
            "adopt.adopted",
            lang,
            year=a.year,
            campaign=a.campaign,
            run=a.run_folder,
            sha=a.audit_file_sha256[:12],
            by=a.adopted_by,
            at=f"{a.adopted_at:%Y-%m-%d %H:%M}",
            store=done.store,
        )
    )
    if done.replaced:
        print(say("adopt.replaces", lang, run=done.replaced, reason=a.reason))
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
    print(result.render(args.language))
    return 0 if result.matches else 1


def build_parser(language: str = "en") -> argparse.ArgumentParser:
    """The argument parser of the ``inspectlib`` command, its help in ``language``."""
    h = catalogue.words("cli", language)["help"]
    parser = argparse.ArgumentParser(prog="inspectlib", description=h["description"])
    parser.add_argument("--version", action="version", version=f"inspectlib {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help=h["verbose"])
    parser.add_argument("--lang", choices=LANGUAGES, help=h["lang"])
    # --lang is also accepted after the command (``inspectlib plan p.yaml --lang zh``)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=h["lang"])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_parser = sub.add_parser

    def command(name: str, **kwargs) -> argparse.ArgumentParser:
        return add_parser(name, parents=[common], help=h[name.replace("-", "_")], **kwargs)

    datums = ("wgs84", "gcj02", "bd09")
    p = command("validate")
    p.add_argument("file")
    p.add_argument("--kind", required=True, choices=tuple(KINDS))
    p.add_argument("--coords", default="wgs84", choices=datums, help=h["coords"])
    p.add_argument("--boundaries", help=h["boundaries"])
    p.add_argument("--sheet", help=h["sheet"])
    p.add_argument("--all", action="store_true", help=h["all"])
    p.set_defaults(func=cmd_validate)

    p = command("plan")
    p.add_argument("params", help=h["params"])
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help=h["set"])
    p.set_defaults(func=cmd_plan)

    p = command("batch")
    p.add_argument("params", nargs="+", help=h["params_files"])
    p.add_argument("--workers", type=int, help=h["workers"])
    p.add_argument("--scheduler", metavar="ADDRESS", help=h["scheduler"])
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help=h["set_every"])
    p.set_defaults(func=cmd_batch)

    p = command("record")
    p.add_argument("files", nargs="+", metavar="FINDINGS_FILE", help=h["findings_files"])
    p.add_argument("--store", metavar="URL", help=h["store"])
    p.add_argument("--params", metavar="PARAMS.yaml", help=h["record_params"])
    p.add_argument("--register", help=h["register"])
    p.add_argument("--coords", default="wgs84", choices=datums, help=h["coords"])
    p.add_argument(
        "--campaign-window",
        nargs=2,
        type=functools.partial(_iso_date, language=language),
        metavar=("START", "END"),
        help=h["campaign_window"],
    )
    p.add_argument("--replace", action="store_true", help=h["replace"])
    p.add_argument("--all", action="store_true", help=h["all"])
    p.set_defaults(func=cmd_record)

    p = command("adopt")
    p.add_argument("run_dir", metavar="RUN_DIR", help=h["run_dir"])
    p.add_argument("--reason", metavar="TEXT", help=h["reason"])
    p.set_defaults(func=cmd_adopt)

    p = command("report")
    p.add_argument("params", help=h["report_params"])
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help=h["set"])
    p.set_defaults(func=cmd_report)

    p = command("annual")
    p.add_argument("params", help=h["annual_params"])
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help=h["set"])
    p.set_defaults(func=cmd_annual)

    p = command("verify-draw")
    p.add_argument("audit", help=h["audit"])
    p.set_defaults(func=cmd_verify_draw)

    p = command("demo")
    p.add_argument("--output-dir", default="outputs/demo")
    p.add_argument("--seed", type=int, default=2027)
    p.add_argument("--firms", type=int, default=20_000)
    p.add_argument("--workers", type=int, default=2, help=h["demo_workers"])
    p.set_defaults(func=cmd_demo)
    return parser


@contextlib.contextmanager
def argparse_speaks(language: str) -> Iterator[None]:
    """argparse's own words (``usage:``, ``options``, its usage errors) in ``language``
    while the parser is built and reads the command line.

    argparse asks :mod:`gettext` for every word it shows; its translations here come from
    the catalogue (``cli_argparse.yaml``), installed only for this and then removed.
    """
    if language == "en":
        yield
        return
    english = catalogue.words("cli_argparse", "en")
    said = catalogue.words("cli_argparse", language)
    table = {english[key]: said[key] for key in english}
    gettext, ngettext = argparse._, argparse.ngettext  # type: ignore[attr-defined]

    def plural(singular: str, many: str, n: int) -> str:
        text = singular if n == 1 else many
        return table.get(text, text)

    argparse._ = lambda text: table.get(text, text)  # type: ignore[attr-defined]
    argparse.ngettext = plural  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = gettext, ngettext  # type: ignore[attr-defined]


def _help_language(argv: Sequence[str]) -> str:
    """The language of ``--help`` and usage errors: ``--lang`` if given, else the locale's
    (the params file is not known before the command line is read)."""
    argv = list(argv)
    for i, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return choose_language(arg.split("=", 1)[1])
        if arg == "--lang" and i + 1 < len(argv):
            return choose_language(argv[i + 1])
    return choose_language(None)


def command_language(args: argparse.Namespace) -> str:
    """The language this command speaks (:func:`inspectlib.speech.choose_language`)."""
    params: list[str] = []
    if args.command in ("plan", "report", "annual"):
        params = [args.params]
    elif args.command == "batch":
        params = list(args.params)
    elif args.command == "record" and args.params:
        params = [args.params]
    overrides = {}
    if params and getattr(args, "set", None):
        try:
            from inspectlib.params import parse_set

            overrides = parse_set(args.set)
        except InspectlibError:
            overrides = {}  # the command reports the bad --set itself
    return choose_language(getattr(args, "lang", None), params, overrides)


class SpokenLog(logging.Formatter):
    """Log lines in the command's language: notices, messages and input problems logged as
    arguments are worded in it (``提示：…`` or ``warning: …``).

    Examples
    --------
    >>> from inspectlib.notices import Notice
    >>> note = Notice("schedule.unmatched", {"team": "T01", "n": 2})
    >>> record = logging.LogRecord("x", logging.WARNING, "", 0, "%s", (note,), None)
    >>> SpokenLog("zh").format(record)
    '提示：T01 组：2 次检查未能安排在相应的高温/非高温日（该类日期不足）'
    """

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def format(self, record: logging.LogRecord) -> str:
        args = record.args if isinstance(record.args, tuple) else ()
        problems = [a for a in args if isinstance(a, Problem)]
        if problems:  # an input problem names its own severity, file, row and column
            return problems[0].line(self.language)
        said = tuple(_worded(a, self.language) for a in args)
        message = str(record.msg) % said if said else record.getMessage()
        levels = catalogue.words("cli", self.language)["log"]["levels"]
        level = levels.get(record.levelname.lower(), record.levelname)
        line = catalogue.text("cli.log.line", self.language, level=level, message=message)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def _worded(value: object, language: str) -> object:
    """A notice (``text``) or message (``render``) in ``language``; anything else as it is."""
    for method in ("render", "text"):
        word = getattr(value, method, None)
        if callable(word):
            return word(language)
    return value


def speak_logs(language: str, verbose: bool = False) -> None:
    """Send log lines to stderr in ``language`` (warnings and errors; info with ``-v``)."""
    handler = logging.StreamHandler()
    handler.setFormatter(SpokenLog(language))
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    lang = _help_language(argv)
    with argparse_speaks(lang):
        args = build_parser(lang).parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        lang = args.language = command_language(args)
        speak_logs(lang, verbose=args.verbose)
        return func(args)
    except InputError as exc:
        for line in exc.lines_in(lang)[:200]:
            print(line, file=sys.stderr)
        return 1
    except InspectlibError as exc:
        for line in exc.lines_in(lang):
            print(say("error_line", lang, text=line), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(say("interrupted", lang), file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - one line, not a traceback; -v shows it
        if args.verbose:
            raise
        print(
            say("unexpected", lang, kind=type(exc).__name__, detail=Detail(exc)),
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
