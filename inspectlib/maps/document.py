"""The folium map every inspectlib map starts from, and how a map becomes one HTML file.

:class:`InspectionMap` is a :class:`folium.Map` whose own links are only Leaflet's (folium's
other defaults, jQuery, Bootstrap, Font Awesome and awesome-markers, serve elements these maps
do not use); :func:`to_html` renders any folium map and inlines every linked script and
stylesheet from packaged copies (:mod:`inspectlib.maps.packaged`); :func:`write_html` writes
that document atomically.
"""

from __future__ import annotations

import copy
import html
import logging
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

import folium
import folium.plugins
from branca.element import Element

from inspectlib import catalogue
from inspectlib.htmlcheck import external_references
from inspectlib.maps.controls import AttributionPrefix, FitView, KeepOrder, MapHandle, TitleBar
from inspectlib.maps.packaged import UnknownAssetError, packaged_asset

logger = logging.getLogger(__name__)

Tiles = Literal["none", "osm", "gaode"]
Language = Literal["zh", "en"]
TILES: tuple[str, ...] = ("none", "osm", "gaode")
LANGUAGES: tuple[str, ...] = ("zh", "en")

_TILE_LAYERS: dict[str, dict[str, Any]] = {
    "osm": {
        "tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "subdomains": "abc",
        "max_zoom": 19,
    },
    "gaode": {
        "tiles": (
            "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
            "&style=8&x={x}&y={y}&z={z}"
        ),
        "subdomains": "1234",
        "max_zoom": 18,
    },
}
_FOLIUM_JS = dict(folium.Map.default_js)
_FOLIUM_CSS = dict(folium.Map.default_css)
_LEAN_JS = [("leaflet", _FOLIUM_JS["leaflet"])]
_LEAN_CSS = [("leaflet_css", _FOLIUM_CSS["leaflet_css"])]
_JQUERY = ("jquery", _FOLIUM_JS["jquery"])
_USES_JQUERY = re.compile(r"(?<![\w$.])(?:\$|jQuery)\(")
_LINK = re.compile(r'<script src="([^"]+)"></script>|<link rel="stylesheet" href="([^"]+)"/>')


def labels(language: str) -> dict[str, str]:
    """The words of a map (layers, legends, popups, controls) in ``language``, from the
    catalogue's ``maps.yaml``."""
    return catalogue.words("maps", language)["labels"]


def check_options(tiles: str, language: str) -> None:
    """Refuse an unknown tile source or language, showing the bad value."""
    if tiles not in TILES:
        raise ValueError(f"tiles must be one of {TILES}, got {tiles!r}")
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")


class InspectionMap(folium.Map):
    """A :class:`folium.Map` that links only Leaflet and shows itself offline in notebooks.

    Extend it like any folium map (``folium.Marker(...).add_to(m)``); the layer control, the
    drawing order and ``window.inspectlibMap`` are always rendered after every layer, so
    layers added later appear in the control too.
    """

    default_js = _LEAN_JS
    default_css = _LEAN_CSS

    def __init__(self, *, language: str = "zh", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.language = language

    def render(self, **kwargs: Any) -> None:
        trailing = (folium.LayerControl, KeepOrder, FitView, MapHandle)
        last = [(k, v) for k, v in self._children.items() if isinstance(v, trailing)]
        for key, child in last:
            del self._children[key]
            self._children[key] = child
        super().render(**kwargs)

    def _repr_html_(self, **kwargs: Any) -> str:
        """The self-contained document in an ``iframe`` (no CDN, no "trust this notebook")."""
        document = html.escape(to_html(self), quote=True)
        return (
            '<div style="width:100%;"><div style="position:relative;width:100%;height:0;'
            'padding-bottom:60%;">'
            f'<iframe srcdoc="{document}" style="position:absolute;width:100%;height:100%;'
            'left:0;top:0;border:none !important;" allowfullscreen></iframe></div></div>'
        )


def new_map(*, title: str, tiles: str, language: str, synthetic: bool) -> InspectionMap:
    """An empty inspection map: tiles (or none), title bar, full screen, measuring, scale bar.

    Parameters
    ----------
    title : str
        Shown above the map and as the document title.
    tiles : {"none", "osm", "gaode"}
        Background tiles; with ``"none"`` the map has no tile layer at all.
    language : {"zh", "en"}
        Language of the controls.
    synthetic : bool
        Show the synthetic-data banner.
    """
    check_options(tiles, language)
    if not isinstance(title, str):
        raise TypeError(f"title must be a str, got {title!r}")
    words = labels(language)
    m = InspectionMap(
        language=language,
        location=None,
        tiles=None,
        control_scale=True,
        zoom_snap=0.25,
    )
    if tiles != "none":
        attribution = catalogue.text(f"maps.attribution.{tiles}", language)
        folium.TileLayer(**_TILE_LAYERS[tiles], attr=attribution, name=tiles, control=False).add_to(
            m
        )
    banner = catalogue.text("maps.synthetic_banner", language) if synthetic else None
    TitleBar(title, banner).add_to(m)
    AttributionPrefix(catalogue.text("maps.leaflet_title", language)).add_to(m)
    folium.plugins.Fullscreen(
        position="topleft", title=words["fullscreen"], title_cancel=words["fullscreen_exit"]
    ).add_to(m)
    folium.plugins.MeasureControl(
        position="topleft",
        primary_length_unit="meters",
        secondary_length_unit="kilometers",
        primary_area_unit="sqmeters",
        secondary_area_unit="hectares",
        localization="cn" if language == "zh" else "en",
    ).add_to(m)
    return m


def finish_map(
    m: InspectionMap,
    *,
    layers: Mapping[str, Element],
    stack: list[Element],
    bounds: list[list[float]] | None,
    expected: Mapping[str, int],
) -> InspectionMap:
    """Add the layer control, the drawing order, the view and ``window.inspectlibMap``."""
    folium.LayerControl(position="topright", collapsed=len(layers) > 14).add_to(m)
    KeepOrder(stack).add_to(m)
    FitView(bounds).add_to(m)
    MapHandle(layers, expected).add_to(m)
    return m


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _render(m: folium.Map, js: list, css: list) -> str:
    """Render a copy of ``m``'s figure with the given links (rendering changes a figure:
    folium adds its ``addTo`` calls anew each time, so the map itself is left untouched)."""
    figure = copy.deepcopy(m.get_root())
    twin = next(e for e in _walk(figure) if isinstance(e, folium.Map) and e._id == m._id)
    twin.default_js, twin.default_css = js, css
    return figure.render()


def _inline(match: re.Match[str]) -> str:
    url = match.group(1) or match.group(2)
    asset = packaged_asset(url)
    if asset.kind == "js":
        return f"<script>/* {asset.source} */\n{asset.text}</script>"
    return f"<style>/* {asset.source} */\n{asset.text}</style>"


def to_html(m: folium.Map) -> str:
    """Render a folium map as one self-contained HTML document.

    Every ``<script src>`` and stylesheet ``<link>`` that folium writes is replaced by the
    packaged copy of that file (Leaflet, plugins); jQuery is added only when an element uses
    it (folium's popups do). Nothing in the result loads from the network except the tiles of
    a tile layer the map has.

    Parameters
    ----------
    m : folium.Map
        A map from :func:`campaign_map`/:func:`results_map`, extended or not, or any other
        folium map.

    Returns
    -------
    str
        The document.

    Raises
    ------
    UnknownAssetError
        The map links a script, stylesheet or other file with no packaged copy.

    Examples
    --------
    >>> import folium
    >>> m = folium.Map(location=[31.3, 120.6], zoom_start=11, tiles=None)
    >>> _ = folium.Marker([31.3, 120.6]).add_to(m)
    >>> page = to_html(m)
    >>> "<script src=" in page, "L.marker(" in page
    (False, True)
    """
    if not isinstance(m, folium.Map):
        raise TypeError(f"to_html needs a folium.Map, got {type(m).__name__}")
    if any(isinstance(e, folium.Icon) for e in _walk(m)):
        raise UnknownAssetError(
            "folium.Icon needs Leaflet.awesome-markers, Bootstrap and Font Awesome from CDNs, "
            "which inspectlib does not ship; use the default marker or folium.DivIcon"
        )
    js, css = list(_LEAN_JS), list(_LEAN_CSS)
    extra_js = [p for p in type(m).default_js if p[0] not in _FOLIUM_JS]
    extra_css = [p for p in type(m).default_css if p[0] not in _FOLIUM_CSS]
    page = _render(m, js + extra_js, css + extra_css)
    if _USES_JQUERY.search(page.rsplit("</body>", 1)[-1]):
        page = _render(m, [*js, _JQUERY, *extra_js], css + extra_css)
    page = _LINK.sub(_inline, page)
    outside = external_references(page)
    if outside:
        raise UnknownAssetError(f"the map still refers to the network: {outside[:5]}")
    language = getattr(m, "language", None)
    if language is not None:
        page = page.replace("<html>", f'<html lang="{"zh-CN" if language == "zh" else "en"}">', 1)
    return page


def write_html(m: folium.Map | str, path: str | os.PathLike[str]) -> Path:
    """Save a folium map as one self-contained HTML file, atomically.

    The document (:func:`to_html`) goes to a temporary file in the target's folder, which
    then replaces the target in one step (:func:`os.replace`), so a reader never sees a
    half-written map and an earlier file stays intact if writing fails.

    Parameters
    ----------
    m : folium.Map or str
        The map (also one extended with ordinary folium layers), or a document :func:`to_html`
        made; a document is checked for network references first.
    path : str or path-like
        Target file; missing parent folders are created.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import folium, tempfile, pathlib
    >>> m = folium.Map(location=[31.3, 120.6], tiles=None)
    >>> p = write_html(m, pathlib.Path(tempfile.mkdtemp()) / "m.html")
    >>> "leaflet" in p.read_text(encoding="utf-8").lower()
    True
    """
    if isinstance(m, str):
        outside = external_references(m)
        if outside:
            raise UnknownAssetError(f"the document refers to the network: {outside[:5]}")
        document = m
    else:
        document = to_html(m)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(document)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    logger.info("wrote map %s (%d bytes)", target, target.stat().st_size)
    return target
