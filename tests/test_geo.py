"""Tests of inspectlib.geo: boundaries, point-in-town, town centre points."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from inspectlib.errors import InputError, Problems
from inspectlib.geo import assign_towns, metre_crs, read_boundaries, town_centroids

WEST = shapely.box(120.5, 31.2, 120.6, 31.3)
EAST = shapely.box(120.6, 31.2, 120.7, 31.3)


@pytest.fixture
def towns() -> gpd.GeoDataFrame:
    """Two adjacent squares near Suzhou, sharing the edge lon = 120.6."""
    return gpd.GeoDataFrame(
        {"town": ["西镇", "东镇"], "code": ["320581001", "320581002"]},
        geometry=[WEST, EAST],
        crs="EPSG:4326",
    )


def write(frame: gpd.GeoDataFrame, path: Path) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pyogrio: "'crs' was not provided"
        frame.to_file(path, engine="pyogrio")
    return path


def messages(excinfo: pytest.ExceptionInfo[InputError]) -> list[tuple[int | None, str]]:
    return [(p.row, p.message) for p in excinfo.value.problems if p.severity == "error"]


# ---------------------------------------------------------------- metre_crs


@pytest.mark.parametrize(
    ("lon", "lat", "epsg"),
    [
        (120.6, 31.3, 32651),
        (116.4, 39.9, 32650),
        (87.6, 43.8, 32645),
        (151.2, -33.9, 32756),
        (-0.1, 51.5, 32630),
        (180.0, 10.0, 32601),
    ],
)
def test_metre_crs_is_the_local_utm_zone(lon, lat, epsg):
    assert metre_crs(lon, lat).to_epsg() == epsg


def test_metre_crs_gives_true_metres_and_takes_arrays():
    crs = metre_crs(np.array([120.5, 120.7, np.nan]), np.array([31.2, 31.3, np.nan]))
    assert crs.to_epsg() == 32651 and crs.axis_info[0].unit_name == "metre"
    pts = gpd.GeoSeries(gpd.points_from_xy([120.5, 120.7], [31.2, 31.3]), crs="EPSG:4326")
    projected = pts.to_crs(crs)
    geodesic = Geod(ellps="WGS84").inv(120.5, 31.2, 120.7, 31.3)[2]
    assert projected.iloc[0].distance(projected.iloc[1]) == pytest.approx(geodesic, rel=1e-3)


def test_metre_crs_without_a_finite_point_is_a_value_error():
    with pytest.raises(ValueError, match="finite"):
        metre_crs(np.nan, 31.0)


# ---------------------------------------------------------------- read_boundaries


def test_reads_geojson_with_chinese_headers(tmp_path, towns):
    raw = towns.rename(columns={"town": "镇区", "code": "区划代码"})
    raw["镇区"] = ["  西镇 ", "东镇"]
    raw["人口"] = [1, 2]
    problems = Problems()
    out = read_boundaries(write(raw, tmp_path / "towns.geojson"), problems)
    assert list(out.columns) == ["town", "code", "geometry"]
    assert out["town"].tolist() == ["西镇", "东镇"]
    assert out["code"].tolist() == ["320581001", "320581002"]
    assert out.crs.to_epsg() == 4326
    assert out.geometry.iloc[0].equals(WEST) and out.geometry.iloc[1].equals(EAST)
    assert len(problems) == 0


def test_reads_gpkg_in_web_mercator_and_reprojects(tmp_path, towns):
    path = write(towns.to_crs("EPSG:3857"), tmp_path / "towns.gpkg")
    assert gpd.read_file(path).crs.to_epsg() == 3857
    out = read_boundaries(path)
    assert out.crs.to_epsg() == 4326
    np.testing.assert_allclose(out.total_bounds, [120.5, 31.2, 120.7, 31.3], atol=1e-9)
    assert out.geometry.iloc[1].symmetric_difference(EAST).area < 1e-12


def test_code_is_optional_and_numbers_become_text(tmp_path, towns):
    out = read_boundaries(write(towns[["town", "geometry"]], tmp_path / "a.geojson"))
    assert out["code"].tolist() == ["", ""]
    numeric = towns.assign(code=[320581001, 320581002])
    out = read_boundaries(write(numeric, tmp_path / "b.gpkg"))
    assert out["code"].tolist() == ["320581001", "320581002"]


def test_name_alias_is_accepted(tmp_path, towns):
    out = read_boundaries(write(towns.rename(columns={"town": "name"}), tmp_path / "n.geojson"))
    assert out["town"].tolist() == ["西镇", "东镇"]


def test_file_without_crs_is_assumed_wgs84_with_a_warning(tmp_path, towns):
    path = write(towns.set_crs(None, allow_override=True), tmp_path / "nocrs.gpkg")
    assert gpd.read_file(path).crs is None
    problems = Problems()
    out = read_boundaries(path, problems)
    assert out.crs.to_epsg() == 4326
    assert [p.severity for p in problems] == ["warning"]
    assert "EPSG:4326" in problems.items[0].message


def test_warnings_are_logged_without_a_collector(tmp_path, towns, caplog):
    path = write(towns.set_crs(None, allow_override=True), tmp_path / "nocrs.gpkg")
    with caplog.at_level(logging.WARNING, logger="inspectlib.geo"):
        read_boundaries(path)
    assert "no CRS" in caplog.text


def test_projected_coordinates_without_crs_are_an_error(tmp_path, towns):
    mercator = towns.to_crs("EPSG:3857").set_crs(None, allow_override=True)
    with pytest.raises(InputError, match="not longitude/latitude"):
        read_boundaries(write(mercator, tmp_path / "merc.gpkg"))


@pytest.mark.parametrize("content", [None, "this is not GeoJSON"])
def test_unreadable_file_is_an_input_error(tmp_path, content):
    path = tmp_path / "broken.geojson"
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError) as excinfo:
        read_boundaries(path)
    (problem,) = excinfo.value.problems
    assert problem.file == str(path) and problem.row is None
    assert "cannot read" in problem.message


def test_missing_town_column_lists_headers_and_accepted_names(tmp_path, towns):
    raw = towns.rename(columns={"town": "乡镇名"})
    with pytest.raises(InputError) as excinfo:
        read_boundaries(write(raw, tmp_path / "t.geojson"))
    (message,) = [m for _, m in messages(excinfo)]
    assert "乡镇名" in message and "镇区" in message and "town" in message


def test_bad_rows_are_all_reported_with_row_numbers(tmp_path):
    frame = gpd.GeoDataFrame(
        {"town": ["A", "B", "A", " ", "C", "D"]},
        geometry=[
            WEST,
            EAST,
            shapely.box(121, 31, 122, 32),
            shapely.box(122, 31, 123, 32),
            shapely.Point(120.6, 31.2),
            None,
        ],
        crs="EPSG:4326",
    )
    problems = Problems()
    with pytest.raises(InputError) as excinfo:
        read_boundaries(write(frame, tmp_path / "bad.gpkg"), problems)
    found = messages(excinfo)
    assert (4, "duplicate town name 'A' (first at row 2)") in found
    assert (5, "blank town name") in found
    assert any(row == 6 and "Point" in m for row, m in found)
    assert any(row == 7 and "missing geometry" in m for row, m in found)
    assert len(found) == 4
    assert problems.errors == [p for p in excinfo.value.problems if p.severity == "error"]
    columns = {p.row: p.column for p in problems.errors}
    assert columns[4] == "town" and columns[6] == "geometry"


def test_invalid_polygon_is_repaired_with_a_warning(tmp_path, towns):
    bow_tie = shapely.Polygon([(120.7, 31.2), (120.8, 31.3), (120.8, 31.2), (120.7, 31.3)])
    assert not bow_tie.is_valid
    frame = pd.concat(
        [towns, gpd.GeoDataFrame({"town": ["蝶镇"]}, geometry=[bow_tie], crs="EPSG:4326")],
        ignore_index=True,
    )
    problems = Problems()
    out = read_boundaries(write(frame, tmp_path / "bowtie.geojson"), problems)
    repaired = out.geometry.iloc[2]
    assert repaired.is_valid and repaired.geom_type in ("Polygon", "MultiPolygon")
    assert repaired.area == pytest.approx(0.005)
    (warning,) = problems.warnings
    assert warning.row == 4 and "make_valid" in warning.message


def test_empty_file_is_an_error(tmp_path, towns):
    with pytest.raises(InputError, match="no features"):
        read_boundaries(write(towns.iloc[:0], tmp_path / "empty.gpkg"))


# ---------------------------------------------------------------- assign_towns


def test_assign_towns_inside_edge_outside_and_missing(towns):
    index = pd.Index([10, 20, 30, 40, 50, 60], name="firm")
    lon = pd.Series([120.55, 120.65, 120.6, 121.5, np.nan, 120.55], index=index)
    lat = pd.Series([31.25, 31.25, 31.25, 31.25, 31.25, None], index=index)
    out = assign_towns(lon, lat, towns)
    assert out.index.equals(index)
    assert list(out.columns) == ["polygon_town"]
    assert out["polygon_town"].dtype == pd.StringDtype()
    assert out["polygon_town"].tolist() == ["西镇", "东镇", "西镇", pd.NA, pd.NA, pd.NA]


def test_point_in_two_polygons_takes_the_first(towns):
    lon, lat = pd.Series([120.6, 120.65]), pd.Series([31.25, 31.25])
    assert assign_towns(lon, lat, towns)["polygon_town"].tolist() == ["西镇", "东镇"]
    swapped = towns.iloc[::-1]
    assert assign_towns(lon, lat, swapped)["polygon_town"].tolist() == ["东镇", "东镇"]
    overlapping = gpd.GeoDataFrame(
        {"town": ["大", "小"]}, geometry=[shapely.box(0, 0, 10, 10), shapely.box(4, 4, 6, 6)]
    )
    result = assign_towns(pd.Series([5.0, 1.0]), pd.Series([5.0, 1.0]), overlapping)
    assert result["polygon_town"].tolist() == ["大", "大"]


def test_assign_towns_matches_a_brute_force_check(towns):
    rng = np.random.default_rng(7)
    lon = pd.Series(rng.uniform(120.45, 120.75, 20_000))
    lat = pd.Series(rng.uniform(31.15, 31.35, 20_000))
    got = assign_towns(lon, lat, towns)["polygon_town"]
    west = shapely.intersects_xy(WEST, lon.to_numpy(), lat.to_numpy())
    east = shapely.intersects_xy(EAST, lon.to_numpy(), lat.to_numpy())
    expected = np.where(west, "西镇", np.where(east, "东镇", None))
    assert got.isna().sum() > 1000 and (got == "东镇").sum() > 1000
    assert got.fillna("-").tolist() == [e if e is not None else "-" for e in expected]


def test_assign_towns_reprojects_boundaries(towns, caplog):
    lon, lat = pd.Series([120.55, 120.65]), pd.Series([31.25, 31.25])
    with caplog.at_level(logging.WARNING, logger="inspectlib.geo"):
        out = assign_towns(lon, lat, towns.to_crs("EPSG:3857"))
    assert out["polygon_town"].tolist() == ["西镇", "东镇"]
    assert "reprojecting" in caplog.text


def test_assign_towns_edge_cases(towns):
    empty = assign_towns(pd.Series([], dtype=float), pd.Series([], dtype=float), towns)
    assert empty.empty and list(empty.columns) == ["polygon_town"]
    none = assign_towns(pd.Series([120.55]), pd.Series([31.25]), towns.iloc[:0])
    assert none["polygon_town"].isna().all()
    with pytest.raises(ValueError, match="same index"):
        assign_towns(pd.Series([1.0], index=[1]), pd.Series([1.0], index=[2]), towns)


# ---------------------------------------------------------------- town_centroids


def test_town_centroids_are_inside_even_for_a_u_shape(towns):
    u_shape = shapely.Polygon(
        [
            (120.7, 31.2),
            (120.8, 31.2),
            (120.8, 31.3),
            (120.78, 31.3),
            (120.78, 31.22),
            (120.72, 31.22),
            (120.72, 31.3),
            (120.7, 31.3),
        ]
    )
    assert not u_shape.contains(u_shape.centroid)
    frame = pd.concat(
        [towns, gpd.GeoDataFrame({"town": ["U镇"]}, geometry=[u_shape], crs="EPSG:4326")],
        ignore_index=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no geographic-CRS centroid warning
        centres = town_centroids(frame)
    assert centres.index.name == "town"
    assert centres.index.tolist() == ["西镇", "东镇", "U镇"]
    assert list(centres.columns) == ["lon", "lat"]
    inside = shapely.contains_xy(
        frame.geometry.to_numpy(), centres["lon"].to_numpy(), centres["lat"].to_numpy()
    )
    assert inside.all()
    assert centres.loc["西镇", "lon"] == pytest.approx(120.55, abs=0.01)


def test_town_centroids_of_projected_and_empty_boundaries(towns):
    centres = town_centroids(towns.to_crs("EPSG:3857"))
    assert ((centres["lon"] > 120.5) & (centres["lon"] < 120.7)).all()
    assert ((centres["lat"] > 31.2) & (centres["lat"] < 31.3)).all()
    empty = town_centroids(towns.iloc[:0])
    assert empty.empty and empty.index.name == "town"
