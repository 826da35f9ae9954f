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
