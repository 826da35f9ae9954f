"""Leaflet's JavaScript and CSS, read from the installed XStatic package and inlined.

Nothing is vendored into the repository: the files come from ``xstatic-leaflet`` at render
time. The images Leaflet's CSS refers to (layer-control icon, default marker) are turned into
``data:`` URIs, so a map opens from a file with the network off.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

_CSS_URL = re.compile(r"url\((['\"]?)(images/[A-Za-z0-9_.\-]+)\1\)")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_FORBIDDEN_IN_SCRIPT = ("</script", "<!--")
_FORBIDDEN_IN_STYLE = ("</style",)


@dataclass(frozen=True)
class Assets:
    """The inline code of a map document.

    Attributes
    ----------
    leaflet_js, map_js : str
        Leaflet's minified JavaScript and the map builder of :mod:`inspectlib.maps`.
    css : str
        Leaflet's CSS (images as ``data:`` URIs) followed by the map's own CSS.
    script_hashes : tuple of str
        CSP ``'sha256-…'`` sources of the two scripts, so that nothing else can run.
    """

    leaflet_js: str
    map_js: str
    css: str
    script_hashes: tuple[str, ...]


def _leaflet_dir() -> Path:
    try:
        import xstatic.pkg.leaflet as xleaflet
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ImportError(
            "inspectlib maps need Leaflet from XStatic: pip install xstatic-leaflet"
        ) from exc
    return Path(xleaflet.BASE_DIR)


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8").replace("\r\n", "\n")


def _data_uri(path: Path) -> str:
    mime = "image/png" if path.suffix == ".png" else "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def inline_css_images(css: str, base: Path) -> str:
    """Replace ``url(images/...)`` references in ``css`` by ``data:`` URIs of files in ``base``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); (d / "images").mkdir()
    >>> _ = (d / "images" / "a.png").write_bytes(b"x")
    >>> inline_css_images(".a{background:url(images/a.png)}", d)
    '.a{background:url(data:image/png;base64,eA==)}'
    """

    def replace(match: re.Match[str]) -> str:
        return f"url({_data_uri(base / match.group(2))})"

    return _CSS_URL.sub(replace, css)


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _check_inline(name: str, text: str, forbidden: tuple[str, ...]) -> None:
    lowered = text.lower()
    for bad in forbidden:
        if bad in lowered:
            raise RuntimeError(f"{name} contains {bad!r} and cannot be inlined in HTML")


@lru_cache(maxsize=1)
def map_assets() -> Assets:
    """Read and check the inline JavaScript and CSS of a map (cached after the first call).

    Returns
    -------
    Assets
        Leaflet from ``xstatic-leaflet`` and the package's ``templates/map.js``/``map.css``.
    """
    base = _leaflet_dir()
    templates = resources.files("inspectlib") / "templates"
    leaflet_js = _text(base / "leaflet.js")
    map_js = (templates / "map.js").read_text(encoding="utf-8").replace("\r\n", "\n")
    css = inline_css_images(_CSS_COMMENT.sub("", _text(base / "leaflet.css")), base)
    css += "\n" + (templates / "map.css").read_text(encoding="utf-8").replace("\r\n", "\n")
    _check_inline("leaflet.js", leaflet_js, _FORBIDDEN_IN_SCRIPT)
    _check_inline("map.js", map_js, _FORBIDDEN_IN_SCRIPT)
    _check_inline("map CSS", css, _FORBIDDEN_IN_STYLE)
    return Assets(
        leaflet_js=leaflet_js,
        map_js=map_js,
        css=css,
        script_hashes=(_csp_hash(leaflet_js), _csp_hash(map_js)),
    )
