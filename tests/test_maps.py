"""Tests of inspectlib.maps that need no browser (rendered HTML and its JSON payload)."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from inspectlib.coords import wgs84_to_gcj02
from inspectlib.htmlcheck import external_references
from inspectlib.maps import (
    InspectionMap,
    UnknownAssetError,
    campaign_map,
    results_map,
    to_html,
    town_coverage,
    town_results,
    write_html,
)
from inspectlib.maps.controls import FirmSearch, Legend, MapHandle
from inspectlib.maps.encode import script_json, unpack
from inspectlib.maps.packaged import PACKAGED_URLS, VENDORED, packaged_asset

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
ASSET_SOURCES = ("xstatic-", "vendored ")


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


def internal_map(plan, boundaries, eligible, warning_points, **kw) -> InspectionMap:
    kw.setdefault("title", "企业工资专项检查 2025-01-06 – 2025-01-24")
    return campaign_map(
        plan, boundaries, eligible, office=OFFICE, warning_points=warning_points, **kw
    )


# ---------------------------------------------------------------- helpers


def handle(m: folium.Map) -> MapHandle:
    return next(c for c in m._children.values() if isinstance(c, MapHandle))


def layer(m: folium.Map, layer_id: str):
    return handle(m).layers[layer_id]


def legends(m: folium.Map) -> list[Legend]:
    return [c for c in m._children.values() if isinstance(c, Legend)]


def pick(col, k):
    if col is None or isinstance(col, str):
        return col
    if isinstance(col, list):
        return col[k]
    return col["d"][col["i"][k]]


def decode_points(element) -> np.ndarray:
    g = element.data["grid"]
    x, y = unpack(element.data["x"]), unpack(element.data["y"])
    return np.column_stack([g["x0"] + np.array(x) / g["scale"], g["y0"] + np.array(y) / g["scale"]])


def decode_flat(element, flat: list[int]) -> np.ndarray:
    g = element.data["grid"]
    arr = np.array(flat, dtype=float).reshape(-1, 2)
    return np.column_stack([g["x0"] + arr[:, 0] / g["scale"], g["y0"] + arr[:, 1] / g["scale"]])


def popup_values(element, k: int) -> dict[str, str | None]:
    spec = element.popups.spec
    out = {"title": pick(spec["title"], k)}
    for field in spec["fields"]:
        out[field["key"]] = pick(spec["columns"][field["key"]], k)
    return out


def all_data(m: folium.Map) -> str:
    """Every value the map's elements send to the page, as one text."""
    parts = []
    for el in _walk(m):
        for name in ("data", "spec", "expected", "label", "layer_name"):
            if hasattr(el, name):
                parts.append(json.dumps(getattr(el, name), ensure_ascii=False, default=str))
    return "\n".join(parts)


def _walk(element):
    yield element
    for child in element._children.values():
        yield from _walk(child)


class Tags(HTMLParser):
    """Collects tags, src/href-like attributes and the scripts of a document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in {"src", "href", "srcset", "action", "poster", "data"} or name.startswith(
                "on"
            ):
                self.attrs.append((tag, name, value or ""))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def parse(html: str) -> Tags:
    parser = Tags()
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


# ---------------------------------------------------------------- the folium map


def test_campaign_map_is_a_folium_map_with_title_and_banner(
    plan, boundaries, eligible, warning_points
):
    m = internal_map(plan, boundaries, eligible, warning_points, synthetic=True)
    assert isinstance(m, folium.Map)
    html = to_html(m)
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<html") == 1 and html.rstrip().endswith("</html>")
    assert '<html lang="zh-CN">' in html
    assert 'id="inspectlib-synthetic"' in html
    assert "合成示例数据" in html and "synthetic demo data" not in html
    assert "企业工资专项检查 2025-01-06 – 2025-01-24" in html
    plain = to_html(internal_map(plan, boundaries, eligible, warning_points))
    assert "合成示例数据" not in plain


def test_layers_controls_and_counts_of_internal_map(plan, boundaries, eligible, warning_points):
    m = internal_map(plan, boundaries, eligible, warning_points)
    assert list(handle(m).layers) == [
        "coverage",
        "town-names",
        "eligible",
        "team:T01",
        "team:T02",
        "selected",
        "warning",
        "office",
    ]
    assert handle(m).expected == {
        "selected": 5,
        "eligible": 15,
        "routes": 2,
        "teams": 2,
        "warning": 1,
    }
    assert layer(m, "eligible").show is False
    assert layer(m, "eligible").popups is None  # only coordinates travel
    kinds = [type(c).__name__ for c in m._children.values()]
    for control in ("Fullscreen", "MeasureControl", "FirmSearch", "LayerControl"):
        assert control in kinds, control
    assert m.control_scale is True
    html = to_html(m)
    for snippet in (
        "L.control.fullscreen(",
        "new L.Control.Measure(",
        "L.Control.Search(",
        "L.control.layers(",
        "L.control.scale()",
    ):
        assert snippet in html, snippet


def test_legends_follow_their_layers(plan, boundaries, eligible, warning_points):
    m = internal_map(plan, boundaries, eligible, warning_points)
    by_title = {legend.data["title"]: legend for legend in legends(m)}
    assert by_title["抽查覆盖率（抽中÷符合条件）"].layers == [layer(m, "coverage")]
    assert by_title["抽取方式"].layers == [layer(m, "selected")]
    routes = by_title["检查组路线"]
    assert routes.layers == [layer(m, "team:T01"), layer(m, "team:T02")]
    assert [(i["label"], i["layer"]) for i in routes.data["items"]] == [("T01", 0), ("T02", 1)]
    script = to_html(m)
    assert 'layer.on("add remove", sync)' in script


def test_popups_carry_the_planned_fields(plan, boundaries, eligible, warning_points):
    selected = layer(internal_map(plan, boundaries, eligible, warning_points), "selected")
    values = popup_values(selected, 0)
    assert values["title"] == HOSTILE[0]
    assert values["town"] == "甲镇" and values["industry"] == "C 制造业"
    assert values["stratum"] == "风险层" and values["risk_score"] == "0.99"
    assert values["date"] == "2025-01-06" and values["team"] == "T01"
    assert values["visit_order"] == "2" and values["reasons"].startswith("SECRET-REASON")
    fields = {f["key"]: f for f in selected.popups.spec["fields"]}
    assert fields["reasons"]["split"] == "; "
    unscheduled = popup_values(selected, 4)
    assert unscheduled["team"] is None and unscheduled["date"] is None
    assert pick(selected.data["fill"], 0) == "#e31a1c"  # risk stratum
    assert pick(selected.data["fill"], 1) == "#1f78b4"  # random stratum


def test_firm_search_indexes_the_selected_firms_by_name(plan, boundaries, eligible):
    m = campaign_map(plan, boundaries, eligible, title="t")
    search = next(c for c in m._children.values() if isinstance(c, FirmSearch))
    assert search.layer is layer(m, "selected")
    assert [pick(search.data["names"], k) for k in range(5)] == [*HOSTILE, "普通企业"]
    assert "buildTip" in to_html(m)  # matches shown as text, not HTML


def test_members_never_reach_any_map(plan, boundaries, eligible, warning_points):
    html = to_html(internal_map(plan, boundaries, eligible, warning_points))
    assert "张秘密" not in html and "李四" not in html


def test_english_labels(plan, boundaries, eligible):
    m = campaign_map(plan, boundaries, eligible, title="Wage", language="en")
    assert layer(m, "selected").label == "Selected firms"
    html = to_html(m)
    assert '<html lang="en">' in html and '"localization": "en"' in html


def test_a_region_that_is_not_the_demo(tmp_path):
    towns = gpd.GeoDataFrame(
        {"town": ["Riverside", "Hilltop"]},
        geometry=[box(113.0, 22.0, 113.05, 22.05), box(113.05, 22.0, 113.1, 22.05)],
        crs=4326,
    )
    plan = pd.DataFrame(
        {
            "firm_id": ["91440300MA5XXXXX1X"],
            "name": ["Harbour Lodge"],
            "town": ["Hilltop"],
            "industry": ["F52"],
            "lon": [113.07],
            "lat": [22.02],
            "stratum": ["random"],
            "risk_score": [0.2],
            "reasons": ["random draw"],
            "complaints_12m": [0],
            "team": [pd.NA],
            "members": [pd.NA],
            "date": [pd.NaT],
            "visit_order": [pd.NA],
        }
    )
    m = campaign_map(plan, towns, plan[["firm_id", "town", "lon", "lat"]], title="F52 check")
    path = write_html(m, tmp_path / "elsewhere" / "map.html")
    assert popup_values(layer(m, "selected"), 0)["industry"] == "F52"
    assert external_references(path.read_text(encoding="utf-8")) == []
    assert handle(m).expected == {"selected": 1, "eligible": 1, "routes": 0, "teams": 0}


# ---------------------------------------------------------------- self-contained


@pytest.mark.parametrize("tiles", ["none", "osm", "gaode"])
def test_no_external_references(plan, boundaries, eligible, warning_points, results, tiles):
    for name, m in render_all(plan, boundaries, eligible, warning_points, results, tiles).items():
        html = to_html(m)
        doc = parse(html)
        assert "link" not in doc.tags and "img" not in doc.tags and "iframe" not in doc.tags
        assert doc.attrs == [], (name, doc.attrs)  # no src/href/on* attribute at all
        assert external_references(html) == [], name
        styles = "".join(re.findall(r"<style>(.*?)</style>", html, re.S))
        for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", styles):
            assert url.startswith(("data:", "#")), (name, url)
        tile_layers = [c for c in m._children.values() if isinstance(c, folium.TileLayer)]
        if tiles == "none":
            assert tile_layers == [], name
            assert "L.tileLayer(" not in html
        else:
            assert len(tile_layers) == 1 and tile_layers[0].tiles.startswith(TILE_PREFIXES[tiles])
            assert "L.tileLayer(" in html


def test_every_link_folium_writes_is_inlined_from_a_package(plan, boundaries, eligible):
    m = campaign_map(plan, boundaries, eligible, title="t")
    html = to_html(m)
    used = [
        *folium.plugins.Fullscreen.default_js,
        *folium.plugins.Fullscreen.default_css,
        *folium.plugins.MeasureControl.default_js,
        *folium.plugins.MeasureControl.default_css,
        *folium.plugins.Search.default_js,
        *folium.plugins.Search.default_css,
        *InspectionMap.default_js,
        *InspectionMap.default_css,
    ]
    for _, url in used:
        assert url in PACKAGED_URLS
        asset = packaged_asset(url)
        assert asset.source.startswith(ASSET_SOURCES)
        assert f"/* {asset.source} */" in html
        assert url not in html
    readme = (VENDORED / "README.md").read_text(encoding="utf-8")
    for folder in ("leaflet.fullscreen-3.0.0", "leaflet-measure-2.1.7", "leaflet-search-2.9.7"):
        licence = [p for p in (VENDORED / folder).iterdir() if p.name.lower().startswith("lic")]
        assert len(licence) == 1, folder
        assert "permission is hereby granted" in licence[0].read_text(encoding="utf-8").lower()
        assert folder in readme


def test_leaflet_comes_from_xstatic_with_images_as_data_uris():
    import xstatic.pkg.leaflet as xleaflet

    js = packaged_asset(dict(InspectionMap.default_js)["leaflet"]).text
    css = packaged_asset(dict(InspectionMap.default_css)["leaflet_css"]).text
    source = (Path(xleaflet.BASE_DIR) / "leaflet.js").read_text(encoding="utf-8")
    assert js.startswith(source.replace("\r\n", "\n"))
    assert 'L.Icon.Default.mergeOptions({iconUrl: "data:image/png;base64,' in js
    assert "images/layers.png" not in css and "url(data:image/png;base64," in css


def test_an_unknown_external_asset_fails_loudly(plan, boundaries, eligible, tmp_path):
    m = campaign_map(plan, boundaries, eligible, title="t")
    m.get_root().header.add_child(
        folium.JavascriptLink("https://cdn.example.org/extra.js"), name="extra"
    )
    with pytest.raises(UnknownAssetError, match="cdn.example.org/extra.js"):
        write_html(m, tmp_path / "m.html")
    assert not (tmp_path / "m.html").exists()
    with pytest.raises(UnknownAssetError, match="awesome-markers"):
        to_html(folium.Map(tiles=None).add_child(folium.Marker([31, 120], icon=folium.Icon())))
    with pytest.raises(UnknownAssetError, match="network"):
        write_html('<img src="https://example.org/x.png">', tmp_path / "x.html")


def test_a_plain_folium_map_with_a_popup_gets_jquery_inlined(tmp_path):
    m = folium.Map(location=[31.3, 120.6], zoom_start=11, tiles=None)
    folium.Marker([31.3, 120.6], popup="<b>x</b>").add_to(m)
    html = to_html(m)
    assert "/* xstatic-jquery (jQuery 3.7.1) */" in html
    assert "bootstrap" not in html.lower() and external_references(html) == []
    lean = to_html(folium.Map(location=[31.3, 120.6], tiles=None))
    assert "jQuery" not in lean
    assert m.default_js is folium.Map.default_js  # the map itself is left as it was


def test_notebook_display_is_the_offline_document(plan, boundaries, eligible):
    m = campaign_map(plan, boundaries, eligible, title="t")
    shown = m._repr_html_()
    assert shown.count("<iframe srcdoc=") == 1 and "Trust Notebook" not in shown
    assert "cdn.jsdelivr.net" not in shown and "code.jquery.com" not in shown
    srcdoc = html_unescape(re.search(r'srcdoc="([^"]*)"', shown)[1])
    assert srcdoc == to_html(m)


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


# ---------------------------------------------------------------- escaping


def test_script_json_escapes_markup_and_line_separators():
    text = script_json({"a": "</script><!--&", "b": "\u2028\u2029"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"a": "</script><!--&", "b": "\u2028\u2029"}


def test_hostile_names_stay_data(plan, boundaries, eligible, warning_points, results):
    for name, m in render_all(plan, boundaries, eligible, warning_points, results, "none").items():
        html = to_html(m)
        for raw in HOSTILE:
            if "<" in raw:
                assert raw not in html, (name, raw)
        assert "alert(1)</script>" not in html
        doc = parse(html)
        assert {"img", "svg"}.isdisjoint(doc.tags), name
        assert html.count("</script>") == doc.tags.count("script"), name
        # The names travel escaped and come back exactly.
        points = layer(m, "results" if name.startswith("results") else "selected")
        titles = [pick(points.popups.spec["title"], k) for k in range(points.size)]
        if name in ("public", "results_public"):  # public maps: town and name order
            assert set(HOSTILE) <= set(titles), name
        else:
            assert titles[:4] == HOSTILE, name
        assert script_json(points.popups.spec) in html


def test_hostile_title_is_escaped(plan, boundaries, eligible):
    title = "</script><script>alert('t')</script> <b>&amp;</b>"
    html = to_html(campaign_map(plan, boundaries, eligible, title=title))
    assert title not in html and "<b>" not in html
    assert script_json({"title": title, "banner": None}) in html


def test_hostile_town_and_team_names(plan, boundaries, eligible):
    evil_town = "<svg onload=alert(2)>"
    b = boundaries.assign(town=[evil_town, "乙镇", "丙镇"])
    p = plan.assign(
        town=plan["town"].replace({"甲镇": evil_town}),
        team=plan["team"].replace({"T01": "<i>T01</i>"}),
    )
    e = eligible.assign(town=eligible["town"].replace({"甲镇": evil_town}))
    m = campaign_map(p, b, e, title="t", office=OFFICE)
    html = to_html(m)
    assert evil_town not in html and "<i>T01</i>" not in html
    assert {"svg", "i"}.isdisjoint(parse(html).tags)
    team = layer(m, "team:<i>T01</i>")
    assert team.label.startswith("<i>T01</i>")
    assert team.layer_name.startswith("&lt;i&gt;T01&lt;/i&gt;")  # the layer control's HTML
    assert layer(m, "coverage").data["shapes"][0]["name"] == evil_town


# ---------------------------------------------------------------- public variant


def test_public_variant_carries_no_redacted_values(plan, boundaries, eligible, warning_points):
    m = campaign_map(
        plan,
        boundaries,
        eligible,
        title="公开名单",
        office=OFFICE,
        warning_points=warning_points,
        public=True,
    )
    html = to_html(m)
    for secret in SECRETS:
        assert secret not in html, secret
    text = all_data(m)
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
    assert list(handle(m).layers) == ["coverage", "town-names", "selected"]
    assert not any(isinstance(c, FirmSearch) for c in m._children.values())
    selected = layer(m, "selected")
    assert [f["key"] for f in selected.popups.spec["fields"]] == ["town", "industry"]
    assert selected.data["fill"] == "#1f78b4"  # one colour: strata are not shown
    first = plan.sort_values(["town", "name"], kind="stable").iloc[0]
    assert popup_values(selected, 0) == {
        "title": first["name"],
        "town": first["town"],
        "industry": first["industry"],
    }


def test_public_plan_map_reveals_neither_draw_order_nor_dates_nor_exact_places(
    plan, boundaries, eligible
):
    """Issue 13, defect 7: firms in town and name order, ≈100 m coordinates, no dates."""
    drawn = plan.assign(lon=plan["lon"] + 0.0001234, lat=plan["lat"] + 0.0004321)
    m = campaign_map(drawn.iloc[::-1], boundaries, eligible, title="公开", public=True)
    selected = layer(m, "selected")
    titles = [popup_values(selected, i)["title"] for i in range(len(plan))]
    assert titles == plan.sort_values(["town", "name"], kind="stable")["name"].tolist()
    html = to_html(m)
    for day in plan["date"].dropna():
        assert f"{day:%Y-%m-%d}" not in html
    internal = to_html(campaign_map(drawn, boundaries, eligible, title="内部"))
    assert f"{drawn['date'].dropna().iloc[0]:%Y-%m-%d}" in internal
    from inspectlib.maps.layers import public_points

    rounded = public_points(drawn)
    assert (rounded["lon"] * 1000).round(6).mod(1).eq(0).all()


def test_public_variant_accepts_a_redacted_plan(plan, boundaries, eligible):
    public_plan = plan[["name", "town", "industry", "lon", "lat"]]
    m = campaign_map(public_plan, boundaries, eligible, title="公开", public=True)
    assert handle(m).expected == {"selected": 5}


def test_public_results_drop_the_credit_code(results, boundaries):
    m = results_map(results, boundaries, title="t", public=True)
    keys = [f["key"] for f in layer(m, "results").popups.spec["fields"]]
    assert keys == ["town", "result", "violations", "date"]
    assert "A00" not in to_html(m)


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
    m = campaign_map(plan, boundaries, eligible, title="t")
    shapes = layer(m, "coverage").data["shapes"]
    assert [s["name"] for s in shapes] == ["甲镇", "乙镇", "丙镇"]
    assert shapes[0]["tip"] == ["甲镇：抽中 3 / 符合条件 10（30%）"]
    assert shapes[1]["tip"] == ["乙镇：抽中 2 / 符合条件 5（40%）"]
    assert shapes[2]["tip"] == ["丙镇：抽中 0 / 符合条件 0（无符合条件企业）"]
    legend = legends(m)[0]
    colours = {item["colour"]: item["label"] for item in legend.data["items"]}
    # 5 classes of 10 %: 30 % falls in 20–30 %, 40 % in 30–40 %, no eligible firm = grey.
    assert colours[shapes[0]["fill"]] == "20% – 30%"
    assert colours[shapes[1]["fill"]] == "30% – 40%"
    assert colours[shapes[2]["fill"]] == "无符合条件企业"


# ---------------------------------------------------------------- routes and coordinates


def test_routes_go_office_visits_in_order_office(plan, boundaries, eligible):
    m = campaign_map(plan, boundaries, eligible, title="t", office=OFFICE)
    t1 = layer(m, "team:T01")
    assert len(t1.data["paths"]) == 1 and t1.label == "T01（1 天，2 家）"
    path = decode_flat(t1, t1.data["paths"][0]["c"])
    expected = np.array(
        [OFFICE, plan.loc[1, ["lon", "lat"]], plan.loc[0, ["lon", "lat"]], OFFICE], dtype=float
    )
    np.testing.assert_allclose(path, expected, atol=1e-5)
    assert t1.data["paths"][0]["tip"] == "T01 · 2025-01-06 · 2 家"


def test_routes_without_office_join_the_visits(plan, boundaries, eligible):
    m = campaign_map(plan, boundaries, eligible, title="t")
    t2 = layer(m, "team:T02")
    path = decode_flat(t2, t2.data["paths"][0]["c"])
    np.testing.assert_allclose(path, plan.loc[[2, 3], ["lon", "lat"]].to_numpy(float), atol=1e-5)
    assert "office" not in handle(m).layers


def test_coordinates_are_rounded_to_five_decimals_and_packed(plan, boundaries, eligible):
    m = campaign_map(plan, boundaries, eligible, title="t")
    assert layer(m, "eligible").data["grid"]["scale"] == 100_000
    assert layer(m, "eligible").data["x"]["w"] == 0  # sorted, delta-coded: no popups
    assert layer(m, "selected").data["x"]["w"] == 2  # in plan order: popups refer to it
    points = decode_points(layer(m, "eligible"))
    given = eligible[["lon", "lat"]].to_numpy(float)
    order = np.lexsort((given[:, 1], given[:, 0]))
    np.testing.assert_allclose(points, given[order], atol=6e-6)
    np.testing.assert_allclose(
        decode_points(layer(m, "selected")), plan[["lon", "lat"]].to_numpy(float), atol=6e-6
    )


def test_gaode_tiles_shift_points_routes_and_polygons(plan, boundaries, eligible, warning_points):
    m = internal_map(plan, boundaries, eligible, warning_points, tiles="gaode")
    tile = next(c for c in m._children.values() if isinstance(c, folium.TileLayer))
    assert tile.options["attribution"] == "© 高德地图"
    assert tile.options["subdomains"] == "1234"
    gx, gy = wgs84_to_gcj02(plan["lon"].to_numpy(float), plan["lat"].to_numpy(float))
    shown = decode_points(layer(m, "selected"))
    np.testing.assert_allclose(shown, np.column_stack([gx, gy]), atol=6e-6)
    # The shift is hundreds of metres, so this is not the WGS-84 position.
    assert np.abs(shown - plan[["lon", "lat"]].to_numpy(float)).max() > 1e-3
    ox, oy = wgs84_to_gcj02(*OFFICE)
    t1 = layer(m, "team:T01")
    np.testing.assert_allclose(decode_flat(t1, t1.data["paths"][0]["c"])[0], [ox, oy], atol=6e-6)
    coverage = layer(m, "coverage")
    ring = decode_flat(coverage, coverage.data["shapes"][0]["polys"][0][0])
    cx, cy = wgs84_to_gcj02(120.0, 31.0)
    assert np.min(np.hypot(ring[:, 0] - cx, ring[:, 1] - cy)) < 1e-5
    wx, wy = wgs84_to_gcj02(120.05, 31.05)
    np.testing.assert_allclose(decode_points(layer(m, "warning"))[0], [wx, wy], atol=6e-6)
    ex, _ = wgs84_to_gcj02(eligible["lon"].to_numpy(float), eligible["lat"].to_numpy(float))
    np.testing.assert_allclose(decode_points(layer(m, "eligible"))[:, 0], np.sort(ex), atol=6e-6)
    office = layer(m, "office").data
    np.testing.assert_allclose([office["lon"], office["lat"]], [ox, oy], atol=1e-9)


def test_other_tiles_do_not_shift(plan, boundaries, eligible):
    m = campaign_map(plan, boundaries, eligible, title="t", tiles="osm")
    shown = decode_points(layer(m, "selected"))
    np.testing.assert_allclose(shown, plan[["lon", "lat"]].to_numpy(float), atol=6e-6)


def test_boundaries_in_another_crs_are_reprojected(plan, boundaries, eligible):
    projected = boundaries.to_crs(32651)
    with pytest.warns(UserWarning, match="reprojecting"):
        m = campaign_map(plan, projected, eligible, title="t")
    coverage = layer(m, "coverage")
    ring = decode_flat(coverage, coverage.data["shapes"][0]["polys"][0][0])
    assert ring[:, 0].min() == pytest.approx(120.0, abs=2e-5)


def test_firms_without_coordinates_are_skipped(plan, boundaries, eligible, caplog):
    p = plan.copy()
    p.loc[4, "lon"] = np.nan
    m = campaign_map(p, boundaries, eligible, title="t")
    assert handle(m).expected["selected"] == 4 and layer(m, "selected").size == 4
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
    m = results_map(results, boundaries, title="结果", synthetic=True)
    assert isinstance(m, folium.Map)
    assert "合成示例数据" in to_html(m)
    points = layer(m, "results")
    colours = [pick(points.data["fill"], k) for k in range(5)]
    assert colours == ["#d73027", "#1a9850", "#d73027", "#000000", "#969696"]
    assert popup_values(points, 0)["result"] == "违法违规"
    assert popup_values(points, 0)["violations"] == "3"
    shapes = layer(m, "violations").data["shapes"]
    assert shapes[0]["tip"] == ["甲镇：检查 3 家，有违法 2 家，违法问题 5 个"]
    choropleth, by_result = legends(m)
    assert [i["label"] for i in by_result.data["items"]] == [
        "合规 (1)",
        "违法违规 (2)",
        "已停业/注销 (1)",
        "拒绝检查 (1)",
    ]
    assert by_result.layers == [points]
    labels = {i["colour"]: i["label"] for i in choropleth.data["items"]}
    assert labels[shapes[0]["fill"]] == "5"
    assert labels[shapes[1]["fill"]] == "0"
    assert not any(isinstance(c, FirmSearch) for c in m._children.values())


def test_results_map_rejects_unknown_results(results, boundaries):
    with pytest.raises(ValueError, match="'passed'"):
        results_map(results.assign(result="passed"), boundaries, title="t")


def test_results_map_gaode_shift(results, boundaries):
    m = results_map(results, boundaries, title="t", tiles="gaode")
    gx, gy = wgs84_to_gcj02(results["lon"].to_numpy(float), results["lat"].to_numpy(float))
    np.testing.assert_allclose(
        decode_points(layer(m, "results")), np.column_stack([gx, gy]), atol=6e-6
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
    with pytest.raises(TypeError, match="folium.Map"):
        to_html("<p>not a map</p>")  # type: ignore[arg-type]


# ---------------------------------------------------------------- scale


def test_twenty_thousand_eligible_firms_stay_under_half_a_megabyte(plan, boundaries):
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
    html = to_html(campaign_map(plan, boundaries, big, title="t", office=OFFICE))
    assert len(html.encode("utf-8")) <= 500_000
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
    html = to_html(campaign_map(many, boundaries, big, title="t"))
    assert len(html.encode("utf-8")) < 3_000_000


# ---------------------------------------------------------------- extending and writing


def extended_map(plan, boundaries, eligible, warning_points) -> InspectionMap:
    """A returned map with a planner's own folium layers added after it was made."""
    m = internal_map(plan, boundaries, eligible, warning_points)
    folium.Marker([31.055, 120.155], tooltip="新投诉聚集点").add_to(m)
    district = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "<b>片区</b>"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[120.12, 31.02], [120.18, 31.02], [120.18, 31.08], [120.12, 31.02]]
                    ],
                },
            }
        ],
    }
    folium.GeoJson(district, name="自定义片区").add_to(m)
    return m


def test_an_extended_map_is_saved_self_contained(
    plan, boundaries, eligible, warning_points, tmp_path
):
    m = extended_map(plan, boundaries, eligible, warning_points)
    path = write_html(m, tmp_path / "extended.html")
    html = path.read_text(encoding="utf-8")
    assert external_references(html) == [] and "<script src" not in html
    assert "L.marker(" in html and "L.geoJson(" in html
    # The layer control is rendered after the added layers and lists the GeoJson.
    script = parse(html).scripts[-1]
    assert script.index("L.geoJson(") < script.index("L.control.layers(")
    assert json.dumps("自定义片区") in script  # its name in the layer control
    assert "jQuery" not in html  # no popup added: no jQuery needed


def test_write_html_writes_and_replaces_atomically(tmp_path, plan, boundaries, eligible):
    target = tmp_path / "out" / "map.html"
    m = campaign_map(plan, boundaries, eligible, title="一")
    assert write_html(m, target) == target
    assert target.read_text(encoding="utf-8") == to_html(m)
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


def test_jupyter_shows_the_offline_map(plan, boundaries, eligible):
    from IPython.core.interactiveshell import InteractiveShell

    data, _ = InteractiveShell.instance().display_formatter.format(
        campaign_map(plan, boundaries, eligible, title="t")
    )
    shown = data["text/html"]
    assert "<iframe srcdoc=" in shown and "Trust Notebook" not in shown
    assert external_references(shown) == []


def test_team_colours_are_clearly_distinct():
    """Issue 15: T01/T06 and T02/T07 used to be two oranges and two purples."""
    from itertools import combinations

    from inspectlib.maps.campaign import TEAM_PALETTE

    def rgb(colour: str) -> np.ndarray:
        return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)

    assert len(set(TEAM_PALETTE)) == 12
    closest = min(np.linalg.norm(rgb(a) - rgb(b)) for a, b in combinations(TEAM_PALETTE, 2))
    assert closest > 90, closest


def test_legends_list_no_empty_rows_and_warning_points_start_hidden(
    plan, boundaries, eligible, warning_points, results
):
    m = results_map(results[results["result"] != "closed"], boundaries, title="t")
    assert "(0)" not in all_data(m)
    internal = campaign_map(plan, boundaries, eligible, title="t", warning_points=warning_points)
    assert layer(internal, "warning").show is False
