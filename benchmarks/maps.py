"""Size and load time of the campaign map for 20,000 firms: folium-based, old, naive folium.

In one run, for each size (default 20,000 eligible firms), builds and measures:

* **inspectlib (folium)**: ``inspectlib.maps.campaign_map`` with 120 selected firms, 4 teams'
  routes and the eligible-firm layer (the canvas ``FirmLayer``), saved with
  ``inspectlib.maps.write_html`` (everything inlined);
* **naive folium**: ``folium.Map`` + the town polygons (``folium.GeoJson``) + one
  ``folium.CircleMarker`` per eligible firm, saved the same way (so it opens offline too);

and prints beside them the **old renderer's recorded figures** (the project's own Leaflet
template, removed when the maps moved to folium: 0.41 MB, 0.36 s for the same 20,000-firm
layer; its code is gone, so these are quoted, not measured).

Each file is opened from disk in headless Chromium (Debian's) with every network request
aborted. "load" is from navigation to the ``load`` event plus, for ours, the map's ready flag,
plus two animation frames; "load + layer" adds switching the eligible layer on and two more
frames (the naive map draws every marker during load, so its two columns are the same). A last
row shows ours with 20,000 *selected* firms (popups, strata, search) instead.

Targets (issue 17): size ≤ 0.5 MB and load + layer ≤ 1 s for the 20,000-firm map.

Run: ``.venv/bin/python benchmarks/maps.py [--repeat 3] [--naive-repeat 1] [--sizes 20000]``
(a few minutes: the naive map alone takes most of it).
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
from playwright.sync_api import sync_playwright
from shapely.geometry import box

from inspectlib.htmlcheck import CHROMIUM, CHROMIUM_ARGS
from inspectlib.maps import campaign_map, write_html

OLD_RENDERER = {"size_mb": 0.41, "load_s": 0.36}  # recorded before the move to folium
TARGET_MB, TARGET_S = 0.5, 1.0
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


def naive_map(boundaries: gpd.GeoDataFrame, eligible: pd.DataFrame) -> folium.Map:
    """What a first attempt looks like: default folium, one CircleMarker per firm."""
    m = folium.Map(location=[31.06, 120.15], zoom_start=11, tiles=None)
    folium.GeoJson(boundaries.to_json()).add_to(m)
    for lat, lon in zip(eligible["lat"], eligible["lon"], strict=True):
        folium.CircleMarker([lat, lon], radius=2).add_to(m)
    return m


def measure(browser, path: Path, *, ours: bool, repeat: int) -> tuple[float, float]:
    """Median seconds to load, and to load and draw the eligible layer too."""
    loads, layers = [], []
    for _ in range(repeat):
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        blocked: list[str] = []

        def route(r, blocked=blocked):
            if r.request.url.startswith("file:"):
                return r.continue_()
            blocked.append(r.request.url)
            return r.abort()

        page.route("**/*", route)
        start = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load", timeout=600_000)
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
        if blocked:
            raise RuntimeError(f"{path.name} asked the network for {blocked[:3]}")
        page.close()
    return statistics.median(loads), statistics.median(layers)


def _row(name, firms, size, build, load, layer, checked=True):
    size_mb = size / 1e6 if isinstance(size, int) else size
    ok = (
        ("yes" if size_mb <= TARGET_MB else "NO", "yes" if layer <= TARGET_S else "NO")
        if checked
        else ("–", "–")
    )
    build_s = "–" if build is None else f"{build:.2f}"
    load_s = "–" if load is None else f"{load:.2f}"
    return (name, firms, f"{size_mb:.2f}", build_s, load_s, f"{layer:.2f}", *ok)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per map (median)")
    parser.add_argument("--naive-repeat", type=int, default=1, help="runs per naive map")
    parser.add_argument("--sizes", default="20000", help="eligible firms, comma-separated")
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
            ours_path = write_html(ours, Path(tmp) / f"ours_{n}.html")
            build = time.perf_counter() - t0
            load, layer = measure(browser, ours_path, ours=True, repeat=args.repeat)
            rows.append(
                _row("inspectlib (folium)", f"{n:,}", ours_path.stat().st_size, build, load, layer)
            )
            if n == 20_000:
                rows.append(
                    _row(
                        "old renderer (recorded)",
                        f"{n:,}",
                        OLD_RENDERER["size_mb"],
                        None,
                        None,
                        OLD_RENDERER["load_s"],
                    )
                )
            t0 = time.perf_counter()
            naive_path = write_html(naive_map(boundaries, eligible), Path(tmp) / f"naive_{n}.html")
            build = time.perf_counter() - t0
            load, layer = measure(browser, naive_path, ours=False, repeat=args.naive_repeat)
            rows.append(
                _row(
                    "naive folium (CircleMarker each)",
                    f"{n:,}",
                    naive_path.stat().st_size,
                    build,
                    load,
                    layer,
                )
            )
        n = max(sizes)
        plan, boundaries, eligible = region(n, n)
        t0 = time.perf_counter()
        ours = campaign_map(plan, boundaries, eligible, title="benchmark selected")
        ours_path = write_html(ours, Path(tmp) / "ours_selected.html")
        build = time.perf_counter() - t0
        load, layer = measure(browser, ours_path, ours=True, repeat=args.repeat)
        rows.append(
            _row(
                "inspectlib, all selected (popups, search)",
                f"{n:,} + {n:,}",
                ours_path.stat().st_size,
                build,
                load,
                layer,
                checked=False,
            )
        )
        browser.close()

    print(
        "| map | firms | MB | build s | load s | load + layer s "
        f"| ≤ {TARGET_MB} MB | ≤ {TARGET_S:.0f} s |"
    )
    print("|---|---:|---:|---:|---:|---:|:-:|:-:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
