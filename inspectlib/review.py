"""The campaign results report (总结经验): load what was planned and what was found from
the archive, and show it. Computations live in :mod:`inspectlib.results`; this module wires
them to the archive and turns them into displayable, escaped HTML."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from inspectlib import catalogue, exports, maps, results
from inspectlib.archive import Archive, open_archive
from inspectlib.campaigns import get_campaign
from inspectlib.errors import Both, Message, PlanningError
from inspectlib.geo import read_boundaries
from inspectlib.params import CampaignParams
from inspectlib.register import load_register
from inspectlib.report import HTMLBlock, escape_text, html_table, map_frame, synthetic_banner


@dataclass(frozen=True)
class OfficialDraw:
    """The draw of record of a campaign and year (``inspectlib adopt``)."""

    plan_id: int
    run_folder: str
    audit_sha12: str
    """First 12 hex digits of the sha256 of the run's audit.json."""
    adopted_by: str
    adopted_at: dt.datetime
    replaced: list[tuple[str, str]]
    """``(run folder, reason)`` of each draw that was official before, oldest first."""


@dataclass(frozen=True)
class CampaignReview:
    """A campaign's official draw (from the archive), its findings and the firms involved."""

    params: CampaignParams
    official: OfficialDraw | None
    recorded_plans: int
    draw: pd.DataFrame
    done: pd.DataFrame
    boundaries: gpd.GeoDataFrame
    history: pd.DataFrame
    """The campaign's archived findings up to the report's year, with their strata."""

    @property
    def words(self) -> dict[str, Any]:
        """Labels in the report's language (``catalogue/review.yaml``)."""
        return catalogue.words("review", self.params.language)

    @property
    def title(self) -> str:
        """Campaign, year, 'results'."""
        name = get_campaign(self.params.campaign).name(self.params.language)
        return self.words["title"].format(year=self.params.year, name=name)

    @property
    def report_title(self) -> str:
        """The report's title (its HTML page's title)."""
        return self.title


EMPTY_DRAW = pd.DataFrame(
    {
        "firm_id": pd.Series(dtype=object),
        "draw_order": pd.Series(dtype="int64"),
        "stratum": pd.Series(dtype=object),
        "risk_score": pd.Series(dtype="float64"),
    }
)


def official_draw(archive: Archive, params: CampaignParams) -> tuple[OfficialDraw | None, int]:
    """The official draw of the params' campaign and year (None when none was adopted) and
    the number of plans recorded for them (drafts included)."""
    recorded = archive.plans(params.campaign, params.year)
    adopted = archive.adoptions(params.campaign, params.year)
    if adopted.empty:
        return None, len(recorded)
    last = adopted.iloc[-1]
    replaced = [
        (str(before.run_folder), str(after.reason or ""))
        for before, after in zip(
            adopted.iloc[:-1].itertuples(), adopted.iloc[1:].itertuples(), strict=True
        )
    ]
    return (
        OfficialDraw(
            plan_id=int(last["plan_id"]),
            run_folder=str(last["run_folder"]),
            audit_sha12=str(last["audit_file_sha256"])[:12],
            adopted_by=str(last["adopted_by"]),
            adopted_at=last["adopted_at"].to_pydatetime(),
            replaced=replaced,
        ),
        len(recorded),
    )


def load_review(params: CampaignParams) -> CampaignReview:
    """Read the official draw of the campaign and year (if one was adopted) and the
    campaign's findings from ``params.store``, and the register rows of the firms involved.

    A year without an official draw (a bureau's past campaigns, archived before it used
    inspectlib) is reported from its findings alone.

    Raises
    ------
    PlanningError
        When the params name no archive, or it holds neither an official draw nor any
        finding of this campaign and year.
    """
    if not params.store:
        raise PlanningError(Message("errors.review.no_store"))
    first = params.year - results.POOLED_YEARS + 1
    with open_archive(params.store) as archive:
        official, recorded = official_draw(archive, params)
        draw = archive.draw(official.plan_id) if official else EMPTY_DRAW
        history = archive.findings(params.campaign, range(first, params.year + 1))
        if official is not None:
            plans = archive.plans(params.campaign, params.year).set_index("id")
            _check_official(Path(plans.at[official.plan_id, "audit_path"]))
    this_year = history["inspection_date"].dt.year == params.year
    if official is None and not this_year.any():
        raise PlanningError(
            Message(
                "errors.review.nothing_archived",
                campaign=Both.of(get_campaign(params.campaign).name),
                year=params.year,
                store=params.store,
            )
        )
    boundaries = read_boundaries(params.boundaries)
    needed = set(draw["firm_id"]) | set(history["firm_id"])  # not the whole register
    register = load_register(params.register, boundaries, coords=params.coords, firm_ids=needed)
    done = results.inspections(history, draw, register, params.campaign, params.year)
    return CampaignReview(params, official, recorded, draw, done, boundaries, history)


def _check_official(audit_path: Path) -> None:
    """The official draw must still be what its run recorded: a draw edited in the archive, or
    an audit.json changed since adoption, stops the report (``inspectlib verify-draw`` says
    more). A run folder that was moved away cannot be compared and is let be."""
    from inspectlib.adoption import archive_differences, read_run_audit

    if not audit_path.is_file():
        return
    differences = archive_differences(audit_path, read_run_audit(audit_path.parent))
    if differences:
        raise PlanningError(
            [
                Message("errors.review.draw_changed", run=audit_path.parent),
                *(Message("errors.review.difference", text=line) for line in differences),
                Message("errors.review.check_with", command=f"inspectlib verify-draw {audit_path}"),
            ]
        )


def publication_text(review: CampaignReview) -> str:
    """The publication deadline of the results (一公开) and where it stands, in words."""
    p = review.params
    due = results.publication(
        review.done["inspection_date"], p.publication_workdays, p.results_published_on
    )
    return review.words["publication"][due.status].format(
        deadline=due.deadline,
        last=due.last_inspection,
        published=due.published_on,
        n=p.publication_workdays,
    )


def official_text(review: CampaignReview) -> str:
    """Which draw the report uses, and any draw it replaced, in the report's language."""
    w, official = review.words, review.official
    if official is None:
        return w["no_draw"].format(drafts=review.recorded_plans)
    text = w["official"].format(
        run=official.run_folder,
        sha=official.audit_sha12,
        by=official.adopted_by,
        at=f"{official.adopted_at:%Y-%m-%d %H:%M}",
    )
    for run, reason in official.replaced:
        text += w["replaced"].format(run=run, reason=reason)
    return text


def summary(review: CampaignReview) -> HTMLBlock:
    """Planned versus done, totals, prevalence and targeting lift in words."""
    w, done, lang = review.words, review.done, review.params.language
    firms = done.groupby("planned")["firm_id"].nunique()
    template = w["summary"] if review.official else w["summary_no_draw"]
    text = template.format(
        planned=len(review.draw),
        inspected=int(firms.get(True, 0)) if review.official else done["firm_id"].nunique(),
        outside=int(firms.get(False, 0)),
        violating=done.loc[done["result"] == "violation", "firm_id"].nunique(),
        workers=int(done["workers_affected"].fillna(0).sum()),
        back=results.money(float(done["back_wages_yuan"].sum())),
        fines=results.money(float(done["fine_yuan"].sum())),
    )
    lift = results.targeting_lift(done)
    this_year = lift.random
    pooled = results.pooled_random_stratum(
        review.history, review.params.campaign, review.params.year
    )
    use_pooled = pooled.estimate.n > this_year.n
    parts = [f"<h2>{escape_text(review.title)}</h2>"]
    if review.params.synthetic:
        parts.append(synthetic_banner(w["synthetic"]))
    parts.append(f"<p>{escape_text(text)}</p>")
    parts.append(f"<p><i>{escape_text(official_text(review))}</i></p>")
    parts.append(f"<p><b>{escape_text(publication_text(review))}</b></p>")
    parts.append(f"<p><b>{escape_text(w['prevalence'].format(est=this_year.text(lang)))}</b></p>")
    if use_pooled:
        est = pooled.estimate.text(lang)
        parts.append(
            f"<p><b>{escape_text(w['pooled'].format(est=est, years=pooled.years))}</b></p>"
        )
        lift = results.Lift(risk=lift.risk, random=pooled.estimate)
    rates = {"risk": lift.risk.text(lang), "random": lift.random.text(lang), "years": pooled.years}
    if pd.notna(lift.value):
        words = w["lift_pooled"] if use_pooled else w["lift"]
        parts.append(
            f"<p><b>{escape_text(words.format(lift=f'{lift.value:.2f}', **rates))}</b></p>"
        )
    elif lift.risk.n and lift.random.n:
        parts.append(f"<p>{escape_text(w['lift_zero'].format(**rates))}</p>")
    else:
        parts.append(f"<p>{escape_text(w['lift_na'])}</p>")
    return HTMLBlock("\n".join(parts))


def tables(review: CampaignReview) -> HTMLBlock:
    """Planned versus done and the breakdowns by town, industry and stratum."""
    w, lang = review.words, review.params.language
    blocks = [(w["h_plan"], results.planned_vs_done(review.draw, review.done))]
    blocks += [
        (w[h], results.breakdown(review.done, by, lang))
        for h, by in (
            ("h_town", "town"),
            ("h_industry", "industry_section"),
            ("h_stratum", "stratum"),
        )
    ]
    blocks.append((w["h_team"], results.team_rates(review.done)))
    return HTMLBlock(
        "".join(f"<h3>{escape_text(h)}</h3>{html_table(_shown(t, w))}" for h, t in blocks)
    )


def _shown(table: pd.DataFrame, words: dict[str, Any]) -> pd.DataFrame:
    """A results table as the report shows it: amounts with thousands separators, rates in
    per cent, strata and column names in the report's language."""
    out = table.copy()
    for name in ("back_wages_yuan", "fine_yuan"):
        if name in out:
            out[name] = out[name].map(results.money)
    if "violation rate" in out:
        out["violation rate"] = out["violation rate"].map(
            lambda r: "—" if pd.isna(r) else f"{100 * r:.1f}%"
        )
    if "stratum" in out:
        out["stratum"] = out["stratum"].replace(words["strata"])
    for name in ("rate", "low", "high"):
        if name in out:
            out[name] = out[name].map(lambda r: "—" if pd.isna(r) else f"{100 * r:.1f}%")
    if "flag" in out:
        out["flag"] = out["flag"].replace(words["flags"])
    return out.rename(columns=words["columns"])


def results_maps(review: CampaignReview) -> dict[str, maps.InspectionMap]:
    """The results map (internal) and its public variant, as folium maps."""
    points = results.results_points(review.done)
    common = {
        "title": review.title,
        "tiles": review.params.tiles,
        "synthetic": review.params.synthetic,
        "language": review.params.language,
    }
    return {
        "results_map.html": maps.results_map(points, review.boundaries, **common),
        "results_map_public.html": maps.results_map(
            points, review.boundaries, public=True, **common
        ),
    }


def write_outputs(review: CampaignReview, out_dir: str | Path) -> dict[str, Path]:
    """Write both results maps, ``results.xlsx`` and the public list ``results_public.csv``."""
    out = Path(out_dir)
    written = {name: maps.write_html(m, out / name) for name, m in results_maps(review).items()}
    public = results.public_results(review.done, review.params.language)
    written["results_public.csv"] = exports.write_csv(public, out / "results_public.csv")
    internal = review.done.drop(  # ``date`` repeats ``inspection_date`` for the maps
        columns=["lon", "lat", "imported_at", "source_row", "date"], errors="ignore"
    )
    planned = results.planned_vs_done(review.draw, review.done)
    # a count here, not the inspections' "in the plan" flag: its own header
    sheets = {"planned vs done": planned.rename(columns={"planned": "planned firms"})}
    sheets |= {"inspections": internal, "public list": public}
    written["results.xlsx"] = exports.write_xlsx(
        sheets, out / "results.xlsx", language=review.params.language
    )
    return written


def results_map(review: CampaignReview, html: str) -> HTMLBlock:
    """The results map under its heading."""
    svg = maps.results_print_map(
        results.results_points(review.done),
        review.boundaries,
        title=review.title,
        language=review.params.language,
    )
    return map_frame(html, heading=review.words["h_map"], print_svg=svg)


def public_list(review: CampaignReview) -> HTMLBlock:
    """The 一公开 list: no ids, strata, scores, complaints, amounts or inspector names."""
    public = results.public_results(review.done, review.params.language)
    return HTMLBlock(f"<h3>{escape_text(review.words['h_public'])}</h3>{html_table(public)}")
