import numpy as np
import pandas as pd
import pytest
from stdnum.cn import uscc

from inspectlib import coords
from inspectlib.errors import InputError, Problems
from inspectlib.register import check_uscc, load_register
from tests.helpers import register_rows, two_towns, valid_uscc, write_csv


def load(tmp_path, rows, **kwargs):
    path = write_csv(rows, tmp_path / "register.csv", encoding=kwargs.pop("encoding", "gbk"))
    problems = Problems()
    firms = load_register(path, kwargs.pop("boundaries", two_towns()), problems=problems, **kwargs)
    return firms, problems


def test_clean_register_loads_into_canonical_frame(tmp_path):
    firms, problems = load(tmp_path, register_rows())
    assert not problems.items
    assert firms["firm_id"].is_monotonic_increasing
    assert firms["employees"].tolist() == [10, 20, 30, 40, 50, 60]
    assert firms["has_union"].tolist() == [False, True] * 3
    assert firms["industry_section"].unique().tolist() == ["C"]
    assert firms["complaints_12m"].tolist() == [0, 1, 2, 0, 1, 2]
    assert firms["法定代表人"].iloc[0] == "某0"
    assert not firms["approx_location"].any() and not firms["outside_boundaries"].any()
    assert str(firms["last_inspected"].dtype).startswith("datetime64")


def test_uscc_check_matches_stdnum():
    rng = np.random.default_rng(3)
    alphabet = list("0123456789ABCDEFGHJKLMNPQRTUWXY")
    codes = [
        "".join(rng.choice(list("0123456789"), 8)) + "".join(rng.choice(alphabet, 10))
        for _ in range(3000)
    ]
    codes += [valid_uscc(i) for i in range(200)] + ["123", "91320281ABCDEFGHIO", ""]
    malformed, bad_check = check_uscc(pd.Series(codes))
    for code, is_malformed, is_bad in zip(codes, malformed, bad_check, strict=True):
        try:
            uscc.validate(code)
            expected = "ok"
        except uscc.InvalidChecksum:
            expected = "checksum"
        except Exception:  # noqa: BLE001 - any other stdnum error means malformed
            expected = "malformed"
        got = "malformed" if is_malformed else "checksum" if is_bad else "ok"
        assert got == expected, code


def test_bad_check_character_is_a_warning_and_malformed_code_an_error(tmp_path):
    rows = register_rows()
    good = rows.loc[0, "统一社会信用代码"]
    rows.loc[0, "统一社会信用代码"] = good[:-1] + ("0" if good[-1] != "0" else "1")
    firms, problems = load(tmp_path, rows)
    assert len(firms) == 6
    assert [(p.severity, p.row) for p in problems] == [("warning", 2)]
    rows.loc[1, "统一社会信用代码"] = "12345"
    with pytest.raises(InputError) as info:
        load(tmp_path, rows)
    errors = [p for p in info.value.problems if p.severity == "error"]
    assert [(p.row, p.column) for p in errors] == [(3, "统一社会信用代码")]
    assert "'12345'" in errors[0].message


def test_duplicate_ids_are_an_error_listing_rows(tmp_path):
    rows = register_rows()
    rows.loc[4, "统一社会信用代码"] = rows.loc[1, "统一社会信用代码"]
    with pytest.raises(InputError, match=r"appears 2 times \(rows 3, 6\)"):
        load(tmp_path, rows)


@pytest.mark.parametrize("datum", ["gcj02", "bd09"])
def test_coordinates_are_converted_to_wgs84(tmp_path, datum):
    rows = register_rows()
    lon, lat = coords.from_wgs84(rows["经度"].to_numpy(), rows["纬度"].to_numpy(), datum)
    rows["经度"], rows["纬度"] = lon, lat
    firms, problems = load(tmp_path, rows, coords=datum)
    assert not problems.items
    assert np.allclose(firms["lon"], [120.05, 120.15] * 3, atol=1e-7)
    assert np.allclose(firms["lat"], 31.05, atol=1e-7)


def test_town_disagreement_warns_and_uses_the_polygon(tmp_path):
    rows = register_rows()
    rows.loc[0, "所属镇(区)"] = "乙镇"  # but the point lies in 甲镇
    firms, problems = load(tmp_path, rows)
    assert firms.loc[firms["source_row"] == 2, "town"].item() == "甲镇"
    [warning] = problems.warnings
    assert warning.row == 2 and "'乙镇'" in warning.message and "using '甲镇'" in warning.message


def test_firms_without_coordinates_go_to_town_centre(tmp_path):
    rows = register_rows()
    rows.loc[3, ["经度", "纬度"]] = np.nan
    firms, problems = load(tmp_path, rows)
    firm = firms.loc[firms["source_row"] == 5].iloc[0]
    assert firm["approx_location"]
    assert firm["town"] == "乙镇"
    assert 120.1 < firm["lon"] < 120.2 and 31.0 < firm["lat"] < 31.1
    assert [p.row for p in problems.warnings] == [5]


def test_points_outside_every_polygon_are_flagged_not_dropped(tmp_path):
    rows = register_rows()
    rows.loc[2, "经度"] = 121.5
    firms, problems = load(tmp_path, rows)
    assert len(firms) == 6
    outside = firms.loc[firms["outside_boundaries"]]
    assert outside["source_row"].tolist() == [4]
    assert outside["town"].item() == "甲镇"  # the register's own town is kept
    assert "outside every town" in problems.warnings[0].message


def test_firm_with_no_location_at_all_is_an_error(tmp_path):
    rows = register_rows()
    rows.loc[1, ["经度", "纬度"]] = np.nan
    rows.loc[1, "所属镇(区)"] = ""
    rows.loc[2, ["经度", "纬度"]] = np.nan
    rows.loc[2, "所属镇(区)"] = "丙镇"
    with pytest.raises(InputError) as info:
        load(tmp_path, rows)
    errors = {p.row: p.message for p in info.value.problems if p.severity == "error"}
    assert set(errors) == {3, 4}
    assert "no location" in errors[3] and "'丙镇'" not in errors[4] and "甲镇" in errors[4]


def test_swapped_coordinates_are_repaired_with_a_warning(tmp_path):
    rows = register_rows()
    rows.loc[0, ["经度", "纬度"]] = [31.05, 120.05]
    firms, problems = load(tmp_path, rows)
    assert firms.loc[firms["source_row"] == 2, "lon"].item() == pytest.approx(120.05)
    assert "swapped" in problems.warnings[0].message


def test_register_without_boundaries_keeps_its_towns(tmp_path):
    firms, problems = load(tmp_path, register_rows(), boundaries=None)
    assert firms["town"].tolist() == ["甲镇", "乙镇"] * 3
