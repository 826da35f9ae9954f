"""Real-browser fixtures: Debian's Chromium driven by Playwright, network blocked."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Polygon

from inspectlib.htmlcheck import CHROMIUM, CHROMIUM_ARGS

SCREENSHOTS = Path(__file__).resolve().parents[2] / "outputs" / "browser"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole session (``make test`` installs Debian's)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs it")
    from playwright import sync_api

    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        yield instance
        instance.close()


@dataclass
class OpenedMap:
    """A map page opened from a file with every non-``file:`` request aborted."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def open_map(browser, tmp_path) -> Iterator[Callable[..., OpenedMap]]:
    """Write an HTML string to a file and open it; wait until the map script is ready."""
    pages = []

    def _open(html: str, name: str = "map.html", *, viewport=(1280, 800)) -> OpenedMap:
        path = tmp_path / name
        path.write_text(html, encoding="utf-8")
        page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        pages.append(page)
        opened = OpenedMap(page)
        page.on(
            "console", lambda m: opened.console_errors.append(m.text) if m.type == "error" else None
        )
        page.on("pageerror", lambda e: opened.page_errors.append(str(e)))

        def on_dialog(dialog):
            opened.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)

        def route(r):
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                opened.blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function("window.inspectlibMap && window.inspectlibMap.ready", timeout=10_000)
        return opened

    yield _open
    for page in pages:
        page.close()


def demo_region(
    n_eligible: int = 2000, n_selected: int = 120, n_teams: int = 4, per_day: int = 5, seed: int = 7
) -> dict[str, object]:
    """A small synthetic city: 10 towns, eligible firms, a plan with teams and routes."""
    rng = np.random.default_rng(seed)
    names, geoms, centres = [], [], []
    for i in range(5):
        for j in range(2):
            x0, y0 = 120.30 + i * 0.06, 31.50 + j * 0.055
            wobble = rng.uniform(-0.004, 0.004, 8)
            ring = [
                (x0, y0),
                (x0 + 0.03, y0 + wobble[0]),
                (x0 + 0.06, y0),
                (x0 + 0.06 + wobble[1], y0 + 0.028),
                (x0 + 0.06, y0 + 0.055),
                (x0 + 0.03, y0 + 0.055 + wobble[2]),
                (x0, y0 + 0.055),
                (x0 + wobble[3], y0 + 0.028),
            ]
            geoms.append(Polygon(ring))
            names.append(
                ["城东", "城西", "新港", "青山", "白塔", "河口", "临湖", "石桥", "高新", "南湾"][
                    i * 2 + j
                ]
                + ("区" if (i + j) % 3 == 0 else "镇")
            )
            centres.append((x0 + 0.03, y0 + 0.0275))
    boundaries = gpd.GeoDataFrame(
        {"town": names, "code": [f"3202{k:02d}" for k in range(10)]},
        geometry=geoms,
        crs="EPSG:4326",
    )
    weights = rng.uniform(0.3, 1.5, 10)
    town = rng.choice(10, n_eligible, p=weights / weights.sum())
    cx = np.array([c[0] for c in centres])[town]
    cy = np.array([c[1] for c in centres])[town]
    eligible = pd.DataFrame(
        {
            "firm_id": [f"91320{k:013d}" for k in range(n_eligible)],
            "town": np.array(names)[town],
            "lon": cx + rng.normal(0, 0.008, n_eligible).clip(-0.024, 0.024),
            "lat": cy + rng.normal(0, 0.007, n_eligible).clip(-0.022, 0.022),
        }
    )
    picked = eligible.sample(n_selected, random_state=seed).reset_index(drop=True)
    n = len(picked)
    # Teams work in neighbouring towns; visits of a day go round in angle order.
    team_no = (picked["lon"].rank(method="first").to_numpy() - 1) * n_teams // n
    picked["team"] = [f"T{int(t) + 1:02d}" for t in team_no]
    office = (120.45, 31.555)
    picked["angle"] = np.arctan2(picked["lat"] - office[1], picked["lon"] - office[0])
    picked = picked.sort_values(["team", "angle"]).reset_index(drop=True)
    picked["day"] = picked.groupby("team").cumcount() // per_day
    picked["date"] = pd.Timestamp("2025-01-06") + pd.to_timedelta(
        picked["day"] + 2 * (picked["day"] // 5), unit="D"
    )
    picked["visit_order"] = picked.groupby(["team", "day"]).cumcount() + 1
    stratum = np.where(rng.random(n) < 0.3, "random", "risk")
    plan = pd.DataFrame(
        {
            "firm_id": picked["firm_id"],
            "name": [f"示例{k:03d}制造有限公司" for k in range(n)],
            "town": picked["town"],
            "industry": rng.choice(["C 制造业", "E 建筑业", "H 住宿和餐饮业", "G 交通运输"], n),
            "lon": picked["lon"],
            "lat": picked["lat"],
            "stratum": stratum,
            "risk_score": np.where(
                stratum == "risk", rng.uniform(0.4, 1.0, n), rng.uniform(0, 0.5, n)
            ).round(3),
            "reasons": np.where(
                stratum == "risk", "3 complaints in 12 months: +0.8; no union: +0.3", "random draw"
            ),
            "complaints_12m": rng.integers(0, 5, n),
            "team": pd.array(picked["team"], dtype="string"),
            "members": "检查员甲, 检查员乙",
            "date": picked["date"],
            "visit_order": pd.array(picked["visit_order"], dtype="Int64"),
        }
    )
    warning_points = eligible.sample(12, random_state=seed + 1)[["town", "lon", "lat"]].assign(
        name=[f"预警点{k}" for k in range(12)]
    )
    return {
        "plan": plan,
        "boundaries": boundaries,
        "eligible": eligible,
        "office": office,
        "warning_points": warning_points,
    }


@pytest.fixture(scope="session")
def make_region() -> Callable[..., dict[str, object]]:
    """The :func:`demo_region` builder, for tests that need their own size."""
    return demo_region


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """``outputs/browser/`` of the repository, created on first use."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
