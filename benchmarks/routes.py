"""Route length and solve time of the schedule for the four demo campaigns.

Run: ``.venv/bin/python benchmarks/routes.py [--synthetic]``. Prints a table; writes only a
temporary folder (the demo region), removed afterwards.

For each campaign (the demo region of :func:`inspectlib.demo.build_demo_region`, the real
draw of :func:`inspectlib.draw.plan_draw`, 2027, 4 firms per team-day; or, with
``--synthetic`` or when those modules are missing, a synthetic 40 × 30 km county with
clustered firms and 4–8 teams) it compares, per team and summed:

* **draw order**: the team's firms in draw order, cut into days of ``firms_per_team_day``;
* **nearest neighbour**: each day goes from the office to the nearest unvisited firm, then
  the nearest to that, until the day is full;
* **OR-Tools**: :func:`inspectlib.schedule.plan_schedule` (the heat campaign also matches
  heat firms to hot days, which costs some km).

A last row, **wage ×816**, is the size at which verify-draw used to disagree with itself
(816 firms drawn from 1,632, issue 13): a synthetic county draw of 816 firms split among 9
teams, solved twice; "same on re-run" must hold there too.

Every day starts and ends at the office; distances are straight lines in metres (local UTM).
"cpu s" is the process time of one schedule (the machine may be shared; "solve s" is wall
time). Target: OR-Tools ≤ 0.75 × draw-order km, ≤ 15 s per campaign, the 816-firm schedule
within 5 s of CPU, and the same plan on a re-run everywhere.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from inspectlib.routes import nearest_neighbour_days, route_length_m, to_metres
from inspectlib.schedule import Schedule, plan_schedule
from inspectlib.workdays import campaign_window

YEAR = 2027
FIRMS_PER_TEAM_DAY = 4
SYNTHETIC = {
    "wage": (125, 5),
    "illegal_employment": (145, 8),
    "heat": (110, 4),
    "service_sector": (120, 6),
}
#: The draw size of issue 13 (816 of 1,632 firms), in 9 teams of the wage window.
LARGE = ("wage", 816, 9)
LARGE_CPU_S = 5.0


@dataclass
class Case:
    campaign: str
    selected: pd.DataFrame
    teams: pd.DataFrame
    assignments: pd.DataFrame
    roster: pd.DataFrame | None
    weather: pd.DataFrame | None
    office: tuple[float, float]
    source: str
    label: str = ""


def demo_cases(folder: Path) -> list[Case]:
    """Real draws on the demo region."""
    from inspectlib.demo import build_demo_region
    from inspectlib.draw import plan_draw
    from inspectlib.geo import town_centroids
    from inspectlib.inputs import load_campaign_inputs
    from inspectlib.params import validate_params

    region = build_demo_region(folder, plan_year=YEAR)
    cases = []
    inputs = None
    for campaign in SYNTHETIC:
        params = validate_params(
            {
                "campaign": campaign,
                "year": YEAR,
                "seed": 20270101,
                "coords": region.coords,
                "register": str(region.register),
                "boundaries": str(region.boundaries),
                "roster": str(region.roster),
                "findings": [str(p) for p in region.findings],
                "weather": str(region.weather),
                "firms_per_team_day": FIRMS_PER_TEAM_DAY,
                # as params/service_sector.yaml: a union member on top of two officers
                "team_size": 3 if campaign == "service_sector" else 2,
            }
        )
        inputs = inputs or load_campaign_inputs(params)
        result = plan_draw(params, inputs)
        # The office: the town with the most firms (the urban district), at its centre.
        busiest = inputs.register["town"].value_counts().index[0]
        centre = town_centroids(inputs.boundaries).loc[busiest]
        extra = inputs.register[["firm_id", "outdoor_work"]]
        selected = result.selected.drop(columns=["outdoor_work"], errors="ignore").merge(
            extra, on="firm_id", how="left"
        )
        cases.append(
            Case(
                campaign,
                selected,
                result.teams,
                result.assignments,
                inputs.roster,
                inputs.weather,
                (float(centre["lon"]), float(centre["lat"])),
                "demo draw",
            )
        )
    return cases


def synthetic_cases(seed: int = 7) -> list[Case]:
    """A 40 × 30 km county: 10 town centres, firms clustered in industrial parks and towns."""
    rng = np.random.default_rng(seed)
    place = county(rng)
    return [synthetic_case(rng, place, c, n, t) for c, (n, t) in SYNTHETIC.items()]


@dataclass
class County:
    towns: np.ndarray
    parks: np.ndarray
    weather: pd.DataFrame
    origin: tuple[float, float] = (120.50, 31.40)


def county(rng: np.random.Generator) -> County:
    """Town centres and industrial parks (km from the office) and a summer's forecast."""
    towns = rng.uniform([-20, -15], [20, 15], (10, 2))
    parks = towns[rng.integers(0, 10, 14)] + rng.normal(0, 3, (14, 2))
    dates = pd.date_range(f"{YEAR}-06-01", f"{YEAR}-09-30")
    tmax = 31 + 3.5 * np.sin(np.linspace(0, np.pi, len(dates))) + rng.normal(0, 2, len(dates))
    return County(towns, parks, pd.DataFrame({"date": dates, "tmax_c": np.round(tmax, 1)}))


def synthetic_case(
    rng: np.random.Generator, place: County, campaign: str, n: int, n_teams: int
) -> Case:
    """One campaign's draw of ``n`` firms split evenly among ``n_teams`` teams."""
    lon0, lat0 = place.origin
    km_lon, km_lat = 1 / (111.32 * np.cos(np.radians(lat0))), 1 / 110.95
    centres = np.vstack([place.towns, place.parks])
    weights = np.r_[np.full(10, 2.0), np.full(14, 1.0)]
    k = rng.choice(len(centres), n, p=weights / weights.sum())
    spread = np.where(k < 10, 1.8, 0.8)[:, None]
    km = np.clip(centres[k] + rng.normal(0, 1, (n, 2)) * spread, [-20, -15], [20, 15])
    selected = pd.DataFrame(
        {
            "firm_id": [f"S{campaign[:2]}{i:04d}" for i in range(n)],
            "name": [f"firm {i}" for i in range(n)],
            "town": [f"town {j % 10}" for j in k],
            "industry_section": rng.choice(list("CEGHF"), n),
            "industry_code": "",
            "outdoor_work": rng.random(n) < 0.3,
            "lon": lon0 + km[:, 0] * km_lon,
            "lat": lat0 + km[:, 1] * km_lat,
            "draw_order": np.arange(1, n + 1),
        }
    )
    ids = [f"T{t + 1:02d}" for t in range(n_teams)]
    teams = pd.DataFrame(
        {
            "team": np.repeat(ids, 2),
            "inspector_id": [f"I{i:03d}" for i in range(2 * n_teams)],
            "name": [f"inspector {i}" for i in range(2 * n_teams)],
        }
    )
    assignments = pd.DataFrame(
        {"firm_id": selected["firm_id"], "team": rng.permutation(np.resize(ids, n))}
    )
    return Case(
        campaign, selected, teams, assignments, None, place.weather, (lon0, lat0), "synthetic"
    )


def measure(case: Case) -> dict[str, object]:
    window = campaign_window(case.campaign, YEAR)

    def solve() -> Schedule:
        return plan_schedule(
            case.selected,
            case.teams,
            case.assignments,
            case.roster,
            window,
            firms_per_team_day=FIRMS_PER_TEAM_DAY,
            office_lon=case.office[0],
            office_lat=case.office[1],
            weather=case.weather,
            campaign_id=case.campaign,
        )

    started, cpu = time.perf_counter(), time.process_time()
    schedule = solve()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    again = solve()
    firms = case.selected.merge(case.assignments[["firm_id", "team"]], on="firm_id")
    firms = firms.sort_values("draw_order", kind="stable")
    draw_m = nn_m = 0.0
    for _, group in firms.groupby("team"):
        points, office = to_metres(group["lon"], group["lat"], *case.office)
        draw_m += route_length_m(range(len(group)), points, office, FIRMS_PER_TEAM_DAY)
        nn_m += sum(
            route_length_m(day, points, office)
            for day in nearest_neighbour_days(points, office, FIRMS_PER_TEAM_DAY)
        )
    hot = ""
    if case.campaign == "heat":
        on_hot = schedule.plan["hot_firm"] & (schedule.plan["tmax_c"] >= 35)
        hot_days = (schedule.team_days["tmax_c"] >= 35).sum()
        hot = f"{int(on_hot.sum())}/{int(schedule.plan['hot_firm'].sum())} on {hot_days} hot"
    return {
        "campaign": case.label or case.campaign,
        "firms": len(case.selected),
        "teams": case.teams["team"].nunique(),
        "team-days": len(schedule.team_days),
        "draw km": draw_m / 1000,
        "NN km": nn_m / 1000,
        "OR-Tools km": schedule.route_km,
        "OR/draw": schedule.route_km / (draw_m / 1000),
        "OR/NN": schedule.route_km / (nn_m / 1000),
        "solve s": seconds,
        "cpu s": cpu,
        "same on re-run": schedule.plan.equals(again.plan),
        "heat firms on hot days": hot,
        "unscheduled": len(schedule.unscheduled),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", action="store_true", help="skip the demo region")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        cases = None
        if not args.synthetic:
            try:
                cases = demo_cases(Path(tmp) / "demo")
            except ImportError as exc:
                print(f"demo region or draw not available ({exc}); using a synthetic county")
        cases = cases or synthetic_cases()
        rng = np.random.default_rng(LARGE[1])
        large = synthetic_case(rng, county(rng), *LARGE)
        large.label = f"{LARGE[0]} ×{LARGE[1]}"
        rows = [measure(case) for case in [*cases, large]]
    table = pd.DataFrame(rows)
    print(
        f"# routes benchmark ({cases[0].source}, {YEAR}, {FIRMS_PER_TEAM_DAY} firms per "
        f"team-day, {dt.date.today()})"
    )
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    ok = (
        (table["OR/draw"] <= 0.75).all()
        and (table["solve s"] <= 15).all()
        and table["same on re-run"].all()
        and table["cpu s"].iloc[-1] <= LARGE_CPU_S
    )
    print(
        f"target (OR-Tools ≤ 0.75 × draw order, ≤ 15 s, {LARGE[1]} firms ≤ {LARGE_CPU_S:g} s "
        "CPU, same on re-run): " + ("met" if ok else "NOT met")
    )


if __name__ == "__main__":
    main()
