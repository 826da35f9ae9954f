"""The map's layers as folium elements: firms on a canvas, their popups, towns, routes, office.

Each class is one element with its own template, as folium's are. Data reach the page only
through the ``script_json`` filter; text reaches the DOM only through ``textContent``
(``window.inspectlib.el``). Layer names are HTML-escaped here because Leaflet's layer control
inserts them as HTML.
"""

from __future__ import annotations

import html
from typing import Any

from branca.element import MacroElement
from folium.map import Layer

from inspectlib.maps.template import Template, ensure_toolkit


class _WithToolkit:
    """Renders the shared toolkit into the document head before the element itself."""

    def render(self, **kwargs: Any) -> None:
        ensure_toolkit(self)  # type: ignore[arg-type]
        super().render(**kwargs)  # type: ignore[misc]


class _DataLayer(_WithToolkit, Layer):
    """An overlay whose page-side code reads one ``data`` dict."""

    def __init__(self, name: str, data: dict[str, Any], *, show: bool = True) -> None:
        super().__init__(name=html.escape(name, quote=False), overlay=True, show=show)
        self.label = name
        self.data = data


class FirmLayer(_DataLayer):
    """Many firms as circle markers on the map's one canvas (tens of thousands stay fast).

    Firms with popups (or colours of their own) are one Leaflet circle marker each (clickable,
    searchable); the others are one path of dots drawn in a single pass. Either way the
    layer is a ``L.featureGroup`` whose ``firms`` property is the number of firms.

    Parameters
    ----------
    name : str
        Name in the layer control (plain text).
    data : dict
        ``grid`` (origin and scale), ``x``/``y`` (packed grid coordinates, see
        :meth:`inspectlib.maps.encode.Grid.pack`), ``fill`` (one colour, or a colour per firm),
        ``kind`` (tag on every marker), ``radius``, ``stroke``, ``weight``, ``fillOpacity``.
    show : bool
        Switched on when the map opens.
    popups : FirmPopups, optional
        What a click on a firm shows; firms without popups are not interactive.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function (d) {
  var I = window.inspectlib, g = I.grid(d.grid), xs = I.unpack(d.x), ys = I.unpack(d.y);
  var group = L.featureGroup();
  group.firms = xs.length;
  if (d.dots) {
    var lats = new Float64Array(xs.length), lngs = new Float64Array(xs.length);
    for (var j = 0; j < xs.length; j++) { lats[j] = g.lat(ys[j]); lngs[j] = g.lon(xs[j]); }
    return group.addLayer(I.dots(lats, lngs, {
      renderer: I.canvas(), radius: d.radius, stroke: d.stroke !== null,
      color: d.stroke || "#000", weight: d.weight, fillColor: d.fill,
      fillOpacity: d.fillOpacity, opacity: 1, kind: d.kind
    }));
  }
  for (var k = 0; k < xs.length; k++) {
    group.addLayer(L.circleMarker([g.lat(ys[k]), g.lon(xs[k])], {
      renderer: I.canvas(), radius: d.radius, stroke: d.stroke !== null, color: d.stroke || "#000",
      weight: d.weight, fillColor: I.pick(d.fill, k), fillOpacity: d.fillOpacity, opacity: 1,
      interactive: d.interactive, kind: d.kind, index: k
    }));
  }
  return group;
})({{ this.data|script_json }});
{% endmacro %}
"""
    )

    def __init__(
        self,
        name: str,
        data: dict[str, Any],
        *,
        show: bool = True,
        popups: FirmPopups | None = None,
    ) -> None:
        # Firms nobody clicks, all of one colour, are drawn as one path (``dots``).
        dots = popups is None and isinstance(data["fill"], str)
        super().__init__(name, {**data, "interactive": popups is not None, "dots": dots}, show=show)
        self._name = "FirmLayer"
        self.popups = popups
        if popups is not None:
            self.add_child(popups)

    @property
    def size(self) -> int:
        """Number of firms in the layer."""
        return int(self.data["x"]["n"])


class FirmPopups(_WithToolkit, MacroElement):
    """The popup of each firm of its parent :class:`FirmLayer`, built on click.

    Parameters
    ----------
    spec : dict
        ``title`` (a column of names), ``fields`` (``[{"key", "label", "split"?}]``, in
        order) and ``columns`` (``{key: column}``); see :func:`inspectlib.maps.layers.popup_spec`.
        A field a firm has no value for is left out of its popup.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (layer, spec) {
  var I = window.inspectlib;
  function content(k) {
    var box = I.el("div", "inspectlib-popup");
    box.appendChild(I.el("div", "inspectlib-popup-title", I.pick(spec.title, k)));
    var table = I.el("table");
    spec.fields.forEach(function (field) {
      var value = I.pick(spec.columns[field.key], k);
      if (value === null || value === undefined || value === "") { return; }
      var tr = I.el("tr"), td = I.el("td");
      tr.appendChild(I.el("th", null, field.label));
      if (field.split) {
        String(value).split(field.split).forEach(function (part) {
          td.appendChild(I.el("div", null, part));
        });
      } else {
        td.textContent = String(value);
      }
      tr.appendChild(td);
      table.appendChild(tr);
    });
    box.appendChild(table);
    return box;
  }
  layer.on("click", function (event) {
    var marker = event.layer;
    L.popup({ maxWidth: 360 }).setLatLng(marker.getLatLng())
      .setContent(content(marker.options.index)).openOn(marker._map);
  });
})({{ this._parent.get_name() }}, {{ this.spec|script_json }});
{% endmacro %}
"""
    )

    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__()
        self._name = "FirmPopups"
        self.spec = spec


class TownChoropleth(_DataLayer):
    """Town polygons filled by class colour, each with a tooltip (the coverage or results map).

    ``data``: ``grid``, ``kind`` and ``shapes`` (``[{"name", "polys", "fill", "tip"}]``,
    rings as flat integer grid coordinates).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function (d) {
  var I = window.inspectlib, g = I.grid(d.grid), group = L.featureGroup();
  d.shapes.forEach(function (shape) {
    var polygon = L.polygon(shape.polys.map(function (poly) { return poly.map(g.path); }), {
      renderer: I.canvas(), color: "#4a4a4a", weight: 1.2, fillColor: shape.fill, fillOpacity: 0.75, kind: d.kind
    });
    var tip = I.el("div");
    shape.tip.forEach(function (line) { tip.appendChild(I.el("div", null, line)); });
    polygon.bindTooltip(tip, { sticky: true });
    group.addLayer(polygon);
  });
  return group;
})({{ this.data|script_json }});
{% endmacro %}
"""
    )

    def __init__(self, name: str, data: dict[str, Any]) -> None:
        super().__init__(name, data)
        self._name = "TownChoropleth"


class TownLabels(_DataLayer):
    """Town names at a point inside each town (``data``: ``grid``, ``x``, ``y``, ``text``)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function (d) {
  var I = window.inspectlib, g = I.grid(d.grid), group = L.layerGroup();
  for (var k = 0; k < d.x.length; k++) {
    group.addLayer(L.tooltip({
      permanent: true, direction: "center", className: "inspectlib-town-label",
      interactive: false
    }).setLatLng([g.lat(d.y[k]), g.lon(d.x[k])]).setContent(I.el("span", null, d.text[k])));
  }
  return group;
})({{ this.data|script_json }});
{% endmacro %}
"""
    )

    def __init__(self, name: str, data: dict[str, Any]) -> None:
        super().__init__(name, data)
        self._name = "TownLabels"


class TeamRoutes(_DataLayer):
    """One team's daily routes (``data``: ``grid``, ``colour``, ``paths`` of ``{"c", "tip"}``)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function (d) {
  var I = window.inspectlib, g = I.grid(d.grid), group = L.featureGroup();
  d.paths.forEach(function (path) {
    var line = L.polyline(g.path(path.c), {
      renderer: I.canvas(), color: d.colour, weight: 3, opacity: 0.85, kind: "route"
    });
    line.bindTooltip(I.el("span", null, path.tip), { sticky: true });
    group.addLayer(line);
  });
  return group;
})({{ this.data|script_json }});
{% endmacro %}
"""
    )

    def __init__(self, name: str, data: dict[str, Any]) -> None:
        super().__init__(name, data)
        self._name = "TeamRoutes"


class OfficeMarker(_DataLayer):
    """Where the teams start and end (``data``: ``lat``, ``lon``, ``label``), a red star."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function (d) {
  var I = window.inspectlib;
  var icon = L.divIcon({
    className: "inspectlib-office", html: I.el("span", null, "\\u2605"),
    iconSize: [24, 24], iconAnchor: [12, 12]
  });
  var marker = L.marker([d.lat, d.lon], { icon: icon, kind: "office", keyboard: false });
  marker.bindTooltip(I.el("span", null, d.label));
  return L.layerGroup([marker]);
})({{ this.data|script_json }});
{% endmacro %}
"""
    )

    def __init__(self, name: str, data: dict[str, Any]) -> None:
        super().__init__(name, data)
        self._name = "OfficeMarker"
