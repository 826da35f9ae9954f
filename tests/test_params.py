from pathlib import Path

import pytest

from inspectlib.catalogue.languages import english_sentences
from inspectlib.errors import ParamsError
from inspectlib.params import load_params, parse_set, validate_params

BASE = {
    "campaign": "wage",
    "year": 2027,
    "seed": 1,
    "register": "r.csv",
    "boundaries": "b.geojson",
    "roster": "roster.xlsx",
}


def test_relative_paths_resolve_against_the_params_file(tmp_path):
    (tmp_path / "p.yaml").write_text(
        "campaign: heat\nyear: 2027\nseed: 7\nregister: data/r.csv\nboundaries: b.geojson\n"
        "roster: /abs/roster.xlsx\nfindings: [f1.csv]\nstore: sqlite:///db.sqlite\n",
        encoding="utf-8",
    )
    params = load_params(tmp_path / "p.yaml")
    assert params.register == (tmp_path / "data" / "r.csv").resolve()
    assert params.roster == Path("/abs/roster.xlsx")
    assert params.findings == [(tmp_path / "f1.csv").resolve()]
    assert params.store == f"sqlite:///{(tmp_path / 'db.sqlite').resolve()}"
    assert params.random_share == 0.05


@pytest.mark.parametrize(
    "change, needle",
    [
        ({"colour": "red"}, "unknown key 'colour'"),
        ({"target_firms": "many"}, "target_firms"),
        ({"random_share": 1.5}, "random_share"),
        ({"campaign": "taxes"}, "campaign: must be one of"),
        ({"window_start": "2027-03-01", "window_end": "2027-02-01"}, "before window_start"),
        ({"window_start": "2026-03-01"}, "not in year 2027"),
        ({"office": {"lon": 120.0}}, "office"),
    ],
)
def test_bad_params_give_one_clear_message(change, needle):
    with pytest.raises(ParamsError) as info:
        validate_params(BASE | change, source="wage.yaml")
    assert needle in str(info.value)
    assert str(info.value).startswith("wage.yaml")


def test_set_values_are_yaml():
    assert parse_set(["target_firms=50", "towns=[a, b]", "language=en"]) == {
        "target_firms": 50,
        "towns": ["a", "b"],
        "language": "en",
    }
    with pytest.raises(ParamsError, match="key=value"):
        parse_set(["oops"])


def test_unreadable_params_file(tmp_path):
    (tmp_path / "bad.yaml").write_text("campaign: [unclosed\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="not valid YAML"):
        load_params(tmp_path / "bad.yaml")
    with pytest.raises(ParamsError, match="cannot read"):
        load_params(tmp_path / "missing.yaml")


def test_notebook_namespace_refuses_unknown_keys_for_both_models(tmp_path):
    from inspectlib.annual import annual_params
    from inspectlib.notebook import campaign_params

    namespace = dict(BASE, params_dir=str(tmp_path), get_ipython=print, np=None, colour="red")
    with pytest.raises(ParamsError, match="unknown key\\(s\\) 'colour', 'np'"):
        campaign_params(namespace)
    del namespace["colour"], namespace["np"]
    assert campaign_params(namespace).register == (tmp_path / "r.csv").resolve()
    annual = {
        "year": 2027,
        "store": "sqlite:///a.sqlite",
        "register": "r.csv",
        "boundaries": "b.geojson",
        "params_dir": str(tmp_path),
    }
    assert annual_params(annual).store == f"sqlite:///{(tmp_path / 'a.sqlite').resolve()}"
    with pytest.raises(ParamsError, match="unknown key\\(s\\) 'seed'"):
        annual_params(annual | {"seed": 3})


def test_every_problem_on_its_own_line_with_file_and_key():
    with pytest.raises(ParamsError) as info:
        validate_params(
            BASE | {"window_start": "2027-13-01", "target_firms": "many", "colour": "red"},
            source="wage.yaml",
        )
    lines = info.value.lines
    assert len(lines) == 3 and all(line.startswith("wage.yaml: ") for line in lines)
    assert any("window_start" in line and "2027-13-01" in line for line in lines)
    assert str(info.value).count("\n") == 2


def test_an_impossible_date_in_the_file_names_its_key(tmp_path):
    path = tmp_path / "p.yaml"
    text = "".join(f"{k}: {v}\n" for k, v in BASE.items()) + "window_start: 2027-13-01\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParamsError, match=r"p\.yaml: window_start: .*valid date.*'2027-13-01'"):
        load_params(path)
    with pytest.raises(ParamsError) as info:
        load_params(path)
    (line,) = info.value.lines_in("zh")
    assert line == f"{path}：window_start：应为有效日期，如 2027-06-01（实际为 '2027-13-01'）"


def test_a_repeated_key_is_an_error(tmp_path):
    path = tmp_path / "p.yaml"
    text = "".join(f"{k}: {v}\n" for k, v in BASE.items()) + "seed: 2\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParamsError, match=r"key 'seed' is given twice \(lines 3 and 7\)"):
        load_params(path)


def test_a_params_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_bytes(
        "".join(f"{k}: {v}\n" for k, v in BASE.items()).encode()
        + "office: {town: 城东镇}\n".encode("gbk")
    )
    with pytest.raises(ParamsError, match=r"p\.yaml: line 7: not UTF-8"):
        load_params(path)
    path.write_bytes(b"\xef\xbb\xbf" + "".join(f"{k}: {v}\n" for k, v in BASE.items()).encode())
    assert load_params(path).seed == 1  # a BOM is fine


def test_pathological_yaml_is_refused_quickly(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
    )
    (tmp_path / "bomb.yaml").write_text(bomb, encoding="utf-8")
    with pytest.raises(ParamsError, match="aliases are expanded") as info:
        load_params(tmp_path / "bomb.yaml")
    assert len(str(info.value)) < 300
    (tmp_path / "deep.yaml").write_text("towns: " + "[" * 5000 + "]" * 5000, encoding="utf-8")
    with pytest.raises(ParamsError, match="nested more than 20 levels"):
        load_params(tmp_path / "deep.yaml")


def test_a_huge_value_is_described_not_printed():
    with pytest.raises(ParamsError) as info:
        validate_params(BASE | {"towns": [["x"] * 1000] * 1000}, source="w.yaml")
    assert len(str(info.value)) < 3000


def test_the_cli_prints_one_line_per_problem(tmp_path, capsys):
    from inspectlib.cli import main

    path = tmp_path / "p.yaml"
    text = "".join(f"{k}: {v}\n" for k, v in BASE.items() if k != "roster")
    path.write_text(text + "window_start: 2027-13-01\ntarget_firms: many\n", encoding="utf-8")
    assert main(["plan", str(path), "--lang", "en"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith(f"error: {path}: ") for line in err)
    assert {line.split(": ")[2] for line in err} == {"window_start", "target_firms", "roster"}
    # the params file names no language: its outputs are Chinese, and so is the CLI
    assert main(["plan", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith(f"错误：{path}：") for line in err)
    assert {line.split("：")[2] for line in err} == {"window_start", "target_firms", "roster"}
    assert not any(english_sentences(line.replace(str(path), "")) for line in err), err


def test_a_params_file_without_store_uses_the_archive_beside_it(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("".join(f"{k}: {v}\n" for k, v in BASE.items()), encoding="utf-8")
    assert load_params(path).store == f"sqlite:///{tmp_path.resolve()}/outputs/archive.sqlite"


def test_make_lab_runs_as_root():
    import subprocess

    root = Path(__file__).resolve().parent.parent
    dry = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed-stamp", "lab"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    command = next(line for line in dry.stdout.splitlines() if "jupyter lab" in line)
    import os

    assert ("--allow-root" in command) == (os.getuid() == 0)


def test_a_params_file_without_register_is_refused():
    """``register`` shadows an attribute of pydantic's base class: it must still be required
    (it once validated to that attribute, a method)."""
    raw = {k: v for k, v in BASE.items() if k != "register"}
    with pytest.raises(ParamsError) as info:
        validate_params(raw, source="w.yaml")
    assert info.value.lines == ["w.yaml: register: required key is missing"]
    assert info.value.lines_in("zh") == ["w.yaml：register：缺少必填参数"]
