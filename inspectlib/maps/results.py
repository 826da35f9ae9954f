"""The results map: inspected firms by result, violations by town."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from inspectlib.maps import layers as L
from inspectlib.maps.controls import Legend
from inspectlib.maps.document import InspectionMap, check_options, finish_map, labels, new_map
from inspectlib.maps.encode import Classes, Grid, date_strings, int_strings, whole

RESULTS_COLUMNS = ("firm_id", "name", "town", "lon", "lat", "result", "violations", "date")
RESULT_COLOURS = {
    "compliant": "#1a9850",
    "violation": "#d73027",
    "closed": "#969696",
    "not_found": "#fdae61",
    "refused": "#000000",
}
UNKNOWN_RESULT_COLOUR = "#ff00ff"
VIOLATION_PALETTE = ("#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3")


def town_results(results: pd.DataFrame, towns: Sequence[str] | None = None) -> pd.DataFrame:
    """Inspections, firms with violations and violations found, per town.

    Parameters
    ----------
    results : pandas.DataFrame
        One row per inspected firm: ``town``, ``result``, ``violations``.
    towns : sequence of str, optional
        Towns to report first, in this order; towns found only in the data follow, sorted.

    Returns
    -------
    pandas.DataFrame
        ``town``, ``inspected``, ``violating`` (result ``violation``) and ``violations``
        (sum of violation counts), all int.

    Examples
    --------
    >>> r = pd.DataFrame({"town": ["A", "A", "B"], "result": ["violation", "compliant",
    ...                   "violation"], "violations": [3, 0, 1]})
    >>> town_results(r, ["A", "B", "C"]).to_dict("list")
    {'town': ['A', 'B', 'C'], 'inspected': [2, 1, 0], 'violating': [1, 1, 0], 'violations': [3, 1, 0]}
    """
    frame = pd.DataFrame(
        {
            "town": results["town"].astype(str),
            "violating": (results["result"] == "violation").astype(int),
            "violations": pd.to_numeric(results["violations"], errors="coerce").fillna(0),
        }
    )
    grouped = frame.groupby("town").agg(
        inspected=("town", "size"), violating=("violating", "sum"), violations=("violations", "sum")
    )
    order = list(dict.fromkeys(str(t) for t in towns)) if towns is not None else []
    order += sorted(set(grouped.index) - set(order))
    out = grouped.reindex(order).fillna(0).astype(int).rename_axis("town").reset_index()
    return out[["town", "inspected", "violating", "violations"]]


def results_map(
    results: pd.DataFrame,
    boundaries: gpd.GeoDataFrame,
    *,
    title: str,
    tiles: str = "none",
    synthetic: bool = False,
    public: bool = False,
    language: str = "zh",
) -> InspectionMap:
    """Draw inspection results as a folium map.

    Inspected firms are canvas circle markers coloured by result (compliant, violation,
    closed, not_found, refused); towns carry a choropleth of the number of violations found.
    Save it with :func:`write_html` (one self-contained file).

    Parameters
    ----------
    results : pandas.DataFrame
        One row per inspected firm: ``firm_id, name, town, lon, lat`` (WGS-84), ``result``,
        ``violations`` (number of violation codes), ``date``.
    boundaries : geopandas.GeoDataFrame
        Town polygons with a ``town`` column.
    title : str
        Shown above the map and as the document title.
    tiles : {"none", "osm", "gaode"}
        Background tiles; ``"gaode"`` shifts coordinates to GCJ-02 for display.
    synthetic : bool
        Show the "合成示例数据 / synthetic demo data" banner.
    public : bool
        The 一公开 variant: popups show name, town, result, violation count and date only (no
        credit code).
    language : {"zh", "en"}
        Language of labels and legends.

    Returns
    -------
    InspectionMap
        A :class:`folium.Map`.
    """
    check_options(tiles, language)
    if not isinstance(title, str):
        raise TypeError(f"title must be a str, got {title!r}")
    words = labels(language)
    needed = [c for c in RESULTS_COLUMNS if not (public and c == "firm_id")]
    L.require_columns(results, needed, "results")
    unknown = sorted(set(results["result"].dropna().astype(str)) - set(RESULT_COLOURS))
    if unknown:
        raise ValueError(
            f"results has unknown result values {unknown!r}; "
            f"expected one of {list(RESULT_COLOURS)!r}"
        )

    if public:
        results = L.public_points(results)
    shift = L.display_shift(tiles)
    towns = L.prepare_towns(boundaries, shift)
    per_town = town_results(results, towns["town"].tolist())
    x, y, ok = L.lonlat(results, shift)
    shown = results.loc[ok]
    tx, ty = L.town_extent(towns)
    grid = Grid.covering([*tx, x], [*ty, y])

    by_town = per_town.set_index("town")
    classes = Classes.nice(
        float(per_town["violations"].max() if len(per_town) else 0),
        VIOLATION_PALETTE,
        integer=True,
        zero_colour="#ffffff",
    )
    fills, tips = [], []
    for town in towns["town"]:
        row = by_town.loc[town]
        fills.append(classes.colour(float(row["violations"])))
        tips.append(
            [
                words["violations_tip"].format(
                    town=town,
                    inspected=whole(row["inspected"]),
                    violating=whole(row["violating"]),
                    violations=whole(row["violations"]),
                )
            ]
        )

    result_keys = shown["result"].astype(str).tolist()
    result_labels = [words.get(f"result_{r}", r) for r in result_keys]
    fields: list[tuple[str, str, Any]] = []
    if not public:
        fields.append(("firm_id", words["firm_id"], shown["firm_id"]))
    fields += [
        ("town", words["town"], shown["town"]),
        ("result", words["result"], result_labels),
        ("violations", words["violations"], int_strings(shown["violations"])),
        ("date", words["date"], date_strings(shown["date"])),
    ]
    popup = L.popup_spec(shown["name"], fields)
    fill = L.colour_column(result_keys, RESULT_COLOURS, UNKNOWN_RESULT_COLOUR)
    points = L.point_layer("results", words["results"], grid, x, y, fill=fill, popup=popup)
    counts = pd.Series(result_keys, dtype=object).value_counts()
    result_items = [
        L.legend_dot(colour, f"{words[f'result_{key}']} ({int(counts[key])})")
        for key, colour in RESULT_COLOURS.items()
        if counts.get(key, 0)  # no "closed (0)" rows
    ]
    violations = L.choropleth_layer(
        "violations", words["violations_by_town"], towns, grid, fills, tips
    )
    layers = {
        "violations": violations,
        "town-names": L.town_names_layer(towns, grid, words["town_names"]),
        "results": points,
    }
    m = new_map(title=title, tiles=tiles, language=language, synthetic=synthetic)
    for layer in layers.values():
        layer.add_to(m)
    Legend(words["violations_by_town"], classes.legend(whole), [violations]).add_to(m)
    Legend(words["result"], result_items, [points]).add_to(m)
    return finish_map(
        m,
        layers=layers,
        stack=[violations, points],
        bounds=L.bounds([*tx, x], [*ty, y]),
        expected={"results": int(np.count_nonzero(ok))},
    )
