import pytest

from inspectlib.cli import main
from tests.helpers import register_rows, two_towns, write_csv


def test_validate_clean_register_exits_0(tmp_path, capsys):
    path = write_csv(register_rows(), tmp_path / "register.csv", encoding="gbk")
    assert main(["validate", str(path), "--kind", "register"]) == 0
    out = capsys.readouterr().out
    assert "6 rows OK, 0 errors, 0 warnings" in out


def test_validate_prints_one_line_per_problem_and_exits_1(tmp_path, capsys):
    rows = register_rows()
    rows.loc[2, "从业人数"] = "很多"
    rows.loc[3, "统一社会信用代码"] = "bad-id"
    path = write_csv(rows, tmp_path / "register.csv", encoding="gbk")
    assert main(["validate", str(path), "--kind", "register"]) == 1
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(lines) == 2
    assert any("row 4, column '从业人数'" in line for line in lines)
    assert any(
        "row 5, column '统一社会信用代码'" in line and "'BAD-ID'" not in line and "BADID" in line
        for line in lines
    )
    assert "Traceback" not in out


def test_validate_with_boundaries_reports_warnings_exit_0(tmp_path, capsys):
    rows = register_rows()
    rows.loc[0, "所属镇(区)"] = "乙镇"
    path = write_csv(rows, tmp_path / "register.csv")
    two_towns().to_file(tmp_path / "towns.geojson", driver="GeoJSON")
    code = main(
        [
            "validate",
            str(path),
            "--kind",
            "register",
            "--boundaries",
            str(tmp_path / "towns.geojson"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "1 warnings" in out and "warning:" in out and "row 2" in out


def test_missing_file_and_usage_errors(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.csv"), "--kind", "roster"]) == 1
    assert "file not found" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        main(["validate", "x.csv", "--kind", "spreadsheet"])
    assert info.value.code == 2


def test_a_table_given_as_boundaries_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "towns.csv"
    path.write_text("town,x\n甲镇,1\n", encoding="utf-8")
    assert main(["validate", str(path), "--kind", "boundaries"]) == 1
    out = capsys.readouterr().out
    assert "has no geometries" in out and "Traceback" not in out
