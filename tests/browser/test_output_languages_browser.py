"""The plan maps in Chromium hold only their language (issue 15): the page's text after load,
the text of every control (the plugins' hidden panels, titles and placeholders included), and
every popup and tooltip, each layer switched on; a **zh** plan of the demo world and an
**en** plan of the second region (its Chinese data values aside). Runs are shared with
tests/test_output_languages.py (tests/language_runs.py)."""

from __future__ import annotations

import pytest

from inspectlib.catalogue.languages import chinese_runs, english_sentences
from tests.language_runs import PlanRun

MAPS = ("map.html", "map_public.html")

COLLECT = """() => {
  const m = window.inspectlibMap;
  const texts = [];
  const attributes = () => Array.from(
    document.querySelectorAll("[title], [placeholder], [aria-label]"),
    (e) => [e.getAttribute("title"), e.getAttribute("placeholder"), e.getAttribute("aria-label")]
      .filter(Boolean).join(" / "));
  const atLoad = document.body.innerText;
  const controls = Array.from(document.querySelectorAll(".leaflet-control"), (e) => e.textContent);
  const tip = (layer) => {
    const t = layer.getTooltip && layer.getTooltip();
    if (!t) return;
    const c = t.getContent();
    texts.push(typeof c === "string" ? c : c.textContent);
  };
  const popup = (layer) => {
    if (!layer.getLatLng || !layer.options || layer.options.index === undefined) return;
    layer.fire("click", {latlng: layer.getLatLng()}, true);
    const shown = document.querySelectorAll(".leaflet-popup-content");
    if (shown.length) texts.push(shown[shown.length - 1].innerText);
  };
  const visit = (layer) => {
    if (layer.eachLayer) layer.eachLayer(visit);
    tip(layer);
    popup(layer);
  };
  Object.keys(m.layers).forEach((id) => {
    const layer = m.layers[id];
    if (!m.map.hasLayer(layer)) m.map.addLayer(layer);
    visit(layer);
  });
  return {
    atLoad: atLoad,
    allOn: document.body.innerText,
    controls: controls,
    attributes: attributes(),
    popups: texts,
  };
}"""


def shown_text(open_map, html: str, name: str) -> dict[str, list[str]]:
    """Everything the map shows a reader, by where it was found."""
    opened = open_map(html, name)
    seen = opened.page.evaluate(COLLECT)
    assert opened.page_errors == [], opened.page_errors
    return {
        "page": [seen["atLoad"], seen["allOn"]],
        "controls": seen["controls"],
        "attributes": seen["attributes"],
        "popups": seen["popups"],
    }


def offending(seen: dict[str, list[str]], run: PlanRun) -> dict[str, list[str]]:
    check = english_sentences if run.language == "zh" else lambda t: chinese_runs(t, run.data)
    out = {
        where: sorted({s for text in texts for s in check(text)}) for where, texts in seen.items()
    }
    return {where: found for where, found in out.items() if found}


@pytest.mark.parametrize("name", MAPS)
def test_zh_maps_show_no_english_sentence(open_map, zh_run, name):
    seen = shown_text(open_map, zh_run.read(name), name)
    assert seen["popups"], "every firm of the map has a popup"
    assert any("抽取" in t or "检查" in t for t in seen["page"])
    assert any("全屏" in a for a in seen["attributes"])  # the plugins speak Chinese too
    assert offending(seen, zh_run) == {}


@pytest.mark.parametrize("name", MAPS)
def test_en_maps_show_no_chinese_but_data(open_map, en_run, name):
    seen = shown_text(open_map, en_run.read(name), name)
    assert seen["popups"]
    assert any("Full screen" in a for a in seen["attributes"])
    assert offending(seen, en_run) == {}


def test_zh_map_popups_give_the_reasons_in_chinese(open_map, zh_run):
    seen = shown_text(open_map, zh_run.read("map.html"), "map.html")
    reasons = [t for t in seen["popups"] if "抽取理由" in t]
    assert reasons and all("随机层" in t or "+0." in t for t in reasons)


def test_the_browser_scan_catches_an_injected_sentence(open_map, zh_run, en_run):
    # a popup label of the page's data replaced: the popups (and the page, where the last
    # popup stays open) give it away
    zh = zh_run.read("map.html").replace('"抽取理由"', '"visits could not be matched"', 1)
    found = offending(shown_text(open_map, zh, "zh.html"), zh_run)
    assert found["popups"] == ["visits could not be matched"]
    en = en_run.read("map_public.html").replace('"Town"', '"所属镇"', 1)
    found = offending(shown_text(open_map, en, "en.html"), en_run)
    assert found["popups"] == ["所属镇"]
