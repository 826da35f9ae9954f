from pathlib import Path

import pytest

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
