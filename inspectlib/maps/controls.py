"""Controls and page parts of the maps as folium elements: legends, firm search, title, view.

Full screen, distance measurement, the scale bar and the layer control are folium's own
(:class:`folium.plugins.Fullscreen`, :class:`folium.plugins.MeasureControl`,
``folium.Map(control_scale=True)``, :class:`folium.LayerControl`); these are what folium has
no element for.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import folium.plugins
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin

from inspectlib.maps.elements import FirmLayer, _WithToolkit
from inspectlib.maps.template import Template


class Legend(_WithToolkit, MacroElement):
    """A legend box that follows its layers: it hides when all of them are off, and an item
    tied to one layer hides with that layer.

    Parameters
    ----------
    title : str
        Heading of the box.
    items : sequence of dict
        ``{"shape": "fill"|"dot"|"line"|"none", "colour", "label"}``, optionally ``"layer"``:
        the index in ``layers`` of the layer the item belongs to.
    layers : sequence of folium elements
        The layers the legend describes.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map, layers, d) {
  var I = window.inspectlib, rows = [], box = null;
  var control = L.control({ position: "bottomleft" });
  control.onAdd = function () {
    box = I.el("div", "inspectlib-legend");
    box.appendChild(I.el("h4", null, d.title));
    d.items.forEach(function (item) {
      var row = I.el("div"), swatch = I.el("span", "inspectlib-swatch " + item.shape);
      if (item.shape === "line") { swatch.style.borderTopColor = item.colour; }
      else if (item.shape !== "none") { swatch.style.background = item.colour; }
      row.appendChild(swatch);
      row.appendChild(I.el("span", null, item.label));
      box.appendChild(row);
      rows.push({ row: row, layer: item.layer });
    });
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    return box;
  };
  control.addTo(map);
  function sync() {
    var on = layers.map(function (layer) { return map.hasLayer(layer); });
    rows.forEach(function (r) {
      r.row.style.display = (typeof r.layer === "number" && !on[r.layer]) ? "none" : "";
    });
    box.style.display = on.indexOf(true) >= 0 ? "" : "none";
  }
  layers.forEach(function (layer) { layer.on("add remove", sync); });
  sync();
})({{ this._parent.get_name() }}, [{% for layer in this.layers %}{{ layer.get_name() }}{{ ", " if not loop.last }}{% endfor %}], {{ this.data|script_json }});
{% endmacro %}
"""
    )

    def __init__(
        self, title: str, items: Sequence[Mapping[str, Any]], layers: Sequence[Element]
    ) -> None:
        super().__init__()
        self._name = "Legend"
        self.layers = list(layers)
        self.data = {"title": title, "items": [dict(item) for item in items]}


class FirmSearch(_WithToolkit, JSCSSMixin, MacroElement):
    """Find a firm of a :class:`FirmLayer` by name (leaflet-search); the match opens its popup.

    Parameters
    ----------
    layer : FirmLayer
        The firms searched (markers are matched by the names in ``names``).
    names : list or dict
        The firms' names, a column as :func:`inspectlib.maps.encode.text_column` makes it.
    words : dict
        ``placeholder``, ``not_found`` and ``cancel`` texts.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map, layer, d) {
  var I = window.inspectlib;
  layer.eachLayer(function (m) { m.options.firmName = I.pick(d.names, m.options.index); });
  var control = new L.Control.Search({
    layer: layer, propertyName: "firmName", initial: false, marker: false, zoom: 16,
    position: "topleft", textPlaceholder: d.placeholder, textErr: d.notFound,
    textCancel: d.cancel,
    buildTip: function (text) { return I.el("li", null, text); }
  });
  control.on("search:locationfound", function (e) {
    e.layer.fire("click", { latlng: e.layer.getLatLng() }, true);
  });
  map.addControl(control);
})({{ this._parent.get_name() }}, {{ this.layer.get_name() }}, {{ this.data|script_json }});
{% endmacro %}
"""
    )
    default_js = folium.plugins.Search.default_js
    default_css = folium.plugins.Search.default_css

    def __init__(self, layer: FirmLayer, names: list | dict, words: Mapping[str, str]) -> None:
        super().__init__()
        self._name = "FirmSearch"
        self.layer = layer
        self.data = {
            "names": names,
            "placeholder": words["placeholder"],
            # leaflet-search shows these two as HTML
            "notFound": html.escape(words["not_found"]),
            "cancel": html.escape(words["cancel"]),
        }


class TitleBar(_WithToolkit, MacroElement):
    """The map's title above it (and as the document title), and the synthetic-data banner."""

    _template = Template(
        """
{% macro html(this, kwargs) %}
<header id="inspectlib-header"><h1 id="inspectlib-title"></h1>
{%- if this.banner %}<div class="inspectlib-banner" id="inspectlib-synthetic"></div>{% endif -%}
</header>
{% endmacro %}
{% macro script(this, kwargs) %}
(function (d) {
  document.title = d.title;
  document.getElementById("inspectlib-title").textContent = d.title;
  if (d.banner) { document.getElementById("inspectlib-synthetic").textContent = d.banner; }
})({{ this.data|script_json }});
{% endmacro %}
"""
    )

    def __init__(self, title: str, banner: str | None = None) -> None:
        super().__init__()
        self._name = "TitleBar"
        self.banner = banner
        self.data = {"title": title, "banner": banner}


class AttributionPrefix(MacroElement):
    """The attribution's "Leaflet" link with its tooltip in the map's language (Leaflet's own
    says "A JavaScript library for interactive maps" on every map)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map, title) {
  if (!map.attributionControl) { return; }
  var link = document.createElement("a");
  link.href = "https://leafletjs.com";
  link.title = title;
  link.textContent = "Leaflet";
  map.attributionControl.setPrefix(link.outerHTML);
})({{ this._parent.get_name() }}, {{ this.title|script_json }});
{% endmacro %}
"""
    )

    def __init__(self, title: str) -> None:
        super().__init__()
        self._name = "AttributionPrefix"
        self.title = title


class FitView(MacroElement):
    """Fit the view to ``bounds`` (``[[south, west], [north, east]]``), once the map has a size.

    Inside a report's iframe the map can still be 0×0 when the script runs, and fitting an
    empty container gives NaN coordinates: then a rough view is shown and the fit waits for
    the first layout.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map, bounds) {
  function fit() {
    if (bounds) { map.fitBounds(bounds, { padding: [16, 16] }); } else { map.setView([35, 105], 4); }
  }
  var size = map.getSize();
  if (size.x > 0 && size.y > 0) { fit(); return; }
  map.setView(bounds ? L.latLngBounds(bounds).getCenter() : [35, 105], bounds ? 10 : 4);
  var watcher = new ResizeObserver(function () {
    map.invalidateSize();
    var now = map.getSize();
    if (now.x > 0 && now.y > 0) { watcher.disconnect(); fit(); }
  });
  watcher.observe(map.getContainer());
})({{ this._parent.get_name() }}, {{ this.bounds|script_json }});
{% endmacro %}
"""
    )

    def __init__(self, bounds: list[list[float]] | None) -> None:
        super().__init__()
        self._name = "FitView"
        self.bounds = bounds


class KeepOrder(MacroElement):
    """Keep the drawing order of layers that share the map's one canvas.

    A layer switched on is drawn last; the layers listed after it are brought back on top.
    (One canvas, not one per layer: stacked canvases would hide the lower ones from the mouse.)
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map, stack) {
  map.on("overlayadd", function (event) {
    var i = stack.indexOf(event.layer);
    if (i < 0) { return; }
    for (var j = i + 1; j < stack.length; j++) {
      if (map.hasLayer(stack[j])) { stack[j].bringToFront(); }
    }
  });
})({{ this._parent.get_name() }}, [{% for layer in this.layers %}{{ layer.get_name() }}{{ ", " if not loop.last }}{% endfor %}]);
{% endmacro %}
"""
    )

    def __init__(self, layers: Sequence[Element]) -> None:
        super().__init__()
        self._name = "KeepOrder"
        self.layers = list(layers)


class MapHandle(MacroElement):
    """``window.inspectlibMap``: the map, its layers by id, their sizes and the expected counts.

    For scripts and browser tests that check what was drawn; rendered after every layer.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
window.inspectlibMap = (function (map, layers, expected) {
  var counts = {};
  Object.keys(layers).forEach(function (id) {
    var layer = layers[id];
    counts[id] = layer.firms !== undefined ? layer.firms : layer.getLayers().length;
  });
  return { map: map, layers: layers, counts: counts, expected: expected, ready: true };
})({{ this._parent.get_name() }}, {
{%- for key, layer in this.layers.items() %}
  {{ key|script_json }}: {{ layer.get_name() }}{{ "," if not loop.last }}
{%- endfor %}
}, {{ this.expected|script_json }});
{% endmacro %}
"""
    )

    def __init__(self, layers: Mapping[str, Element], expected: Mapping[str, int]) -> None:
        super().__init__()
        self._name = "MapHandle"
        self.layers = dict(layers)
        self.expected = dict(expected)
