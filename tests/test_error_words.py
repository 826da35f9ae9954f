"""Issue 15: every error a person reads is said in their language. Errors are raised with a
catalogue :class:`~inspectlib.errors.Message` (words in ``catalogue/errors.yaml`` and the other
domains), never with an English sentence written at the raise."""

from __future__ import annotations

import ast
import pickle
import string
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from inspectlib import catalogue
from inspectlib.catalogue.languages import chinese_runs, english_sentences
from inspectlib.cli import main
from inspectlib.errors import (
    Both,
    InspectlibError,
    Message,
    ParamsError,
    PlanningError,
    fill_words,
)
from inspectlib.notices import Notice
from tests.second_region import build_second_region

PACKAGE = Path(__file__).parents[1] / "inspectlib"
BASES = {"InspectlibError"}


def _modules() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = _modules()


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def error_classes(modules: dict[Path, ast.Module]) -> set[str]:
    """InspectlibError and every class derived from it anywhere in the package."""
    found = set(BASES)
    while True:
        more = {
            node.name
            for tree in modules.values()
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
            and node.name not in found
            and any(_name(base) in found for base in node.bases)
        }
        if not more:
            return found
        found |= more


def is_written_text(node: ast.expr) -> bool:
    """Whether ``node`` builds text at the raise: a string literal, an f-string, ``%``, ``+``,
    ``.format``/``.join`` or ``str(...)`` (or a choice between such)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, ast.Mod | ast.Add)
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join"):
            return True
        return isinstance(node.func, ast.Name) and node.func.id == "str"
    if isinstance(node, ast.BoolOp):
        return any(is_written_text(v) for v in node.values)
    if isinstance(node, ast.IfExp):
        return is_written_text(node.body) or is_written_text(node.orelse)
    if isinstance(node, ast.List | ast.Tuple):
        return any(is_written_text(e) for e in node.elts)
    return False


def written_errors(modules: dict[Path, ast.Module]) -> Iterator[str]:
    """``file:line`` of every error of the package built from written text."""
    classes = error_classes(modules)
    for path, tree in modules.items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _name(node.func) in classes):
                continue
            first = node.args[0] if node.args else None
            if first is not None and is_written_text(first):
                yield f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {ast.unparse(first)[:80]}"


def test_the_package_has_its_error_classes():
    classes = error_classes(MODULES)
    assert {"PlanningError", "ParamsError", "RunError", "InputError", "ArchiveError"} <= classes
    assert "AdoptionRefused" in classes  # derived from ArchiveError, in another module


def test_no_error_is_raised_with_written_words():
    assert list(written_errors(MODULES)) == []


PRELUDE = "".join(
    f"class {name}({base}): ...\n"
    for name, base in [
        ("PlanningError", "InspectlibError"),
        ("ParamsError", "errors.InspectlibError"),
        ("RunError", "InspectlibError"),
        ("InputError", "InspectlibError"),
        ("ArchiveError", "InspectlibError"),
        ("Refused", "ArchiveError"),
    ]
)


@pytest.mark.parametrize(
    "source",
    [
        "raise PlanningError(f'only {n} firms')",
        "raise ParamsError('weights: unknown')",
        "raise ArchiveError('%s lacks' % what)",
        "raise InspectlibError('folder ' + str(folder))",
        "raise RunError('{} failed'.format(name))",
        "return PlanningError('\\n'.join(lines))",
        "raise PlanningError(summary.error or 'no draw')",
        "raise ParamsError([Message('a.b'), f'{path}: bad'])",
        "raise Refused(str(exc))",
    ],
)
def test_the_check_finds_written_words(source):
    tree = ast.parse(f"{PRELUDE}def f():\n    {source}")
    assert len(list(written_errors({PACKAGE / "x.py": tree}))) == 1


@pytest.mark.parametrize(
    "source",
    [
        "raise PlanningError(Message('errors.review.no_store'))",
        "raise ParamsError(lines)",
        "raise InputError(problems.items)",
        "raise PlanningError([Message('a.b'), Message('c.d')])",
        "raise ValueError(f'a programming error {x}')",
    ],
)
def test_the_check_lets_messages_pass(source):
    tree = ast.parse(f"{PRELUDE}def f():\n    {source}")
    assert list(written_errors({PACKAGE / "x.py": tree})) == []


LOGGERS = {"log", "logger", "LOG", "_log", "logging", "warnings"}


def written_problems(modules: dict[Path, ast.Module]) -> Iterator[str]:
    """``file:line`` of every input problem (``problems.error(file, message, …)``,
    ``InputError.single(file, message, …)``, ``Problem(severity, file, message, …)``) whose
    message is written text."""
    for path, tree in modules.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func, at = node.func, None
            if isinstance(func, ast.Attribute) and func.attr in ("error", "warning", "single"):
                if not (isinstance(func.value, ast.Name) and func.value.id in LOGGERS):
                    at = 1
            elif _name(func) == "Problem":
                at = 2
            if at is None:
                continue
            given = node.args[at] if len(node.args) > at else None
            given = given or next((k.value for k in node.keywords if k.arg == "message"), None)
            if given is not None and is_written_text(given):
                yield f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {ast.unparse(given)[:80]}"


def test_no_input_problem_is_written_words():
    assert list(written_problems(MODULES)) == []
    bad = ast.parse(
        "problems.error(path, f'bad value {v}', row, column)\nlog.warning('fine %s', x)"
    )
    assert len(list(written_problems({PACKAGE / "x.py": bad}))) == 1


def _message_calls() -> Iterator[tuple[str, str, set[str]]]:
    for path, tree in MODULES.items():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and _name(node.func) == "Message"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and all(k.arg is not None for k in node.keywords)  # no **values
            ):
                where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
                yield where, node.args[0].value, {k.arg for k in node.keywords}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_error_message_names_an_entry_and_fills_exactly_its_values():
    calls = [c for c in _message_calls() if c[1].startswith("errors.")]
    assert len(calls) >= 40
    for where, key, given in calls:
        entry = catalogue.text(key, "en")  # an unknown key fails here
        assert given == _fields(entry), f"{where}: {key} takes {_fields(entry)}, given {given}"


def test_every_error_entry_is_used():
    used = {key for _, key, _ in _message_calls()}
    words = [key for key, _ in catalogue.entries("errors")]
    assert [key for key in words if key not in used] == []


def _both(said: str | Message | InspectlibError) -> tuple[str, str]:
    return said.render("zh"), said.render("en")


def _check_languages(zh: str, en: str, data: set[str] = frozenset()) -> None:
    assert english_sentences(zh) == [], zh
    assert chinese_runs(en, data) == [], en


def test_team_errors_name_the_param_in_both_languages():
    from inspectlib.teams import team_count

    pool = pd.DataFrame({"agency": ["人社局"] * 5 + ["公安局"], "officer": [True] * 6})
    with pytest.raises(PlanningError) as info:
        team_count(pool, ("人社局", "公安局"), team_size=2, requested=3, n_firms=50)
    zh, en = _both(info.value)
    assert en == (
        "params.teams asks for 3 teams, but the rule 'every team includes a public security "
        "inspector' needs one public security inspector per team and only 1 are available: "
        "add inspectors to the roster, widen params.agencies or lower teams/team_size"
    )
    assert zh == (
        "参数 teams 要求组成 3 个检查组，但“每个检查组须有公安局人员”的规定要求每组一名公安局"
        "人员，而可出勤的只有 1 人：请在执法人员名单中增加人员、放宽 agencies，或减少 "
        "teams/team_size"
    )
    _check_languages(zh, en)
    with pytest.raises(PlanningError) as info:
        team_count(pool, ("人社局", "公安局", "住建局"), team_size=2, requested=None, n_firms=9)
    zh, en = _both(info.value)
    assert "（人社局、公安局、住建局）" in zh and "team_size" in zh
    assert "(human resources and social security, public security, housing and " in en
    _check_languages(zh, en)
    with pytest.raises(PlanningError) as info:
        pool = pool.assign(officer=[True] + [False] * 5)
        team_count(
            pool, ("人社局", "公安局"), team_size=2, requested=None, n_firms=9, min_officers=2
        )
    zh, en = _both(info.value)
    assert "and a member of each of public security (none of them holds one)" in en
    assert "以及公安局各一名人员" in zh and "team_size 增大到 3" in zh
    _check_languages(zh, en)


def test_a_town_minimum_too_large_says_what_to_change():
    said = Message("errors.sampling.town_minimum", town_minimum=30, need=120, towns=4, target=50)
    zh, en = _both(said)
    assert "town_minimum" in zh and "target_firms" in zh and "120" in zh
    assert en.endswith("lower town_minimum or raise target_firms")
    _check_languages(zh, en)


def test_an_error_of_lines_renders_every_line_and_survives_pickling():
    error = PlanningError(
        [
            Message("errors.review.draw_changed", run="/runs/a"),
            Message("errors.review.difference", text=Message("cli.verify.positions_differ")),
            Message("errors.review.check_with", command="inspectlib verify-draw /runs/a"),
        ]
    )
    assert error.lines_in("zh") == [
        "正式抽取结果与其运行文件夹 /runs/a 不再一致：",
        "  位次不同",
        "请用以下命令核对：inspectlib verify-draw /runs/a",
    ]
    assert str(error).splitlines()[1] == "  positions differ"
    again = pickle.loads(pickle.dumps(error))
    assert again.lines_in("zh") == error.lines_in("zh")
    named = PlanningError(Message("errors.workdays.no_spring_festival", year=Both("甲", "A")))
    assert pickle.loads(pickle.dumps(named)).render("zh") == named.render("zh")


def test_the_results_report_without_a_store_says_so(tmp_path):
    from inspectlib.params import validate_params
    from inspectlib.review import load_review

    region = build_second_region(tmp_path, n_firms=30)
    raw = {"campaign": "wage", "year": 2027, "seed": 1, "register": str(region.register)}
    raw |= {"boundaries": str(region.boundaries), "roster": str(region.roster)}
    with pytest.raises(PlanningError) as info:
        load_review(validate_params(raw, source="w.yaml"))
    assert info.value.lines_in("zh") == ["生成检查结果报告需要在参数中设置 store（检查档案库）"]
    assert info.value.lines_in("en") == [
        "the results report needs `store` (the archive) in the params"
    ]


def test_notices_and_messages_fill_words_the_same_way():
    values = {"ids": ["A1", "B2"]}
    notice = Notice("teams.roster_duplicates", values)
    for language in ("zh", "en"):
        filled = fill_words("teams.notices.roster_duplicates", language, values)
        assert notice.text(language) == filled
        assert Message("teams.notices.roster_duplicates", **values).render(language) == filled
        assert catalogue.text("problems.line.list", language).join(values["ids"]) in filled
    assert notice.as_dict() == {
        "code": "teams.roster_duplicates",
        "values": {"ids": ["A1", "B2"]},
        "message": "roster: inspector_id repeated, first row used: A1, B2",
    }
    # a value said in both languages is rendered in each, inside a notice too
    dropped = Notice("teams.rule_dropped", {"agency": Both("公安局", "public security")})
    assert "公安局人员" in dropped.text("zh") and "public security is not" in dropped.text("en")


def test_params_errors_render_lists_in_the_language():
    from inspectlib.risk import resolve_weights

    with pytest.raises(ParamsError) as info:
        resolve_weights("wage", {"size": 1.0})
    zh, en = _both(info.value)
    assert zh.startswith("weights：没有名为 'size' 的风险因素；可用的有 ")
    assert "、" in zh and ", " in en
    _check_languages(zh, en)


# -- through the real command line ------------------------------------------------------


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    return build_second_region(tmp_path_factory.mktemp("errors") / "区域", n_firms=200)


CASES = {
    "teams": (["plan", "{wage}", "--set", "teams=15"], "teams"),
    "town_minimum": (
        ["plan", "{wage}", "--set", "town_quota=minimum", "--set", "town_minimum=100"],
        "town_minimum",
    ),
    "no_official_draw": (["report", "{wage}"], "inspectlib record"),
}


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("case", list(CASES))
def test_errors_through_the_cli_in_each_language(region, case, language, capsys):
    argv, named = CASES[case]
    argv = [a.format(wage=region.params["wage"]) for a in argv]
    assert main([*argv, "--lang", language]) == 1
    err = capsys.readouterr().err.splitlines()
    start = "错误：" if language == "zh" else "error: "
    said = [line for line in err if line.startswith(start)]
    assert len(said) == 1, err
    line = said[0]
    assert named in line  # the param to change, or the command to run
    if language == "zh":
        assert english_sentences(line) == [], line
    else:
        assert chinese_runs(line, {str(region.root)}) == [], line
