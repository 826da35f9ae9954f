"""The planner's HTML: summary, tables and drawn list, in Chinese or English.

Every value from data that reaches HTML goes through :func:`esc` (firm names can contain
``<script>``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import pandas as pd

from inspectlib import catalogue
from inspectlib.notices import notice_text
from inspectlib.planner.summary import PlannerSummary

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


def planner_words(language: str) -> dict[str, Any]:
    """The planner's words in ``language`` (``catalogue/planner.yaml``); ``factors`` names
    each risk factor of :data:`inspectlib.risk.FACTORS`."""
    return catalogue.words("planner", language)


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
    words = planner_words(language)
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
        hit_text = words[f"hit_{hit.kind}"].format(value=hit.value, low=hit.low, high=hit.high)
        if hit.draw_share is not None:
            hit_text += words["hit_draw"].format(value=hit.draw_share)
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
    words = planner_words(language)
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
    words = planner_words(language)
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
