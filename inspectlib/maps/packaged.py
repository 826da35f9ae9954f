"""Packaged copies of the JavaScript and CSS that folium links from CDNs.

folium writes ``<script src="https://cdn…">`` and ``<link href="https://cdn…">`` for Leaflet,
jQuery and each plugin. A shared map must open with the network off, so
:func:`packaged_asset` maps each of those addresses to a file installed with the package:

* Leaflet and jQuery from the ``xstatic-leaflet`` and ``xstatic-jquery`` packages;
* the plugins that have no XStatic package (leaflet.fullscreen 3.0.0, leaflet-measure 2.1.7,
  leaflet-search 2.9.7, all MIT) vendored under ``inspectlib/maps/assets/`` with their licences
  (see ``assets/README.md``).

Images a stylesheet refers to become ``data:`` URIs. An address missing from the table is an
error (:class:`UnknownAssetError`), never a silent network request.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_CSS_URL = re.compile(r"url\((['\"]?)(?!data:|#)([A-Za-z0-9_.@\-/]+)\1\)")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_MIME = {".png": "image/png", ".gif": "image/gif", ".svg": "image/svg+xml"}
VENDORED = Path(__file__).resolve().parent / "assets"


class UnknownAssetError(ValueError):
    """A map links a script or stylesheet that no packaged copy stands in for."""


@dataclass(frozen=True)
class Asset:
    """One packaged file that replaces a CDN link.

    Attributes
    ----------
    kind : {"js", "css"}
        Script or stylesheet.
    source : str
        Where the copy comes from (package and version), for the reader of a map.
    text : str
        The code to inline (stylesheet images as ``data:`` URIs).
    """

    kind: str
    source: str
    text: str


def _xstatic_dir(module: str) -> Path:
    import importlib

    try:
        return Path(importlib.import_module(f"xstatic.pkg.{module}").BASE_DIR)
    except ImportError as exc:  # pragma: no cover - declared dependencies
        name = module.replace("_", "-")
        raise ImportError(
            f"inspectlib maps need xstatic-{name}: pip install xstatic-{name}"
        ) from exc


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8").replace("\r\n", "\n")


def _data_uri(path: Path) -> str:
    mime = _MIME.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def inline_css_images(css: str, base: Path) -> str:
    """Replace relative ``url(...)`` references in ``css`` by ``data:`` URIs of files in ``base``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); (d / "images").mkdir()
    >>> _ = (d / "images" / "a.png").write_bytes(b"x")
    >>> inline_css_images(".a{background:url(images/a.png)}", d)
    '.a{background:url(data:image/png;base64,eA==)}'
    """

    files = [m.group(2) for m in _CSS_URL.finditer(css)]
    repeated = sorted({f for f in files if files.count(f) > 1})
    names = {f: f"--inspectlib-image-{k}" for k, f in enumerate(repeated)}

    def replace(match: re.Match[str]) -> str:
        name = match.group(2)
        if name in names:  # an image used more than once is inlined once, as a variable
            return f"var({names[name]})"
        return f"url({_data_uri((base / name).resolve())})"

    out = _CSS_URL.sub(replace, css)
    if names:
        root = ";".join(f"{v}:url({_data_uri((base / f).resolve())})" for f, v in names.items())
        out = f":root{{{root}}}\n" + out
    return out


def _css(path: Path) -> str:
    return inline_css_images(_CSS_COMMENT.sub("", _read(path)), path.parent)


def _check_inline(name: str, text: str, kind: str) -> str:
    forbidden = ("</script", "<!--") if kind == "js" else ("</style",)
    lowered = text.lower()
    for bad in forbidden:
        if bad in lowered:
            raise RuntimeError(f"{name} contains {bad!r} and cannot be inlined in HTML")
    return text


def _leaflet_js() -> str:
    base = _xstatic_dir("leaflet")
    # Leaflet finds its default marker image through a CSS url(); inlined as a data: URI that
    # detection fails, so the default icon (folium.Marker) is given its images directly.
    icons = {
        "iconUrl": _data_uri(base / "images" / "marker-icon.png"),
        "iconRetinaUrl": _data_uri(base / "images" / "marker-icon-2x.png"),
        "shadowUrl": _data_uri(base / "images" / "marker-shadow.png"),
    }
    options = ", ".join(f'{key}: "{value}"' for key, value in icons.items())
    return (
        _read(base / "leaflet.js")
        + f"\nL.Icon.Default.imagePath = '';\nL.Icon.Default.mergeOptions({{{options}}});\n"
    )


_TABLE: dict[str, tuple[str, str, object]] = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": (
        "js",
        "xstatic-leaflet (Leaflet 1.9.3)",
        _leaflet_js,
    ),
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": (
        "css",
        "xstatic-leaflet (Leaflet 1.9.3)",
        lambda: _css(_xstatic_dir("leaflet") / "leaflet.css"),
    ),
    "https://code.jquery.com/jquery-3.7.1.min.js": (
        "js",
        "xstatic-jquery (jQuery 3.7.1)",
        lambda: _read(_xstatic_dir("jquery") / "jquery.min.js"),
    ),
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": (
        "js",
        "vendored leaflet.fullscreen 3.0.0 (MIT)",
        lambda: _read(VENDORED / "leaflet.fullscreen-3.0.0" / "Control.FullScreen.js"),
    ),
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": (
        "css",
        "vendored leaflet.fullscreen 3.0.0 (MIT)",
        lambda: _css(VENDORED / "leaflet.fullscreen-3.0.0" / "Control.FullScreen.css"),
    ),
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js": (
        "js",
        "vendored leaflet-measure 2.1.7 (MIT)",
        lambda: _read(VENDORED / "leaflet-measure-2.1.7" / "leaflet-measure.min.js"),
    ),
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css": (
        "css",
        "vendored leaflet-measure 2.1.7 (MIT)",
        lambda: _css(VENDORED / "leaflet-measure-2.1.7" / "leaflet-measure.css"),
    ),
    "https://cdn.jsdelivr.net/npm/leaflet-search@2.9.7/dist/leaflet-search.min.js": (
        "js",
        "vendored leaflet-search 2.9.7 (MIT)",
        lambda: _read(VENDORED / "leaflet-search-2.9.7" / "dist" / "leaflet-search.min.js"),
    ),
    "https://cdn.jsdelivr.net/npm/leaflet-search@2.9.7/dist/leaflet-search.min.css": (
        "css",
        "vendored leaflet-search 2.9.7 (MIT)",
        lambda: _css(VENDORED / "leaflet-search-2.9.7" / "dist" / "leaflet-search.min.css"),
    ),
}
PACKAGED_URLS: tuple[str, ...] = tuple(_TABLE)
"""Every CDN address that has a packaged copy."""


@cache
def packaged_asset(url: str) -> Asset:
    """The packaged copy of the script or stylesheet folium links at ``url``.

    Parameters
    ----------
    url : str
        An address from a folium element's ``default_js``/``default_css``.

    Returns
    -------
    Asset
        Its code, ready to be inlined (cached after the first call).

    Raises
    ------
    UnknownAssetError
        No packaged copy stands in for ``url``.

    Examples
    --------
    >>> packaged_asset("https://code.jquery.com/jquery-3.7.1.min.js").source
    'xstatic-jquery (jQuery 3.7.1)'
    """
    if url not in _TABLE:
        raise UnknownAssetError(
            f"the map links {url!r}, which has no packaged copy; a shared map must not load "
            "code from the network (known: see inspectlib.maps.packaged.PACKAGED_URLS)"
        )
    kind, source, read = _TABLE[url]
    text = read()  # type: ignore[operator]
    return Asset(kind, source, _check_inline(url, text, kind))
