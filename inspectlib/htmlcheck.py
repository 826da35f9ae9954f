"""Checks and clean-ups that keep shared HTML files self-contained."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser

CHROMIUM = os.environ.get("INSPECTLIB_CHROMIUM", "/usr/bin/chromium")
"""The browser that checks shared HTML the way a planner opens it (Debian's ``chromium``,
installed by ``make test``; ``INSPECTLIB_CHROMIUM`` points elsewhere)."""
CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Headless, offline-friendly launch flags (no background calls home)."""

_URL_ATTRS = {"src", "href", "data", "poster", "action", "formaction", "xlink:href"}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+['"]([^'"]+)""", re.I)


def _is_external(url: str) -> bool:
    url = url.strip().lower()
    return url.startswith(("http:", "https:", "//", "ftp:", "ws:", "wss:"))


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if tag in ("a", "area") and name == "href":
                continue  # a hyperlink is followed only when clicked; it fetches nothing
            if name in _URL_ATTRS and value and _is_external(value):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and value:
                self._css(value)
            if name == "srcdoc" and value:  # an embedded document (the report's maps)
                self.found += external_references(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._css(data)

    def _css(self, text: str) -> None:
        for pattern in (_CSS_URL, _CSS_IMPORT):
            self.found += [f"css url({u})" for u in pattern.findall(text) if _is_external(u)]


def external_references(html: str) -> list[str]:
    """Every reference in ``html`` that would fetch something from the network.

    Looks at URL-bearing attributes (``src``, ``href``, ...) of every tag and at ``url(...)``
    and ``@import`` in CSS. ``data:`` URIs, fragments and relative paths are not network
    references. Plain text and JavaScript strings are not parsed (tile URL templates, for
    instance, are only used when the user asked for tiles).

    Examples
    --------
    >>> external_references('<script src="https://cdn.example/x.js"></script><a href="#t">')
    ["<script src='https://cdn.example/x.js'>"]
    """
    parser = _References()
    parser.feed(html)
    parser.close()
    return parser.found


_EXTERNAL_SCRIPT = re.compile(
    r"<script\b[^>]*\bsrc\s*=\s*['\"](?:https?:)?//[^'\"]*['\"][^>]*>\s*</script>", re.I | re.S
)
_EXTERNAL_LINK = re.compile(
    r"<link\b[^>]*\bhref\s*=\s*['\"](?:https?:)?//[^'\"]*['\"][^>]*/?>", re.I | re.S
)


def strip_external_assets(html: str) -> str:
    """Remove ``<script src=…>`` and ``<link href=…>`` tags that point at the network.

    Used on nbconvert output, whose templates reference require.js and MathJax on CDNs that
    the reports do not need.
    """
    return _EXTERNAL_LINK.sub("", _EXTERNAL_SCRIPT.sub("", html))


_INVISIBLE = {"script", "style", "template", "noscript"}
_CODE = {"code", "pre", "kbd", "samp"}
_SHOWN_ATTRS = ("title", "alt", "placeholder", "aria-label")


class _VisibleText(HTMLParser):
    def __init__(self, code: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip: list[str] = []
        self._skipped = _INVISIBLE | (set() if code else _CODE)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._skipped:
            self._skip.append(tag)
        if self._skip:
            return
        for name, value in attrs:
            if name in _SHOWN_ATTRS and value:
                self.parts.append(value)
            if name == "srcdoc" and value:  # the report's embedded maps
                self.parts += visible_text(value, code=tag in _CODE).splitlines()

    def handle_endtag(self, tag: str) -> None:
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str, code: bool = False) -> str:
    """The text a reader sees in ``html`` (static markup only), one piece per line.

    Text nodes outside scripts and styles, tooltips and placeholders (``title``, ``alt``,
    ``placeholder``, ``aria-label``), and the text of embedded ``srcdoc`` documents. Commands and
    file names shown as ``<code>``/``<pre>`` are left out unless ``code`` is true. Text that
    scripts draw at run time (a map's legend) needs a browser: see ``tests/browser``.

    Examples
    --------
    >>> visible_text('<h1 title="提示">计划</h1><script>var x = "no";</script><code>ls -l</code>')
    '提示\\n计划'
    """
    parser = _VisibleText(code)
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts)
