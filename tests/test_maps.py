"""Tests of inspectlib.maps that need no browser (rendered HTML and its JSON payload)."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from inspectlib.coords import wgs84_to_gcj02
from inspectlib.maps import campaign_map, results_map, town_coverage, town_results, write_html
from inspectlib.maps.assets import map_assets
from inspectlib.maps.encode import script_json

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "`${alert(1)}`",
    "</script><script>alert(1)</script>",
    "C:\\temp\\x",
]
SECRETS = ["0.987654", "SECRET-REASON", "张秘密", "4242", "预警点甲"]
OFFICE = (120.15, 31.05)
TILE_PREFIXES = {
    "osm": "https://tile.openstreetmap.org/",
    "gaode": "https://webrd0{s}.is.autonavi.com/appmaptile?",
}


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def boundaries() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"town": ["甲镇", "乙镇", "丙镇"], "code": ["01", "02", "03"]},
        geometry=[
            box(120.0, 31.0, 120.1, 31.1),
            box(120.1, 31.0, 120.2, 31.1),
            box(120.2, 31.0, 120.3, 31.1),
        ],
        crs="EPSG:4326",
    )


@pytest.fixture
def eligible() -> pd.DataFrame:
    rows = []
    for k in range(10):
        rows.append((f"A{k:02d}", "甲镇", 120.01 + 0.008 * k, 31.01 + 0.007 * k))
    for k in range(5):
        rows.append((f"B{k:02d}", "乙镇", 120.11 + 0.015 * k, 31.02 + 0.01 * k))
    return pd.DataFrame(rows, columns=["firm_id", "town", "lon", "lat"])


@pytest.fixture
def plan(eligible: pd.DataFrame) -> pd.DataFrame:
    picked = eligible.iloc[[0, 3, 6, 10, 12]].reset_index(drop=True)
    return picked.assign(
        name=[*HOSTILE, "普通企业"],
        industry=["C 制造业", "C 制造业", "H 住宿和餐饮业", "E 建筑业", "C 制造业"],
        stratum=["risk", "random", "risk", "risk", "random"],
        risk_score=[0.987654, 0.1, 0.5, 0.7, 0.2],
        reasons=[
            "SECRET-REASON: +0.8; no union: +0.3",
            "random draw",
            "no union: +0.3",
            "4242 complaints in 12 months: +0.8",
            "random draw",
        ],
        complaints_12m=[4242, 0, 1, 3, 0],
        team=pd.array(["T01", "T01", "T02", "T02", pd.NA], dtype="string"),
        members=["张秘密, 李四", "张秘密, 李四", "王五, 赵六", "王五, 赵六", pd.NA],
        date=pd.to_datetime(["2025-01-06", "2025-01-06", "2025-01-07", "2025-01-07", None]),
        visit_order=pd.array([2, 1, 1, 2, pd.NA], dtype="Int64"),
    )


@pytest.fixture
def warning_points() -> pd.DataFrame:
    return pd.DataFrame({"name": ["预警点甲"], "town": ["甲镇"], "lon": [120.05], "lat": [31.05]})


@pytest.fixture
def results(plan: pd.DataFrame) -> pd.DataFrame:
    return plan[["firm_id", "name", "town", "lon", "lat", "date"]].assign(
        result=["violation", "compliant", "violation", "refused", "closed"],
        violations=[3, 0, 2, 0, 0],
    )


def internal_map(plan, boundaries, eligible, warning_points, **kw) -> str:
    kw.setdefault("title", "企业工资专项检查 2025-01-06 – 2025-01-24")
    return campaign_map(
        plan, boundaries, eligible, office=OFFICE, warning_points=warning_points, **kw
    )


# ---------------------------------------------------------------- helpers


def payload_of(html: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="inspectlib-map-data">(.*?)</script>', html, re.S
    )
    assert match, "no JSON payload"
    return json.loads(match.group(1))


def layer(payload: dict, layer_id: str) -> dict:
    return next(item for item in payload["layers"] if item["id"] == layer_id)


def pick(col, k):
    if col is None or isinstance(col, str):
        return col
    if isinstance(col, list):
        return col[k]
    return col["d"][col["i"][k]]


def decode_points(payload: dict, spec: dict) -> np.ndarray:
    g = payload["grid"]
    return np.column_stack(
        [g["x0"] + np.array(spec["x"]) / g["scale"], g["y0"] + np.array(spec["y"]) / g["scale"]]
    )


def decode_flat(payload: dict, flat: list[int]) -> np.ndarray:
    g = payload["grid"]
    arr = np.array(flat, dtype=float).reshape(-1, 2)
    return np.column_stack([g["x0"] + arr[:, 0] / g["scale"], g["y0"] + arr[:, 1] / g["scale"]])


def popup_values(spec: dict, k: int) -> dict[str, str | None]:
    popup = spec["popup"]
    out = {"title": pick(popup["title"], k)}
    for field in popup["fields"]:
        out[field["key"]] = pick(popup["columns"][field["key"]], k)
    return out


class References(HTMLParser):
    """Collects tags, every src/href-like attribute and every inline script's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.scripts: list[tuple[dict, str]] = []
        self.metas: list[dict] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "meta":
            self.metas.append(dict(attrs))
        for name, value in attrs:
            if name in {
                "src",
                "href",
                "srcset",
                "action",
                "poster",
                "data",
                "background",
            } or name.startswith("on"):
                self.attrs.append((tag, name, value or ""))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_data(self, data):
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def parse(html: str) -> References:
    parser = References()
    parser.feed(html)
    parser.close()
    return parser


def render_all(plan, boundaries, eligible, warning_points, results, tiles):
    return {
        "internal": internal_map(
            plan, boundaries, eligible, warning_points, tiles=tiles, synthetic=True
        ),
        "public": campaign_map(plan, boundaries, eligible, title="公开", tiles=tiles, public=True),
        "results": results_map(results, boundaries, title="结果", tiles=tiles),
        "results_public": results_map(results, boundaries, title="结果", tiles=tiles, public=True),
    }


# ---------------------------------------------------------------- document


def test_campaign_map_is_one_document_with_title_and_banner(
    plan, boundaries, eligible, warning_points
):
    html = internal_map(plan, boundaries, eligible, warning_points, synthetic=True)
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<html") == 1 and html.rstrip().endswith("</html>")
    assert 'id="inspectlib-synthetic"' in html
    assert "合成示例数据 / synthetic demo data" in html
    assert payload_of(html)["title"] == "企业工资专项检查 2025-01-06 – 2025-01-24"
    plain = internal_map(plan, boundaries, eligible, warning_points)
    assert "合成示例数据" not in plain


def test_layers_and_counts_of_internal_map(plan, boundaries, eligible, warning_points):
    payload = payload_of(internal_map(plan, boundaries, eligible, warning_points))
    ids = [item["id"] for item in payload["layers"]]
    assert ids == [
        "coverage",
        "town-names",
        "selected",
        "team:T01",
        "team:T02",
        "warning",
        "eligible",
        "office",
    ]
    assert payload["counts"] == {
        "selected": 5,
        "routes": 2,
        "teams": 2,
        "warning": 1,
        "eligible": 15,
    }
    assert layer(payload, "eligible")["show"] is False
    assert "popup" not in layer(payload, "eligible")  # only coordinates travel


def test_popups_carry_the_planned_fields(plan, boundaries, eligible, warning_points):
    payload = payload_of(internal_map(plan, boundaries, eligible, warning_points))
    selected = layer(payload, "selected")
    values = popup_values(selected, 0)
    assert values["title"] == HOSTILE[0]
    assert values["town"] == "甲镇" and values["industry"] == "C 制造业"
    assert values["stratum"] == "风险加权抽取" and values["risk_score"] == "0.99"
    assert values["date"] == "2025-01-06" and values["team"] == "T01"
    assert values["visit_order"] == "2" and values["reasons"].startswith("SECRET-REASON")
    fields = {f["key"]: f for f in selected["popup"]["fields"]}
    assert fields["reasons"]["split"] == "; "
    unscheduled = popup_values(selected, 4)
    assert unscheduled["team"] is None and unscheduled["date"] is None
    assert selected["fill"]["d"][selected["fill"]["i"][0]] == "#e31a1c"  # risk stratum
    assert selected["fill"]["d"][selected["fill"]["i"][1]] == "#1f78b4"  # random stratum


def test_members_never_reach_any_map(plan, boundaries, eligible, warning_points):
    html = internal_map(plan, boundaries, eligible, warning_points)
    assert "张秘密" not in html and "李四" not in html


def test_english_labels(plan, boundaries, eligible):
    html = campaign_map(plan, boundaries, eligible, title="Wage", language="en")
    payload = payload_of(html)
    assert layer(payload, "selected")["label"] == "Selected firms"
    assert '<html lang="en">' in html


# ---------------------------------------------------------------- self-contained


@pytest.mark.parametrize("tiles", ["none", "osm", "gaode"])
def test_no_external_references(plan, boundaries, eligible, warning_points, results, tiles):
    leaflet = map_assets().leaflet_js
    for name, html in render_all(
        plan, boundaries, eligible, warning_points, results, tiles
    ).items():
        doc = parse(html)
        assert "link" not in doc.tags and "img" not in doc.tags and "iframe" not in doc.tags
        assert doc.attrs == [], (name, doc.attrs)  # no src/href/on* attribute at all
        assert [s for s, _ in doc.scripts] == [
            {"type": "application/json", "id": "inspectlib-map-data"},
            {},
            {},
        ]
        for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", html):
            assert url.startswith(("data:", "#")), (name, url)
        # Every absolute address outside Leaflet's own source: only the tile layer's.
        rest = html.replace(leaflet, "")
        found = set(re.findall(r"(?:https?:)?//[A-Za-z0-9{][^\s\"'<>)]*", rest))
        found -= {"//", "http://www.w3.org/2000/svg"}
        found = {u for u in found if not u.startswith("//") or "." in u.split("/")[2]}
        if tiles == "none":
            assert found == set(), (name, found)
            assert payload_of(html)["tiles"] is None
        else:
            tile = payload_of(html)["tiles"]
            assert tile["url"].startswith(TILE_PREFIXES[tiles])
            assert all(
                u.startswith(
                    (
                        "https://tile.openstreetmap.org",
                        "https://webrd0{s}.is.autonavi.com",
                        "https://*.is.autonavi.com",
                    )
                )
                for u in found
            ), found
        # Leaflet's one link (the attribution prefix) is switched off by the map script.
        assert "setPrefix(false)" in map_assets().map_js


def test_leaflet_is_inlined_from_xstatic_with_images_as_data_uris():
    import xstatic.pkg.leaflet as xleaflet

    assets = map_assets()
    source = (Path(xleaflet.BASE_DIR) / "leaflet.js").read_text(encoding="utf-8")
    assert assets.leaflet_js == source.replace("\r\n", "\n")
    assert "images/layers.png" not in assets.css
    assert "url(data:image/png;base64," in assets.css


def test_content_security_policy_allows_only_the_inline_scripts(plan, boundaries, eligible):
    def policy(html: str) -> str:
        doc = parse(html)
        return next(
            a["content"] for a in doc.metas if a.get("http-equiv") == "Content-Security-Policy"
        )

    csp = policy(campaign_map(plan, boundaries, eligible, title="t"))
    assert "default-src 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    for h in map_assets().script_hashes:
        assert h in csp
    assert "img-src data:;" in csp
    osm = policy(campaign_map(plan, boundaries, eligible, title="t", tiles="osm"))
    assert "img-src data: https://tile.openstreetmap.org;" in osm


# ---------------------------------------------------------------- escaping


def test_script_json_escapes_markup_and_line_separators():
    text = script_json({"a": "</script><!--&", "b": "\u2028\u2029"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"a": "</script><!--&", "b": "\u2028\u2029"}


def test_hostile_names_stay_data(plan, boundaries, eligible, warning_points, results):
    for name, html in render_all(
        plan, boundaries, eligible, warning_points, results, "none"
    ).items():
        payload_text = re.search(r'id="inspectlib-map-data">(.*?)</script>', html, re.S)[1]
        assert "<" not in payload_text and ">" not in payload_text, name
        outside = html.replace(payload_text, "").replace(map_assets().leaflet_js, "")
        for raw in HOSTILE:
            assert raw not in outside, (name, raw)
        assert "onerror" not in outside and "alert(1)" not in outside
        assert html.count("</script>") == 3
        # The names come back exactly when the payload is parsed.
        points = next(item for item in payload_of(html)["layers"] if item["type"] == "points")
        titles = [pick(points["popup"]["title"], k) for k in range(len(points["x"]))]
        assert titles[:4] == HOSTILE, name


def test_hostile_title_is_escaped(plan, boundaries, eligible):
    title = "</script><script>alert('t')</script> <b>&amp;</b>"
    html = campaign_map(plan, boundaries, eligible, title=title)
    assert title not in html and "<b>" not in html
    assert payload_of(html)["title"] == title
    assert re.search(r"<title>[^<]*</title>", html)  # static, set by the script from data


def test_hostile_town_and_team_names(plan, boundaries, eligible):
    evil_town = "<svg onload=alert(2)>"
    b = boundaries.assign(town=[evil_town, "乙镇", "丙镇"])
    p = plan.assign(
        town=plan["town"].replace({"甲镇": evil_town}),
        team=plan["team"].replace({"T01": "<i>T01</i>"}),
    )
    e = eligible.assign(town=eligible["town"].replace({"甲镇": evil_town}))
    html = campaign_map(p, b, e, title="t", office=OFFICE)
    assert evil_town not in html and "<i>T01</i>" not in html
    assert {"svg", "i"}.isdisjoint(parse(html).tags)
    payload = payload_of(html)
    assert layer(payload, "team:<i>T01</i>")["label"].startswith("<i>T01</i>")
    assert layer(payload, "coverage")["shapes"][0]["name"] == evil_town


# ---------------------------------------------------------------- public variant


def test_public_variant_carries_no_redacted_values(plan, boundaries, eligible, warning_points):
    html = campaign_map(
        plan,
        boundaries,
        eligible,
        title="公开名单",
        office=OFFICE,
        warning_points=warning_points,
        public=True,
    )
    for secret in SECRETS:
        assert secret not in html, secret
    payload = payload_of(html)
    text = json.dumps(payload, ensure_ascii=False)
    for word in (
        "risk",
        "stratum",
        "reasons",
        "complaints",
        "team",
        "members",
        "firm_id",
        "风险",
        "理由",
        "投诉",
        "检查组",
        "随机",
        "T01",
        "T02",
        "预警",
    ):
        assert word not in text, word
    assert [item["id"] for item in payload["layers"]] == ["coverage", "town-names", "selected"]
    selected = layer(payload, "selected")
    assert [f["key"] for f in selected["popup"]["fields"]] == ["town", "industry", "date"]
    assert selected["fill"] == "#1f78b4"  # one colour: strata are not shown
    assert popup_values(selected, 0) == {
        "title": HOSTILE[0],
        "town": "甲镇",
        "industry": "C 制造业",
        "date": "2025-01-06",
    }


def test_public_variant_accepts_a_redacted_plan(plan, boundaries, eligible):
    public_plan = plan[["name", "town", "industry", "lon", "lat", "date"]]
    html = campaign_map(public_plan, boundaries, eligible, title="公开", public=True)
    assert payload_of(html)["counts"] == {"selected": 5}


def test_public_results_drop_the_credit_code(results, boundaries):
    payload = payload_of(results_map(results, boundaries, title="t", public=True))
    keys = [f["key"] for f in layer(payload, "results")["popup"]["fields"]]
    assert keys == ["town", "result", "violations", "date"]
    assert "A00" not in json.dumps(payload)


# ---------------------------------------------------------------- coverage


def test_town_coverage_counts(plan, eligible):
    table = town_coverage(plan, eligible, ["甲镇", "乙镇", "丙镇"])
    assert table["town"].tolist() == ["甲镇", "乙镇", "丙镇"]
    assert table["selected"].tolist() == [3, 2, 0]
    assert table["eligible"].tolist() == [10, 5, 0]
    assert table["coverage"].iloc[:2].tolist() == pytest.approx([0.3, 0.4])
    assert np.isnan(table["coverage"].iloc[2])


def test_town_coverage_reports_towns_outside_the_boundaries(plan, eligible):
    extra = pd.concat(
        [
            eligible,
            pd.DataFrame({"firm_id": ["Z"], "town": ["外镇"], "lon": [121.0], "lat": [31.0]}),
        ]
    )
    table = town_coverage(plan, extra, ["甲镇"])
    assert table["town"].tolist() == ["甲镇", "乙镇", "外镇"]


def test_coverage_choropleth_shows_the_numbers(plan, boundaries, eligible):
    payload = payload_of(campaign_map(plan, boundaries, eligible, title="t"))
    shapes = layer(payload, "coverage")["shapes"]
    assert [s["name"] for s in shapes] == ["甲镇", "乙镇", "丙镇"]
    assert shapes[0]["tip"] == ["甲镇：抽中 3 / 符合条件 10（30%）"]
    assert shapes[1]["tip"] == ["乙镇：抽中 2 / 符合条件 5（40%）"]
    assert shapes[2]["tip"] == ["丙镇：抽中 0 / 符合条件 0（无符合条件企业）"]
    legend = payload["legends"][0]
    colours = {item["colour"]: item["label"] for item in legend["items"]}
    # 5 classes of 10 %: 30 % falls in 20–30 %, 40 % in 30–40 %, no eligible firm = grey.
    assert colours[shapes[0]["fill"]] == "20% – 30%"
    assert colours[shapes[1]["fill"]] == "30% – 40%"
    assert colours[shapes[2]["fill"]] == "无符合条件企业"


# ---------------------------------------------------------------- routes and coordinates


def test_routes_go_office_visits_in_order_office(plan, boundaries, eligible):
    payload = payload_of(campaign_map(plan, boundaries, eligible, title="t", office=OFFICE))
    t1 = layer(payload, "team:T01")
    assert len(t1["paths"]) == 1 and t1["label"] == "T01（1 天，2 家）"
    path = decode_flat(payload, t1["paths"][0]["c"])
    expected = np.array(
        [OFFICE, plan.loc[1, ["lon", "lat"]], plan.loc[0, ["lon", "lat"]], OFFICE], dtype=float
    )
    np.testing.assert_allclose(path, expected, atol=1e-5)
    assert t1["paths"][0]["tip"] == "T01 · 2025-01-06 · 2 家"


def test_routes_without_office_join_the_visits(plan, boundaries, eligible):
    payload = payload_of(campaign_map(plan, boundaries, eligible, title="t"))
    path = decode_flat(payload, layer(payload, "team:T02")["paths"][0]["c"])
    np.testing.assert_allclose(path, plan.loc[[2, 3], ["lon", "lat"]].to_numpy(float), atol=1e-5)
    assert "office" not in [item["id"] for item in payload["layers"]]


def test_coordinates_are_rounded_to_five_decimals(plan, boundaries, eligible):
    payload = payload_of(campaign_map(plan, boundaries, eligible, title="t"))
    assert payload["grid"]["scale"] == 100_000
    assert all(isinstance(v, int) for v in layer(payload, "eligible")["x"])
    points = decode_points(payload, layer(payload, "eligible"))
    np.testing.assert_allclose(points, eligible[["lon", "lat"]].to_numpy(float), atol=6e-6)


def test_gaode_tiles_shift_points_routes_and_polygons(plan, boundaries, eligible, warning_points):
    html = internal_map(plan, boundaries, eligible, warning_points, tiles="gaode")
    payload = payload_of(html)
    assert payload["tiles"]["attribution"] == "© 高德地图 AutoNavi"
    assert payload["tiles"]["subdomains"] == "1234"
    gx, gy = wgs84_to_gcj02(plan["lon"].to_numpy(float), plan["lat"].to_numpy(float))
    shown = decode_points(payload, layer(payload, "selected"))
    np.testing.assert_allclose(shown, np.column_stack([gx, gy]), atol=6e-6)
    # The shift is hundreds of metres, so this is not the WGS-84 position.
    assert np.abs(shown - plan[["lon", "lat"]].to_numpy(float)).max() > 1e-3
    ox, oy = wgs84_to_gcj02(*OFFICE)
    path = decode_flat(payload, layer(payload, "team:T01")["paths"][0]["c"])
    np.testing.assert_allclose(path[0], [ox, oy], atol=6e-6)
    ring = decode_flat(payload, layer(payload, "coverage")["shapes"][0]["polys"][0][0])
    cx, cy = wgs84_to_gcj02(120.0, 31.0)
    assert np.min(np.hypot(ring[:, 0] - cx, ring[:, 1] - cy)) < 1e-5
    wx, wy = wgs84_to_gcj02(120.05, 31.05)
    np.testing.assert_allclose(
        decode_points(payload, layer(payload, "warning"))[0], [wx, wy], atol=6e-6
    )
    ex, _ = wgs84_to_gcj02(eligible["lon"].to_numpy(float), eligible["lat"].to_numpy(float))
    np.testing.assert_allclose(
        decode_points(payload, layer(payload, "eligible"))[:, 0], ex, atol=6e-6
    )


def test_other_tiles_do_not_shift(plan, boundaries, eligible):
    payload = payload_of(campaign_map(plan, boundaries, eligible, title="t", tiles="osm"))
    shown = decode_points(payload, layer(payload, "selected"))
    np.testing.assert_allclose(shown, plan[["lon", "lat"]].to_numpy(float), atol=6e-6)


def test_boundaries_in_another_crs_are_reprojected(plan, boundaries, eligible):
    projected = boundaries.to_crs(32651)
    with pytest.warns(UserWarning, match="reprojecting"):
        payload = payload_of(campaign_map(plan, projected, eligible, title="t"))
    ring = decode_flat(payload, layer(payload, "coverage")["shapes"][0]["polys"][0][0])
    assert ring[:, 0].min() == pytest.approx(120.0, abs=2e-5)


def test_firms_without_coordinates_are_skipped(plan, boundaries, eligible, caplog):
    p = plan.copy()
    p.loc[4, "lon"] = np.nan
    payload = payload_of(campaign_map(p, boundaries, eligible, title="t"))
    assert payload["counts"]["selected"] == 4
    assert "no coordinates" in caplog.text


# ---------------------------------------------------------------- results map


def test_town_results_counts(results):
    table = town_results(results, ["甲镇", "乙镇", "丙镇"])
    assert table.to_dict("list") == {
        "town": ["甲镇", "乙镇", "丙镇"],
        "inspected": [3, 2, 0],
        "violating": [2, 0, 0],
        "violations": [5, 0, 0],
    }


def test_results_map_colours_and_legend(results, boundaries):
    html = results_map(results, boundaries, title="结果", synthetic=True)
    payload = payload_of(html)
    assert "合成示例数据 / synthetic demo data" in html
    points = layer(payload, "results")
    colours = [pick(points["fill"], k) for k in range(5)]
    assert colours == ["#d73027", "#1a9850", "#d73027", "#000000", "#969696"]
    assert popup_values(points, 0)["result"] == "违法违规"
    assert popup_values(points, 0)["violations"] == "3"
    shapes = layer(payload, "violations")["shapes"]
    assert shapes[0]["tip"] == ["甲镇：检查 3 家，有违法 2 家，违法问题 5 个"]
    labels = [i["label"] for i in payload["legends"][1]["items"]]
    assert labels == [
        "合规 (1)",
        "违法违规 (2)",
        "已停业/注销 (1)",
        "查无此企业 (0)",
        "拒绝检查 (1)",
    ]
    choropleth = {i["colour"]: i["label"] for i in payload["legends"][0]["items"]}
    assert choropleth[shapes[0]["fill"]] == "5"
    assert choropleth[shapes[1]["fill"]] == "0"


def test_results_map_rejects_unknown_results(results, boundaries):
    with pytest.raises(ValueError, match="'passed'"):
        results_map(results.assign(result="passed"), boundaries, title="t")


def test_results_map_gaode_shift(results, boundaries):
    payload = payload_of(results_map(results, boundaries, title="t", tiles="gaode"))
    gx, gy = wgs84_to_gcj02(results["lon"].to_numpy(float), results["lat"].to_numpy(float))
    np.testing.assert_allclose(
        decode_points(payload, layer(payload, "results")), np.column_stack([gx, gy]), atol=6e-6
    )


# ---------------------------------------------------------------- validation


def test_bad_options_name_the_value(plan, boundaries, eligible):
    with pytest.raises(ValueError, match="'google'"):
        campaign_map(plan, boundaries, eligible, title="t", tiles="google")
    with pytest.raises(ValueError, match="'fr'"):
        campaign_map(plan, boundaries, eligible, title="t", language="fr")
    with pytest.raises(ValueError, match="'reasons'"):
        campaign_map(plan.drop(columns="reasons"), boundaries, eligible, title="t")
    with pytest.raises(TypeError):
        campaign_map(plan, boundaries, eligible, title=None)  # type: ignore[arg-type]


# ---------------------------------------------------------------- scale


def test_twenty_thousand_eligible_firms_stay_small(plan, boundaries):
    rng = np.random.default_rng(0)
    n = 20_000
    big = pd.DataFrame(
        {
            "firm_id": [f"F{k}" for k in range(n)],
            "town": rng.choice(["甲镇", "乙镇", "丙镇"], n),
            "lon": rng.uniform(120.0, 120.3, n),
            "lat": rng.uniform(31.0, 31.1, n),
        }
    )
    html = campaign_map(plan, boundaries, big, title="t")
    assert len(html.encode("utf-8")) < 1_000_000  # 3 MB is the limit; this is far below
    many = big.sample(20_000, replace=False, random_state=1).assign(
        name=[f"企业{k}" for k in range(n)],
        industry="C",
        stratum="random",
        risk_score=0.1,
        reasons="random draw",
        complaints_12m=0,
        team=pd.NA,
        members=pd.NA,
        date=pd.NaT,
        visit_order=pd.NA,
    )
    html = campaign_map(many, boundaries, big, title="t")
    assert len(html.encode("utf-8")) < 3_000_000


# ---------------------------------------------------------------- writing


def test_write_html_writes_and_replaces_atomically(tmp_path):
    target = tmp_path / "out" / "map.html"
    assert write_html("<!DOCTYPE html>one", target) == target
    write_html("<!DOCTYPE html>二", target)
    assert target.read_text(encoding="utf-8") == "<!DOCTYPE html>二"
    assert sorted(p.name for p in target.parent.iterdir()) == ["map.html"]
    assert target.stat().st_mode & 0o044  # readable by others (unless umask says no)


def test_write_html_keeps_the_old_file_when_replacing_fails(tmp_path, monkeypatch):
    target = tmp_path / "map.html"
    write_html("old", target)

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_html("new", target)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]
