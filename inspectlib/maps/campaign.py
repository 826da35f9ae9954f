"""The campaign map: coverage by town, selected firms, team routes (internal and public)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from inspectlib.errors import Message
from inspectlib.maps import layers as L
from inspectlib.maps.controls import FirmSearch, Legend
from inspectlib.maps.document import (
    InspectionMap,
    check_options,
    finish_map,
    labels,
    new_map,
    to_html,  # noqa: F401  (used in the example)
)
from inspectlib.maps.elements import FirmLayer, OfficeMarker, TeamRoutes, TownChoropleth
from inspectlib.maps.encode import Classes, Grid, date_strings, int_strings, percent, whole

logger = logging.getLogger(__name__)

PLAN_COLUMNS = (
    "firm_id",
    "name",
    "town",
    "industry",
    "lon",
    "lat",
    "stratum",
    "risk_score",
    "reasons",
    "complaints_12m",
    "team",
    "members",
    "date",
    "visit_order",
)
PUBLIC_PLAN_COLUMNS = ("name", "town", "industry", "lon", "lat")
STRATUM_COLOURS = {"random": "#1f78b4", "risk": "#e31a1c"}
OTHER_STRATUM_COLOUR = "#ff7f00"
PUBLIC_FIRM_COLOUR = "#1f78b4"
COVERAGE_PALETTE = ("#e5f5e0", "#c7e9c0", "#a1d99b", "#74c476", "#31a354")
TEAM_PALETTE = (
    "#e6194b",
    "#3cb44b",
    "#4363d8",
    "#f58231",
    "#911eb4",
    "#42d4f4",
    "#f032e6",
    "#9a6324",
    "#000075",
    "#000000",
    "#008080",
    "#800000",
)
"""Twelve teams in clearly distinct colours (from Trubetskoy's "20 distinct colours", with
black and teal for the two that were too alike): no two teams look alike on the map."""
WARNING_COLOUR = "#ffd92f"
ELIGIBLE_COLOUR = "#525252"
MAX_TEAMS_IN_LEGEND = 12


def town_coverage(
    plan: pd.DataFrame, eligible: pd.DataFrame, towns: Sequence[str] | None = None
) -> pd.DataFrame:
    """Selected and eligible firms per town and their ratio.

    Parameters
    ----------
    plan : pandas.DataFrame
        Selected firms, with a ``town`` column.
    eligible : pandas.DataFrame
        All eligible firms, with a ``town`` column.
    towns : sequence of str, optional
        Towns to report first, in this order (e.g. the boundary polygons); towns found only in
        the data follow, sorted.

    Returns
    -------
    pandas.DataFrame
        ``town``, ``selected`` (int), ``eligible`` (int) and ``coverage`` (selected ÷
        eligible, NaN where no firm is eligible).

    Examples
    --------
    >>> plan = pd.DataFrame({"town": ["A", "A", "B"]})
    >>> eligible = pd.DataFrame({"town": ["A"] * 10 + ["B"] * 4})
    >>> town_coverage(plan, eligible, ["A", "B", "C"]).to_dict("list")
    {'town': ['A', 'B', 'C'], 'selected': [2, 1, 0], 'eligible': [10, 4, 0], 'coverage': [0.2, 0.25, nan]}
    """
    selected = plan["town"].astype(str).value_counts()
    pool = eligible["town"].astype(str).value_counts()
    order = list(dict.fromkeys(str(t) for t in towns)) if towns is not None else []
    known = set(order)
    order += sorted((set(selected.index) | set(pool.index)) - known)
    out = pd.DataFrame({"town": order})
    out["selected"] = out["town"].map(selected).fillna(0).astype(int)
    out["eligible"] = out["town"].map(pool).fillna(0).astype(int)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = out["selected"] / out["eligible"].where(out["eligible"] > 0)
    out["coverage"] = ratio.astype(float)
    return out


def _coverage_layer(
    towns: gpd.GeoDataFrame, coverage: pd.DataFrame, grid: Grid, words: dict[str, str]
) -> tuple[TownChoropleth, Legend]:
    by_town = coverage.set_index("town")
    values = coverage["coverage"].to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    classes = Classes.nice(float(finite.max()) if finite.size else 0.0, COVERAGE_PALETTE)
    fills, tips = [], []
    for town in towns["town"]:
        row = by_town.loc[town]
        share = words["coverage_none"] if row["eligible"] == 0 else percent(row["coverage"])
        fills.append(classes.colour(row["coverage"]))
        tips.append(
            [
                words["coverage_tip"].format(
                    town=town,
                    selected=whole(row["selected"]),
                    eligible=whole(row["eligible"]),
                    share=share,
                )
            ]
        )
    layer = L.choropleth_layer("coverage", words["coverage"], towns, grid, fills, tips)
    items = classes.legend(percent, missing_label=words["coverage_none"])
    return layer, Legend(words["coverage"], items, [layer])


def _stratum_label(stratum: Any, words: dict[str, str]) -> Any:
    return words.get(f"stratum_{stratum}", stratum) if isinstance(stratum, str) else stratum


def _selected_layer(
    plan: pd.DataFrame,
    grid: Grid,
    x: np.ndarray,
    y: np.ndarray,
    public: bool,
    words: dict[str, str],
) -> tuple[FirmLayer, Legend]:
    if public:
        fields = [
            ("town", words["town"], plan["town"]),
            ("industry", words["industry"], plan["industry"]),
        ]
        popup = L.popup_spec(plan["name"], fields)
        layer = L.point_layer(
            "selected", words["selected"], grid, x, y, fill=PUBLIC_FIRM_COLOUR, popup=popup
        )
        items = [L.legend_dot(PUBLIC_FIRM_COLOUR, f"{words['selected']} ({len(x)})")]
        return layer, Legend(words["selected"], items, [layer])
    strata = plan["stratum"].tolist()
    risk = pd.to_numeric(plan["risk_score"], errors="coerce")
    fields = [
        ("firm_id", words["firm_id"], plan["firm_id"]),
        ("town", words["town"], plan["town"]),
        ("industry", words["industry"], plan["industry"]),
        ("stratum", words["stratum"], [_stratum_label(s, words) for s in strata]),
        ("risk_score", words["risk_score"], [None if pd.isna(v) else f"{v:.2f}" for v in risk]),
        ("complaints_12m", words["complaints_12m"], int_strings(plan["complaints_12m"])),
        ("date", words["date"], date_strings(plan["date"])),
        ("team", words["team"], plan["team"]),
        ("visit_order", words["visit_order"], int_strings(plan["visit_order"])),
        ("reasons", words["reasons"], plan["reasons"]),
    ]
    popup = L.popup_spec(plan["name"], fields, split={"reasons": "; "})
    fill = L.colour_column(strata, STRATUM_COLOURS, OTHER_STRATUM_COLOUR)
    layer = L.point_layer("selected", words["selected"], grid, x, y, fill=fill, popup=popup)
    counts = pd.Series(strata, dtype=object).value_counts()
    items = [
        L.legend_dot(
            STRATUM_COLOURS.get(s, OTHER_STRATUM_COLOUR), f"{_stratum_label(s, words)} ({n})"
        )
        for s, n in counts.items()
    ]
    return layer, Legend(words["strata"], items, [layer])


def _team_layers(
    plan: pd.DataFrame,
    grid: Grid,
    x: np.ndarray,
    y: np.ndarray,
    office_xy: tuple[float, float] | None,
    words: dict[str, str],
) -> tuple[dict[str, TeamRoutes], Legend | None]:
    frame = pd.DataFrame(
        {
            "team": plan["team"].to_numpy(dtype=object),
            "date": date_strings(plan["date"]),
            "order": pd.to_numeric(plan["visit_order"], errors="coerce").to_numpy(dtype=float),
            "x": x,
            "y": y,
        }
    )
    frame = frame[frame["team"].notna() & frame["date"].notna()]
    frame["team"] = frame["team"].astype(str)
    layers: dict[str, TeamRoutes] = {}
    items = []
    for k, (team, rows) in enumerate(frame.groupby("team", sort=True)):
        colour = TEAM_PALETTE[k % len(TEAM_PALETTE)]
        paths = []
        for date, day in rows.groupby("date", sort=True):
            day = day.sort_values("order", na_position="last", kind="stable")
            coords = day[["x", "y"]].to_numpy()
            if office_xy is not None:
                coords = np.vstack([office_xy, coords, office_xy])
            paths.append(
                {
                    "c": grid.flat(coords),
                    "tip": words["route_tip"].format(team=team, date=date, firms=len(day)),
                }
            )
        label = words["team_layer"].format(team=team, days=rows["date"].nunique(), firms=len(rows))
        data = {"grid": grid.to_json(), "colour": colour, "paths": paths}
        layers[f"team:{team}"] = TeamRoutes(label, data)
        if k < MAX_TEAMS_IN_LEGEND:
            items.append(L.legend_line(colour, str(team)) | {"layer": k})
    if not layers:
        return {}, None
    if len(layers) > MAX_TEAMS_IN_LEGEND:
        items.append({"shape": "none", "colour": "", "label": "…"})
    return layers, Legend(words["routes"], items, list(layers.values()))


def campaign_map(
    plan: pd.DataFrame,
    boundaries: gpd.GeoDataFrame,
    eligible: pd.DataFrame,
    *,
    title: str,
    office: tuple[float, float] | None = None,
    warning_points: pd.DataFrame | None = None,
    tiles: str = "none",
    synthetic: bool = False,
    public: bool = False,
    language: str = "zh",
) -> InspectionMap:
    """Draw a campaign's plan as a folium map.

    Town polygons carry a choropleth of coverage (selected ÷ eligible firms); selected firms
    are canvas circle markers coloured by stratum, searchable by name; each team is a layer
    with its daily routes (office → visits in ``visit_order`` → office); all eligible firms
    and early-warning points are optional layers. Each layer has a legend that hides with
    it; full screen, distance measurement and a scale bar come with the map. Save it with
    :func:`write_html` (one self-contained file: only a tile layer, ``tiles`` other than
    ``"none"``, loads anything), show it in a notebook, or add folium layers to it first.

    Parameters
    ----------
    plan : pandas.DataFrame
        One row per selected firm: ``firm_id, name, town, industry, lon, lat`` (WGS-84),
        ``stratum, risk_score, reasons, complaints_12m, team, members, date, visit_order``.
        The public variant needs only ``name, town, industry, lon, lat``: it is shown in
        town and name order with coordinates to about 100 m and no planned dates.
    boundaries : geopandas.GeoDataFrame
        Town polygons with a ``town`` column (EPSG:4326; other CRSs are reprojected).
    eligible : pandas.DataFrame
        All eligible firms: ``firm_id, town, lon, lat``.
    title : str
        Shown above the map and as the document title (campaign and window).
    office : (float, float), optional
        ``(lon, lat)`` where routes start and end.
    warning_points : pandas.DataFrame, optional
        Early-warning points: ``name, town, lon, lat``.
    tiles : {"none", "osm", "gaode"}
        Background tiles. ``"none"``: the town polygons are the base map. ``"gaode"`` shifts
        every displayed coordinate from WGS-84 to GCJ-02 to match Gaode's tiles.
    synthetic : bool
        Show the "合成示例数据 / synthetic demo data" banner.
    public : bool
        The 一公开 variant: popups show only name, town, industry and date; no risk scores,
        complaint counts, reasons, strata, teams, routes, inspector names, early-warning
        points, firm search or eligible-firm layer reach the map at all.
    language : {"zh", "en"}
        Language of labels, legends and controls.

    Returns
    -------
    InspectionMap
        A :class:`folium.Map`.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> towns = gpd.GeoDataFrame({"town": ["A"], "code": ["1"]},
    ...                          geometry=[box(120, 31, 120.1, 31.1)], crs=4326)
    >>> plan = pd.DataFrame({"firm_id": ["9132"], "name": ["甲厂"], "town": ["A"],
    ...     "industry": ["C"], "lon": [120.05], "lat": [31.05], "stratum": ["random"],
    ...     "risk_score": [0.1], "reasons": ["random draw"], "complaints_12m": [0],
    ...     "team": ["T01"], "members": ["王一, 李二"],
    ...     "date": pd.to_datetime(["2025-01-06"]), "visit_order": [1]})
    >>> m = campaign_map(plan, towns, plan[["firm_id", "town", "lon", "lat"]],
    ...                  title="wage 2025-01-06 – 2025-01-24")
    >>> html = to_html(m)
    >>> html.startswith("<!DOCTYPE html>") and "王一" not in html
    True
    """
    check_options(tiles, language)
    if not isinstance(title, str):
        raise TypeError(f"title must be a str, got {title!r}")
    words = labels(language)
    L.require_columns(plan, PUBLIC_PLAN_COLUMNS if public else PLAN_COLUMNS, "plan")
    L.require_columns(eligible, ["town", "lon", "lat"], "eligible")
    if public:  # no draw order, no planned dates before the visits, no exact location
        plan = L.public_points(plan[list(PUBLIC_PLAN_COLUMNS)])
    if warning_points is not None and not public:
        L.require_columns(warning_points, ["name", "town", "lon", "lat"], "warning_points")

    shift = L.display_shift(tiles)
    towns = L.prepare_towns(boundaries, shift)
    coverage = town_coverage(plan, eligible, towns["town"].tolist())
    outside = sorted(set(coverage["town"]) - set(towns["town"]))
    if outside:
        logger.warning("%s", Message("maps.log.towns_without_boundary", towns=outside))

    px, py, pok = L.lonlat(plan, shift)
    if not pok.all():
        logger.warning("%s", Message("maps.log.no_coordinates", n=int((~pok).sum())))
    shown = plan.loc[pok]
    ex = ey = np.array([])
    if not public:
        ex, ey, _ = L.lonlat(eligible, shift)
    wx = wy = np.array([])
    warn_rows = None
    if warning_points is not None and not public:
        wx, wy, wok = L.lonlat(warning_points, shift)
        warn_rows = warning_points.loc[wok]
    office_xy = None
    if office is not None and not public:
        ox, oy = shift(np.array([float(office[0])]), np.array([float(office[1])]))
        office_xy = (float(ox[0]), float(oy[0]))
    extra_x = [np.array([office_xy[0]])] if office_xy else []
    extra_y = [np.array([office_xy[1]])] if office_xy else []
    tx, ty = L.town_extent(towns)
    grid = Grid.covering([*tx, px, ex, wx, *extra_x], [*ty, py, ey, wy, *extra_y])

    m = new_map(title=title, tiles=tiles, language=language, synthetic=synthetic)
    coverage_layer, coverage_legend = _coverage_layer(towns, coverage, grid, words)
    selected, strata_legend = _selected_layer(shown, grid, px, py, public, words)
    layers: dict[str, Any] = {
        "coverage": coverage_layer,
        "town-names": L.town_names_layer(towns, grid, words["town_names"]),
    }
    legends = [coverage_legend]
    expected = {"selected": len(px)}
    teams: dict[str, TeamRoutes] = {}
    if not public:
        layers["eligible"] = L.point_layer(
            "eligible",
            f"{words['eligible']} ({len(ex):,})",
            grid,
            ex,
            ey,
            fill=ELIGIBLE_COLOUR,
            show=False,
            radius=2,
            stroke=None,
            fill_opacity=0.45,
        )
        expected["eligible"] = len(ex)
        teams, routes_legend = _team_layers(shown, grid, px, py, office_xy, words)
        layers.update(teams)
        if routes_legend is not None:
            legends.append(routes_legend)
        expected["routes"] = sum(len(t.data["paths"]) for t in teams.values())
        expected["teams"] = len(teams)
    layers["selected"] = selected
    legends.append(strata_legend)
    if warn_rows is not None:
        popup = L.popup_spec(warn_rows["name"], [("town", words["town"], warn_rows["town"])])
        warning = L.point_layer(
            "warning",
            f"{words['warning']} ({len(wx)})",
            grid,
            wx,
            wy,
            fill=WARNING_COLOUR,
            stroke="#000000",
            radius=5,
            popup=popup,
            show=False,  # off at first: 120 points would crowd the firms
        )
        layers["warning"] = warning
        legends.append(
            Legend(words["warning"], [L.legend_dot(WARNING_COLOUR, words["warning"])], [warning])
        )
        expected["warning"] = len(wx)
    if office_xy is not None:
        layers["office"] = OfficeMarker(
            words["office"], {"lon": office_xy[0], "lat": office_xy[1], "label": words["office"]}
        )
    for layer in layers.values():
        layer.add_to(m)
    for legend in legends:
        legend.add_to(m)
    if not public:
        FirmSearch(selected, selected.popups.spec["title"], words).add_to(m)
    stack = [layers[k] for k in ("coverage", "eligible") if k in layers]
    stack += [*teams.values(), selected] + ([layers["warning"]] if "warning" in layers else [])
    return finish_map(
        m,
        layers=layers,
        stack=stack,
        bounds=L.bounds([*tx, px], [*ty, py]),
        expected=expected,
    )
