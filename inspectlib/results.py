"""What a campaign found (汇总归档, 总结经验): planned versus done, results by town, industry
and stratum, the prevalence of violations among eligible firms estimated from the random
stratum, and whether risk targeting beat random selection.

Every function is pure: it takes the archived findings, the archived draw and the register
as frames, and returns frames or small dataclasses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from inspectlib import catalogue
from inspectlib.industry import section_name

DECIDED = ("compliant", "violation")
"""Results that say whether the firm violated: closed, not found and refused do not."""


@dataclass(frozen=True)
class Estimate:
    """A proportion with its confidence interval.

    Attributes
    ----------
    hits, n : int
        Violations found and inspections with a decided result (compliant or violation).
    rate, low, high : float
        Point estimate and Wilson interval (NaN when ``n`` is 0).
    """

    hits: int
    n: int
    rate: float
    low: float
    high: float
    level: float = 0.95

    @classmethod
    def of(cls, hits: int, n: int, level: float = 0.95) -> Estimate:
        """Wilson score interval (``scipy.stats.binomtest``) of ``hits`` out of ``n``."""
        if n == 0:
            return cls(0, 0, float("nan"), float("nan"), float("nan"), level)
        ci = binomtest(int(hits), int(n)).proportion_ci(confidence_level=level, method="wilson")
        return cls(int(hits), int(n), hits / n, float(ci.low), float(ci.high), level)

    def text(self, language: str = "en") -> str:
        """The estimate in words, e.g. ``42.9% (3/7; 95% CI 15.8–75.0%)``."""
        if self.n == 0:
            return catalogue.text("results.estimate.none", language)
        return catalogue.text(
            "results.estimate.value",
            language,
            rate=f"{100 * self.rate:.1f}",
            hits=self.hits,
            n=self.n,
            level=f"{100 * self.level:.0f}",
            low=f"{100 * self.low:.1f}",
            high=f"{100 * self.high:.1f}",
        )

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class Lift:
    """Targeting lift: violation rate of the risk stratum ÷ that of the random stratum."""

    risk: Estimate
    random: Estimate

    @property
    def value(self) -> float:
        """The lift (NaN when either rate is unknown or the random rate is 0)."""
        if self.risk.n == 0 or self.random.n == 0 or self.random.rate == 0:
            return float("nan")
        return self.risk.rate / self.random.rate


def inspections(
    findings: pd.DataFrame, draw: pd.DataFrame, register: pd.DataFrame, campaign: str, year: int
) -> pd.DataFrame:
    """The campaign's inspections joined with the draw (stratum) and the register.

    Parameters
    ----------
    findings : DataFrame
        Archived findings (canonical columns).
    draw : DataFrame
        The campaign's archived draw: ``firm_id``, ``draw_order``, ``stratum``,
        ``risk_score``. Firms inspected without being drawn get stratum ``outside plan``.
    register : DataFrame
        Canonical register, for name, town, industry and location.
    campaign, year : str, int
        Which campaign.

    Returns
    -------
    DataFrame
        One row per inspection, with ``violations`` (number of violation codes) and
        ``planned`` (the firm was in the draw).
    """
    rows = findings[
        (findings["campaign"] == campaign) & (findings["inspection_date"].dt.year == year)
    ].copy()
    strata = draw[["firm_id", "stratum", "risk_score", "draw_order"]]
    given = rows.pop("stratum") if "stratum" in rows else pd.Series(None, index=rows.index)
    rows = rows.merge(strata, on="firm_id", how="left", validate="many_to_one")
    rows["planned"] = rows["stratum"].notna()
    # the archive's stratum (given in the file, or from the official draw) wins
    known = given.astype(object).where(given.notna(), "").astype(str).str.strip()
    known = known.replace("", None).to_numpy()
    rows["stratum"] = pd.Series(known, index=rows.index).fillna(rows["stratum"])
    rows["stratum"] = rows["stratum"].fillna("outside plan")
    rows = with_firms(rows, register)
    return rows.sort_values(["inspection_date", "firm_id"]).reset_index(drop=True)


def with_firms(findings: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """Findings with each firm's name, town, industry section and location from the
    register, ``violations`` (number of violation codes of a violation, else 0) and ``date``
    (the inspection date, as the results maps want it)."""
    firm_columns = ["firm_id", "name", "town", "industry_section", "lon", "lat"]
    rows = findings.merge(register[firm_columns], on="firm_id", how="left", validate="many_to_one")
    codes = rows["violation_codes"].fillna("").astype(str)
    rows["violations"] = codes.map(lambda c: len([x for x in c.split(";") if x.strip()]))
    rows["violations"] = rows["violations"].where(rows["result"] == "violation", 0)
    rows["date"] = rows["inspection_date"]
    return rows


def planned_vs_done(draw: pd.DataFrame, done: pd.DataFrame) -> pd.DataFrame:
    """Per stratum: firms planned, inspected, not (yet) inspected, inspected outside plan."""
    planned = draw.groupby("stratum").size().rename("planned")
    inspected = done[done["planned"]].drop_duplicates("firm_id").groupby("stratum").size()
    table = pd.DataFrame({"planned": planned, "inspected": inspected}).fillna(0).astype(int)
    table["not inspected"] = table["planned"] - table["inspected"]
    outside = int((~done["planned"]).sum())
    if outside:
        table.loc["outside plan"] = [0, outside, 0]
    table.loc["total"] = table.sum()
    return table.rename_axis("stratum").reset_index()


def breakdown(done: pd.DataFrame, by: str, language: str = "zh") -> pd.DataFrame:
    """Inspections, violations, violation rate, workers affected, back wages and fines,
    grouped by ``town``, ``industry_section`` or ``stratum``."""
    frame = done.assign(
        decided=done["result"].isin(DECIDED), violating=done["result"] == "violation"
    )
    table = frame.groupby(by, dropna=False).agg(
        inspected=("firm_id", "size"),
        decided=("decided", "sum"),
        violating=("violating", "sum"),
        workers_affected=("workers_affected", "sum"),
        back_wages_yuan=("back_wages_yuan", "sum"),
        fine_yuan=("fine_yuan", "sum"),
    )
    table["violation rate"] = (
        table["violating"] / table["decided"].where(table["decided"] > 0)
    ).round(3)
    table = table.reset_index()
    if by == "industry_section":
        table[by] = (
            table[by].fillna("").map(lambda s: f"{s} {section_name(s, language)}".strip() or "—")
        )
    return table


def prevalence(done: pd.DataFrame, level: float = 0.95) -> Estimate:
    """Share of eligible firms that violate, estimated from the random stratum only.

    The random stratum is a simple random sample of the eligible firms, so its violation
    rate is an unbiased estimate of the prevalence among them (the risk stratum is not:
    it was chosen for being risky). Closed, not-found and refused inspections carry no
    answer and are left out of the denominator.
    """
    return stratum_rate(done, "random", level)


def stratum_rate(inspections: pd.DataFrame, stratum: str, level: float = 0.95) -> Estimate:
    """Violation rate of the firms of one stratum: each firm counts once a year, by its
    first inspection with a decided result (a follow-up visit is not a second sample)."""
    rows = inspections[(inspections["stratum"] == stratum) & inspections["result"].isin(DECIDED)]
    year = rows["inspection_date"].dt.year.rename("year")
    first = rows.assign(year=year).sort_values("inspection_date", kind="stable")
    first = first.drop_duplicates(["firm_id", "campaign", "year"])
    return Estimate.of(int((first["result"] == "violation").sum()), len(first), level)


POOLED_YEARS = 4
"""Years of random-stratum inspections pooled for the prevalence (this year and 3 before)."""


@dataclass(frozen=True)
class Pooled:
    """The random-stratum violation rate over several years of one campaign."""

    estimate: Estimate
    first: int
    last: int

    @property
    def years(self) -> str:
        """``2024–2027``, or one year."""
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"


def pooled_random_stratum(
    history: pd.DataFrame,
    campaign: str,
    year: int,
    *,
    years: int = POOLED_YEARS,
    level: float = 0.95,
) -> Pooled:
    """Violation rate of the campaign's random-stratum inspections of ``year`` and the
    ``years - 1`` years before it, pooled.

    A 5 % random stratum is a handful of firms a year, so its interval is wide; pooling the
    random strata of recent years narrows it, assuming the prevalence changed little
    (the report says so). ``history`` is the archived findings with their strata (see
    :meth:`inspectlib.archive.Archive.findings`).
    """
    since = year - years + 1
    day = history["inspection_date"].dt.year
    rows = history[(history["campaign"] == campaign) & day.between(since, year)]
    sampled = rows[(rows["stratum"] == "random") & rows["result"].isin(DECIDED)]
    found = sorted(set(sampled["inspection_date"].dt.year))
    estimate = stratum_rate(rows, "random", level)
    return Pooled(estimate, found[0] if found else year, found[-1] if found else year)


def targeting_lift(done: pd.DataFrame, level: float = 0.95) -> Lift:
    """Risk stratum hit rate against the random stratum's: above 1 means targeting works."""
    return Lift(risk=stratum_rate(done, "risk", level), random=stratum_rate(done, "random", level))


PUBLIC_COLUMNS = ("name", "town", "industry", "inspection_date", "result", "rectification_due")
PUBLIC_HEADERS = {
    language: catalogue.words("results", language)["public_headers"]
    for language in catalogue.LANGUAGES
}
"""Headers of the public results list as people read it (results_public.csv, the report)."""


@dataclass(frozen=True)
class Publication:
    """When the results of a campaign must be made public (一公开) and whether they were.

    ``status`` is ``none`` (nothing inspected yet), ``due`` (deadline not passed), ``late``
    (passed, not published), ``published`` or ``published_late``.
    """

    last_inspection: dt.date | None
    deadline: dt.date | None
    published_on: dt.date | None
    status: str


def publication(
    inspection_dates: pd.Series,
    workdays: int = 20,
    published_on: dt.date | None = None,
    today: dt.date | None = None,
) -> Publication:
    """The publication deadline: ``workdays`` workdays (Chinese calendar) after the last
    inspection of the campaign, and where things stand ``today``.

    Examples
    --------
    >>> dates = pd.Series(pd.to_datetime(["2025-08-20", "2025-09-12"]))
    >>> publication(dates, 20, today=dt.date(2025, 10, 1)).status
    'due'
    >>> publication(dates, 20, today=dt.date(2025, 11, 1)).status
    'late'
    """
    from inspectlib.workdays import add_workdays

    today = today or dt.date.today()
    if not len(inspection_dates.dropna()):
        return Publication(None, None, published_on, "none")
    last = pd.Timestamp(inspection_dates.max()).date()
    deadline = add_workdays(last, workdays)
    if published_on is not None:
        status = "published" if published_on <= deadline else "published_late"
    else:
        status = "due" if today <= deadline else "late"
    return Publication(last, deadline, published_on, status)


def public_results(done: pd.DataFrame, language: str = "zh") -> pd.DataFrame:
    """The 一公开 results list: firm name, town, industry, date, result, rectification date.

    No firm ids, strata, risk scores, complaint counts, amounts, notes or inspector names.
    """
    table = pd.DataFrame(
        {
            "name": done["name"],
            "town": done["town"],
            "industry": done["industry_section"]
            .fillna("")
            .map(lambda s: section_name(s, language) or "—"),
            "inspection_date": done["inspection_date"].dt.strftime("%Y-%m-%d"),
            "result": done["result"].map(catalogue.words("results", language)["public_results"]),
            "rectification_due": done["rectification_due"].dt.strftime("%Y-%m-%d").fillna(""),
        }
    )
    table = table[list(PUBLIC_COLUMNS)].sort_values(["town", "name"]).reset_index(drop=True)
    return table.rename(columns=PUBLIC_HEADERS[language])


def results_points(done: pd.DataFrame) -> pd.DataFrame:
    """The inspected firms as the results map wants them (located firms only)."""
    located = done[done["lon"].notna() & done["lat"].notna()]
    return located[["firm_id", "name", "town", "lon", "lat", "result", "violations", "date"]]


def money(value: float) -> str:
    """Yuan with thousands separators, e.g. ``1,234,500``."""
    return f"{value:,.0f}" if np.isfinite(value) else "—"


TEAM_ALPHA = 0.05
"""Family-wise error rate of the outlying-team flags (Bonferroni over the teams)."""


def team_rates(done: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Detection rate of each inspection team, with its interval, and the teams far from the rest.

    Detection rates differ by team (in one city's data inspector groups found critical
    violations in 2.6 %–43 % of visits), which is why the learned risk model treats the team
    as a nuisance effect. As a supervision aid, each team's violations among its decided
    inspections are tested against the rate of all *other* teams (exact binomial test,
    Bonferroni over the teams at :data:`TEAM_ALPHA`): ``flag`` is ``"low"`` or ``"high"``
    for a team far from the rest, ``""`` otherwise. Teams visiting riskier or safer firms
    differ for that reason too, so a flag is a prompt to look, not a verdict.

    Parameters
    ----------
    done : DataFrame
        Inspections with ``team`` and ``result`` (e.g. :func:`inspections`).
    level : float
        Confidence level of the Wilson intervals.

    Returns
    -------
    DataFrame
        ``team``, ``decided``, ``violating``, ``rate``, ``low``, ``high``, ``flag``; one row
        per team (``—`` for inspections with no team recorded), by team name.

    Examples
    --------
    >>> done = pd.DataFrame({"team": ["A"] * 40 + ["B"] * 40,
    ...                      "result": ["violation"] * 2 + ["compliant"] * 38
    ...                      + ["violation"] * 30 + ["compliant"] * 10})
    >>> team_rates(done)[["team", "decided", "violating", "flag"]]
      team  decided  violating  flag
    0    A       40          2   low
    1    B       40         30  high
    """
    cols = ["team", "decided", "violating", "rate", "low", "high", "flag"]
    if "team" not in done or done.empty:
        return pd.DataFrame(columns=cols)
    team = done["team"].fillna("").astype(str).str.strip().replace("", "—")
    decided = done["result"].isin(DECIDED)
    frame = pd.DataFrame(
        {"team": team[decided], "violating": done["result"][decided] == "violation"}
    )
    table = frame.groupby("team").agg(decided=("violating", "size"), violating=("violating", "sum"))
    table = table.reset_index()
    total_n, total_v = int(table["decided"].sum()), int(table["violating"].sum())
    rows = []
    for rec in table.itertuples(index=False):
        est = Estimate.of(int(rec.violating), int(rec.decided), level)
        rest_n, rest_v = total_n - rec.decided, total_v - rec.violating
        flag = ""
        if rest_n > 0 and len(table) > 1:
            rest_rate = rest_v / rest_n
            test = binomtest(
                int(rec.violating), int(rec.decided), min(max(rest_rate, 1e-9), 1 - 1e-9)
            )
            if test.pvalue < TEAM_ALPHA / len(table):
                flag = "low" if est.rate < rest_rate else "high"
        rows.append((rec.team, est.n, est.hits, est.rate, est.low, est.high, flag))
    return pd.DataFrame(rows, columns=cols)
