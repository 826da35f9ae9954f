"""Import the firm register (企业名录) into the canonical frame every other module uses.

Real registers arrive as GBK CSV exports, Excel sheets with a title row, or Parquet; with
Chinese headers; with coordinates in GCJ-02 or BD-09; with towns that disagree with where the
firm actually is. :func:`load_register` turns any of these into one clean frame (see
:mod:`inspectlib.schema` for its columns) and reports every problem by file, row and column.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from stdnum.cn import uscc

from inspectlib import coords as datum
from inspectlib.errors import Message, Problems, quoted_list, shorten
from inspectlib.geo import assign_towns, town_centroids
from inspectlib.industry import code_digits, section_of
from inspectlib.schema import REGISTER
from inspectlib.tables import MAX_SHOWN, read_table, report_duplicate_ids, report_rows

log = logging.getLogger(__name__)

_USCC_ALPHABET = uscc._alphabet  # the 31 characters GB 32100-2015 allows (no I, O, Z, S, V)
_USCC_WEIGHTS = np.array((1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28))
_USCC_SHAPE = rf"^\d{{8}}[{_USCC_ALPHABET}]{{10}}$"
_CHINA_LON = (73.0, 136.0)
_CHINA_LAT = (3.0, 54.0)


def normalize_firm_ids(ids: pd.Series) -> pd.Series:
    """Firm ids as the archive keys them: upper case, without spaces or hyphens.

    Examples
    --------
    >>> normalize_firm_ids(pd.Series(["91320500-mA1 xxxxx1x"])).tolist()
    ['91320500MA1XXXXX1X']
    """
    text = pa.array(ids, type=pa.string(), from_pandas=True)  # Arrow strings: no copy
    text = pc.replace_substring_regex(pc.utf8_upper(text), r"[\s\-]", "")
    return pd.Series(text.to_numpy(zero_copy_only=False), index=ids.index, name=ids.name)


def check_uscc(ids: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Check unified social credit codes (统一社会信用代码, GB 32100-2015).

    The rules are python-stdnum's (:mod:`stdnum.cn.uscc`): 18 characters, 8 digits then 10
    characters of its alphabet, and a check character; the check is vectorised here so that a
    province-sized register is checked in well under a second (the tests compare it with
    ``stdnum.cn.uscc.validate`` code by code).

    Parameters
    ----------
    ids : Series of str
        Codes as written (spaces and hyphens are ignored, letters upper-cased).

    Returns
    -------
    malformed, bad_check : Series of bool
        ``malformed``: not shaped like a USCC at all (an error). ``bad_check``: well shaped
        but the check character is wrong — some genuine old codes are like this (a warning).
    """
    compact = normalize_firm_ids(ids.astype("string")).fillna("")
    shaped = compact.str.fullmatch(_USCC_SHAPE).fillna(False).astype(bool).to_numpy()
    bad_check = np.zeros(len(ids), dtype=bool)
    if shaped.any():
        codes = compact[shaped].to_numpy(dtype=str).astype("U18")
        points = codes.view(np.uint32).reshape(-1, 18)  # code points (shaped: all ASCII)
        lookup = np.full(128, -1, dtype=np.int64)
        for i, ch in enumerate(_USCC_ALPHABET):
            lookup[ord(ch)] = i
        digits = lookup[points]
        total = (digits[:, :17] * _USCC_WEIGHTS).sum(axis=1)
        expected = (31 - total) % 31
        bad_check[shaped] = digits[:, 17] != expected
    return (pd.Series(~shaped, index=ids.index), pd.Series(bad_check, index=ids.index))


def load_register(
    path: str | Path,
    boundaries: gpd.GeoDataFrame | None = None,
    coords: str = "wgs84",
    problems: Problems | None = None,
    sheet: str | int | None = None,
    firm_ids: Collection[str] | None = None,
) -> pd.DataFrame:
    """Read, check and geolocate a firm register.

    Parameters
    ----------
    path : str or Path
        CSV (UTF-8/GBK/GB18030), XLSX or Parquet file with English or Chinese headers.
    boundaries : GeoDataFrame, optional
        Town polygons from :func:`inspectlib.geo.read_boundaries`. Without them firms keep
        the register's own town and cannot be placed at town centroids.
    coords : {"wgs84", "gcj02", "bd09"}
        Datum of the register's lon/lat; the result is always WGS-84.
    problems : Problems, optional
        Collects warnings (and errors before raising). A fresh one is used if omitted.
    sheet : str or int, optional
        XLSX sheet (default: the first).
    firm_ids : collection of str, optional
        Only these firms (normalised credit codes) are read and checked; the rest of the file
        is skipped unparsed. Reports that need the firms they inspected use this, so that a
        province-sized register costs a fraction of a full import.

    Returns
    -------
    DataFrame
        The canonical register (see :mod:`inspectlib.schema`), sorted by ``firm_id``.

    Raises
    ------
    InputError
        With every error found: missing required columns, unreadable values, malformed or
        duplicate firm ids, firms with no location at all.

    Examples
    --------
    >>> from inspectlib.geo import read_boundaries
    >>> towns = read_boundaries("outputs/demo/inputs/boundaries.geojson")  # doctest: +SKIP
    >>> firms = load_register("outputs/demo/inputs/register.csv", towns, coords="gcj02")  # doctest: +SKIP
    """
    problems = problems if problems is not None else Problems()
    rows = None
    if firm_ids is not None:
        wanted = pd.Index(pd.unique(np.asarray(list(firm_ids), dtype=object)))
        rows = ("firm_id", lambda raw: normalize_firm_ids(raw).isin(wanted))
    table = read_table(path, REGISTER, problems, sheet=sheet, rows=rows)
    if not {"firm_id", "name"} <= table.headers.keys():
        problems.raise_if_errors()  # without ids or names nothing else can be checked
    firms = table.frame
    header = {name: table.headers.get(name, name) for name in ("firm_id", "name", "town", "lon")}

    firms["firm_id"] = normalize_firm_ids(firms["firm_id"])
    _check_ids(firms, path, header["firm_id"], problems)
    missing_name = firms["name"] == ""
    if missing_name.any():
        report_rows(
            problems,
            path,
            firms.loc[missing_name, "source_row"],
            header["name"],
            Message("problems.register.name_empty"),
        )
    _convert_coordinates(firms, path, coords, header["lon"], problems)
    firms["industry_section"] = section_of(firms["industry_code"], firms["industry"])
    firms["industry_digits"] = code_digits(firms["industry_code"])
    firms["complaints_12m"] = firms["complaints_12m"].fillna(0)
    _place_firms(firms, boundaries, path, header["town"], problems)
    problems.raise_if_errors()
    firms = firms.sort_values("firm_id", kind="stable").reset_index(drop=True)
    log.info("register %s: %d firms, %d warnings", path, len(firms), len(problems.warnings))
    return firms


def report_credit_codes(
    frame: pd.DataFrame, path: str | Path, column: str, problems: Problems
) -> None:
    """Check the ``firm_id`` column of a register or findings frame as credit codes: a
    malformed code is an error, a wrong check character a warning (some genuine old codes
    fail it). Empty ids are left to the caller."""
    malformed, bad_check = check_uscc(frame["firm_id"])
    malformed &= frame["firm_id"] != ""
    report_rows(
        problems,
        path,
        frame.loc[malformed, "source_row"],
        column,
        Message("problems.register.not_uscc"),
        shown=frame.loc[malformed, "firm_id"],
    )
    report_rows(
        problems,
        path,
        frame.loc[bad_check, "source_row"],
        column,
        Message("problems.register.uscc_check"),
        severity="warning",
        shown=frame.loc[bad_check, "firm_id"],
        code="uscc_check",
    )


def _check_ids(firms: pd.DataFrame, path: str | Path, column: str, problems: Problems) -> None:
    empty = firms["firm_id"] == ""
    if empty.any():
        report_rows(
            problems,
            path,
            firms.loc[empty, "source_row"],
            column,
            Message("problems.empty", name="firm_id"),
        )
    report_credit_codes(firms, path, column, problems)
    report_duplicate_ids(firms, "firm_id", path, column, problems)


def _convert_coordinates(
    firms: pd.DataFrame, path: str | Path, coords: str, column: str, problems: Problems
) -> None:
    lon, lat = firms["lon"], firms["lat"]
    one_only = lon.isna() != lat.isna()
    if one_only.any():
        report_rows(
            problems,
            path,
            firms.loc[one_only, "source_row"],
            column,
            Message("problems.register.lonlat_partial"),
            severity="warning",
            code="lonlat_partial",
        )
        firms.loc[one_only, ["lon", "lat"]] = np.nan
    swapped = lon.between(*_CHINA_LAT) & lat.between(*_CHINA_LON)
    if swapped.any():
        report_rows(
            problems,
            path,
            firms.loc[swapped, "source_row"],
            column,
            Message("problems.register.lonlat_swapped"),
            severity="warning",
            code="lonlat_swapped",
        )
        firms.loc[swapped, ["lon", "lat"]] = firms.loc[swapped, ["lat", "lon"]].to_numpy()
    impossible = (
        ~(firms["lon"].between(-180, 180) & firms["lat"].between(-90, 90)) & firms["lon"].notna()
    )
    if impossible.any():
        report_rows(
            problems,
            path,
            firms.loc[impossible, "source_row"],
            column,
            Message("problems.register.lonlat_impossible"),
        )
    outside_china = (
        firms["lon"].notna()
        & ~impossible
        & ~(firms["lon"].between(*_CHINA_LON) & firms["lat"].between(*_CHINA_LAT))
    )
    if outside_china.any():
        report_rows(
            problems,
            path,
            firms.loc[outside_china, "source_row"],
            column,
            Message("problems.register.outside_china"),
            severity="warning",
            code="outside_china",
        )
    lon84, lat84 = datum.to_wgs84(firms["lon"].to_numpy(), firms["lat"].to_numpy(), coords)
    firms["lon"], firms["lat"] = lon84, lat84


def _place_firms(
    firms: pd.DataFrame,
    boundaries: gpd.GeoDataFrame | None,
    path: str | Path,
    column: str,
    problems: Problems,
) -> None:
    """Resolve each firm's town from its location; place firms without one at a centroid."""
    firms["approx_location"] = False
    firms["outside_boundaries"] = False
    has_point = firms["lon"].notna()
    if boundaries is None:
        nowhere = ~has_point & (firms["town"] == "")
        if nowhere.any():
            report_rows(
                problems,
                path,
                firms.loc[nowhere, "source_row"],
                column,
                Message("problems.register.no_location"),
            )
        return
    known = set(boundaries["town"])
    polygon_town = assign_towns(firms["lon"], firms["lat"], boundaries)["polygon_town"]
    registered = firms["town"]
    inside = polygon_town.notna().to_numpy(dtype=bool)

    differs = inside & (registered != "") & (registered != polygon_town.fillna(""))
    for row, said, found in (
        firms.loc[differs, ["source_row", "town"]]
        .assign(found=polygon_town[differs])
        .head(50)
        .itertuples(index=False)
    ):
        problems.warning(
            path,
            Message(
                "problems.register.town_differs",
                said=repr(shorten(said, MAX_SHOWN)),
                found=repr(found),
            ),
            int(row),
            column,
            code="town_differs",
        )
    if differs.sum() > 50:
        problems.warning(
            path,
            Message("problems.register.town_differs_more", more=int(differs.sum()) - 50),
            None,
            column,
            code="town_differs",
            rows=int(differs.sum()) - 50,
        )
    firms.loc[inside, "town"] = polygon_town[inside]

    outside = has_point.to_numpy(dtype=bool) & ~inside
    firms.loc[outside, "outside_boundaries"] = True
    if outside.any():
        report_rows(
            problems,
            path,
            firms.loc[outside, "source_row"],
            column,
            Message("problems.register.outside_boundaries"),
            severity="warning",
            code="outside_boundaries",
        )

    unknown_town = ~has_point & (registered != "") & ~registered.isin(known)
    if unknown_town.any():
        report_rows(
            problems,
            path,
            firms.loc[unknown_town, "source_row"],
            column,
            Message("problems.register.unknown_town", towns=quoted_list(sorted(known))),
        )
    no_location = ~has_point & (registered == "")
    if no_location.any():
        report_rows(
            problems,
            path,
            firms.loc[no_location, "source_row"],
            column,
            Message("problems.register.no_location"),
        )
    approx = ~has_point & registered.isin(known)
    if approx.any():
        centres = town_centroids(boundaries)
        firms.loc[approx, "lon"] = registered[approx].map(centres["lon"]).to_numpy()
        firms.loc[approx, "lat"] = registered[approx].map(centres["lat"]).to_numpy()
        firms.loc[approx, "approx_location"] = True
        report_rows(
            problems,
            path,
            firms.loc[approx, "source_row"],
            "lon",
            Message("problems.register.approx_location"),
            severity="warning",
            code="approx_location",
        )
