"""The campaign results report (总结经验): load what was planned and what was found from
the archive, and show it. Computations live in :mod:`inspectlib.results`; this module wires
them to the archive and turns them into displayable, escaped HTML."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from inspectlib import maps, results
from inspectlib.archive import Archive, open_archive
from inspectlib.campaigns import get_campaign
from inspectlib.errors import PlanningError
from inspectlib.geo import read_boundaries
from inspectlib.inputs import fill_strata
from inspectlib.params import CampaignParams
from inspectlib.register import load_register
from inspectlib.report import HTMLBlock, escape_text, html_table, map_frame, synthetic_banner

WORDS = {
    "zh": {
        "title": "{year} {name} · 检查结果",
        "summary": (
            "计划检查 {planned:,} 家，已检查 {inspected:,} 家（计划外 {outside:,} 家）；发现 {violating:,} 家"
            "存在违法行为，涉及职工 {workers:,} 人，追发工资 {back} 元，罚款 {fines} 元。"
        ),
        "prevalence": "据纯随机层估计，符合条件企业的违法率为 {est}。",
        "pooled": (
            "本年随机层样本较小；合并 {years} 年的随机层检查（假定各年违法率相近），估计为 {est}。"
        ),
        "lift": "风险层违法发现率 {risk}，随机层 {random}：定向抽查效率是随机抽查的 {lift} 倍。",
        "lift_pooled": (
            "风险层违法发现率 {risk}，{years} 年随机层合计 {random}：定向抽查效率是随机"
            "抽查的 {lift} 倍。"
        ),
        "lift_zero": "风险层违法发现率 {risk}；随机层未发现违法（{random}），无法计算倍数。",
        "lift_na": "随机层或风险层没有可比较的检查结果，无法计算定向效率。",
        "h_plan": "计划与完成",
        "h_town": "按镇（区）",
        "h_industry": "按行业门类",
        "h_stratum": "按抽取层",
        "h_team": "各检查组发现率（监督参考：标注的组与其他组差异显著）",
        "h_map": "检查结果地图",
        "h_public": "检查结果公示（一公开）",
        "synthetic": "合成示例数据：本报告中的企业、人员和结果均为虚构。",
        "columns": {
            "stratum": "抽取层",
            "planned": "计划",
            "inspected": "已检查",
            "not inspected": "未检查",
            "town": "镇（区）",
            "industry_section": "行业门类",
            "decided": "有结论",
            "violating": "违法",
            "workers_affected": "涉及职工",
            "back_wages_yuan": "追发工资（元）",
            "fine_yuan": "罚款（元）",
            "violation rate": "违法率",
            "team": "检查组",
            "rate": "发现率",
            "low": "置信区间下限",
            "high": "置信区间上限",
            "flag": "与其他组相比",
        },
        "flags": {"low": "明显偏低", "high": "明显偏高"},
        "strata": {"random": "随机层", "risk": "风险层", "outside plan": "计划外", "total": "合计"},
    },
    "en": {
        "title": "{year} {name} · results",
        "summary": (
            "{planned:,} firms planned, {inspected:,} inspected ({outside:,} outside "
            "the plan); {violating:,} had violations affecting {workers:,} workers; "
            "back wages recovered {back} yuan, fines {fines} yuan."
        ),
        "prevalence": "Estimated from the random stratum, {est} of eligible firms violate.",
        "pooled": (
            "This year's random stratum is small; pooling the random strata of {years} "
            "(assuming the rate changed little) gives {est}."
        ),
        "lift_pooled": (
            "Risk stratum hit rate {risk} against {random} in the random strata of "
            "{years}: targeting finds violations {lift}× as often as random selection."
        ),
        "lift_zero": (
            "Risk stratum hit rate {risk}; the random stratum found no violation ({random}), "
            "so the lift has no finite value."
        ),
        "lift": (
            "Risk stratum hit rate {risk} against the random stratum's {random}: targeting "
            "finds violations {lift}× as often as random selection."
        ),
        "lift_na": "No comparable results in the risk and random strata: lift not available.",
        "h_plan": "Planned and done",
        "h_town": "By town",
        "h_industry": "By industry section",
        "h_stratum": "By stratum",
        "h_team": "Detection rate by team (supervision aid: flagged teams differ clearly from the rest)",
        "h_map": "Results map",
        "h_public": "Public results list (一公开)",
        "synthetic": "SYNTHETIC DEMO DATA: every firm, person and result here is made up.",
        "columns": {
            "industry_section": "industry section",
            "workers_affected": "workers affected",
            "back_wages_yuan": "back wages (yuan)",
            "fine_yuan": "fines (yuan)",
            "rate": "detection rate",
            "low": "CI low",
            "high": "CI high",
            "flag": "against the other teams",
        },
        "flags": {"low": "clearly lower", "high": "clearly higher"},
        "strata": {"risk": "risk-weighted"},
    },
}


@dataclass(frozen=True)
class CampaignReview:
    """A campaign's plan (from the archive), its findings and the register."""

    params: CampaignParams
    plan_id: int
    draw: pd.DataFrame
    done: pd.DataFrame
    boundaries: gpd.GeoDataFrame
    history: pd.DataFrame
    """The campaign's archived findings up to the report's year, with their strata."""

    @property
    def words(self) -> dict[str, Any]:
        """Labels in the report's language."""
        return WORDS[self.params.language]

    @property
    def title(self) -> str:
        """Campaign, year, 'results'."""
        campaign = get_campaign(self.params.campaign)
        name = campaign.name_zh if self.params.language == "zh" else campaign.name_en
        return self.words["title"].format(year=self.params.year, name=name)


def latest_plan_id(params: CampaignParams) -> int:
    """Id of the latest archived plan of the params' campaign and year.

    ``inspectlib report`` calls it before starting a kernel, so a missing plan is one clear
    message and no run folder.

    Raises
    ------
    PlanningError
        When the params name no ``store`` or the archive holds no plan for this campaign
        and year.
    """
    if not params.store:
        raise PlanningError("the results report needs `store` (the archive) in the params")
    with open_archive(params.store) as archive:
        return _latest_plan_id(archive, params)


def _latest_plan_id(archive: Archive, params: CampaignParams) -> int:
    plans = archive.plans(params.campaign, params.year)
    if plans.empty:
        raise PlanningError(
            f"no archived plan for {params.campaign} {params.year} in "
            f"{params.store}: run `inspectlib plan` first"
        )
    return int(plans["id"].max())


def load_review(params: CampaignParams) -> CampaignReview:
    """Read the latest archived plan of the campaign and its findings from ``params.store``.

    Raises
    ------
    PlanningError
        When the archive holds no plan for this campaign and year.
    """
    if not params.store:
        raise PlanningError("the results report needs `store` (the archive) in the params")
    first = params.year - results.POOLED_YEARS + 1
    with open_archive(params.store) as archive:
        plan_id = _latest_plan_id(archive, params)
        draw = archive.draw(plan_id)
        history = archive.findings(params.campaign, range(first, params.year + 1))
        history = fill_strata(history, archive.draw_strata())
    boundaries = read_boundaries(params.boundaries)
    register = load_register(params.register, boundaries, coords=params.coords)
    done = results.inspections(history, draw, register, params.campaign, params.year)
    return CampaignReview(params, plan_id, draw, done, boundaries, history)


def summary(review: CampaignReview) -> HTMLBlock:
    """Planned versus done, totals, prevalence and targeting lift in words."""
    w, done, lang = review.words, review.done, review.params.language
    firms = done.groupby("planned")["firm_id"].nunique()
    text = w["summary"].format(
        planned=len(review.draw),
        inspected=int(firms.get(True, 0)),
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


def results_maps(review: CampaignReview) -> dict[str, str]:
    """The results map (internal) and its public variant, as HTML documents."""
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
    written = {
        name: maps.write_html(html, out / name) for name, html in results_maps(review).items()
    }
    public = results.public_results(review.done, review.params.language)
    tmp = out / ".results_public.csv.tmp"
    public.to_csv(tmp, index=False, encoding="utf-8-sig")
    os.replace(tmp, out / "results_public.csv")
    written["results_public.csv"] = out / "results_public.csv"
    tmp = out / ".tmp-results.xlsx"
    with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
        results.planned_vs_done(review.draw, review.done).to_excel(
            xl, sheet_name="planned vs done", index=False
        )
        internal = review.done.drop(
            columns=["lon", "lat", "imported_at", "source_row"], errors="ignore"
        )
        internal.to_excel(xl, sheet_name="inspections", index=False)
        public.to_excel(xl, sheet_name="public list", index=False)
    os.replace(tmp, out / "results.xlsx")
    written["results.xlsx"] = out / "results.xlsx"
    return written


def results_map(review: CampaignReview, html: str) -> HTMLBlock:
    """The results map under its heading."""
    return map_frame(html, heading=review.words["h_map"])


def public_list(review: CampaignReview) -> HTMLBlock:
    """The 一公开 list: no ids, strata, scores, complaints, amounts or inspector names."""
    public = results.public_results(review.done, review.params.language)
    return HTMLBlock(f"<h3>{escape_text(review.words['h_public'])}</h3>{html_table(public)}")
