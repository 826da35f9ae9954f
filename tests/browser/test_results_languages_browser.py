"""Issue 15 in a real Chromium: the results maps and the annual map, once loaded, show only
their language (``document.body.innerText``: legends, controls, banners, titles). zh on the
small demo world, en on the second region (Chinese there only in data values)."""

from __future__ import annotations

import pytest

from tests.results_languages import LanguageOutputs, foreign_text

pytestmark = pytest.mark.browser

MAPS = {
    "report_dir": ("results_map.html", "results_map_public.html"),
    "annual_dir": ("annual_map.html",),
}
CASES = [
    (language, folder, name)
    for language in ("zh", "en")
    for folder, names in MAPS.items()
    for name in names
]


@pytest.mark.parametrize("language,folder,name", CASES)
def test_loaded_map_shows_only_its_language(request, open_map, language, folder, name):
    out: LanguageOutputs = request.getfixturevalue(f"{language}_outputs")
    html = (getattr(out, folder) / name).read_text(encoding="utf-8")
    opened = open_map(html, name)
    assert opened.page_errors == []
    text = opened.page.evaluate("document.body.innerText")
    assert len(text.strip()) > 10  # legends and controls are there
    found = foreign_text(text, language, out.data)
    assert found == [], f"{name} ({language}) shows {sorted(set(found))[:10]}"


def test_the_browser_scan_catches_a_planted_sentence(request, open_map):
    out: LanguageOutputs = request.getfixturevalue("zh_outputs")
    html = (out.report_dir / "results_map.html").read_text(encoding="utf-8")
    planted = html.replace("</body>", "<div>results are not yet public</div></body>", 1)
    before = open_map(html, "before.html").page.evaluate("document.body.innerText")
    after = open_map(planted, "planted.html").page.evaluate("document.body.innerText")
    added = set(foreign_text(after, "zh")) - set(foreign_text(before, "zh"))
    assert added == {"results are not yet public"}
