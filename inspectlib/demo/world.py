"""The synthetic world: town polygons, firms with observable features and hidden risk.

All functions here are pure: they take a numpy ``Generator`` and return frames; nothing is
written to disk. Coordinates are WGS-84 degrees throughout; the register writer converts
them to GCJ-02 the way real registers arrive.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Polygon
from stdnum.cn import uscc

from inspectlib.demo import vocab
from inspectlib.demo.names import addresses, credit_codes, firm_names, person_names
from inspectlib.industry import section_name
from inspectlib.schema import CAMPAIGN_IDS

_KM_PER_DEG_LAT = 110.574
_KM_PER_DEG_LON = 111.320 * np.cos(np.radians(vocab.CENTRE_LAT))
_INSET_DEG = 0.0004  # sample points at least ~40 m inside their town
CAMPAIGNS: tuple[str, ...] = CAMPAIGN_IDS


def _to_degrees(x_km: np.ndarray, y_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return vocab.CENTRE_LON + x_km / _KM_PER_DEG_LON, vocab.CENTRE_LAT + y_km / _KM_PER_DEG_LAT


def _outline_km(rng: np.random.Generator) -> Polygon:
    """A jittered rounded rectangle of about 40 × 30 km (a star-shaped polygon)."""
    theta = np.linspace(0.0, 2.0 * np.pi, 72, endpoint=False)
    a, b, p = vocab.HALF_WIDTH_KM, vocab.HALF_HEIGHT_KM, 3.0
    radius = ((np.abs(np.cos(theta)) / a) ** p + (np.abs(np.sin(theta)) / b) ** p) ** (-1 / p)
    wobble = np.zeros_like(theta)
    for k, amp in ((2, 0.04), (3, 0.03), (5, 0.02), (9, 0.012)):
        wobble += amp * np.sin(k * theta + rng.uniform(0, 2 * np.pi))
    radius = radius * (1.0 + wobble)
    return Polygon(np.column_stack([radius * np.cos(theta), radius * np.sin(theta)]))


def _town_seeds_km(rng: np.random.Generator, outline: Polygon) -> np.ndarray:
    """Seed points: three 街道 round the centre, the 开发区 next to them, six 镇 around."""
    phi = rng.uniform(0, 2 * np.pi)
    streets = [
        (2.6 * np.cos(phi + k * 2 * np.pi / 3), 2.6 * np.sin(phi + k * 2 * np.pi / 3))
        for k in range(3)
    ]
    zone = [(7.5 * np.cos(phi + np.pi / 3), 7.5 * np.sin(phi + np.pi / 3))]
    seeds = streets + zone
    inner = shapely.buffer(outline, -4.0)
    minx, miny, maxx, maxy = inner.bounds
    min_dist = 9.0
    while len(seeds) < len(vocab.TOWNS):
        for _ in range(400):
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if not shapely.contains_xy(inner, x, y):
                continue
            if min(np.hypot(x - sx, y - sy) for sx, sy in seeds) >= min_dist:
                seeds.append((x, y))
                break
        else:
            min_dist *= 0.9
    towns = np.array(seeds[4:])
    order = np.argsort(np.arctan2(towns[:, 1], towns[:, 0]))  # 镇 named going round
    return np.vstack([np.array(seeds[:4]), towns[order]])


def build_towns(rng: np.random.Generator) -> pd.DataFrame:
    """Tile a county-sized area round lon 120.3, lat 31.8 into the ten demo towns.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness (the outline's jitter and the town seeds).

    Returns
    -------
    DataFrame
        One row per town of :data:`vocab.TOWNS`, columns ``town``, ``code``, ``kind``,
        ``geometry`` (shapely Polygon, WGS-84 degrees) and ``seat_lon``/``seat_lat``
        (the town seat, the Voronoi seed).
    """
    for _ in range(50):
        outline = _outline_km(rng)
        seeds = _town_seeds_km(rng, outline)
        cells = shapely.voronoi_polygons(
            MultiPoint(seeds), extend_to=outline.buffer(20.0), ordered=True
        )
        parts = [shapely.intersection(cell, outline) for cell in cells.geoms]
        if all(p.geom_type == "Polygon" and not p.is_empty for p in parts):
            break
    else:  # pragma: no cover - 50 unlucky outlines in a row
        raise RuntimeError("could not tile the demo region into simple polygons")
    polygons = [
        shapely.transform(p, lambda xy: np.column_stack(_to_degrees(xy[:, 0], xy[:, 1])))
        for p in parts
    ]
    polygons = [shapely.set_precision(p, 1e-6) for p in polygons]
    seat_lon, seat_lat = _to_degrees(seeds[:, 0], seeds[:, 1])
    return pd.DataFrame(
        {
            "town": [t.name for t in vocab.TOWNS],
            "code": [t.code for t in vocab.TOWNS],
            "kind": [t.kind for t in vocab.TOWNS],
            "geometry": polygons,
            "seat_lon": seat_lon,
            "seat_lat": seat_lat,
        }
    )


def sample_in_polygon(
    rng: np.random.Generator,
    polygon: Polygon,
    n: int,
    centre: tuple[float, float] | None = None,
    scale_km: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` points inside ``polygon``, Gaussian round ``centre`` or uniform.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    polygon : shapely.Polygon
        Area in lon/lat degrees; points keep ~40 m away from its edge.
    n : int
        Number of points.
    centre : (lon, lat), optional
        Centre of a Gaussian cluster; uniform over the polygon when omitted.
    scale_km : float
        Standard deviation of the cluster in kilometres.

    Returns
    -------
    tuple of numpy.ndarray
        ``(lon, lat)``, each of length ``n``.
    """
    area = shapely.buffer(polygon, -_INSET_DEG)
    shapely.prepare(area)
    minx, miny, maxx, maxy = area.bounds
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    got, tries = 0, 0
    while got < n:
        m = max(64, 3 * (n - got))
        if centre is not None and tries < 20:
            x = centre[0] + rng.normal(0.0, scale_km / _KM_PER_DEG_LON, m)
            y = centre[1] + rng.normal(0.0, scale_km / _KM_PER_DEG_LAT, m)
        else:
            x, y = rng.uniform(minx, maxx, m), rng.uniform(miny, maxy, m)
        inside = shapely.contains_xy(area, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
        got += int(inside.sum())
        tries += 1
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def _categorical(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One draw per row of a (rows × categories) weight matrix."""
    cum = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)) * cum[:, -1]
    return np.minimum((cum < u[:, None]).sum(axis=1), weights.shape[1] - 1)


def _place_firms(
    rng: np.random.Generator, towns: pd.DataFrame, town_idx: np.ndarray, group: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 points: services round the town seat, industry in a park, some anywhere."""
    lon = np.empty(len(town_idx))
    lat = np.empty(len(town_idx))
    is_factory = np.isin(group, list(vocab.MANUFACTURING))
    is_works = np.isin(group, ["construction", "logistics"])
    u = rng.random(len(town_idx))
    # component 0 = town seat, 1 = industrial park, 2 = anywhere in the town
    p_seat = np.where(is_factory, 0.2, np.where(is_works, 0.35, 0.7))
    p_park = np.where(is_factory, 0.6, np.where(is_works, 0.3, 0.1))
    component = np.where(u < p_seat, 0, np.where(u < p_seat + p_park, 1, 2))
    for t, row in towns.iterrows():
        poly = row["geometry"]
        core = shapely.buffer(poly, -0.02)  # parks sit ~2 km inside the town
        park = sample_in_polygon(rng, poly if core.is_empty else core, 1)
        urban = row["kind"] == "street"
        centres = {
            0: ((row["seat_lon"], row["seat_lat"]), 1.0 if urban else 1.3),
            1: ((park[0][0], park[1][0]), 0.9),
            2: (None, 1.0),
        }
        for comp, (centre, scale) in centres.items():
            rows = np.flatnonzero((town_idx == t) & (component == comp))
            if len(rows):
                lon[rows], lat[rows] = sample_in_polygon(rng, poly, len(rows), centre, scale)
    return lon, lat


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _calibrate(logit: np.ndarray, target: float) -> np.ndarray:
    """Shift ``logit`` so that the mean probability equals ``target`` (bisection)."""
    lo, hi = -20.0, 20.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if _sigmoid(logit + mid).mean() < target:
            lo = mid
        else:
            hi = mid
    return _sigmoid(logit + (lo + hi) / 2)


def build_firms(rng: np.random.Generator, towns: pd.DataFrame, n_firms: int) -> pd.DataFrame:
    """Generate the firms of the region with observable features and hidden probabilities.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    towns : DataFrame
        From :func:`build_towns`.
    n_firms : int
        Number of firms.

    Returns
    -------
    DataFrame
        One row per firm: ``firm_id`` (USCC), ``name``, ``legal_rep``, ``phone``, ``town``
        (where the firm lies), ``town_listed`` (what the register says), ``address``,
        ``lon``/``lat`` (WGS-84, always set; the register blanks some), ``has_coords``,
        ``industry_code``, ``section``, ``industry`` (section name), ``group``, ``employees``,
        ``ownership``, ``has_union``, ``outdoor_work``, ``complaints_12m``, ``credit_grade``,
        the hidden latent ``integrity`` and ``p_<campaign>`` for the four campaigns.
    """
    n = n_firms
    shares = np.array([t.share for t in vocab.TOWNS])
    town_idx = np.sort(rng.choice(len(vocab.TOWNS), n, p=shares / shares.sum()))

    mix = np.array([[t.mix.get(g, 0.0) for g in vocab.GROUPS] for t in vocab.TOWNS])
    group_idx = _categorical(rng, mix[town_idx])
    group = np.asarray(vocab.GROUPS, dtype=object)[group_idx]

    ind = pd.DataFrame([vars(i) for i in vocab.INDUSTRIES])
    within = np.array(
        [[row.weight if row.group == g else 0.0 for row in ind.itertuples()] for g in vocab.GROUPS]
    )
    ind_idx = _categorical(rng, within[group_idx])
    industry_code = ind["code"].to_numpy(dtype=object)[ind_idx]
    word_pick = rng.integers(0, 2, n)
    words = np.array(
        [w[k] for w, k in zip(ind["words"].to_numpy()[ind_idx], word_pick, strict=True)],
        dtype=object,
    )
    section = np.array([vocab.SECTION_OF_GROUP[g] for g in vocab.GROUPS], dtype=object)[group_idx]
    section_zh = np.array([section_name(s) for s in section], dtype=object)

    median, sigma = (
        np.array([vocab.EMPLOYEES[g][k] for g in vocab.GROUPS])[group_idx] for k in (0, 1)
    )
    employees = 2 + np.rint(np.exp(np.log(median - 2) + sigma * rng.standard_normal(n)))
    employees = np.clip(employees, 3, 5000).astype(np.int64)

    kind = np.where(
        np.isin(group, list(vocab.MANUFACTURING)),
        "manufacturing",
        np.where(np.isin(group, ["construction", "logistics", "wholesale"]), "works", "services"),
    )
    own_w = np.array([vocab.OWNERSHIP_WEIGHTS[k] for k in kind])
    zone = (towns["kind"].to_numpy() == "zone")[town_idx]
    own_w[zone, 3:5] *= 4.0
    own_w[employees > 15, 6] = 0.0  # 个体工商户 are small
    own_w[employees < 10, 3:5] *= 0.2
    own_w[employees > 300, 2] *= 4.0
    ownership = np.asarray(vocab.OWNERSHIPS, dtype=object)[_categorical(rng, own_w)]

    effects = np.array([vocab.GROUP_EFFECTS[g] for g in vocab.GROUPS])[group_idx]
    own_union = (
        pd.Series(ownership)
        .map(
            {
                "国有": 2.0,
                "集体": 1.0,
                "外商投资": 0.5,
                "港澳台投资": 0.3,
                "股份有限公司": 0.8,
                "个体工商户": -1.5,
            }
        )
        .fillna(0.0)
        .to_numpy()
    )
    log_size = np.log(employees / 25.0)
    union_logit = -0.3 + 0.9 * log_size + effects[:, 5] + own_union + rng.normal(0, 0.5, n)
    has_union = rng.random(n) < _sigmoid(union_logit)
    outdoor_p = ind["outdoor"].to_numpy()[ind_idx]
    outdoor = rng.random(n) < outdoor_p

    integrity = rng.standard_normal(n)  # hidden: higher = worse employer
    rate = np.exp(-2.7 + effects[:, 4] + 0.35 * log_size + 0.8 * integrity)
    complaints = rng.poisson(rate)
    grade_score = -integrity + rng.normal(0, 0.8, n)
    credit = np.where(grade_score > 0, "A", np.where(grade_score < -1.64, "C", "B"))

    own_risk = (
        pd.Series(ownership)
        .map(
            {
                "个体工商户": 0.3,
                "私营": 0.3,
                "国有": -0.8,
                "外商投资": -0.4,
                "港澳台投资": -0.4,
                "股份有限公司": -0.3,
            }
        )
        .fillna(0.0)
        .to_numpy()
    )
    small = (employees < 20).astype(float)
    grade_risk = np.where(credit == "A", -0.3, np.where(credit == "C", 0.6, 0.0))
    common = 0.5 * np.log1p(complaints) + grade_risk + own_risk + 0.7 * integrity
    terms = {
        "wage": effects[:, 0] - 0.4 * has_union + 0.3 * small + 0.2 * outdoor,
        "illegal_employment": effects[:, 1] - 0.5 * has_union + 0.4 * small + 0.2 * outdoor,
        "heat": effects[:, 2] - 0.3 * has_union + 1.8 * outdoor,
        "service_sector": effects[:, 3] - 0.6 * has_union + 0.2 * small,
    }
    probs = {
        f"p_{c}": _calibrate(
            common - 0.15 * log_size + terms[c] + rng.normal(0, 0.5, n), vocab.PREVALENCE[c]
        )
        for c in CAMPAIGNS
    }

    town_names = towns["town"].to_numpy(dtype=object)[town_idx]
    lon, lat = _place_firms(rng, towns, town_idx, group)
    ids = credit_codes(rng, ownership)
    firms = pd.DataFrame(
        {
            "firm_id": ids,
            "name": firm_names(rng, towns, town_idx, words, ownership),
            "legal_rep": person_names(rng, n),
            "phone": "1380000"
            + pd.Series(rng.integers(0, 10_000, n)).map("{:04d}".format).to_numpy(),
            "town": town_names,
            "town_listed": town_names.copy(),
            "address": addresses(rng, town_names),
            "lon": lon,
            "lat": lat,
            "has_coords": True,
            "industry_code": industry_code,
            "section": section,
            "industry": section_zh,
            "group": group,
            "employees": employees,
            "ownership": ownership,
            "has_union": has_union,
            "outdoor_work": outdoor,
            "complaints_12m": complaints,
            "credit_grade": credit,
            "integrity": integrity,
            **probs,
        }
    )
    _registry_quirks(rng, firms, towns)
    order = rng.permutation(n)  # registers are not sorted by town
    return firms.iloc[order].reset_index(drop=True)


def _registry_quirks(rng: np.random.Generator, firms: pd.DataFrame, towns: pd.DataFrame) -> None:
    """Blank ~1% of coordinates, make ~0.5% of towns stale, break ~0.3% of check characters."""
    n = len(firms)
    no_coords = rng.random(n) < 0.01
    firms.loc[no_coords, "has_coords"] = False
    polys = towns["geometry"].to_numpy()
    neighbours = {
        towns["town"][i]: [
            towns["town"][j]
            for j in range(len(towns))
            if j != i and shapely.intersects(polys[i], polys[j])
        ]
        for i in range(len(towns))
    }
    stale = np.flatnonzero(~no_coords & (rng.random(n) < 0.005))
    for i in stale:
        options = neighbours[firms.at[i, "town"]]
        firms.at[i, "town_listed"] = options[rng.integers(0, len(options))]
    bad = np.flatnonzero(rng.random(n) < 0.003)  # first 17 characters are unique: no clash
    alphabet = uscc._alphabet
    for i in bad:
        code = firms.at[i, "firm_id"]
        wrong = alphabet[(alphabet.index(code[-1]) + rng.integers(1, 31)) % 31]
        firms.at[i, "firm_id"] = code[:-1] + wrong


def build_warning_points(
    rng: np.random.Generator, towns: pd.DataFrame, firms: pd.DataFrame, n_points: int = 120
) -> pd.DataFrame:
    """Place the labour-relations early-warning points (劳动关系预警点).

    Points are shared out among towns in proportion to their firms (at least six each) and
    placed round the town seat (communities) or anywhere in the town (villages, parks).

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    towns : DataFrame
        From :func:`build_towns`.
    firms : DataFrame
        From :func:`build_firms` (only ``town`` is used).
    n_points : int
        Number of points.

    Returns
    -------
    DataFrame
        Columns ``name``, ``town``, ``lon``, ``lat`` (WGS-84).
    """
    counts = firms["town"].value_counts().reindex(towns["town"], fill_value=0).to_numpy()
    floor = min(6, n_points // len(towns))
    extra = (n_points - floor * len(towns)) * counts / max(counts.sum(), 1)
    per_town = floor + np.floor(extra).astype(int)
    short = n_points - per_town.sum()
    per_town[np.argsort(-(extra - np.floor(extra)), kind="stable")[:short]] += 1
    rows = []
    for t, row in towns.iterrows():
        k = int(per_town[t])
        near_seat = rng.random(k) < 0.6
        lon, lat = sample_in_polygon(rng, row["geometry"], k)
        s_lon, s_lat = sample_in_polygon(
            rng, row["geometry"], k, (row["seat_lon"], row["seat_lat"]), 1.2
        )
        lon, lat = np.where(near_seat, s_lon, lon), np.where(near_seat, s_lat, lat)
        seen: set[str] = set()
        for i in range(k):
            kind = (
                "社区"
                if row["kind"] == "street" or near_seat[i]
                else "产业园"
                if row["kind"] == "zone"
                else "村"
            )
            while True:
                place = "".join(rng.choice(list(vocab.PLACE_CHARS), 2)) + kind
                if place not in seen and place[0] != place[1]:
                    break
            seen.add(place)
            rows.append((f"{row['town']}{place}劳动关系预警点", row["town"], lon[i], lat[i]))
    return pd.DataFrame(rows, columns=["name", "town", "lon", "lat"])
