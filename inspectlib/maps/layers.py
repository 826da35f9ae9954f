"""Building blocks shared by the campaign and results maps: towns, firms, legends.

The functions prepare data (display coordinates, grid-encoded shapes, popup columns) and
build the elements of :mod:`inspectlib.maps.elements` from it; nothing here writes HTML.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from inspectlib.coords import wgs84_to_gcj02
from inspectlib.maps.elements import FirmLayer, FirmPopups, TownChoropleth, TownLabels
from inspectlib.maps.encode import Grid, text_column

logger = logging.getLogger(__name__)

Shift = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

SIMPLIFY_DEG = 5e-5  # about 5 m: under one screen pixel at zoom 15


def require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise ``ValueError`` naming the missing columns of ``frame``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} is missing columns {missing!r}; it has {list(frame.columns)!r}")


def _identity(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return lon, lat


def _to_gcj02(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = wgs84_to_gcj02(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def display_shift(tiles: str) -> Shift:
    """The coordinate change for display: WGS-84 → GCJ-02 under Gaode tiles, else none."""
    return _to_gcj02 if tiles == "gaode" else _identity


PUBLIC_DECIMALS = 3
"""Public maps give coordinates to 0.001° (about 100 m): enough to find the street, not the
door of a five-person workshop."""


def public_points(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows as a public map may show them: ordered by town and name (not in draw order, which
    would tell the random stratum from the rest) with coordinates rounded to
    :data:`PUBLIC_DECIMALS` decimals.

    Examples
    --------
    >>> rows = pd.DataFrame({"name": ["乙", "甲"], "town": ["城东镇", "城东镇"],
    ...                      "lon": [120.123456, 120.2], "lat": [31.987654, 31.9]})
    >>> public_points(rows)[["name", "lon", "lat"]].values.tolist()
    [['乙', 120.123, 31.988], ['甲', 120.2, 31.9]]
    """
    out = frame.copy()
    for name in ("lon", "lat"):
        out[name] = pd.to_numeric(out[name], errors="coerce").round(PUBLIC_DECIMALS)
    return out.sort_values(["town", "name"], kind="stable").reset_index(drop=True)


def lonlat(frame: pd.DataFrame, shift: Shift) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Display coordinates of a frame's ``lon``/``lat`` and the mask of usable rows."""
    lon = pd.to_numeric(frame["lon"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    lat = pd.to_numeric(frame["lat"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    ok = np.isfinite(lon) & np.isfinite(lat)
    x, y = shift(lon[ok], lat[ok])
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float), ok


def prepare_towns(boundaries: gpd.GeoDataFrame, shift: Shift) -> gpd.GeoDataFrame:
    """Town polygons in display coordinates, simplified to about 5 m.

    A CRS other than EPSG:4326 is reprojected (with a warning); a missing CRS is taken as
    EPSG:4326 (with a warning).
    """
    require_columns(boundaries, ["town", "geometry"], "boundaries")
    towns = boundaries[["town", "geometry"]].copy()
    if towns.crs is None:
        warnings.warn("boundaries have no CRS; assuming EPSG:4326 (WGS-84)", stacklevel=3)
        towns = towns.set_crs(4326)
    elif towns.crs.to_epsg() != 4326:
        warnings.warn(f"boundaries are in {towns.crs}; reprojecting to EPSG:4326", stacklevel=3)
        towns = towns.to_crs(4326)
    towns = towns[towns.geometry.notna() & ~towns.geometry.is_empty]
    towns["town"] = towns["town"].astype(str)

    def transform(coords: np.ndarray) -> np.ndarray:
        x, y = shift(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    geoms = shapely.transform(towns.geometry.to_numpy(), transform)
    geoms = shapely.simplify(geoms, SIMPLIFY_DEG, preserve_topology=True)
    return gpd.GeoDataFrame({"town": towns["town"].to_numpy()}, geometry=geoms, crs=4326)


def _polygons(geom: Any) -> list[Any]:
    if isinstance(geom, shapely.Polygon):
        return [geom]
    if isinstance(geom, shapely.MultiPolygon):
        return list(geom.geoms)
    if isinstance(geom, shapely.GeometryCollection):
        return [p for g in geom.geoms for p in _polygons(g)]
    return []


def town_shapes(
    towns: gpd.GeoDataFrame, grid: Grid, fills: Sequence[str], tips: Sequence[Sequence[str]]
) -> list[dict[str, Any]]:
    """One entry per town: polygons as flat integer rings, fill colour and tooltip lines."""
    out = []
    for geom, town, fill, tip in zip(towns.geometry, towns["town"], fills, tips, strict=True):
        polys = []
        for poly in _polygons(geom):
            rings = [grid.flat(np.asarray(poly.exterior.coords), ring=True)]
            rings += [grid.flat(np.asarray(r.coords), ring=True) for r in poly.interiors]
            polys.append([r for r in rings if len(r) >= 6])
        out.append({"name": town, "polys": [p for p in polys if p], "fill": fill, "tip": list(tip)})
    return out


def choropleth_layer(
    kind: str,
    label: str,
    towns: gpd.GeoDataFrame,
    grid: Grid,
    fills: Sequence[str],
    tips: Sequence[Sequence[str]],
) -> TownChoropleth:
    """The towns, each filled with its class colour and with a tooltip."""
    data = {"grid": grid.to_json(), "kind": kind, "shapes": town_shapes(towns, grid, fills, tips)}
    return TownChoropleth(label, data)


def town_names_layer(towns: gpd.GeoDataFrame, grid: Grid, label: str) -> TownLabels:
    """The town names as a layer of their own (switched on)."""
    return TownLabels(label, {"grid": grid.to_json()} | town_labels(towns, grid))


def town_labels(towns: gpd.GeoDataFrame, grid: Grid) -> dict[str, Any]:
    """Town names at a point inside each polygon."""
    points = towns.geometry.representative_point()
    x, y = grid.ints(points.x.to_numpy(), points.y.to_numpy())
    return {"x": x, "y": y, "text": towns["town"].tolist()}


def point_layer(
    kind: str,
    label: str,
    grid: Grid,
    lon: np.ndarray,
    lat: np.ndarray,
    *,
    fill: str | dict | list,
    show: bool = True,
    radius: float = 6.0,
    stroke: str | None = "#ffffff",
    weight: float = 1.0,
    fill_opacity: float = 0.9,
    popup: dict[str, Any] | None = None,
) -> FirmLayer:
    """A canvas layer of circle markers.

    Parameters
    ----------
    kind : str
        Tag on every marker (``options.kind``), e.g. ``"selected"``.
    fill : str, list or dict
        One colour, or a colour per point (plain or dictionary-encoded list).
    popup : dict, optional
        From :func:`popup_spec`; points without a popup are not interactive.
    """
    # Firms without popups or colours of their own can travel in any order (smaller).
    x, y = grid.pack(lon, lat, any_order=popup is None and isinstance(fill, str))
    data = {
        "grid": grid.to_json(),
        "kind": kind,
        "x": x,
        "y": y,
        "fill": fill,
        "radius": radius,
        "stroke": stroke,
        "weight": weight,
        "fillOpacity": fill_opacity,
    }
    popups = FirmPopups(popup) if popup is not None else None
    return FirmLayer(label, data, show=show, popups=popups)


def popup_spec(
    title: Sequence[Any],
    fields: Sequence[tuple[str, str, Sequence[Any]]],
    *,
    split: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Popup content per point: a title column and labelled field columns.

    Parameters
    ----------
    title : sequence
        The popup heading of each point (the firm's name).
    fields : sequence of (key, label, values)
        Rows of the popup table, in order; missing values are left out for that point.
    split : dict, optional
        ``{key: separator}`` for fields shown one part per line (e.g. reasons on ``"; "``).
    """
    split = split or {}
    specs, columns = [], {}
    for key, label, values in fields:
        spec = {"key": key, "label": label}
        if key in split:
            spec["split"] = split[key]
        specs.append(spec)
        columns[key] = text_column(values)
    return {"title": text_column(title), "fields": specs, "columns": columns}


def colour_column(
    keys: Sequence[Any], colours: dict[Any, str], default: str
) -> str | dict[str, list]:
    """Per-point colours from category keys; one string when every point has the same."""
    values = [colours.get(k, default) for k in keys]
    distinct = list(dict.fromkeys(values))
    if len(distinct) == 1:
        return distinct[0]
    index = {c: i for i, c in enumerate(distinct)}
    return {"d": distinct, "i": [index[c] for c in values]}


def bounds(lons: Sequence[np.ndarray], lats: Sequence[np.ndarray]) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` over all finite coordinates, or None."""
    xs = np.concatenate([np.ravel(a) for a in lons]) if lons else np.array([])
    ys = np.concatenate([np.ravel(a) for a in lats]) if lats else np.array([])
    ok = np.isfinite(xs) & np.isfinite(ys)
    if not ok.any():
        return None
    xs, ys = xs[ok], ys[ok]
    return [[float(ys.min()), float(xs.min())], [float(ys.max()), float(xs.max())]]


def town_extent(towns: gpd.GeoDataFrame) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Corner coordinates of the towns' bounding box (for grid and view)."""
    if towns.empty:
        return [], []
    minx, miny, maxx, maxy = towns.total_bounds
    return [np.array([minx, maxx])], [np.array([miny, maxy])]


def legend_dot(colour: str, label: str) -> dict[str, str]:
    """A legend item for a point symbol."""
    return {"shape": "dot", "colour": colour, "label": label}


def legend_line(colour: str, label: str) -> dict[str, str]:
    """A legend item for a route."""
    return {"shape": "line", "colour": colour, "label": label}
