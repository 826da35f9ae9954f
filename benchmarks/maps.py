"""Size and load time of inspectlib's campaign map versus a naive folium map.

For 1k / 5k / 20k eligible firms, builds:

* ours: ``inspectlib.maps.campaign_map`` with 120 selected firms, 4 teams' routes and the
  eligible-firm layer (canvas circle markers, integer coordinates);
* naive: ``folium.Map`` + the town polygons + one default ``folium.Marker`` per eligible firm.

Each file is opened from disk in headless Chromium with the network blocked. The naive map
references CDNs; Leaflet and jQuery are served to it from the local XStatic copies (so it can
draw at all) and every other request is aborted. Load time is from navigation to the ``load``
event plus, for ours, the map script's ready flag; "+layer" adds switching the eligible layer on
and waiting for the next two animation frames (the naive map draws all markers during load).
A last row shows ours with 20k *selected* firms (popups, strata) instead.

Run: ``.venv/bin/python benchmarks/maps.py [--repeat 3] [--naive-repeat 1]
[--sizes 1000,5000,20000]`` (about five minutes: the naive 20k map alone takes minutes).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import xstatic.pkg.jquery as xjquery
import xstatic.pkg.leaflet as xleaflet
from playwright.sync_api import sync_playwright
from shapely.geometry import box

from inspectlib.htmlcheck import CHROMIUM, CHROMIUM_ARGS
from inspectlib.maps import campaign_map

LOCAL = {
    "leaflet.js": Path(xleaflet.BASE_DIR) / "leaflet.js",
    "leaflet.css": Path(xleaflet.BASE_DIR) / "leaflet.css",
    "jquery-3.7.1.min.js": Path(xjquery.BASE_DIR) / "jquery.min.js",
}
WAIT_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def region(n_eligible: int, n_selected: int, seed: int = 1):
    """Ten box-shaped towns, ``n_eligible`` firms and a plan of ``n_selected`` of them."""
    rng = np.random.default_rng(seed)
    towns = [f"镇{i}{j}" for i in range(5) for j in range(2)]
    geoms = [
        box(120 + i * 0.06, 31 + j * 0.06, 120.06 + i * 0.06, 31.06 + j * 0.06)
        for i in range(5)
        for j in range(2)
    ]
    boundaries = gpd.GeoDataFrame(
        {"town": towns, "code": [str(k) for k in range(10)]}, geometry=geoms, crs=4326
    )
    t = rng.integers(0, 10, n_eligible)
    eligible = pd.DataFrame(
        {
            "firm_id": [f"9132{k:014d}" for k in range(n_eligible)],
            "town": np.array(towns)[t],
            "lon": 120 + (t // 2) * 0.06 + rng.uniform(0.002, 0.058, n_eligible),
            "lat": 31 + (t % 2) * 0.06 + rng.uniform(0.002, 0.058, n_eligible),
        }
    )
    sel = eligible.sample(n_selected, random_state=seed).reset_index(drop=True)
    n = len(sel)
    scheduled = n <= 1000
    plan = sel.assign(
        name=[f"示例{k:05d}有限公司" for k in range(n)],
        industry=rng.choice(["C 制造业", "E 建筑业", "H 住宿和餐饮业"], n),
        stratum=np.where(rng.random(n) < 0.3, "random", "risk"),
        risk_score=rng.random(n).round(3),
        reasons="3 complaints in 12 months: +0.8; no union: +0.3",
        complaints_12m=rng.integers(0, 5, n),
        team=pd.array(
            [f"T{k % 4 + 1:02d}" if scheduled else pd.NA for k in range(n)], dtype="string"
        ),
        members="检查员甲, 检查员乙",
        date=(pd.Timestamp("2025-01-06") + pd.to_timedelta(np.arange(n) // 20, unit="D"))
        if scheduled
        else pd.NaT,
        visit_order=pd.array([k % 5 + 1 if scheduled else pd.NA for k in range(n)], dtype="Int64"),
    )
    return plan, boundaries, eligible


def naive_map(boundaries: gpd.GeoDataFrame, eligible: pd.DataFrame) -> str:
    """What a first attempt looks like: default folium, one Marker per firm."""
    m = folium.Map(location=[31.06, 120.15], zoom_start=11, tiles=None)
    folium.GeoJson(boundaries.to_json()).add_to(m)
    for lat, lon in zip(eligible["lat"], eligible["lon"], strict=True):
        folium.Marker([lat, lon]).add_to(m)
    return m.get_root().render()


def measure(browser, path: Path, *, ours: bool, repeat: int) -> tuple[float, float]:
    """Median seconds to load (and, for ours, to draw the eligible layer too)."""
    loads, layers = [], []
    for _ in range(repeat):
        page = browser.new_page(viewport={"width": 1280, "height": 800})

        def route(r):
            url = r.request.url
            if url.startswith("file:"):
                return r.continue_()
            name = url.rsplit("/", 1)[-1]
            if name in LOCAL:
                kind = "text/css" if name.endswith(".css") else "application/javascript"
                return r.fulfill(body=LOCAL[name].read_bytes(), content_type=kind)
            return r.abort()

        page.route("**/*", route)
        start = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load", timeout=120_000)
        if ours:
            page.wait_for_function("window.inspectlibMap && window.inspectlibMap.ready")
        else:
            page.wait_for_function("typeof window.L === 'object'")
        page.evaluate(WAIT_FRAMES)
        loads.append(time.perf_counter() - start)
        if ours:
            page.evaluate(
                "() => { window.inspectlibMap.map.addLayer(window.inspectlibMap.layers.eligible); }"
            )
            page.evaluate(WAIT_FRAMES)
            layers.append(time.perf_counter() - start)
        page.close()
    return statistics.median(loads), statistics.median(layers) if layers else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per map (median)")
    parser.add_argument(
        "--naive-repeat", type=int, default=1, help="runs per naive map (20k takes minutes)"
    )
    parser.add_argument("--sizes", default="1000,5000,20000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        for n in sizes:
            plan, boundaries, eligible = region(n, 120)
            t0 = time.perf_counter()
            ours = campaign_map(
                plan, boundaries, eligible, title=f"benchmark {n}", office=(120.15, 31.06)
            )
            build = time.perf_counter() - t0
            naive = naive_map(boundaries, eligible)
            ours_path, naive_path = Path(tmp) / f"ours_{n}.html", Path(tmp) / f"naive_{n}.html"
            ours_path.write_text(ours, encoding="utf-8")
            naive_path.write_text(naive, encoding="utf-8")
            ours_load, ours_layer = measure(browser, ours_path, ours=True, repeat=args.repeat)
            naive_load, _ = measure(browser, naive_path, ours=False, repeat=args.naive_repeat)
            rows.append(
                (
                    f"{n:,} eligible",
                    ours_path.stat().st_size,
                    build,
                    ours_load,
                    ours_layer,
                    naive_path.stat().st_size,
                    naive_load,
                )
            )
        n = max(sizes)
        plan, boundaries, eligible = region(n, n)
        t0 = time.perf_counter()
        ours = campaign_map(plan, boundaries, eligible, title="benchmark selected")
        build = time.perf_counter() - t0
        ours_path = Path(tmp) / "ours_selected.html"
        ours_path.write_text(ours, encoding="utf-8")
        ours_load, ours_layer = measure(browser, ours_path, ours=True, repeat=args.repeat)
        rows.append(
            (
                f"{n:,} selected + {n:,} eligible",
                ours_path.stat().st_size,
                build,
                ours_load,
                ours_layer,
                None,
                None,
            )
        )
        browser.close()

    print(
        "| layer | ours MB | build s | ours load s | ours load+layer s | naive MB "
        "| naive load s | size ratio | load ratio |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, size, build, load, layer, nsize, nload in rows:
        naive_cols = (
            ("–", "–", "–", "–")
            if nsize is None
            else (
                f"{nsize / 1e6:.2f}",
                f"{nload:.2f}",
                f"{nsize / size:.1f}×",
                f"{nload / layer:.1f}×",
            )
        )
        print(
            f"| {name} | {size / 1e6:.2f} | {build:.2f} | {load:.2f} | {layer:.2f} | "
            + " | ".join(naive_cols)
            + " |"
        )


if __name__ == "__main__":
    main()
