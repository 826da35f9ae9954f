"""Town boundaries: reading them, placing points in towns, and town centre points.

All frames here are in WGS-84 longitude/latitude (EPSG:4326); distances and areas go
through :func:`metre_crs`. The datum conversions for GCJ-02 / BD-09 input live in
:mod:`inspectlib.coords`; :func:`to_wgs84` and :func:`from_wgs84` are re-exported here.
"""

from __future__ import annotations

import json
import logging
import math
import warnings
from os import PathLike
from pathlib import Path

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.errors import GEOSException

from inspectlib import values
from inspectlib.coords import from_wgs84, to_wgs84
from inspectlib.errors import Detail, InputError, Message, Problems, quoted_list, shorten
from inspectlib.headers import match_headers
from inspectlib.schema import BOUNDARIES

__all__ = [
    "assign_towns",
    "from_wgs84",
    "metre_crs",
    "read_boundaries",
    "to_wgs84",
    "town_centroids",
]

logger = logging.getLogger(__name__)

WGS84 = "EPSG:4326"
_POLYGONAL = (int(shapely.GeometryType.POLYGON), int(shapely.GeometryType.MULTIPOLYGON))
_READ_ERRORS = (OSError, RuntimeError, ValueError)  # pyogrio's errors are RuntimeErrors
_CHINA = (73.0, 3.0, 136.0, 54.0)  # lon/lat box around China, for a warning
MAX_OVERLAP = 0.5
"""Two towns sharing more than this share of the smaller one's area is an error (a firm
there could be in either); more than :data:`WARN_OVERLAP` is a warning."""
WARN_OVERLAP = 0.01
_MAX_JSON_CHECKED = 200 * 1024 * 1024


def metre_crs(lon: float | npt.ArrayLike, lat: float | npt.ArrayLike) -> CRS:
    """Return the WGS-84 / UTM zone CRS around a point, for distances in metres.

    Parameters
    ----------
    lon, lat : float or array-like
        WGS-84 degrees. For arrays the centre of their bounding box is used (NaN ignored).

    Returns
    -------
    pyproj.CRS
        ``EPSG:326zz`` north of the equator, ``EPSG:327zz`` south of it.

    Raises
    ------
    ValueError
        If no finite longitude/latitude is given.

    Examples
    --------
    >>> metre_crs(120.6, 31.3).to_epsg()  # Suzhou: UTM zone 51N
    32651
    """
    x = np.asarray(lon, dtype=np.float64).ravel()
    y = np.asarray(lat, dtype=np.float64).ravel()
    x, y = x[np.isfinite(x)], y[np.isfinite(y)]
    if x.size == 0 or y.size == 0:
        raise ValueError(f"metre_crs needs a finite longitude and latitude, got {lon!r}, {lat!r}")
    cx = (x.min() + x.max()) / 2.0
    cy = (y.min() + y.max()) / 2.0
    zone = math.floor((cx + 180.0) / 6.0) % 60 + 1
    return CRS.from_epsg((32600 if cy >= 0 else 32700) + zone)


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry | None:
    """The polygons of a repaired geometry (make_valid may add lines or points)."""
    if shapely.get_type_id(geom) in _POLYGONAL:
        return geom
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) in _POLYGONAL]
    return shapely.union_all(parts) if parts else None


def read_boundaries(
    path: str | PathLike[str], problems: Problems | None = None
) -> gpd.GeoDataFrame:
    """Read town boundary polygons from GeoJSON or GeoPackage.

    Parameters
    ----------
    path : str or path-like
        The file; any CRS. A file without a CRS is taken as EPSG:4326 (with a warning).
    problems : Problems, optional
        Collector for errors and warnings; warnings (missing CRS, repaired geometries)
        are left in it for the caller to show. Without one, warnings are logged.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``town`` (stripped name), ``code`` (text, ``""`` when absent) and
        ``geometry`` (Polygon/MultiPolygon), CRS EPSG:4326, one row per feature in file
        order.

    Raises
    ------
    inspectlib.errors.InputError
        With every problem found when the file cannot be read, has no town column, or
        has features with empty or non-polygon geometry or blank or duplicate town
        names. Rows are numbered as if the header were row 1 (feature 1 is row 2).

    Examples
    --------
    >>> towns = read_boundaries("boundaries.gpkg")  # doctest: +SKIP
    >>> list(towns.columns)  # doctest: +SKIP
    ['town', 'code', 'geometry']
    """
    collector = Problems() if problems is None else problems
    start = len(collector.items)
    file = str(path)
    features = _geojson_features(Path(path), collector)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's notes, reported below
            raw = gpd.read_file(path, engine="pyogrio")
    except GEOSException as exc:
        _report_unreadable_geometries(file, features, exc, collector)
        raise InputError(collector.items) from None
    except _READ_ERRORS as exc:
        collector.error(file, Message("problems.geo.unreadable", reason=Detail(exc)))
        raise InputError(collector.items) from None
    if not isinstance(raw, gpd.GeoDataFrame) or raw.geometry is None:
        collector.error(file, Message("problems.geo.no_geometries"))
        raise InputError(collector.items)
    if len(raw) == 0:
        collector.error(file, Message("problems.geo.no_features"))

    geom_col = raw.geometry.name
    headers = [str(c) for c in raw.columns if c != geom_col]
    found = match_headers(headers, BOUNDARIES)
    if "town" not in found:
        accepted = quoted_list(next(c for c in BOUNDARIES if c.name == "town").aliases)
        collector.error(
            file,
            Message("problems.geo.no_town_column", found=quoted_list(headers), accepted=accepted),
        )

    if raw.crs is None:
        minx, miny, maxx, maxy = raw.total_bounds if len(raw) else (0.0, 0.0, 0.0, 0.0)
        if min(minx, miny) < -180 or maxx > 180 or max(abs(miny), abs(maxy)) > 90:
            collector.error(
                file,
                Message(
                    "problems.geo.no_crs_not_lonlat",
                    bounds=f"{minx:.0f}, {miny:.0f}, {maxx:.0f}, {maxy:.0f}",
                ),
            )
        else:
            collector.warning(file, Message("problems.geo.no_crs"), code="no_crs")
        raw = raw.set_crs(WGS84)
    with np.errstate(all="ignore"):
        geoms = np.asarray(raw.to_crs(WGS84).geometry.array, dtype=object)
    lonlat_ok = _check_lonlat(file, geoms, raw.crs, geom_col, collector)

    for i, geom in enumerate(geoms):
        row = i + 2
        if not lonlat_ok[i]:
            continue
        if geom is None or shapely.is_empty(geom):
            collector.error(file, Message("problems.geo.empty_geometry"), row, geom_col)
        elif shapely.get_type_id(geom) not in _POLYGONAL:
            collector.error(
                file,
                Message("problems.geo.not_polygon", kind=geom.geom_type),
                row,
                geom_col,
            )
        elif not shapely.is_valid(geom):
            reason = shapely.is_valid_reason(geom)
            fixed = _polygonal_part(shapely.make_valid(geom))
            if fixed is None or shapely.is_empty(fixed):
                collector.error(
                    file,
                    Message("problems.geo.invalid_no_area", reason=Detail(reason)),
                    row,
                    geom_col,
                )
            else:
                collector.warning(
                    file,
                    Message("problems.geo.invalid_repaired", reason=Detail(reason)),
                    row,
                    geom_col,
                    code="geometry_repaired",
                )
                geoms[i] = fixed

    towns = [""] * len(raw)
    if "town" in found:
        header = found["town"]
        first_row: dict[str, int] = {}
        for i, name in enumerate(values.as_text(raw[header])):
            towns[i] = name
            if not name:
                collector.error(file, Message("problems.geo.blank_town"), i + 2, header)
            elif name in first_row:
                collector.error(
                    file,
                    Message(
                        "problems.geo.duplicate_town",
                        name=repr(shorten(name, 40)),
                        first=first_row[name],
                    ),
                    i + 2,
                    header,
                )
            else:
                first_row[name] = i + 2
    codes = values.as_text(raw[found["code"]]).tolist() if "code" in found else [""] * len(raw)

    _check_overlaps(file, geoms, towns, lonlat_ok, geom_col, collector)
    if problems is None:
        for problem in collector.warnings:
            logger.warning("%s", problem)
    if any(p.severity == "error" for p in collector.items[start:]):
        collector.raise_if_errors()
    return gpd.GeoDataFrame({"town": towns, "code": codes}, geometry=list(geoms), crs=WGS84)


def _geojson_features(path: Path, problems: Problems) -> list | None:
    """The features of a GeoJSON file (None for other formats or unreadable JSON); a
    ``crs`` member that names no coordinate system is an error (GDAL would ignore it and
    read the coordinates as WGS-84)."""
    if path.suffix.lower() not in (".geojson", ".json") or not path.is_file():
        return None
    if path.stat().st_size > _MAX_JSON_CHECKED:
        return None
    try:
        data = json.loads(path.read_bytes())
    except (ValueError, RecursionError):
        return None  # GDAL says what is wrong
    if not isinstance(data, dict):
        return None
    crs = data.get("crs")
    if crs is not None:
        name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
        try:
            CRS.from_user_input(name)
        except (CRSError, TypeError):
            problems.error(
                str(path),
                Message(
                    "problems.geo.unknown_crs",
                    crs=shorten(json.dumps(crs, ensure_ascii=False), 80),
                ),
                None,
                "crs",
            )
    features = data.get("features")
    return features if isinstance(features, list) else None


def _report_unreadable_geometries(
    file: str, features: list | None, exc: Exception, problems: Problems
) -> None:
    """Name the features GEOS cannot build (e.g. a ring whose first and last points differ)."""
    found = False
    for i, feature in enumerate(features or []):
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if geometry is None:
            continue
        reason = _ring_problem(geometry)
        if reason:
            found = True
            problems.error(
                file,
                Message("problems.geo.unbuildable", reason=reason),
                i + 2,
                "geometry",
            )
    if not found:
        problems.error(file, Message("problems.geo.unreadable", reason=Detail(exc)))


def _ring_problem(geometry: object) -> Message | None:
    """What keeps a GeoJSON (Multi)Polygon from being built: an open or too short ring."""
    if not isinstance(geometry, dict):
        return None
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    try:
        for polygon in polygons or []:
            for ring in polygon:
                if len(ring) < 4:
                    return Message("problems.geo.ring_short", points=len(ring))
                if list(ring[0]) != list(ring[-1]):
                    return Message("problems.geo.ring_open", first=ring[0], last=ring[-1])
    except TypeError:
        return Message("problems.geo.not_nested")
    return None


def _check_lonlat(
    file: str, geoms: np.ndarray, crs: CRS, column: str, problems: Problems
) -> np.ndarray:
    """Features whose lon/lat (after reprojection) are possible; the others are errors
    (latitude 120, coordinates of 1e10 in a file said to be lon/lat). Features outside
    China are a warning."""
    ok = np.ones(len(geoms), dtype=bool)
    for i, geom in enumerate(geoms):
        if geom is None or shapely.is_empty(geom):
            continue
        minx, miny, maxx, maxy = shapely.bounds(geom)
        finite = np.isfinite([minx, miny, maxx, maxy]).all()
        if not finite or minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            ok[i] = False
            problems.error(
                file,
                Message(
                    "problems.geo.not_lonlat",
                    bounds=f"{minx:.6g}, {miny:.6g}, {maxx:.6g}, {maxy:.6g}",
                    crs=shorten(crs.to_string(), 40),
                ),
                i + 2,
                column,
            )
        elif minx < _CHINA[0] or miny < _CHINA[1] or maxx > _CHINA[2] or maxy > _CHINA[3]:
            problems.warning(file, Message("problems.geo.outside_china"), i + 2, column)
    return ok


def _check_overlaps(
    file: str,
    geoms: np.ndarray,
    towns: list[str],
    usable: np.ndarray,
    column: str,
    problems: Problems,
) -> None:
    """Two towns covering the same ground: an error when they share more than
    :data:`MAX_OVERLAP` of the smaller one (e.g. the same polygon twice under two names),
    a warning above :data:`WARN_OVERLAP`."""
    polygonal = np.array(
        [
            usable[i]
            and g is not None
            and shapely.get_type_id(g) in _POLYGONAL
            and shapely.is_valid(g)
            for i, g in enumerate(geoms)
        ],
        dtype=bool,
    )
    index = np.flatnonzero(polygonal)
    if index.size < 2:
        return
    shapes = np.asarray(list(geoms[index]), dtype=object)
    pairs = shapely.STRtree(shapes).query(shapes, predicate="intersects")
    areas = shapely.area(shapes)
    for a, b in zip(*pairs, strict=True):
        if a >= b:
            continue
        smaller = min(areas[a], areas[b])
        if smaller <= 0:
            continue
        share = shapely.area(shapely.intersection(shapes[a], shapes[b])) / smaller
        if share <= WARN_OVERLAP:
            continue
        i, j = int(index[a]), int(index[b])
        overlap = {
            "town": repr(shorten(towns[j], 40)),
            "other": repr(shorten(towns[i], 40)),
            "row": i + 2,
            "share": share,
        }
        if share > MAX_OVERLAP:
            problems.error(file, Message("problems.geo.overlap_error", **overlap), j + 2, column)
        else:
            problems.warning(
                file, Message("problems.geo.overlap_warning", **overlap), j + 2, column
            )


def _in_wgs84(boundaries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if boundaries.crs is None:
        return boundaries.set_crs(WGS84)
    if not boundaries.crs.equals(CRS.from_user_input(WGS84)):
        logger.warning("%s", Message("problems.log.reprojected", crs=str(boundaries.crs)))
        return boundaries.to_crs(WGS84)
    return boundaries


def assign_towns(lon: pd.Series, lat: pd.Series, boundaries: gpd.GeoDataFrame) -> pd.DataFrame:
    """Find the town polygon each point lies in.

    A spatial join (``geopandas.sjoin`` on the polygons' spatial index) with predicate
    ``"covered_by"``: inside or on the boundary line, like ``"intersects"`` for points but
    about twice as fast. A point in two polygons (overlap, shared edge) takes the first
    in ``boundaries`` order.

    Parameters
    ----------
    lon, lat : pandas.Series
        WGS-84 degrees, with the same index.
    boundaries : geopandas.GeoDataFrame
        Town polygons with a ``town`` column, as from :func:`read_boundaries`.

    Returns
    -------
    pandas.DataFrame
        Same index as ``lon``; column ``polygon_town`` (``string`` dtype), ``<NA>`` when
        the point is outside every polygon or its lon/lat is missing.

    Examples
    --------
    >>> import shapely
    >>> towns = gpd.GeoDataFrame({"town": ["A"]}, geometry=[shapely.box(0, 0, 1, 1)],
    ...                          crs="EPSG:4326")
    >>> assign_towns(pd.Series([0.5, 2.0]), pd.Series([0.5, 2.0]), towns)
      polygon_town
    0            A
    1         <NA>
    """
    lon, lat = pd.Series(lon), pd.Series(lat)
    if not lon.index.equals(lat.index):
        raise ValueError("lon and lat must have the same index")
    x = pd.to_numeric(lon, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    y = pd.to_numeric(lat, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    ok = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    names = np.full(len(x), None, dtype=object)
    if ok.size and len(boundaries):
        polygons = _in_wgs84(boundaries)[["town", boundaries.geometry.name]].reset_index(drop=True)
        points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x[ok], y[ok]), crs=WGS84)
        joined = gpd.sjoin(points, polygons, how="inner", predicate="covered_by")
        point_pos = joined.index.to_numpy()
        polygon_pos = joined["index_right"].to_numpy()
        order = np.lexsort((polygon_pos, point_pos))  # by point, then first polygon
        point_pos, polygon_pos = point_pos[order], polygon_pos[order]
        first = np.r_[True, point_pos[1:] != point_pos[:-1]]
        town_names = polygons["town"].to_numpy(dtype=object)
        names[ok[point_pos[first]]] = town_names[polygon_pos[first]]
    return pd.DataFrame({"polygon_town": pd.array(names, dtype="string")}, index=lon.index.copy())


def town_centroids(boundaries: gpd.GeoDataFrame) -> pd.DataFrame:
    """A point inside each town, for firms located only by their town.

    ``representative_point()`` (guaranteed inside the polygon, unlike a centroid)
    computed in the local UTM CRS (:func:`metre_crs`) and converted back to WGS-84.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        Town polygons with a ``town`` column, as from :func:`read_boundaries`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``town`` (in ``boundaries`` order), float columns ``lon`` and ``lat``
        (WGS-84).

    Examples
    --------
    >>> import shapely
    >>> towns = gpd.GeoDataFrame({"town": ["A"]}, geometry=[shapely.box(120, 31, 121, 32)],
    ...                          crs="EPSG:4326")
    >>> c = town_centroids(towns)
    >>> bool(120 < c.loc["A", "lon"] < 121 and 31 < c.loc["A", "lat"] < 32)
    True
    """
    polygons = _in_wgs84(boundaries)
    index = pd.Index(polygons["town"].to_numpy(dtype=object), name="town")
    if len(polygons) == 0:
        return pd.DataFrame({"lon": [], "lat": []}, index=index, dtype=np.float64)
    minx, miny, maxx, maxy = polygons.total_bounds
    local = polygons.geometry.to_crs(metre_crs([minx, maxx], [miny, maxy]))
    points = local.representative_point().to_crs(WGS84).to_numpy()
    shapes = polygons.geometry.to_numpy()
    # A UTM point is inside its polygon; after reprojection a point on a sliver could
    # fall just outside the lon/lat polygon: take the lon/lat representative point there.
    outside = ~shapely.intersects(points, shapes)
    points[outside] = shapely.point_on_surface(shapes[outside])
    return pd.DataFrame({"lon": shapely.get_x(points), "lat": shapely.get_y(points)}, index=index)
