"""Maps opened in a real Chromium from a file, with the network blocked."""

from __future__ import annotations

import folium
import numpy as np
import pandas as pd
import pytest

from inspectlib.maps import campaign_map, results_map, to_html, write_html

pytestmark = pytest.mark.browser

HOSTILE = [
    '<img src=x onerror="window.__pwned=1">',
    "</script><script>window.__pwned=2</script>",
    "`${window.__pwned=3}`",
    '"><svg onload="window.__pwned=4">',
    "C:\\temp\\x",
]
TITLE = "企业工资专项检查（示例） 2025-01-06 – 2025-01-24"

COUNT_ON_MAP = """kind => {
  let n = 0;
  window.inspectlibMap.map.eachLayer(l => { if (l.options && l.options.kind === kind) n++; });
  return n;
}"""
# Firms drawn on the canvas after the next frames: a marker counts one, a path of dots (firms
# without popups) the number of dots it drew.
FIRMS_DRAWN = """kind => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(() => {
  let n = 0;
  window.inspectlibMap.map.eachLayer(l => {
    if (l.options && l.options.kind === kind) n += l.drawn !== undefined ? l.drawn : 1;
  });
  resolve(n);
})))"""


@pytest.fixture(scope="module")
def region(make_region):
    data = make_region()
    plan = data["plan"]
    for k, name in enumerate(HOSTILE):
        plan.loc[k, "name"] = name
    return data


def region_map(region, **kw):
    kw.setdefault("title", TITLE)
    return campaign_map(
        region["plan"],
        region["boundaries"],
        region["eligible"],
        office=region["office"],
        warning_points=region["warning_points"],
        **kw,
    )


def campaign_html(region, **kw):
    return to_html(region_map(region, **kw))


def legend_text(page) -> str:
    return " ".join(page.locator(".inspectlib-legend").all_text_contents())


def results_frame(plan: pd.DataFrame) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    result = rng.choice(
        ["compliant", "violation", "closed", "not_found", "refused"],
        len(plan),
        p=[0.55, 0.3, 0.05, 0.05, 0.05],
    )
    return plan[["firm_id", "name", "town", "lon", "lat", "date"]].assign(
        result=result, violations=np.where(result == "violation", rng.integers(1, 4, len(plan)), 0)
    )


def assert_clean(opened) -> None:
    assert opened.page_errors == []
    assert opened.console_errors == []
    assert opened.dialogs == []
    assert opened.page.evaluate("window.__pwned") is None


def test_campaign_map_works_offline(open_map, region, screenshot_dir):
    opened = open_map(campaign_html(region, synthetic=True), viewport=(1400, 900))
    page = opened.page
    assert page.evaluate("typeof window.L === 'object' && typeof L.map === 'function'")
    assert_clean(opened)
    assert opened.blocked == []  # with tiles="none" the page asks for nothing at all
    assert page.evaluate(COUNT_ON_MAP, "selected") == len(region["plan"])
    assert page.evaluate("window.inspectlibMap.counts.selected") == len(region["plan"])
    assert page.evaluate(COUNT_ON_MAP, "route") == page.evaluate(
        "window.inspectlibMap.expected.routes"
    )
    assert page.evaluate(COUNT_ON_MAP, "coverage") == len(region["boundaries"])
    assert page.evaluate(COUNT_ON_MAP, "eligible") == 0  # off until switched on
    assert page.title() == TITLE
    assert page.text_content("#inspectlib-title") == TITLE
    assert page.is_visible("#inspectlib-synthetic")
    assert page.text_content("#inspectlib-synthetic") == "合成示例数据"
    legend = legend_text(page)
    assert "抽查覆盖率" in legend and "风险层" in legend and "T01" in legend
    page.screenshot(path=str(screenshot_dir / "map_campaign.png"))


def test_hostile_names_display_as_text(open_map, region, screenshot_dir):
    opened = open_map(campaign_html(region))
    page = opened.page
    # A real click on the canvas marker of the first hostile firm.
    point = page.evaluate("""() => {
      const m = window.inspectlibMap;
      let target = null;
      m.layers.selected.eachLayer(l => { if (l.options.index === 0) target = l; });
      m.map.setView(target.getLatLng(), 16, {animate: false});
      const p = m.map.latLngToContainerPoint(target.getLatLng());
      const box = m.map.getContainer().getBoundingClientRect();
      return [box.left + p.x, box.top + p.y];
    }""")
    page.mouse.click(point[0], point[1])
    page.wait_for_selector(".leaflet-popup-content .inspectlib-popup-title")
    assert page.text_content(".inspectlib-popup-title") == HOSTILE[0]
    page.wait_for_timeout(400)  # let the popup fade in
    page.screenshot(path=str(screenshot_dir / "map_popup_hostile.png"))
    popup = page.text_content(".leaflet-popup-content")
    assert "3 complaints in 12 months: +0.8" in popup and "T0" in popup
    for k, name in enumerate(HOSTILE):
        shown = page.evaluate(
            """k => {
          const m = window.inspectlibMap;
          let target = null;
          m.layers.selected.eachLayer(l => { if (l.options.index === k) target = l; });
          target.fire("click", {latlng: target.getLatLng()}, true);
          const titles = document.querySelectorAll(".inspectlib-popup-title");
          return titles[titles.length - 1].textContent;
        }""",
            k,
        )
        assert shown == name
    assert page.locator(".leaflet-popup-content img, .leaflet-popup-content svg").count() == 0
    assert_clean(opened)


def test_team_layer_toggles_through_the_layer_control(open_map, region):
    opened = open_map(campaign_html(region))
    page = opened.page
    routes_before = page.evaluate(COUNT_ON_MAP, "route")
    t01 = page.evaluate("window.inspectlibMap.counts['team:T01']")
    assert t01 > 0
    page.hover(".leaflet-control-layers")
    label = page.locator(".leaflet-control-layers-overlays label", has_text="T01")
    label.locator("input").uncheck()
    assert not page.evaluate(
        "window.inspectlibMap.map.hasLayer(window.inspectlibMap.layers['team:T01'])"
    )
    assert page.evaluate(COUNT_ON_MAP, "route") == routes_before - t01
    label.locator("input").check()
    assert page.evaluate(COUNT_ON_MAP, "route") == routes_before
    eligible = page.locator(".leaflet-control-layers-overlays label", has_text="全部符合条件企业")
    eligible.locator("input").check()
    assert page.evaluate(FIRMS_DRAWN, "eligible") == len(region["eligible"])
    assert_clean(opened)


def test_public_map_works_and_shows_only_public_fields(open_map, region, screenshot_dir):
    html = campaign_html(region, public=True, title="抽查名单公示")
    assert "检查员甲" not in html and "预警点" not in html
    opened = open_map(html)
    page = opened.page
    assert_clean(opened)
    assert page.evaluate(COUNT_ON_MAP, "selected") == len(region["plan"])
    assert page.evaluate(COUNT_ON_MAP, "route") == 0
    page.evaluate("""() => { const m = window.inspectlibMap; let t = null;
      m.layers.selected.eachLayer(l => { if (l.options.index === 7) t = l; });
      t.fire("click", {latlng: t.getLatLng()}, true); }""")
    rows = page.eval_on_selector_all(".inspectlib-popup th", "els => els.map(e => e.textContent)")
    assert rows == ["镇区", "行业"]  # no planned date before the visits
    page.wait_for_timeout(400)  # let the popup fade in
    page.screenshot(path=str(screenshot_dir / "map_public.png"))


def test_results_map_works(open_map, region, screenshot_dir):
    results = results_frame(region["plan"])
    opened = open_map(
        to_html(results_map(results, region["boundaries"], title="检查结果", synthetic=True)),
        viewport=(1400, 900),
    )
    page = opened.page
    assert_clean(opened)
    assert page.evaluate(COUNT_ON_MAP, "results") == len(results)
    assert "违法违规" in legend_text(page)
    page.screenshot(path=str(screenshot_dir / "map_results.png"))


def test_gaode_tiles_are_the_only_requests(open_map, region):
    opened = open_map(campaign_html(region, tiles="gaode"))
    page = opened.page
    for _ in range(100):  # tiles are requested once the map has laid out (at most 5 s)
        if opened.blocked:
            break
        page.wait_for_timeout(50)
    assert opened.page_errors == [] and opened.dialogs == []
    assert opened.blocked, "tiles should have been requested"
    assert all(
        u.startswith("https://webrd0") and ".is.autonavi.com/appmaptile?" in u
        for u in opened.blocked
    ), opened.blocked[:3]
    assert "© 高德地图" in page.locator(".leaflet-control-attribution").text_content()


def test_twenty_thousand_firms_stay_small_and_all_draw(open_map, make_region):
    # how fast is measured by benchmarks/maps.py, not asserted here
    big = make_region(n_eligible=20_000, n_selected=150)
    html = to_html(
        campaign_map(
            big["plan"], big["boundaries"], big["eligible"], title="20k", office=big["office"]
        )
    )
    assert len(html.encode("utf-8")) <= 500_000
    opened = open_map(html, "big.html")
    page = opened.page
    page.evaluate(
        "() => { window.inspectlibMap.map.addLayer(window.inspectlibMap.layers.eligible); }"
    )
    assert_clean(opened)
    assert page.evaluate(FIRMS_DRAWN, "eligible") == 20_000
    assert page.evaluate("window.inspectlibMap.counts.eligible") == 20_000


def test_legends_follow_the_layer_control(open_map, region):
    opened = open_map(campaign_html(region))
    page = opened.page
    coverage_legend = page.locator(".inspectlib-legend", has_text="抽查覆盖率")
    routes_legend = page.locator(".inspectlib-legend", has_text="检查组路线")
    assert coverage_legend.is_visible() and routes_legend.is_visible()
    control = ".leaflet-control-layers-overlays label"
    page.locator(control, has_text="抽查覆盖率").locator("input").uncheck()
    assert not coverage_legend.is_visible()
    page.locator(control, has_text="T01").locator("input").uncheck()
    assert routes_legend.is_visible()  # other teams still on: only T01's row hides
    assert not routes_legend.locator("div", has_text="T01").is_visible()
    for team in ("T02", "T03", "T04"):
        page.locator(control, has_text=team).locator("input").uncheck()
    assert not routes_legend.is_visible()
    page.locator(control, has_text="抽查覆盖率").locator("input").check()
    assert coverage_legend.is_visible()
    assert_clean(opened)


def test_controls_work_offline(open_map, region, screenshot_dir):
    opened = open_map(campaign_html(region), viewport=(1400, 900))
    page = opened.page
    for selector in (
        ".leaflet-control-zoom-fullscreen",
        ".leaflet-control-measure",
        ".leaflet-control-search",
        ".leaflet-control-scale",
        ".leaflet-control-layers",
    ):
        assert page.locator(selector).count() == 1, selector
    # Distance measurement: two clicks on the map, then "finish": a popup gives the length.
    page.hover(".leaflet-control-measure")
    page.click(".leaflet-control-measure .js-start")
    box = page.locator(".folium-map").bounding_box()
    for dx in (500, 800):
        page.mouse.move(box["x"] + dx, box["y"] + 400)
        page.mouse.click(box["x"] + dx, box["y"] + 400)
        page.wait_for_timeout(400)  # two clicks closer in time would be one double click
    page.click(".leaflet-control-measure .js-finish")
    page.locator(".leaflet-popup-content", has_text="米").wait_for()
    assert "距离测量" in page.text_content(".leaflet-popup-content")
    # Full screen through the button (the API call is what headless Chromium allows).
    page.click(".leaflet-control-zoom-fullscreen")
    page.wait_for_function("window.inspectlibMap.map._isFullscreen === true")
    assert page.get_attribute(".leaflet-control-zoom-fullscreen", "title") == "退出全屏"
    page.click(".leaflet-control-zoom-fullscreen")
    page.wait_for_function("window.inspectlibMap.map._isFullscreen === false")
    assert_clean(opened)
    assert opened.blocked == []


def test_search_finds_a_firm_by_name_and_shows_names_as_text(open_map, region, screenshot_dir):
    opened = open_map(campaign_html(region), viewport=(1400, 900))
    page = opened.page
    page.click(".leaflet-control-search .search-button")
    page.locator(".leaflet-control-search input.search-input").press_sequentially("示例007")
    page.wait_for_selector(".leaflet-control-search .search-tip")
    tips = page.locator(".leaflet-control-search .search-tip").all_text_contents()
    assert tips == ["示例007制造有限公司"]
    page.click(".leaflet-control-search .search-tip")
    page.wait_for_selector(".leaflet-popup-content .inspectlib-popup-title")
    assert page.text_content(".inspectlib-popup-title") == "示例007制造有限公司"
    page.wait_for_timeout(400)  # let the popup fade in
    page.screenshot(path=str(screenshot_dir / "map_search.png"))
    page.locator(".leaflet-control-search input.search-input").fill("")
    page.locator(".leaflet-control-search input.search-input").press_sequentially("<img")
    page.wait_for_selector(".leaflet-control-search .search-tip")
    tips = page.locator(".leaflet-control-search .search-tip").all_text_contents()
    assert tips == [HOSTILE[0]]
    assert page.locator(".leaflet-control-search img, .leaflet-control-search svg").count() == 0
    assert_clean(opened)


def test_public_map_has_no_search(open_map, region):
    opened = open_map(campaign_html(region, public=True))
    assert opened.page.locator(".leaflet-control-search").count() == 0
    assert_clean(opened)


def test_an_extended_map_opens_offline_with_every_firm_and_the_added_layers(
    browser, region, tmp_path, screenshot_dir
):
    m = region_map(region)
    folium.Marker([31.56, 120.45], tooltip="新投诉聚集点").add_to(m)
    district = {
        "type": "Feature",
        "properties": {"name": "片区"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[120.40, 31.52], [120.50, 31.52], [120.50, 31.58], [120.40, 31.52]]],
        },
    }
    folium.GeoJson(district, name="自定义片区", style_function=lambda f: {"color": "#000"}).add_to(
        m
    )
    path = write_html(m, tmp_path / "extended.html")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors, blocked = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("window.inspectlibMap && window.inspectlibMap.ready", timeout=10_000)
    page.evaluate(
        "() => { window.inspectlibMap.map.addLayer(window.inspectlibMap.layers.eligible); }"
    )
    assert page.evaluate(COUNT_ON_MAP, "selected") == len(region["plan"])
    assert page.evaluate(FIRMS_DRAWN, "eligible") == len(region["eligible"])
    added = page.evaluate("""() => {
      let markers = 0, geojson = 0;
      window.inspectlibMap.map.eachLayer(l => {
        if (l instanceof L.Marker && !l.options.kind) markers++;
        if (l instanceof L.GeoJSON) geojson++;
      });
      return [markers, geojson];
    }""")
    assert added == [1, 1]
    overlays = page.locator(".leaflet-control-layers-overlays label").all_text_contents()
    assert any("自定义片区" in label for label in overlays)
    icon = page.locator(".leaflet-marker-icon:not(.inspectlib-office)")
    assert icon.count() == 1 and icon.get_attribute("src").startswith("data:image/png")
    assert (
        page.evaluate(
            "document.querySelector('.leaflet-marker-icon:not(.inspectlib-office)').naturalWidth"
        )
        > 0
    )
    page.screenshot(path=str(screenshot_dir / "map_extended.png"))
    assert errors == [] and blocked == []
    page.close()


def test_notebook_output_shows_the_map_offline(browser, region, tmp_path):
    """What JupyterLab (or a papermill output notebook) shows: the iframe of _repr_html_."""
    cell = region_map(region)._repr_html_()
    path = tmp_path / "output.html"
    path.write_text(f"<!DOCTYPE html><html><body>{cell}</body></html>", encoding="utf-8")
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    blocked, errors = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith(("file:", "about:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri(), wait_until="load")
    frame = next(f for f in page.frames if f.url == "about:srcdoc")
    frame.wait_for_function("window.inspectlibMap && window.inspectlibMap.ready", timeout=10_000)
    assert frame.evaluate("window.inspectlibMap.counts.selected") == len(region["plan"])
    assert blocked == [] and errors == []
    page.close()
