from inspectlib.headers import header_key, match_headers
from inspectlib.schema import REGISTER


def test_header_variants_match():
    headers = ["统一社会信用代码 ", "企业名称", "所属镇（区）", "经 度", "纬度", "法定代表人"]
    found = match_headers(headers, REGISTER)
    assert found["firm_id"] == "统一社会信用代码 "
    assert found["town"] == "所属镇（区）"
    assert found["lon"] == "经 度"
    assert "法定代表人" not in found.values()


def test_header_key_normalises_width_and_case():
    assert header_key("Firm_ID*") == header_key("firm id") == "firmid"
    assert header_key("所属镇【区】") == "所属镇(区)"
