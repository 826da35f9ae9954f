"""Campaign and results maps as folium maps, saved as self-contained HTML.

Public API: :func:`campaign_map` and :func:`results_map` return a :class:`folium.Map`
(:class:`~inspectlib.maps.document.InspectionMap`) that a planner can extend with ordinary
folium layers; :func:`write_html` saves any folium map as one file that opens with the network
off, and :func:`to_html` gives that document as a string (for embedding in reports);
:func:`town_coverage` and :func:`town_results` are the per-town tables the maps draw.

What folium provides is used as folium provides it: the map, tile layers, the layer control,
the scale bar, full screen (``folium.plugins.Fullscreen``) and distance measurement
(``folium.plugins.MeasureControl``). What remains custom, and why:

* **Firms on one canvas** (:class:`~inspectlib.maps.elements.FirmLayer`, with
  :class:`~inspectlib.maps.elements.FirmPopups`): folium's ``CircleMarker`` writes one
  JavaScript statement per firm (about 10 MB for 20,000 firms, see ``benchmarks/maps.py``)
  and ``Popup`` one HTML popup each. This element sends packed integer coordinates and
  dictionary-coded columns, builds a popup only when a firm is clicked, and draws firms nobody
  clicks as one canvas path (about 0.1 MB and tens of milliseconds for 20,000 firms).
* **Towns, town names, team routes and the office**
  (:class:`~inspectlib.maps.elements.TownChoropleth`, ``TownLabels``, ``TeamRoutes``,
  ``OfficeMarker``): grid-encoded shapes on the same canvas, with tooltips whose text is set
  with ``textContent``. folium's ``GeoJson``/``Tooltip`` put field values into HTML
  unescaped, and town and team names come from data.
* **Legends that follow their layers** (:class:`~inspectlib.maps.controls.Legend`): folium has
  no legend element.
* **Firm search** (:class:`~inspectlib.maps.controls.FirmSearch`): ``folium.plugins.Search``
  indexes only GeoJson/FeatureGroup layers and inserts the matches as HTML; this element uses
  the same leaflet-search plugin on the canvas firms, shows matches as text and opens the
  firm's popup.
* **Title bar, view fitting, drawing order and** ``window.inspectlibMap``
  (:class:`~inspectlib.maps.controls.TitleBar`, ``FitView``, ``KeepOrder``, ``MapHandle``):
  the title and banner as text; a fit that waits until a report's iframe has a size; layers
  sharing one canvas kept in order (folium's ``keep_in_front`` needs jQuery); a handle for
  browser tests.
* **Offline documents** (:func:`to_html`, :mod:`inspectlib.maps.packaged`): folium links
  Leaflet and its plugins from CDNs, which shared maps cannot reach; each link is replaced by
  the packaged copy (XStatic packages, plugins vendored in ``maps/assets/``), and an unknown
  link is an error.

Every data value reaches the page through one filter, ``script_json``
(:func:`inspectlib.maps.encode.script_json`), and the DOM through ``textContent``.
"""

from inspectlib.maps.campaign import campaign_map, town_coverage
from inspectlib.maps.document import InspectionMap, to_html, write_html
from inspectlib.maps.packaged import UnknownAssetError
from inspectlib.maps.results import results_map, town_results
from inspectlib.maps.static import campaign_print_map, results_print_map, static_map_svg

__all__ = [
    "InspectionMap",
    "UnknownAssetError",
    "campaign_map",
    "campaign_print_map",
    "results_print_map",
    "static_map_svg",
    "results_map",
    "to_html",
    "town_coverage",
    "town_results",
    "write_html",
]
