"""Build the whole synthetic demo region into a folder."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from inspectlib.demo import files, vocab
from inspectlib.demo.history import build_findings
from inspectlib.demo.people import add_conflicts, build_roster
from inspectlib.demo.weather import build_weather
from inspectlib.demo.world import CAMPAIGNS, build_firms, build_towns, build_warning_points
from inspectlib.errors import Message, ParamsError

log = logging.getLogger(__name__)

MIN_FIRMS = 500
MAX_FIRMS = 2_000_000


@dataclass(frozen=True)
class DemoRegion:
    """What :func:`build_demo_region` wrote: the path of every file and a few counts.

    Attributes
    ----------
    out_dir : Path
        The folder.
    boundaries : Path
        ``boundaries.geojson``: town polygons (WGS-84), properties ``镇区``, ``代码``, ``note``.
    register : Path
        ``register.csv``: GBK, Chinese headers, coordinates in GCJ-02 (see ``coords``).
    roster : Path
        ``roster.xlsx``: title in row 1, headers in row 2.
    findings : tuple of Path
        One file per past year, oldest first (XLSX Chinese, XLSX English, UTF-8-BOM CSV).
    truth : Path
        ``truth.parquet``: hidden violation probabilities per firm and campaign.
    weather : Path
        ``weather.csv``: ``date,tmax_c`` for June–September of ``plan_year``.
    warning_points : Path
        ``warning_points.csv``: ``name,town,lon,lat`` (WGS-84).
    readme : Path
        ``README.txt``.
    seed, plan_year : int
        Inputs of the build.
    coords : str
        Datum of the register's coordinates (``"gcj02"``).
    n_firms, n_towns, n_inspectors, n_findings, n_warning_points : int
        Row counts of the files.
    """

    out_dir: Path
    boundaries: Path
    register: Path
    roster: Path
    findings: tuple[Path, ...]
    truth: Path
    weather: Path
    warning_points: Path
    readme: Path
    seed: int
    plan_year: int
    coords: str
    n_firms: int
    n_towns: int
    n_inspectors: int
    n_findings: int
    n_warning_points: int

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file written, in a fixed order."""
        return (
            self.boundaries,
            self.register,
            self.roster,
            *self.findings,
            self.truth,
            self.weather,
            self.warning_points,
            self.readme,
        )


def _last_inspected(
    rng: np.random.Generator, firms: pd.DataFrame, findings: pd.DataFrame, plan_year: int
) -> pd.Series:
    """The register's 上次检查日期: mostly the latest demo finding, some older, some blank."""
    latest = findings.groupby("firm")["inspection_date"].max()
    out = pd.Series(pd.NaT, index=firms.index, dtype="datetime64[ns]")
    out[latest.index] = latest.to_numpy()
    n = len(firms)
    out[rng.random(n) < 0.1] = pd.NaT  # the register lags behind the findings
    older = out.isna() & (rng.random(n) < 0.12)
    start = pd.Timestamp(plan_year - 8, 1, 1)
    span = (pd.Timestamp(plan_year - 3, 1, 1) - start).days
    out[older] = start + pd.to_timedelta(rng.integers(0, span, int(older.sum())), unit="D")
    return out


def _readme(
    region_counts: dict[str, int],
    seed: int,
    plan_year: int,
    prevalence: dict[str, float],
    years: list[int],
) -> str:
    codes = "\n".join(f"  {code}  {zh}  ({en})" for code, (zh, en) in vocab.VIOLATION_CODES.items())
    prev = "\n".join(f"  {c}: {p:.3f}" for c, p in prevalence.items())
    towns = "、".join(t.name for t in vocab.TOWNS)
    return f"""SYNTHETIC DEMO DATA — 合成示例数据，非真实数据
=================================================

Everything in this folder is invented by inspectlib.demo.build_demo_region
(seed {seed}, plan year {plan_year}). The towns, firms, people, phone numbers and
inspection results do not exist. Industry codes are real GB/T 4754-2017 codes; the
county code {vocab.COUNTY_CODE} and the town names are fictional.

Region: 10 towns/districts ({towns}) tiling a jittered area of about 40 x 30 km round
lon {vocab.CENTRE_LON}, lat {vocab.CENTRE_LAT} (a Voronoi tessellation of 10 seed points).

Files
-----
boundaries.geojson   town polygons, WGS-84; properties 镇区, 代码, note
register.csv         {region_counts["firms"]} firms, GBK, Chinese headers; 经度/纬度 in GCJ-02
                     (the datum registers usually arrive in). About 1% have no coordinates,
                     0.5% list a neighbouring town (out-of-date register), 0.3% have a wrong
                     USCC check character (old codes). Extra columns 法定代表人, 联系电话 (fake
                     numbers 1380000xxxx). 从业人数 sometimes "120人"; 户外作业 as 是/否 or Y/N;
                     上次检查日期 as 2025-03-04, 2025/3/4 or 2025年3月4日.
roster.xlsx          {region_counts["inspectors"]} inspectors of 8 agencies; title row 1, headers row 2.
findings_{years[0]}.xlsx   Chinese headers and values (合规/违法/..., 企业工资专项检查/...)
findings_{years[1]}.xlsx   English canonical headers and values
findings_{years[2]}.csv    UTF-8 with BOM, Chinese headers, English values
                     {region_counts["findings"]} inspections in all. Extra column `stratum`: "random"
                     (~10%, drawn uniformly) or "risk" (drawn with probability rising with a
                     noisy view of the hidden risk: the findings are a biased sample on purpose).
                     Firms found compliant are not drawn again within 12 months.
truth.parquet        hidden per-firm violation probabilities p_wage, p_illegal_employment,
                     p_heat, p_service_sector: score targeting against these, never train on them.
weather.csv          date,tmax_c for June–September {plan_year} (UTF-8), southern-Jiangsu-like.
warning_points.csv   {region_counts["points"]} labour-relations early-warning points (name,town,lon,lat; WGS-84).

How the hidden risk was made
----------------------------
Each firm has observable features (industry, size, ownership, union, outdoor work,
complaints, credit grade) and a hidden integrity score that also drives its complaints and
credit grade. The probability of a violation per campaign is a logistic function of the
features, the hidden score and campaign-specific noise, shifted so that the mean over all
firms is:
{prev}

Violation codes
---------------
{codes}
"""


def _team_labels(
    rng: np.random.Generator, findings: pd.DataFrame, roster: pd.DataFrame
) -> pd.Series:
    """Past team labels as inspectors write them: the members' ids joined by ``+``
    (two inspectors per team), one fixed pair per campaign team."""
    ids = roster["inspector_id"].to_numpy(dtype=object)
    labels = {}
    keys = zip(findings["year"], findings["campaign"], findings["team"], strict=True)
    for key in sorted(set(keys)):
        pair = np.sort(rng.choice(ids, 2, replace=False))
        labels[key] = "+".join(pair)
    keys = zip(findings["year"], findings["campaign"], findings["team"], strict=True)
    return pd.Series([labels[k] for k in keys], index=findings.index, dtype=object)


def build_demo_region(
    out_dir: Path, seed: int = 2027, n_firms: int = 20_000, plan_year: int = 2027
) -> DemoRegion:
    """Build the synthetic demo region (clearly labelled SYNTHETIC) into ``out_dir``.

    The same ``seed``, ``n_firms`` and ``plan_year`` always give the same data; the register
    CSV is byte-identical between builds.

    Parameters
    ----------
    out_dir : Path
        Folder to write into (created if needed; files of an earlier build are replaced).
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    n_firms : int
        Number of firms in the register (500 to 2,000,000).
    plan_year : int
        Year being planned: findings cover the three years before it, weather is its
        summer, roster availability falls in it.

    Returns
    -------
    DemoRegion
        Paths of the files written and their row counts.

    Raises
    ------
    ParamsError
        If ``n_firms`` is outside 500–2,000,000 or ``plan_year`` outside 2000–2100.

    Examples
    --------
    >>> region = build_demo_region(Path("outputs/demo/inputs"), n_firms=2000)  # doctest: +SKIP
    >>> region.register.name, region.coords  # doctest: +SKIP
    ('register.csv', 'gcj02')
    """
    if not MIN_FIRMS <= n_firms <= MAX_FIRMS:
        raise ParamsError(
            Message("errors.demo.n_firms", low=MIN_FIRMS, high=MAX_FIRMS, value=repr(n_firms))
        )
    if not 2000 <= plan_year <= 2100:
        raise ParamsError(Message("errors.demo.plan_year", value=repr(plan_year)))
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # independent streams, so that changing one part leaves the others as they were
    (r_towns, r_firms, r_history, r_register, r_roster, r_weather, r_points) = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(7)
    )

    towns = build_towns(r_towns)
    firms = build_firms(r_firms, towns, n_firms)
    findings = build_findings(r_history, firms, plan_year)
    roster = build_roster(r_roster, towns, plan_year)
    weather = build_weather(r_weather, plan_year)
    points = build_warning_points(r_points, towns, firms)
    last = _last_inspected(r_register, firms, findings, plan_year)
    roster = add_conflicts(
        np.random.default_rng(np.random.SeedSequence(seed).spawn(9)[8]), roster, firms
    )
    r_teams = np.random.default_rng(np.random.SeedSequence(seed).spawn(8)[7])
    findings["team"] = _team_labels(r_teams, findings, roster)

    years = sorted(findings["year"].unique().tolist())
    findings_paths = []
    for year, style in zip(years, ("zh", "en", "zh_headers"), strict=True):
        table = files.findings_table(findings[findings["year"] == year], style)
        if style == "zh_headers":
            findings_paths.append(files.write_findings_csv(table, out / f"findings_{year}.csv"))
        else:
            findings_paths.append(files.write_findings_xlsx(table, out / f"findings_{year}.xlsx"))
    truth = firms[["firm_id", *(f"p_{c}" for c in CAMPAIGNS)]]
    prevalence = {c: float(truth[f"p_{c}"].mean()) for c in CAMPAIGNS}
    counts = {
        "firms": len(firms),
        "inspectors": len(roster),
        "findings": len(findings),
        "points": len(points),
    }
    region = DemoRegion(
        out_dir=out,
        boundaries=files.write_boundaries(towns, out / "boundaries.geojson"),
        register=files.write_register(
            files.register_table(firms, last, r_register), out / "register.csv"
        ),
        roster=files.write_roster(roster, out / "roster.xlsx", plan_year),
        findings=tuple(findings_paths),
        truth=files.write_parquet(truth, out / "truth.parquet"),
        weather=files.write_csv(weather, out / "weather.csv", float_format="%.1f"),
        warning_points=files.write_csv(points, out / "warning_points.csv", float_format="%.6f"),
        readme=files.write_text(
            _readme(counts, seed, plan_year, prevalence, years), out / "README.txt"
        ),
        seed=seed,
        plan_year=plan_year,
        coords="gcj02",
        n_firms=len(firms),
        n_towns=len(towns),
        n_inspectors=len(roster),
        n_findings=len(findings),
        n_warning_points=len(points),
    )
    log.info(
        "synthetic demo region (seed %d, %d firms) written to %s in %.1f s",
        seed,
        len(firms),
        out,
        time.perf_counter() - started,
    )
    return region
