import pandas as pd
import pytest

from inspectlib.errors import InputError, Problems
from inspectlib.schema import REGISTER, WEATHER
from inspectlib.tables import decode_text, read_table
from tests.helpers import register_rows, write_csv


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings_are_detected(tmp_path, encoding):
    path = write_csv(register_rows(), tmp_path / "r.csv", encoding=encoding)
    problems = Problems()
    table = read_table(path, REGISTER, problems)
    assert not problems.errors
    assert table.frame["name"].iloc[0] == "测试0纺织有限公司"
    assert table.frame["town"].tolist()[:2] == ["甲镇", "乙镇"]
    assert table.extra == ["法定代表人"]
    assert table.frame["source_row"].tolist() == [2, 3, 4, 5, 6, 7]


def test_undecodable_bytes_are_a_clear_error():
    with pytest.raises(InputError, match="encoding"):
        decode_text(b"\xff\xff\x00\x81\x30", "x.csv")


def test_xlsx_with_title_row_and_named_sheet(tmp_path):
    path = tmp_path / "r.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        pd.DataFrame({"a": [1]}).to_excel(xl, sheet_name="说明", index=False)
        register_rows().to_excel(xl, sheet_name="企业名录", index=False, startrow=2)
        xl.sheets["企业名录"]["A1"] = "2027年企业名录"
    problems = Problems()
    table = read_table(path, REGISTER, problems, sheet="企业名录")
    assert not problems.errors
    assert len(table.frame) == 6
    # title in row 1, blank row 2, header in row 3: first firm is row 4 as Excel shows it
    assert table.frame["source_row"].iloc[0] == 4
    assert table.frame["employees"].tolist() == [10, 20, 30, 40, 50, 60]
    assert table.frame["last_inspected"].iloc[4] == pd.Timestamp("2025-03-04")


def test_parquet_with_canonical_headers(tmp_path):
    frame = pd.DataFrame({"date": ["2027-08-01", "2027-08-02"], "tmax_c": [35.5, 38.0]})
    frame.to_parquet(tmp_path / "w.parquet")
    problems = Problems()
    table = read_table(tmp_path / "w.parquet", WEATHER, problems)
    assert table.frame["tmax_c"].tolist() == [35.5, 38.0]
    assert table.frame["date"].iloc[1] == pd.Timestamp("2027-08-02")


def test_parquet_with_typed_and_missing_values(tmp_path):
    frame = pd.DataFrame(
        {
            "统一社会信用代码": ["A1", "B2", None],
            "从业人数": pd.array([120, None, 7], dtype="Int64"),
            "是否建会": pd.array([True, None, False], dtype="boolean"),
            "上次检查日期": pd.to_datetime(["2025-03-04", None, "2024-12-31"]),
            "经度": [120.5, None, 121.0],
        }
    )
    frame.to_parquet(tmp_path / "r.parquet")
    table = read_table(tmp_path / "r.parquet", REGISTER, Problems())
    out = table.frame
    assert out["firm_id"].tolist() == ["A1", "B2", ""]
    assert out["employees"].tolist()[::2] == [120, 7] and pd.isna(out["employees"].iloc[1])
    assert out["has_union"].iloc[0] and not out["has_union"].iloc[2]
    assert pd.isna(out["has_union"].iloc[1])
    assert out["last_inspected"].iloc[0] == pd.Timestamp("2025-03-04")
    assert pd.isna(out["last_inspected"].iloc[1]) and pd.isna(out["lon"].iloc[1])
    assert out["source_row"].tolist() == [2, 3, 4]


def test_parquet_with_an_index_column_categories_and_zoned_dates(tmp_path):
    frame = pd.DataFrame(
        {
            "firm_id": ["A1", "B2"],
            "name": pd.Categorical(["甲厂", "乙厂"]),
            "last_inspected": pd.to_datetime(["2025-03-04 23:30", None]).tz_localize(
                "Asia/Shanghai"
            ),
        }
    ).set_index("firm_id")
    frame.to_parquet(tmp_path / "r.parquet")
    out = read_table(tmp_path / "r.parquet", REGISTER, Problems()).frame
    assert out["firm_id"].tolist() == ["A1", "B2"] and out["name"].tolist() == ["甲厂", "乙厂"]
    assert out["last_inspected"].iloc[0] == pd.Timestamp("2025-03-04")  # the local date
    assert pd.isna(out["last_inspected"].iloc[1])


def test_bad_cells_are_reported_by_row_and_column(tmp_path):
    rows = register_rows()
    rows.loc[2, "从业人数"] = "很多"
    rows.loc[4, "是否建会"] = "不知道"
    path = write_csv(rows, tmp_path / "r.csv", encoding="gbk")
    problems = Problems()
    read_table(path, REGISTER, problems)
    found = {(p.row, p.column) for p in problems.errors}
    assert found == {(4, "从业人数"), (6, "是否建会")}


def test_missing_required_column_lists_headers(tmp_path):
    path = write_csv(register_rows().drop(columns=["企业名称"]), tmp_path / "r.csv")
    problems = Problems()
    read_table(path, REGISTER, problems)
    assert len(problems.errors) == 1
    message = problems.errors[0].message
    assert "'name' is missing" in message and "企业名称" in message and "经度" in message


def test_missing_file_and_empty_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_table(tmp_path / "nope.csv", REGISTER, Problems())
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_table(tmp_path / "empty.csv", REGISTER, Problems())


def test_blank_lines_keep_row_numbers(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("date,tmax_c\n2027-08-01,35\n\n2027-08-03,hot\n", encoding="utf-8")
    problems = Problems()
    table = read_table(path, WEATHER, problems)
    assert table.frame["source_row"].tolist() == [2, 4]
    assert [p.row for p in problems.errors] == [4]
