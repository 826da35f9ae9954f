"""A still picture of a map for paper: town boundaries and names, and the firms as dots.

Reports print on A4 with this picture in place of the interactive map (an iframe does not
print). It is an SVG drawn with matplotlib's Figure API (no global pyplot state) from the same
boundaries and points as the interactive map, with text kept as text so that the reader's
own fonts draw the Chinese (no font files inside, no network).
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

FONTS = ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "DejaVu Sans"]
OTHER_COLOUR = "#888888"


def static_map_svg(
    boundaries: gpd.GeoDataFrame,
    points: pd.DataFrame,
    *,
    colour_by: str | None = None,
    colours: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    title: str = "",
    width_in: float = 7.0,
) -> str:
    """The map as an SVG document (a string starting with ``<svg``).

    Parameters
    ----------
    boundaries : GeoDataFrame
        Town polygons with a ``town`` column (any CRS; drawn in EPSG:4326).
    points : DataFrame
        ``lon``, ``lat`` (WGS-84) and, with ``colour_by``, that column.
    colour_by : str, optional
        Column whose values choose each dot's colour (``colours``) and legend entry
        (``labels``, default the value itself).
    title : str
        Printed above the map.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> towns = gpd.GeoDataFrame({"town": ["甲镇"]}, geometry=[box(120, 31, 120.1, 31.1)], crs=4326)
    >>> svg = static_map_svg(towns, pd.DataFrame({"lon": [120.05], "lat": [31.05]}), title="图")
    >>> svg.startswith("<svg") and "甲镇" in svg
    True
    """
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    towns = (
        boundaries.to_crs(4326)
        if boundaries.crs and boundaries.crs.to_epsg() != 4326
        else boundaries
    )
    minx, miny, maxx, maxy = towns.total_bounds
    aspect = (maxy - miny) / max((maxx - minx) * np.cos(np.radians((miny + maxy) / 2)), 1e-9)
    height_in = float(np.clip(width_in * aspect, 3.0, 9.5))
    buffer = io.StringIO()
    font_log = logging.getLogger("matplotlib.font_manager")
    level = font_log.level
    font_log.setLevel(logging.ERROR)
    try:
        with (
            rc_context(
                {"svg.fonttype": "none", "font.family": "sans-serif", "font.sans-serif": FONTS}
            ),
            warnings.catch_warnings(),
        ):
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            fig = Figure(figsize=(width_in, height_in))
            ax = fig.subplots()
            towns.plot(ax=ax, facecolor="#f4f4f4", edgecolor="#555555", linewidth=0.6)
            for name, centre in zip(towns["town"], towns.representative_point(), strict=True):
                ax.annotate(str(name), (centre.x, centre.y), ha="center", fontsize=7, color="#333")
            _dots(ax, points, colour_by, colours or {}, labels or {})
            ax.set_aspect(1 / np.cos(np.radians((miny + maxy) / 2)))
            ax.set_axis_off()
            if title:
                ax.set_title(title, fontsize=10)
            fig.tight_layout()
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    finally:
        font_log.setLevel(level)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def _dots(ax, points: pd.DataFrame, colour_by, colours, labels) -> None:  # noqa: ANN001
    lon = pd.to_numeric(points["lon"], errors="coerce")
    lat = pd.to_numeric(points["lat"], errors="coerce")
    ok = lon.notna() & lat.notna()
    if colour_by is None:
        ax.scatter(lon[ok], lat[ok], s=9, color="#1f78b4", linewidths=0)
        return
    groups = points.loc[ok, colour_by].astype(str)
    for value in sorted(groups.unique()):
        rows = ok & (points[colour_by].astype(str) == value)
        ax.scatter(
            lon[rows],
            lat[rows],
            s=9,
            color=colours.get(value, OTHER_COLOUR),
            linewidths=0,
            label=f"{labels.get(value, value)} ({int(rows.sum())})",
        )
    if len(groups):
        ax.legend(loc="lower right", fontsize=7, frameon=True)


def _print_map(
    points: pd.DataFrame,
    boundaries: gpd.GeoDataFrame,
    column: str,
    colours: Mapping[str, str],
    title: str,
    language: str,
) -> str:
    from inspectlib.maps.document import labels as map_labels

    words = map_labels(language)
    labels = {value: words.get(f"{column}_{value}", value) for value in colours}
    return static_map_svg(
        boundaries, points, colour_by=column, colours=colours, labels=labels, title=title
    )


def campaign_print_map(
    selected: pd.DataFrame, boundaries: gpd.GeoDataFrame, *, title: str, language: str = "zh"
) -> str:
    """The plan's selected firms by stratum, for the printed plan report (internal)."""
    from inspectlib.maps.campaign import STRATUM_COLOURS

    return _print_map(selected, boundaries, "stratum", STRATUM_COLOURS, title, language)


def results_print_map(
    points: pd.DataFrame, boundaries: gpd.GeoDataFrame, *, title: str, language: str = "zh"
) -> str:
    """Inspected firms by result, for the printed results report and annual summary."""
    from inspectlib.maps.results import RESULT_COLOURS

    return _print_map(points, boundaries, "result", RESULT_COLOURS, title, language)
