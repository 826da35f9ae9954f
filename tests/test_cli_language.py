"""Issue 15: the command line speaks Chinese or English — ``--lang`` first, then the params
file's language, then the locale, then English — and every word it prints comes from the
catalogue."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from inspectlib import catalogue
from inspectlib.audit import VerifyResult
from inspectlib.batch import results_table
from inspectlib.catalogue.languages import chinese_runs, english_sentences
from inspectlib.cli import main
from inspectlib.errors import Detail, Message, Problem
from inspectlib.run import RunResult
from inspectlib.speech import choose_language, locale_language, params_language
from tests.helpers import register_rows, write_csv
from tests.second_region import build_second_region
from tests.source_scan import docstrings_and_logs

PACKAGE = Path(__file__).parents[1] / "inspectlib"
ZH_LOCALE = {"LANG": "zh_CN.UTF-8"}
EN_LOCALE = {"LANG": "en_US.UTF-8"}


def _params(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text("campaign: wage\nyear: 2027\nseed: 1\n" + text, encoding="utf-8")
    return path


def test_the_flag_wins_over_params_and_locale(tmp_path):
    english = _params(tmp_path, "en.yaml", "language: en\n")
    assert choose_language("zh", [english], environ=EN_LOCALE) == "zh"
    assert choose_language("en", [tmp_path / "missing.yaml"], environ=ZH_LOCALE) == "en"


def test_the_params_language_wins_over_the_locale(tmp_path):
    english = _params(tmp_path, "en.yaml", "language: en\n")
    unnamed = _params(tmp_path, "zh.yaml", "")
    assert choose_language(None, [english], environ=ZH_LOCALE) == "en"
    # no ``language``: the params model's default (zh outputs), so the CLI speaks zh
    assert choose_language(None, [unnamed], environ=EN_LOCALE) == "zh"
    assert params_language([unnamed], {"language": "en"}) == "en"  # --set language=en
    assert params_language([english, unnamed]) is None  # a batch that disagrees
    assert choose_language(None, [english, unnamed], environ=ZH_LOCALE) == "zh"


def test_an_unreadable_params_file_leaves_it_to_the_locale(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("campaign: [wage\n", encoding="utf-8")
    odd = _params(tmp_path, "odd.yaml", "language: fr\n")
    for files in ([broken], [odd], [tmp_path / "missing.yaml"]):
        assert choose_language(None, files, environ=ZH_LOCALE) == "zh"
        assert choose_language(None, files, environ={}) == "en"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW"}, "zh"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "C"}, "zh"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),  # LC_ALL is strongest
        ({"LC_ALL": "", "LANG": "zh_CN.GB18030"}, "zh"),  # an empty variable is not set
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, None),
    ],
)
def test_the_locale_decides_when_nothing_else_does(environ, expected):
    assert locale_language(environ) == expected
    assert choose_language(None, environ=environ) == (expected or "en")


def test_validate_speaks_the_locale_and_the_flag(tmp_path, capsys, monkeypatch):
    rows = register_rows()
    rows.loc[2, "从业人数"] = "很多"
    path = write_csv(rows, tmp_path / "register.csv", encoding="gbk")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert main(["validate", str(path), "--kind", "register"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{path}：企业名录：1 个错误，0 个警告"
    assert out[1].startswith(f"错误：{path}，第 4 行，“从业人数”列：无法读取 employees 的值 '很多'")
    assert all(english_sentences(line.replace(str(path), "")) == [] for line in out), out
    for argv in (["--lang", "en", "validate"], ["validate", "--lang", "en"]):  # either place
        assert main([*argv, str(path), "--kind", "register"]) == 1
        out = capsys.readouterr().out.splitlines()
        assert out[0] == f"{path}: register: 1 errors, 0 warnings"
        assert out[1].startswith(f"error: {path}, row 4, column '从业人数': cannot read employees")


def test_record_and_usage_messages_in_chinese(tmp_path, capsys):
    path = tmp_path / "missing.csv"
    assert main(["record", str(path), "--lang", "zh", "--store", "sqlite://"]) == 1
    out = capsys.readouterr().out
    assert f"{path}：1 个错误——未记录" in out and "错误：" + str(path) + "：找不到文件" in out
    assert "未记录任何内容：请改正错误后重新运行" in out
    argv = ["record", str(path), "--campaign-window", "2027-02-01", "2027-01-01", "--lang", "zh"]
    assert main(argv) == 2
    assert "错误：--campaign-window 的结束日期 2027-01-01 早于开始日期 2027-02-01" in (
        capsys.readouterr().err
    )


def test_params_errors_in_chinese_name_file_key_and_value(tmp_path, capsys):
    path = _params(tmp_path, "p.yaml", "target_firms: -3\nlanguage: zh\nselection: best\n")
    assert main(["plan", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert f"错误：{path}：target_firms：应不小于 1（实际为 -3）" in err
    assert (
        f"错误：{path}：selection：应为以下之一：risk_weighted, top_risk, random（实际为 'best'）"
        in err
    )
    assert f"错误：{path}：register：缺少必填参数" in err
    for line in err:
        assert english_sentences(line.replace(str(path), "")) == [], line


def test_a_pydantic_error_without_an_entry_still_names_key_and_value():
    from inspectlib.params import validate_params

    with pytest.raises(Exception) as info:  # a type the table does not list
        validate_params({"campaign": "wage", "year": 2027, "seed": 1, "towns": "x" * 5})
    lines = info.value.lines_in("zh")
    assert any(line.startswith("params：towns：应为列表") for line in lines), lines
    from inspectlib.params import _describe_error

    said = _describe_error({"type": "uuid_parsing", "loc": ("office", "town"), "input": "?"})
    assert said.render("zh") == "office.town：取值不符合要求（uuid_parsing）（实际为 '?'）"
    assert str(said) == "office.town: value not accepted (uuid_parsing) (got '?')"


def test_verify_and_batch_texts_in_both_languages():
    result = VerifyResult(
        False,
        [
            Message("cli.verify.file_missing", kind="register", path="/d/r.csv"),
            Message("cli.verify.cannot_redo", reason=Detail("disk full")),
        ],
        [Message("cli.verify.version", recorded="0.1", now="0.2")],
    )
    zh = result.render("zh")
    assert zh.splitlines()[0] == "不一致（MISMATCH）" and "register 文件 /d/r.csv 不存在" in zh
    assert english_sentences(zh.replace("/d/r.csv", "")) == [], zh
    assert str(result).splitlines()[1] == "- register file /d/r.csv is missing"
    failed = RunResult("p/heat.yaml", "heat", "failed", 2.0, "", "boom happened here", "出错了")
    table = results_table([failed], "zh")
    assert "失败" in table and "出错了" in table and "boom" not in table
    assert "failed" in results_table([failed], "en") and "出错" not in results_table([failed])


def test_problem_lines_in_both_languages():
    problem = Problem("warning", "f.csv", Message("problems.table.control_value"), 7, "备注")
    assert (
        problem.line("zh")
        == "警告：f.csv，第 7 行，“备注”列：已删除该值中的控制字符（如 NUL 字节）"
    )
    assert str(problem) == (
        "warning: f.csv, row 7, column '备注': control characters (such as NUL bytes) "
        "removed from the value"
    )
    assert problem.message == str(problem.said)  # logs and older callers read English


def test_the_second_region_register_is_checked_in_chinese(tmp_path, capsys, monkeypatch):
    """A region that is not the demo (GBK, GCJ-02, section-letter codes) under a zh locale."""
    region = build_second_region(tmp_path, n_firms=60)
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    argv = ["validate", str(region.register), "--kind", "register", "--coords", "gcj02"]
    assert main([*argv, "--boundaries", str(region.boundaries)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{region.register}：企业名录：60 行无误，0 个错误，{len(out) - 1} 个警告"
    for line in out:
        assert english_sentences(line.replace(str(region.root), "")) == [], line
    assert main(["validate", str(region.roster), "--kind", "roster"]) == 0
    assert "执法人员名单" in capsys.readouterr().out


def _catalogue_keys_in_code() -> list[tuple[str, str]]:
    """Every literal catalogue key the package names: ``Message("…")``, ``say("…")``,
    ``problems.…`` keys of ``_capped``."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            first = node.args[0]
            if name in ("Message", "say") and isinstance(first, ast.Constant):
                key = first.value if name == "Message" else f"cli.{first.value}"
                found.append((f"{path.name}:{node.lineno}", key))
    return found


def test_every_key_the_code_names_is_in_the_catalogue():
    keys = _catalogue_keys_in_code()
    assert len(keys) > 150
    for where, key in keys:
        for language in catalogue.LANGUAGES:
            entry = catalogue.text(key, language)  # raises for an unknown key or a group
            assert isinstance(entry, str), where


def test_no_english_sentence_left_in_the_cli_modules():
    """The messages of the CLI's own modules live in the catalogue: no string literal
    (docstrings and log calls aside) reads as an English sentence or holds Chinese."""
    modules = ["cli.py", "speech.py", "run.py", "batch.py", "adoption.py", "demo_run.py"]
    modules += ["errors.py", "tables.py", "geo.py", "register.py", "inputs.py", "params.py"]
    modules += ["ranges.py", "workbooks.py", "archive/checks.py", "archive/findings.py"]
    modules += ["audit.py", "archive/engine.py", "archive/store.py", "archive/official.py"]

    offending = []
    for name in modules:
        tree = ast.parse((PACKAGE / name).read_text(encoding="utf-8"))
        skip = docstrings_and_logs(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) in skip or re.fullmatch(r"[\w.:/ -]*", node.value):
                    continue
                if chinese_runs(node.value) or english_sentences(node.value):
                    offending.append(f"{name}:{node.lineno}: {node.value[:60]!r}")
    assert offending == []


def test_demo_progress_lines_in_chinese():
    from inspectlib.demo_run import _progress

    said: list[str] = []
    _progress(said.append, "zh")(2, 4, RunResult("p/heat.yaml", "heat", "ok", 12.25, "out"))
    _progress(said.append, "en")(3, 4, RunResult("p/wage.yaml", "wage", "failed", 1.0, ""))
    assert said == ["  [2/4] heat：完成（12.2 秒）", "  [3/4] wage: failed (1.0 s)"]


def test_usage_errors_and_help_in_chinese(capsys, monkeypatch):
    import argparse

    words = argparse._  # type: ignore[attr-defined]
    with pytest.raises(SystemExit) as info:
        main(["--lang", "zh", "validate", "x.csv"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：inspectlib validate") and "错误：缺少必需的参数：--kind" in err
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    with pytest.raises(SystemExit):
        main(["record", "f.csv", "--campaign-window", "2027-01-01", "soon"])
    assert "错误：参数 --campaign-window：'soon' 不是日期" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["plan", "--help"])
    assert info.value.code == 0
    shown = capsys.readouterr().out
    assert "选项" in shown and "显示本帮助并退出" in shown and "专项检查参数文件" in shown
    assert all(english_sentences(line) == [] for line in shown.splitlines()), shown
    assert argparse._ is words  # argparse's own words are back for everyone else
    monkeypatch.setenv("LANG", "C.UTF-8")
    with pytest.raises(SystemExit):
        main(["validate", "x.csv"])
    assert "the following arguments are required: --kind" in capsys.readouterr().err


def test_a_zh_plan_logs_its_warnings_in_chinese(tmp_path):
    """What a planner sees in the terminal while a zh plan runs: the calendar, schedule and
    team warnings are worded in Chinese (a real process: no test logging in between)."""
    import os
    import subprocess
    import sys

    region = build_second_region(tmp_path, n_firms=120)
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from inspectlib.cli import main; sys.exit(main())"]
        + ["plan", str(region.params["wage"]), "--lang", "zh", "--set", "target_firms=30"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    logged = [line for line in done.stderr.splitlines() if line.startswith(("提示：", "warning"))]
    assert logged and all(line.startswith("提示：") for line in logged), done.stderr
    for line in logged:
        assert english_sentences(line.replace(str(region.root), "")) == [], line


def test_log_lines_in_english_name_their_level():
    import logging

    from inspectlib.cli import SpokenLog

    said = Message("maps.log.no_coordinates", n=3)
    record = logging.LogRecord("x", logging.WARNING, "", 0, "%s", (said,), None)
    assert (
        SpokenLog("en").format(record)
        == "warning: 3 selected firms have no coordinates and are not drawn"
    )
    assert SpokenLog("zh").format(record) == "提示：有 3 家抽中企业没有坐标，未在地图上标出"
    problem = Problem("warning", "r.csv", Message("inputs.warnings.lonlat_swapped"), 7, "lon")
    record = logging.LogRecord("x", logging.WARNING, "", 0, "%s", (problem,), None)
    assert SpokenLog("zh").format(record) == problem.line("zh")
