"""Tests of inspectlib.coords: WGS-84 / GCJ-02 / BD-09 conversions."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from pyproj import Geod

from inspectlib.coords import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    out_of_china,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

GEOD = Geod(ellps="WGS84")


def metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Geodesic distance in metres between two sets of points."""
    return np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])


# Published conversion pairs: (function, input lon/lat, expected lon/lat, tolerance in m).
REFERENCE_POINTS: list[tuple[str, Callable, tuple[float, float], tuple[float, float], float]] = [
    # googollee/eviltransform, python/test.py, TESTS (Shanghai, Shenzhen, Beijing), WGS -> GCJ.
    (
        "eviltransform shanghai",
        wgs84_to_gcj02,
        (121.5272106, 31.1774276),
        (121.531541859215, 31.17530398364597),
        0.05,
    ),
    (
        "eviltransform shenzhen",
        wgs84_to_gcj02,
        (113.912316, 22.543847),
        (113.9171764808363, 22.540796131694766),
        0.05,
    ),
    (
        "eviltransform beijing",
        wgs84_to_gcj02,
        (116.377817, 39.911954),
        (116.38404722455657, 39.91334545536069),
        0.05,
    ),
    # The same pairs read backwards: eviltransform's test asks gcj2wgs_exact for < 0.5 m.
    (
        "eviltransform shanghai inverse",
        gcj02_to_wgs84,
        (121.531541859215, 31.17530398364597),
        (121.5272106, 31.1774276),
        0.05,
    ),
    (
        "eviltransform shenzhen inverse",
        gcj02_to_wgs84,
        (113.9171764808363, 22.540796131694766),
        (113.912316, 22.543847),
        0.05,
    ),
    (
        "eviltransform beijing inverse",
        gcj02_to_wgs84,
        (116.38404722455657, 39.91334545536069),
        (116.377817, 39.911954),
        0.05,
    ),
    # hujiulong/gcoord, test/unit/crs/WGS84.spec.ts, GCJ02.spec.ts and BD09.spec.ts, point
    # [123, 45] (values given to 8 decimals, checked there with toBeCloseTo(..., 5)).
    ("gcoord WGS84->GCJ02", wgs84_to_gcj02, (123.0, 45.0), (123.00607541, 45.00197815), 1.0),
    ("gcoord WGS84->BD09", wgs84_to_bd09, (123.0, 45.0), (123.0124491, 45.0083293), 1.0),
    ("gcoord GCJ02->WGS84", gcj02_to_wgs84, (123.0, 45.0), (122.99395597, 44.99804071), 1.0),
    ("gcoord GCJ02->BD09", gcj02_to_bd09, (123.0, 45.0), (123.00636499, 45.00636899), 1.0),
    ("gcoord BD09->GCJ02", bd09_to_gcj02, (123.0, 45.0), (122.99363304, 44.99365430), 1.0),
    ("gcoord BD09->WGS84", bd09_to_wgs84, (123.0, 45.0), (122.98762210, 44.99171540), 1.0),
    # Alibaba Cloud address-purification API manual, TransferCoord example
    # (help.aliyun.com/zh/address-purification/addrpapi/developer-reference/
    # coordinate-system-conversion): GCJ02 120.026268,30.279164 gives WGS84
    # 120.021519,30.281543 (a one-step inverse, 1.7 m from the exact one) and BD09
    # 120.032768,30.285238.
    ("aliyun GCJ02->WGS84", gcj02_to_wgs84, (120.026268, 30.279164), (120.021519, 30.281543), 3.0),
    ("aliyun GCJ02->BD09", gcj02_to_bd09, (120.026268, 30.279164), (120.032768, 30.285238), 1.0),
    # Offset service manual at map.yiweihang.com/kaifa/deviation.jsp (SE_SH examples),
    # WGS-84 -> GCJ-02 to 6 decimals.
    ("yiweihang 1", wgs84_to_gcj02, (116.36657, 39.95094), (116.372789, 39.952320), 0.5),
    ("yiweihang 2", wgs84_to_gcj02, (115.21657, 38.95032), (115.222782, 38.951179), 0.5),
]
# Not used: eviltransform's TESTS_bd pairs (python/test.py) are 10-40 m away from what
# eviltransform's own bd2wgs formula gives, so they are not formula reference points.


@pytest.mark.parametrize(
    ("func", "given", "expected", "tolerance"),
    [case[1:] for case in REFERENCE_POINTS],
    ids=[case[0] for case in REFERENCE_POINTS],
)
def test_published_reference_points(func, given, expected, tolerance):
    lon, lat = func(*given)
    assert metres(lon, lat, *expected) < tolerance
    # The offsets are hundreds of metres, so returning the input unchanged fails above.
    assert metres(*given, *expected) > 100


@pytest.fixture
def china_grid() -> tuple[np.ndarray, np.ndarray]:
    """A 60 x 60 grid of WGS-84 points over mainland China's bounding box."""
    lon, lat = np.meshgrid(np.linspace(73.7, 134.8, 60), np.linspace(18.2, 53.5, 60))
    return lon.ravel(), lat.ravel()


@pytest.mark.parametrize(
    ("forward", "backward"),
    [
        (wgs84_to_gcj02, gcj02_to_wgs84),
        (wgs84_to_bd09, bd09_to_wgs84),
        (gcj02_to_bd09, bd09_to_gcj02),
    ],
    ids=["wgs-gcj-wgs", "wgs-bd-wgs", "gcj-bd-gcj"],
)
def test_round_trip_over_china_is_under_a_centimetre(china_grid, forward, backward):
    lon, lat = china_grid
    there = forward(lon, lat)
    assert metres(lon, lat, *there).min() > 1  # something was applied everywhere
    back = backward(*there)
    assert metres(lon, lat, *back).max() < 0.01


def test_inverse_beats_the_one_step_approximation(china_grid):
    lon, lat = china_grid
    gcj_lon, gcj_lat = wgs84_to_gcj02(lon, lat)
    one_step = (
        2 * gcj_lon - wgs84_to_gcj02(gcj_lon, gcj_lat)[0],
        2 * gcj_lat - wgs84_to_gcj02(gcj_lon, gcj_lat)[1],
    )
    assert metres(lon, lat, *one_step).max() > 0.5  # the approximation is metres off
    assert metres(lon, lat, *gcj02_to_wgs84(gcj_lon, gcj_lat)).max() < 0.01


OUTSIDE = np.array(
    [
        [2.3522, 48.8566],
        [139.6917, 35.6895],
        [-74.006, 40.7128],
        [151.2093, -33.8688],
        [100.5, 0.5],
        [130.0, 56.5],
    ]
)


@pytest.mark.parametrize(
    "func",
    [wgs84_to_gcj02, gcj02_to_wgs84, gcj02_to_bd09, bd09_to_gcj02, wgs84_to_bd09, bd09_to_wgs84],
)
def test_points_outside_china_are_unchanged(func):
    lon, lat = func(OUTSIDE[:, 0], OUTSIDE[:, 1])
    np.testing.assert_array_equal(lon, OUTSIDE[:, 0])
    np.testing.assert_array_equal(lat, OUTSIDE[:, 1])
    assert out_of_china(OUTSIDE[:, 0], OUTSIDE[:, 1]).all()


def test_out_of_china_box():
    assert out_of_china(2.35, 48.86) is True
    assert out_of_china(116.4, 39.9) is False
    np.testing.assert_array_equal(
        out_of_china([72.0, 72.01, 137.84, 120.0, 120.0], [30.0, 30.0, 30.0, 0.8, 55.9]),
        [True, False, True, True, True],
    )


@pytest.mark.parametrize(
    "func",
    [wgs84_to_gcj02, gcj02_to_wgs84, gcj02_to_bd09, bd09_to_gcj02, wgs84_to_bd09, bd09_to_wgs84],
)
def test_nan_in_gives_nan_out_and_leaves_the_others_alone(func):
    lon = np.array([np.nan, 120.6, 120.7, np.nan])
    lat = np.array([31.3, np.nan, 31.4, np.nan])
    out_lon, out_lat = func(lon, lat)
    assert np.isnan(out_lon[[0, 1, 3]]).all() and np.isnan(out_lat[[0, 1, 3]]).all()
    expected = func(120.7, 31.4)
    assert (out_lon[2], out_lat[2]) == expected
    assert metres(120.7, 31.4, *expected) > 100


def test_scalars_give_floats_and_arrays_give_arrays():
    lon, lat = wgs84_to_gcj02(120.6, 31.3)
    assert type(lon) is float and type(lat) is float
    lons, lats = wgs84_to_gcj02([120.6, 120.7], pd.Series([31.3, 31.4]))
    assert isinstance(lons, np.ndarray) and lons.shape == (2,) and lats.dtype == np.float64
    assert (float(lons[0]), float(lats[0])) == (lon, lat)


def test_shape_mismatch_is_rejected():
    with pytest.raises(ValueError, match="shape"):
        wgs84_to_gcj02([120.0, 121.0], [31.0])


@pytest.mark.parametrize(
    ("coords", "direct_to", "direct_from"),
    [("gcj02", gcj02_to_wgs84, wgs84_to_gcj02), ("bd09", bd09_to_wgs84, wgs84_to_bd09)],
)
def test_to_and_from_wgs84_dispatch(coords, direct_to, direct_from):
    lon, lat = np.array([120.6, 116.4]), np.array([31.3, 39.9])
    np.testing.assert_array_equal(to_wgs84(lon, lat, coords), direct_to(lon, lat))
    np.testing.assert_array_equal(from_wgs84(lon, lat, coords), direct_from(lon, lat))
    assert metres(lon, lat, *to_wgs84(lon, lat, coords)).min() > 100


def test_wgs84_is_a_copy_of_the_input():
    lon, lat = np.array([120.6]), np.array([31.3])
    for func in (to_wgs84, from_wgs84):
        out_lon, out_lat = func(lon, lat, "wgs84")
        np.testing.assert_array_equal(out_lon, lon)
        np.testing.assert_array_equal(out_lat, lat)
        assert out_lon is not lon
    assert to_wgs84(120.6, 31.3, "wgs84") == (120.6, 31.3)


@pytest.mark.parametrize("coords", ["GCJ02", "gcj-02", "utm", "", "epsg:4326"])
def test_unknown_coordinate_system_is_a_value_error(coords):
    with pytest.raises(ValueError, match="unknown coordinate system"):
        to_wgs84(120.6, 31.3, coords)
    with pytest.raises(ValueError, match="unknown coordinate system"):
        from_wgs84(120.6, 31.3, coords)
