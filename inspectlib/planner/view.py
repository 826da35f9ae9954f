"""The planner's HTML: summary, tables and drawn list, in Chinese or English.

Every value from data that reaches HTML goes through :func:`esc` (firm names can contain
``<script>``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd

from inspectlib.notices import notice_text
from inspectlib.planner.summary import PlannerSummary
from inspectlib.risk import FACTORS

LIST_COLUMNS = (
    "draw_order",
    "firm_id",
    "name",
    "town",
    "industry",
    "stratum",
    "risk_score",
    "team",
    "reasons",
)

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "campaign": "专项检查",
        "selection": "抽取方式",
        "target": "抽取企业数",
        "share": "纯随机比例",
        "seed": "随机种子",
        "new_seed": "换一个种子",
        "towns": "镇（区）（不选 = 全部）",
        "weights": "专家风险因素权重",
        "export": "保存参数文件",
        "risk_weighted": "按风险加权",
        "top_risk": "风险最高",
        "random": "纯随机",
        "headline": (
            "符合条件企业 <b>{eligible:,}</b> 家（频次控制另排除 {excluded:,} 家）；"
            "抽取 <b>{selected:,}</b> 家：纯随机层 {n_random:,} 家（{pct:.1f}%），"
            "风险层 {n_risk:,} 家；{teams} 个检查组。"
        ),
        "hit_learned": "预期命中率：<b>{value:.1%}</b>（学习模型预测的违法概率平均值）",
        "hit_proxy": (
            "预期命中率：无学习模型。代用指标：抽中企业专家风险分平均 <b>{value:.2f}</b>"
            "（0–1 分值，不是概率）"
        ),
        "base": "；历史随机层违法率 {rate:.1%}（{years} 年 {n} 次随机抽查）",
        "no_base": "；历史记录中没有随机层检查可作比较",
        "error": "无法抽取：",
        "status": "用时 {seconds:.2f} 秒 · 第 {updates} 次更新 · 地图绘制 {maps} 次",
        "stale": "（地图仍为上一次有效抽取）",
        "by_town": "按镇（区）",
        "by_industry": "按行业门类",
        "list": "抽中企业名单（按抽取顺序）",
        "town": "镇（区）",
        "eligible": "符合条件",
        "selected": "抽中",
        "risk": "风险层",
        "coverage": "覆盖率",
        "section": "门类",
        "industry": "行业",
        "draw_order": "序号",
        "firm_id": "信用代码",
        "name": "企业名称",
        "stratum": "抽取层",
        "risk_score": "风险分",
        "team": "检查组",
        "reasons": "原因",
        "written": "已写入 <code>{path}</code>。在 <code>{cwd}</code> 下运行以下命令可复现本次抽取：",
        "not_written": "未保存：",
        "pending": "正在更新…",
        "stop": "。",
    },
    "en": {
        "campaign": "Campaign",
        "selection": "Selection",
        "target": "Firms to draw",
        "share": "Random share",
        "seed": "Seed",
        "new_seed": "New seed",
        "towns": "Towns (none selected = all)",
        "weights": "Expert risk-factor weights",
        "export": "Save params file",
        "risk_weighted": "risk-weighted",
        "top_risk": "highest risk",
        "random": "purely random",
        "headline": (
            "<b>{eligible:,}</b> eligible firms ({excluded:,} more left out by the "
            "frequency cap); <b>{selected:,}</b> drawn: {n_random:,} in the purely random "
            "stratum ({pct:.1f}%), {n_risk:,} risk-weighted; {teams} teams."
        ),
        "hit_learned": (
            "Expected hit rate: <b>{value:.1%}</b> (mean violation probability "
            "predicted by the learned model)"
        ),
        "hit_proxy": (
            "Expected hit rate: no learned model. Proxy: mean expert risk score of the "
            "drawn firms <b>{value:.2f}</b> (0–1 score, not a probability)"
        ),
        "base": "; past random-stratum violation rate {rate:.1%} ({n} random inspections, {years})",
        "no_base": "; no past random-stratum inspections to compare with",
        "error": "No draw: ",
        "status": "{seconds:.2f} s · update {updates} · map drawn {maps}×",
        "stale": " (the map still shows the last valid draw)",
        "by_town": "By town",
        "by_industry": "By industry section",
        "list": "Drawn firms (draw order)",
        "town": "town",
        "eligible": "eligible",
        "selected": "drawn",
        "risk": "risk",
        "coverage": "coverage",
        "section": "section",
        "industry": "industry",
        "draw_order": "#",
        "firm_id": "credit code",
        "name": "name",
        "stratum": "stratum",
        "risk_score": "risk",
        "team": "team",
        "reasons": "reasons",
        "written": "Written <code>{path}</code>. Run this from <code>{cwd}</code> to reproduce "
        "the draw:",
        "not_written": "Not saved: ",
        "pending": "updating…",
        "stop": ".",
    },
}
FACTOR_WORDS = {
    "zh": {
        "complaints": "投诉",
        "past_violation": "既往违法",
        "credit_grade": "信用等级",
        "no_union": "未建工会",
        "large_workforce": "职工人数多",
        "priority_industry": "重点行业",
        "outdoor_work": "户外作业",
        "not_recently_inspected": "久未检查",
    },
    "en": {name: name.replace("_", " ") for name in FACTORS},
}
STYLE = """<style>
.inspectlib-planner table{border-collapse:collapse;font-size:12px}
.inspectlib-planner th,.inspectlib-planner td{border-bottom:1px solid #ddd;padding:2px 6px;
 text-align:left;vertical-align:top}
.inspectlib-planner .num{text-align:right}
.inspectlib-planner-scroll{max-height:340px;overflow:auto}
</style>"""


def esc(value: object) -> str:
    """HTML-escape a value (None and NA become empty)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return html.escape(str(value), quote=True)


def html_table(
    frame: pd.DataFrame, headers: Sequence[str], css: str = "", numeric: Sequence[str] = ()
) -> str:
    """A frame as an HTML table; headers and every cell escaped; each cell carries its
    column name as ``data-col``."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for row in frame.itertuples(index=False):
        cells = "".join(
            f'<td data-col="{esc(col)}"{" class=num" if col in numeric else ""}>{esc(v)}</td>'
            for col, v in zip(frame.columns, row, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<table class="{esc(css)}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}'
        "</tbody></table>"
    )


def summary_html(summary: PlannerSummary, language: str = "zh") -> str:
    """The headline numbers, expected hit rate, risk model and warnings of a summary."""
    words = WORDS[language]
    if summary.draw is None:
        return (
            f'<div class="inspectlib-planner-result" data-error="1" data-draw="" '
            f'data-selected="0"><p style="color:#a40000"><b>{esc(words["error"])}</b>'
            f"{esc(summary.error)}</p></div>"
        )
    draw = summary.draw
    sel = draw.selected
    n_random = int((sel["stratum"] == "random").sum())
    headline = words["headline"].format(
        eligible=summary.eligible,
        excluded=summary.excluded,
        selected=len(sel),
        n_random=n_random,
        pct=100 * n_random / max(len(sel), 1),
        n_risk=len(sel) - n_random,
        teams=draw.teams["team"].nunique(),
    )
    hit = summary.hit_rate
    hit_text = ""
    if hit is not None:
        key = "hit_learned" if hit.kind == "learned" else "hit_proxy"
        hit_text = words[key].format(value=hit.value)
        hit_text += (
            words["base"].format(rate=hit.base_rate, n=hit.base_n, years=esc(hit.base_years))
            if hit.base_rate is not None
            else words["no_base"]
        )
    model = esc(draw.model_report.summary(language).split("\n")[0])
    notes = "".join(f"<li>{esc(notice_text(n, language))}</li>" for n in draw.warnings)
    return (
        f'<div class="inspectlib-planner-result" data-draw="{esc(summary.fingerprint)}" '
        f'data-selected="{len(sel)}" data-eligible="{summary.eligible}" '
        f'data-hit-kind="{esc(hit.kind if hit else "")}">'
        f"<p>{headline}</p><p>{hit_text}{words['stop']}</p><p><i>{model}</i></p>"
        + (f'<ul style="color:#8a5a00">{notes}</ul>' if notes else "")
        + "</div>"
    )


def tables_html(summary: PlannerSummary, language: str = "zh") -> str:
    """Counts by town and by industry section, side by side."""
    if summary.draw is None:
        return ""
    words = WORDS[language]
    town = summary.by_town.assign(
        coverage=(100 * summary.by_town["coverage"]).map("{:.1f}%".format)
    )[["town", "eligible", "selected", "random", "risk", "coverage"]]
    town_t = html_table(
        town,
        [words[c] for c in town.columns],
        "inspectlib-planner-towns",
        numeric=("eligible", "selected", "random", "risk", "coverage"),
    )
    ind = summary.by_industry
    ind_t = html_table(
        ind,
        [words[c] for c in ind.columns],
        "inspectlib-planner-industries",
        numeric=("eligible", "selected"),
    )
    return (
        f'<div style="display:flex;gap:24px;flex-wrap:wrap"><div><h4>'
        f"{esc(words['by_town'])}</h4>{town_t}</div><div><h4>"
        f"{esc(words['by_industry'])}</h4>{ind_t}</div></div>"
    )


def list_html(summary: PlannerSummary, language: str = "zh") -> str:
    """The drawn firms in draw order with their reasons (scrollable)."""
    if summary.draw is None:
        return ""
    words = WORDS[language]
    sel = summary.draw.selected
    team = sel["firm_id"].map(summary.draw.assignments.set_index("firm_id")["team"])
    frame = sel.assign(
        team=team,
        risk_score=sel["risk_score"].map("{:.3f}".format),
        stratum=sel["stratum"].map(lambda s: words.get(s, s)),
        reasons=summary.draw.reasons(language),
    )
    frame = frame[list(LIST_COLUMNS)]
    table = html_table(
        frame,
        [words[c] for c in LIST_COLUMNS],
        "inspectlib-planner-list",
        numeric=("draw_order", "risk_score"),
    )
    return (
        f"<h4>{esc(words['list'])} ({len(sel)})</h4>"
        f'<div class="inspectlib-planner-scroll">{table}</div>'
    )
