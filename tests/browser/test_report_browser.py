"""The plan report opened offline in Chromium: tables, chart and the embedded map render."""

from pathlib import Path

import pytest

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def test_report_opens_offline_with_map_and_tables(browser, published_wage_plan):
    report = Path(published_wage_plan.output_dir) / "report.html"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors, blocked = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    def route(r):
        if r.request.url.startswith(("file:", "about:", "data:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(report.as_uri(), wait_until="load")
    frame = page.locator("iframe.inspectlib-map")
    frame.scroll_into_view_if_needed()
    map_frame = next(f for f in page.frames if f.url == "about:srcdoc")
    map_frame.wait_for_function(
        "window.inspectlibMap && window.inspectlibMap.ready", timeout=15_000
    )
    counts = map_frame.evaluate("window.inspectlibMap.counts")
    assert counts["selected"] == 40
    center = map_frame.evaluate("window.inspectlibMap.map.getCenter()")
    assert 119 < center["lng"] < 122 and 31 < center["lat"] < 33
    assert page.locator("table.inspectlib-table").count() >= 4
    assert page.locator(".inspectlib-chart svg").count() == 1
    assert "2027" in page.locator("h2").first.inner_text()
    assert not errors, errors
    assert not blocked, blocked
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    frame.screenshot(path=str(SCREENSHOTS / "report_map.png"))
    page.screenshot(path=str(SCREENSHOTS / "report_top.png"))
    page.close()


def test_report_prints_on_a4_with_the_map_as_a_picture(browser, published_wage_plan, tmp_path):
    """An iframe does not print: the printed report shows the map's still picture, dates do
    not wrap and Chinese text columns read from the left."""
    import json
    import subprocess

    import geopandas as gpd

    run = Path(published_wage_plan.output_dir)
    page = browser.new_page()
    page.goto((run / "report.html").as_uri(), wait_until="load")
    page.emulate_media(media="print")
    assert not page.locator("iframe.inspectlib-map").is_visible()
    picture = page.locator(".inspectlib-print-map svg")
    assert picture.count() == 1 and picture.is_visible()
    box = picture.bounding_box()
    assert box["width"] > 400 and box["height"] > 200
    date_cell = page.locator("td.date").first
    assert date_cell.evaluate("c => getComputedStyle(c).whiteSpace") == "nowrap"
    text_cell = page.locator("table.inspectlib-table td:not(.num)").first
    assert text_cell.evaluate("c => getComputedStyle(c).textAlign") in ("left", "start")
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    page.close()
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    audit = json.loads((run / "audit.json").read_text(encoding="utf-8"))
    towns = gpd.read_file(audit["params"]["boundaries"])
    names = [t for t in towns.drop(columns="geometry").iloc[:, 0] if isinstance(t, str)]
    shown = [t for t in names if t in text]
    assert len(shown) >= 5, "the map's town names are not in the printed report"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "3", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for png in sorted(tmp_path.glob("page*.png")):
        png.replace(SCREENSHOTS / f"printed_{png.name}")
