"""The Jinja template class of inspectlib's map elements.

It is folium's own :class:`folium.template.Template` environment plus one filter,
``script_json`` (:func:`~inspectlib.maps.encode.script_json`): the single way Python values
reach the page's JavaScript. The toolkit shared by the elements (``window.inspectlib``: data
decoding, text-only DOM building) and the elements' CSS live here too.
"""

from __future__ import annotations

import jinja2
from branca.element import Element, Figure, MacroElement
from folium.template import Environment as FoliumEnvironment

from inspectlib.maps.encode import script_json


class _Environment(FoliumEnvironment):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["script_json"] = script_json


class Template(jinja2.Template):
    """A folium template with the ``script_json`` filter."""

    environment_class = _Environment


_CSS = """
html, body { height: 100%; margin: 0; }
body {
  display: flex; flex-direction: column;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
    "WenQuanYi Micro Hei", sans-serif;
}
body > .folium-map { flex: 1 1 auto; height: auto !important; min-height: 0; background: #e8eef3; }
#inspectlib-header {
  order: -1; display: flex; align-items: center; gap: 14px; padding: 6px 14px;
  background: #1f3a5f; color: #fff; flex: 0 0 auto;
}
#inspectlib-title { font-size: 18px; margin: 0; font-weight: 600; white-space: pre-wrap; }
.inspectlib-banner {
  background: #ffd400; color: #000; font-weight: 700; padding: 2px 10px; border-radius: 3px;
}
.inspectlib-legend {
  background: rgba(255, 255, 255, 0.93); padding: 6px 10px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0, 0, 0, 0.35); font-size: 12px; line-height: 18px;
  max-width: 280px; max-height: 40vh; overflow-y: auto;
}
.inspectlib-legend h4 { margin: 0 0 2px; font-size: 12px; }
.inspectlib-swatch {
  display: inline-block; width: 14px; height: 11px; margin-right: 6px;
  vertical-align: middle; border: 1px solid #777;
}
.inspectlib-swatch.dot { border-radius: 50%; width: 10px; height: 10px; border-color: #fff; }
.inspectlib-swatch.line { height: 0; border: 0; border-top: 3px solid; width: 18px; }
.inspectlib-swatch.none { border: 0; }
.inspectlib-popup-title { font-weight: 700; font-size: 13px; margin-bottom: 4px; }
.inspectlib-popup table { border-collapse: collapse; }
.inspectlib-popup th {
  text-align: left; padding: 1px 8px 1px 0; color: #555; font-weight: normal;
  vertical-align: top; white-space: nowrap;
}
.inspectlib-popup td { padding: 1px 0; vertical-align: top; }
.leaflet-tooltip.inspectlib-town-label {
  background: transparent; border: 0; box-shadow: none; color: #222; font-weight: 600;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; padding: 0;
}
.leaflet-tooltip.inspectlib-town-label::before { display: none; }
.inspectlib-office {
  font-size: 24px; line-height: 24px; text-align: center; color: #c00000;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff;
}
.leaflet-control-layers-overlays label { white-space: nowrap; }
"""

_JS = """
window.inspectlib = (function () {
  "use strict";
  function unpack(p) {
    var s = atob(p.b), bytes = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) { bytes[i] = s.charCodeAt(i); }
    if (p.w === 2) { return new Uint16Array(bytes.buffer); }
    if (p.w === 4) { return new Uint32Array(bytes.buffer); }
    var out = new Uint32Array(p.n), total = 0, acc = 0, shift = 0, j = 0;
    for (var k = 0; k < bytes.length; k++) {
      acc += (bytes[k] & 127) * Math.pow(2, shift);
      if (bytes[k] & 128) { shift += 7; } else { total += acc; out[j++] = total; acc = 0; shift = 0; }
    }
    return out;
  }
  function pick(col, k) {
    if (col === null || col === undefined) { return null; }
    if (typeof col === "string") { return col; }
    if (Array.isArray(col)) { return col[k]; }
    return col.d[col.i[k]];
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function grid(g) {
    function lat(y) { return g.y0 + y / g.scale; }
    function lon(x) { return g.x0 + x / g.scale; }
    function path(flat) {
      var out = new Array(flat.length / 2);
      for (var k = 0; k < flat.length; k += 2) { out[k / 2] = [lat(flat[k + 1]), lon(flat[k])]; }
      return out;
    }
    return { lat: lat, lon: lon, path: path };
  }
  // One canvas for every inspectlib layer: stacked canvases would hide the lower ones from
  // the mouse. The map's own default renderer stays SVG, which leaflet-measure needs.
  var shared = null;
  function canvas() { return shared || (shared = L.canvas({ padding: 0.3 })); }
  // Many same-coloured, non-clickable dots as ONE canvas path: projected into typed arrays and
  // drawn with one fill, instead of one Leaflet layer (and one draw call) per firm.
  var Dots = null;
  function dots(lats, lngs, options) {
    Dots = Dots || L.Path.extend({
      options: { fill: true, interactive: false, fillRule: "nonzero", radius: 2 },
      initialize: function (la, ln, opts) {
        L.setOptions(this, opts); this._lats = la; this._lngs = ln; this.drawn = 0;
      },
      _project: function () {
        var map = this._map, n = this._lats.length, r = this.options.radius;
        var xs = new Float64Array(n), ys = new Float64Array(n);
        var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
        for (var k = 0; k < n; k++) {
          var p = map.latLngToLayerPoint([this._lats[k], this._lngs[k]]);
          xs[k] = p.x; ys[k] = p.y;
          if (p.x < x0) { x0 = p.x; } if (p.x > x1) { x1 = p.x; }
          if (p.y < y0) { y0 = p.y; } if (p.y > y1) { y1 = p.y; }
        }
        this._xs = xs; this._ys = ys;
        this._pxBounds = n ? L.bounds([x0 - r, y0 - r], [x1 + r, y1 + r]) : L.bounds([0, 0], [0, 0]);
      },
      _update: function () { if (this._map) { this._updatePath(); } },
      _updatePath: function () {
        var renderer = this._renderer;
        if (!renderer._drawing || this._empty()) { return; }
        var ctx = renderer._ctx, b = renderer._bounds, r = this.options.radius, drawn = 0;
        ctx.beginPath();
        for (var k = 0; k < this._xs.length; k++) {
          var x = this._xs[k], y = this._ys[k];
          if (x + r < b.min.x || x - r > b.max.x || y + r < b.min.y || y - r > b.max.y) { continue; }
          ctx.moveTo(x + r, y);
          ctx.arc(x, y, r, 0, Math.PI * 2, false);
          drawn++;
        }
        this.drawn = drawn;
        renderer._fillStroke(ctx, this);
      },
      _empty: function () { return !this._lats.length || !this._renderer._bounds.intersects(this._pxBounds); },
      _containsPoint: function () { return false; }
    });
    return new Dots(lats, lngs, options);
  }
  return { unpack: unpack, pick: pick, el: el, grid: grid, canvas: canvas, dots: dots };
})();
"""


class RawHTML(Element):
    """Markup placed into a document as it is (not a Jinja template)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self._html = html

    def render(self, **kwargs) -> str:
        return self._html


TOOLKIT = "<style>" + _CSS + "</style>\n<script>" + _JS + "</script>"
"""The elements' shared CSS and decoding/DOM helpers, put once into a document's head."""


def ensure_toolkit(element: MacroElement) -> None:
    """Put :data:`TOOLKIT` into the head of ``element``'s figure (once)."""
    figure = element.get_root()
    if not isinstance(figure, Figure):
        raise TypeError(f"{type(element).__name__} must be added to a map in a figure to render")
    if "inspectlib_toolkit" not in figure.header._children:
        figure.header.add_child(RawHTML(TOOLKIT), name="inspectlib_toolkit")
