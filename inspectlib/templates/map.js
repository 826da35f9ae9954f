/* inspectlib map builder: draws the JSON payload of #inspectlib-map-data with Leaflet.
 * Data reach the page only through that JSON block; text reaches the DOM only through
 * textContent, except layer-control names (Leaflet inserts them as HTML), which pass
 * through asHtml(). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("inspectlib-map-data").textContent);
  var grid = data.grid;

  function lat(y) { return grid.y0 + y / grid.scale; }
  function lon(x) { return grid.x0 + x / grid.scale; }
  function ring(flat) {
    var out = new Array(flat.length / 2);
    for (var k = 0; k < flat.length; k += 2) { out[k / 2] = [lat(flat[k + 1]), lon(flat[k])]; }
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
  function asHtml(text) {
    var span = document.createElement("span");
    span.textContent = String(text);
    return span.innerHTML;
  }

  document.title = data.title;
  document.getElementById("inspectlib-title").textContent = data.title;

  var map = L.map("inspectlib-map", {
    preferCanvas: true, zoomSnap: 0.25, attributionControl: !!data.tiles
  });
  if (data.tiles) {
    map.attributionControl.setPrefix(false);
    L.tileLayer(data.tiles.url, {
      attribution: data.tiles.attribution, subdomains: data.tiles.subdomains,
      maxZoom: data.tiles.maxZoom
    }).addTo(map);
  }
  // One canvas for every vector layer: stacked canvases would hide the lower ones from the
  // mouse. The drawing order is kept by restack() below.
  var renderer = L.canvas({ padding: 0.3 });

  function popupContent(spec, k) {
    var box = el("div", "inspectlib-popup");
    box.appendChild(el("div", "inspectlib-popup-title", pick(spec.title, k)));
    var table = el("table");
    spec.fields.forEach(function (field) {
      var value = pick(spec.columns[field.key], k);
      if (value === null || value === undefined || value === "") { return; }
      var tr = el("tr");
      tr.appendChild(el("th", null, field.label));
      var td = el("td");
      if (field.split) {
        String(value).split(field.split).forEach(function (part) {
          td.appendChild(el("div", null, part));
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

  function townsLayer(spec) {
    var group = L.featureGroup();
    spec.shapes.forEach(function (shape) {
      var latlngs = shape.polys.map(function (poly) { return poly.map(ring); });
      var polygon = L.polygon(latlngs, {
        renderer: renderer, color: "#4a4a4a", weight: 1.2,
        fillColor: shape.fill, fillOpacity: 0.75, kind: spec.id
      });
      var tip = el("div");
      shape.tip.forEach(function (line) { tip.appendChild(el("div", null, line)); });
      polygon.bindTooltip(tip, { sticky: true });
      group.addLayer(polygon);
    });
    return group;
  }

  function labelsLayer(spec) {
    var group = L.layerGroup();
    for (var k = 0; k < spec.x.length; k++) {
      group.addLayer(L.tooltip({
        permanent: true, direction: "center", className: "inspectlib-town-label",
        interactive: false
      }).setLatLng([lat(spec.y[k]), lon(spec.x[k])]).setContent(el("span", null, spec.text[k])));
    }
    return group;
  }

  function pointsLayer(spec) {
    var group = L.featureGroup();
    var interactive = !!spec.popup;
    for (var k = 0; k < spec.x.length; k++) {
      group.addLayer(L.circleMarker([lat(spec.y[k]), lon(spec.x[k])], {
        renderer: renderer, radius: spec.radius,
        stroke: spec.stroke !== null, color: spec.stroke || "#000", weight: spec.weight,
        fillColor: pick(spec.fill, k), fillOpacity: spec.fillOpacity, opacity: 1,
        interactive: interactive, kind: spec.id, index: k
      }));
    }
    if (interactive) {
      group.on("click", function (event) {
        var marker = event.layer;
        L.popup({ maxWidth: 360 }).setLatLng(marker.getLatLng())
          .setContent(popupContent(spec.popup, marker.options.index)).openOn(map);
      });
    }
    return group;
  }

  function linesLayer(spec) {
    var group = L.featureGroup();
    spec.paths.forEach(function (path) {
      var line = L.polyline(ring(path.c), {
        renderer: renderer, color: spec.colour,
        weight: 3, opacity: 0.85, kind: "route"
      });
      line.bindTooltip(el("span", null, path.tip), { sticky: true });
      group.addLayer(line);
    });
    return group;
  }

  function officeLayer(spec) {
    var icon = L.divIcon({
      className: "inspectlib-office", html: el("span", null, "\u2605"),
      iconSize: [24, 24], iconAnchor: [12, 12]
    });
    var marker = L.marker([lat(spec.y), lon(spec.x)], {
      icon: icon, kind: "office", keyboard: false
    });
    marker.bindTooltip(el("span", null, spec.label));
    return L.layerGroup([marker]);
  }

  var builders = {
    towns: townsLayer, labels: labelsLayer, points: pointsLayer, lines: linesLayer,
    office: officeLayer
  };
  var layers = {};
  var counts = {};
  var overlays = {};
  var stacked = [];
  data.layers.forEach(function (spec) {
    var layer = builders[spec.type](spec);
    layers[spec.id] = layer;
    if (typeof spec.z === "number") { stacked.push({ z: spec.z, layer: layer }); }
    counts[spec.id] = layer.getLayers().length;
    overlays[asHtml(spec.label)] = layer;
    if (spec.show && typeof spec.z !== "number") { layer.addTo(map); }
  });
  stacked.sort(function (a, b) { return a.z - b.z; });
  data.layers.forEach(function (spec) {
    if (spec.show && typeof spec.z === "number") { layers[spec.id].addTo(map); }
  });
  stacked.forEach(function (s) { if (map.hasLayer(s.layer)) { s.layer.bringToFront(); } });
  // A layer switched on is drawn last; bring the layers that belong above it back on top.
  map.on("overlayadd", function (event) {
    var added = stacked.filter(function (s) { return s.layer === event.layer; })[0];
    if (!added) { return; }
    stacked.forEach(function (s) {
      if (s.z > added.z && map.hasLayer(s.layer)) { s.layer.bringToFront(); }
    });
  });
  L.control.layers(null, overlays, {
    collapsed: data.layers.length > 14, position: "topright"
  }).addTo(map);

  var Legend = L.Control.extend({
    onAdd: function () {
      var box = el("div", "inspectlib-legend");
      data.legends.forEach(function (legend) {
        box.appendChild(el("h4", null, legend.title));
        legend.items.forEach(function (item) {
          var row = el("div");
          var swatch = el("span", "inspectlib-swatch " + item.shape);
          if (item.shape === "line") { swatch.style.borderTopColor = item.colour; }
          else if (item.shape !== "none") { swatch.style.background = item.colour; }
          row.appendChild(swatch);
          row.appendChild(el("span", null, item.label));
          box.appendChild(row);
        });
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    }
  });
  // Bottom left, away from the layer list at the top right (in a report's short frame the
  // two would overlap); the scale bar is added first so that it stays at the very bottom.
  L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
  new Legend({ position: "bottomleft" }).addTo(map);

  function fitToData() {
    if (data.bounds) {
      map.fitBounds(data.bounds, { padding: [16, 16] });
    } else {
      map.setView([35, 105], 4);
    }
  }
  var size = map.getSize();
  if (size.x > 0 && size.y > 0) {
    fitToData();
  } else {
    // Inside an iframe (the HTML report) the container can still be 0×0 here, and fitting
    // an empty container gives NaN coordinates: show a rough view, fit once laid out.
    map.setView(data.bounds ? L.latLngBounds(data.bounds).getCenter() : [35, 105],
                data.bounds ? 10 : 4);
    var watcher = new ResizeObserver(function () {
      map.invalidateSize();
      var now = map.getSize();
      if (now.x > 0 && now.y > 0) {
        watcher.disconnect();
        fitToData();
      }
    });
    watcher.observe(map.getContainer());
  }

  window.inspectlibMap = {
    map: map, layers: layers, counts: counts, expected: data.counts, ready: true
  };
})();
