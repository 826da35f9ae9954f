"""Issue 14: every malformed input of the generated corpus (tests/hostile.py) is refused
through the real command line with exit code 1 and one line per problem naming file, row and
column — or accepted with exit code 0 and a warning when the file is still usable — with no
traceback and nothing written; ``record`` refuses exactly what ``validate`` refuses, on
SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from inspectlib.archive import open_archive
from inspectlib.catalogue.languages import chinese_runs, english_sentences
from inspectlib.cli import main
from tests.helpers import write_csv
from tests.hostile import CASES, RECORD_CASES, argv, findings_rows
from tests.postgres import fresh_database

WHOLE_FILE = {
    "reg-5000-columns",
    "reg-csv-sniffer-bomb",
    "reg-xml-bomb",
    "reg-not-a-zip",
    "bnd-bogus-crs",
    "audit-truncated",
    "audit-missing",
}
"""Cases about a whole file: their errors name the file (and the crs member) only."""

DEFECTS = {"ranges", "exhaustion", "agree", "catch-all", "silent"}


def _problems(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(("error:", "warning:"))]


QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
"""Values quoted from the file (``repr``): data, in whatever language the file is written."""


def _words_of(line: str, path: Path, column: str | None) -> str:
    """A problem line without what it quotes: the file, the column and the cell values."""
    text = line.replace(str(path), " ").replace(str(path.parent), " ")
    if column:
        text = text.replace(column, " ")
    return QUOTED.sub(" ", text)


def test_the_corpus_covers_every_defect_class():
    assert {c.defect for c in CASES} == DEFECTS
    assert len({c.name for c in CASES}) == len(CASES)
    assert {c.exit_code for c in CASES} == {0, 1}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_malformed_input_gives_one_clear_line_per_problem(case, tmp_path, capsys):
    folder = tmp_path / "corpus"
    folder.mkdir()
    path = case.build(folder)
    before = sorted(folder.rglob("*"))
    code = main([*argv(case, path), "--lang", "en"])
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert code == case.exit_code, text
    assert "Traceback" not in text and "unexpected" not in text, text
    for fragment in case.expect:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    for fragment in case.forbid:
        assert fragment not in text, text
    problems = _problems(text)
    severity = "error:" if case.exit_code else "warning:"
    assert any(p.startswith(severity) for p in problems), text
    if case.exit_code == 0:
        assert not any(p.startswith("error:") for p in problems), text
    for line in problems:
        assert line.split(": ", 2)[1].startswith(str(path)), line  # names the file
        assert len(line) < 1_200  # no value is echoed whole
        if case.name not in WHOLE_FILE and line.startswith("error:"):
            assert re.search(r", row \d+, column '[^']+'", line), line
        column = re.search(r", column '([^']+)'", line)
        quoted = _words_of(line, path, column and column.group(1))
        assert chinese_runs(quoted) == [], f"Chinese in an English line: {line}"
    assert sorted(folder.rglob("*")) == before  # nothing written next to the input


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_malformed_input_is_explained_in_chinese(case, tmp_path, capsys, monkeypatch):
    """The same corpus with ``--lang zh``: the same exit code and lines, each naming the
    file, row and column in Chinese, with no English sentence besides what it quotes."""
    monkeypatch.chdir(tmp_path)  # ``record`` archives into the current folder
    path = case.build(tmp_path)

    code = main([*argv(case, path), "--lang", "zh"])
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert code == case.exit_code, text
    assert "Traceback" not in text, text
    lines = [line for line in text.splitlines() if line.startswith(("错误：", "警告："))]
    severity = "错误：" if case.exit_code else "警告："
    assert any(line.startswith(severity) for line in lines), text
    for fragment in case.expect:  # the rows named, in Chinese
        row = re.fullmatch(r"rows? (\d+)", fragment)
        if row:
            assert f"第 {row.group(1)} 行" in text, text
    for line in lines:
        assert line.split("：", 1)[1].startswith(str(path)), line  # names the file
        if case.name not in WHOLE_FILE and line.startswith("错误："):
            assert re.search(r"，第 \d+ 行，“[^”]+”列：", line), line
        column = re.search(r"，“([^”]+)”列：", line)
        words = _words_of(line, path, column and column.group(1))
        assert english_sentences(words) == [], f"English in a Chinese line: {line}"
    for line in text.splitlines():  # the summary lines too
        assert english_sentences(_words_of(line, path, None)) == [], line


@pytest.mark.parametrize("name", RECORD_CASES)
def test_record_refuses_what_validate_refuses_on_sqlite(name, tmp_path, capsys):
    _record_like_validate(name, tmp_path, f"sqlite:///{tmp_path}/archive.sqlite", capsys)


@pytest.mark.parametrize("name", RECORD_CASES)
def test_record_refuses_what_validate_refuses_on_postgresql(name, tmp_path, capsys, request):
    url = fresh_database(request.getfixturevalue("postgres_url"))
    _record_like_validate(name, tmp_path, url, capsys)


def _record_like_validate(name: str, tmp_path: Path, store: str, capsys) -> None:
    case = next(c for c in CASES if c.name == name)
    path = case.build(tmp_path)
    main(argv(case, path))
    validated = capsys.readouterr().out
    code = main(["record", str(path), "--store", store])
    recorded = capsys.readouterr()
    text = recorded.out + recorded.err
    assert code == case.exit_code, text
    assert "Traceback" not in text and "unexpected" not in text and "SQL" not in text, text
    assert [p for p in _problems(text) if p.startswith("error:")] == [
        p for p in _problems(validated) if p.startswith("error:")
    ]
    if case.exit_code:
        assert "nothing was recorded" in text
        if store.startswith("sqlite"):
            assert not (tmp_path / "archive.sqlite").exists()
        else:
            with open_archive(store) as archive:
                assert archive.findings().empty
    else:
        with open_archive(store) as archive:
            notes = archive.findings()["notes"].tolist()
        assert len(notes) == 3 and "整改完成" in notes  # NUL removed, same on both databases


def test_a_clean_findings_file_is_recorded_on_postgresql(tmp_path, capsys, request):
    """The corpus' base file is valid: the refusals above are about the planted defects."""
    url = fresh_database(request.getfixturevalue("postgres_url"))
    path = write_csv(findings_rows(), tmp_path / "f.csv", encoding="utf-8-sig")
    assert main(["record", str(path), "--store", url]) == 0, capsys.readouterr().out
    with open_archive(url) as archive:
        assert len(archive.findings()) == 3


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("罚款(元)", "inf", "fine_yuan value 'inf' is outside the accepted range"),
        ("检查日期", "2999-01-01", "cannot read inspection_date value '2999-01-01'"),
        ("涉及职工人数", "3000000000", "cannot read workers_affected value '3000000000'"),
    ],
)
def test_plan_stops_before_any_run_folder(small_world, tmp_path, capsys, column, value, expected):
    """``inspectlib plan`` with a bad findings file: exit 1, the problem by file, row and
    column, no kernel started and no run folder (nor failed folder) written."""
    import shutil

    shutil.copytree(small_world.root / "inputs", tmp_path / "inputs")
    shutil.copytree(small_world.root / "params", tmp_path / "params")
    findings = tmp_path / "inputs" / "findings_2026.csv"
    frame = pd.read_csv(findings, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.loc[4, column] = value
    frame.to_csv(findings, index=False, encoding="utf-8-sig")
    out_dir = tmp_path / "out"
    command = ["plan", str(tmp_path / "params" / "wage.yaml"), "--set", f"output_dir={out_dir}"]
    code = main([*command, "--lang", "en"])
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert code == 1, text
    first = text.splitlines()[0]
    assert first == f"error: {findings}, row 6, column '{column}': " + first.split(": ", 2)[2]
    assert expected in first and "Traceback" not in text and "cell" not in first
    assert not out_dir.exists()
    assert main(command) == 1  # the params' language (zh): the same line in Chinese
    first = capsys.readouterr().err.splitlines()[0]
    assert first.startswith(f"错误：{findings}，第 6 行，“{column}”列：") and f"'{value}'" in first

    assert english_sentences(first.replace(str(findings), "")) == [], first
    assert not out_dir.exists()


def test_readme_documents_every_accepted_range():
    """The README's table states the range of every number and date column of the schema."""
    from inspectlib.inputs import WARNING_POINTS
    from inspectlib.schema import KINDS

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Accepted ranges and hostile files", 1)[1].split("\n\n")[2]
    rows = {line.split("|")[2].strip(): line for line in table.splitlines()[2:]}
    ahead = {1: "31 Dec of next year", 3: "31 Dec three years ahead", 5: "31 Dec five years ahead"}
    checked = 0
    for spec in [c for cols in KINDS.values() for c in cols] + list(WARNING_POINTS):
        if spec.low is None:
            continue
        row = next(line for key, line in rows.items() if f"`{spec.name}`" in key)
        if spec.years_ahead is not None:
            assert f"{spec.low.isoformat()} … {ahead[spec.years_ahead]}" in row, row
        elif spec.name in ("lon", "lat"):
            assert "−180 … 180, −90 … 90" in row
        else:
            assert f"{spec.low:,g} … {spec.high:,.0f} {spec.unit}" in row, row
        checked += 1
    assert checked >= 12


def test_the_delimiter_is_guessed_from_a_bounded_sample():
    """csv.Sniffer is quadratic in its sample: it never sees more than a few lines."""
    from inspectlib.tables import _SNIFF_CHARS, _sniff_sample

    assert len(_sniff_sample('",' * 100_000)) == _SNIFF_CHARS
    lines = "a,b,c\n" * 10_000
    sample = _sniff_sample(lines)
    assert len(sample) <= _SNIFF_CHARS and sample.endswith("a,b,c")


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_archive_refuses_impossible_rows_built_in_code(database, tmp_path, request):
    """Frames built in code skip the loader; the archive's row checks refuse the same values
    before the database sees them, with the row named — identically on both databases."""
    import pandas as pd

    from inspectlib.errors import InputError
    from tests.helpers import valid_uscc

    store = (
        f"sqlite:///{tmp_path}/a.sqlite"
        if database == "sqlite"
        else fresh_database(request.getfixturevalue("postgres_url"))
    )
    frame = pd.DataFrame(
        {
            "firm_id": [valid_uscc(1), valid_uscc(2), valid_uscc(3)],
            "campaign": ["wage"] * 3,
            "inspection_date": pd.to_datetime(["2026-01-05", "2026-01-06", "1900-01-05"]),
            "result": ["violation"] * 3,
            "workers_affected": [3_000_000_000, 1, 1],
            "back_wages_yuan": [0.0, float("inf"), 0.0],
            "notes": ["", "整改\x00完成", ""],
            "source_row": [2, 3, 4],
        }
    )
    with open_archive(store) as archive:
        with pytest.raises(InputError) as info:
            archive.record_findings(frame, "built.csv")
        assert archive.findings().empty
    lines = [str(p) for p in info.value.problems]
    assert lines == [
        "error: built.csv, row 4, column 'inspection_date': inspection_date 1900-01-05 00:00:00 "
        "is outside the accepted range 2000-01-01 … " + lines[0].rsplit("… ", 1)[1],
        "error: built.csv, row 2, column 'workers_affected': workers_affected 3000000000 is "
        "outside the accepted range 0 … 2,000,000 people",
        "error: built.csv, row 3, column 'back_wages_yuan': back_wages_yuan inf is outside the "
        "accepted range 0 … 10,000,000,000 yuan",
        "error: built.csv, row 3, column 'notes': notes '整改\\x00完成' contains a NUL byte",
    ]


def test_every_file_is_checked_whole_when_another_has_errors(tmp_path, capsys):
    """Two bad findings files in one load: each file's own problems are all reported."""
    from inspectlib.errors import InputError
    from inspectlib.inputs import load_findings

    bad_range = next(c for c in CASES if c.name == "fnd-fine-inf").build(tmp_path)
    conflict = next(c for c in CASES if c.name == "fnd-same-key-other-values").build(tmp_path)
    with pytest.raises(InputError) as info:
        load_findings([bad_range, conflict])
    lines = [str(p) for p in info.value.problems]
    assert any(str(bad_range) in line and "fine_yuan value 'inf'" in line for line in lines)
    assert any(str(conflict) in line and "different values" in line for line in lines)
