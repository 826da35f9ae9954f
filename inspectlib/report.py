"""What the plan report shows: a summary in words, tables, the map, the timetable, the
checklist and the audit. Each function returns an object the notebook displays; every value
from data is HTML-escaped here, in :func:`html_table` and :func:`escape_text`, and nowhere else.
"""

from __future__ import annotations

import html
import io
import logging
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from inspectlib import catalogue
from inspectlib.campaigns import cite
from inspectlib.catalogue import input_warning_table
from inspectlib.industry import section_name
from inspectlib.maps import town_coverage
from inspectlib.notices import Notice, notice_text
from inspectlib.schedule import unscheduled_reason

if TYPE_CHECKING:
    from inspectlib.plan import CampaignPlan


class HTMLBlock:
    """A piece of HTML that Jupyter displays (``_repr_html_``)."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup


def escape_text(value: object) -> str:
    """A value from data as HTML text (missing values become empty)."""
    return html.escape("" if value is None or value is pd.NA else str(value), quote=True)


def synthetic_banner(text: str) -> str:
    """The yellow "synthetic demo data" line every report of made-up data starts with."""
    return f'<p style="background:#fff3cd;padding:6px"><b>{escape_text(text)}</b></p>'


_CELL = re.compile(r"<td>(.*?)</td>", re.DOTALL)
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
TABLE_CSS = """
table.inspectlib-table td, table.inspectlib-table th,
.jp-RenderedHTMLCommon table.inspectlib-table td, .jp-RenderedHTMLCommon table.inspectlib-table th {
  text-align: left; vertical-align: top;
}
table.inspectlib-table td.num, .jp-RenderedHTMLCommon table.inspectlib-table td.num {
  text-align: right;
}
table.inspectlib-table td.date { white-space: nowrap; }
"""
"""Text columns read from the left (Chinese included), numbers from the right, dates never
wrap; the report's export adds this to every page (:data:`PRINT_CSS` too)."""


def html_table(frame: pd.DataFrame) -> str:
    """A frame as an HTML table; every cell and header escaped. Numeric columns get the class
    ``num`` and date cells ``date`` (see :data:`TABLE_CSS`)."""
    markup = frame.to_html(
        index=False, escape=True, na_rep="", border=0, classes="inspectlib-table"
    )
    numeric = [
        pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
        for c in frame.columns
    ]
    return "<tr>".join(_classed_cells(row, numeric) for row in markup.split("<tr>"))


def _classed_cells(row: str, numeric: list[bool]) -> str:
    """The ``<td>`` cells of one table row with their classes: ``num`` in numeric columns,
    ``date`` for a date."""
    columns = iter(numeric)

    def cell(match: re.Match) -> str:
        text, is_number = match.group(1), next(columns, False)
        kind = "date" if _DATE_TEXT.fullmatch(text.strip()) else ("num" if is_number else "")
        return f'<td class="{kind}">{text}</td>' if kind else match.group(0)

    return _CELL.sub(cell, row)


def _words(plan: CampaignPlan) -> dict[str, Any]:
    """The report's words (``report.yaml``) in the plan's language."""
    return catalogue.words("report", plan.params.language)


def summary(plan: CampaignPlan) -> HTMLBlock:
    """The plan in a few sentences, first thing in the report."""
    w = _words(plan)
    selected = plan.draw.selected
    n_random = int((selected["stratum"] == "random").sum())
    dates = pd.to_datetime(plan.schedule.plan["date"]).dt.date
    text = w["summary"].format(
        how=w["how"][plan.params.selection],
        eligible=len(plan.draw.eligible),
        selected=len(selected),
        random=n_random,
        random_pct=100 * n_random / max(len(selected), 1),
        risk=len(selected) - n_random,
        excluded=len(plan.draw.excluded),
        teams=plan.draw.teams["team"].nunique(),
        team_size=plan.params.team_size,
        workdays=len(plan.window.workdays),
        start=plan.window.start,
        end=plan.window.end,
        days=dates.nunique(),
        first=dates.min() if len(dates) else plan.window.start,
        last=dates.max() if len(dates) else plan.window.end,
        km=plan.schedule.route_km,
    )
    parts = [f"<h2>{escape_text(plan.title)}</h2>"]
    if plan.params.synthetic:
        parts.append(synthetic_banner(w["synthetic"]))
    parts.append(f"<p>{escape_text(text)}</p>")
    if len(plan.schedule.unscheduled):
        parts.append(
            f"<p>{escape_text(w['unscheduled'].format(n=len(plan.schedule.unscheduled)))}</p>"
        )
    model = plan.draw.model_report.summary(plan.params.language)
    parts.append(f"<p><i>{escape_text(model)}</i></p>")
    hits = plan.draw.expected
    if hits is not None and hits.n:
        text = w["expected"].format(
            draw=hits.draw, rate=hits.draw / hits.n, top=hits.top_list, rnd=hits.random
        )
        parts.append(f"<p><b>{escape_text(text)}</b></p>")
    return HTMLBlock("\n".join(parts))


def input_warnings(plan: CampaignPlan) -> HTMLBlock:
    """What the loaders flagged in the input files (rows used as they are or as repaired),
    counted by file and kind in the report's language; every line is in audit.json."""
    w = _words(plan)
    table = input_warning_table(plan.inputs.problems.warnings, plan.params.language)
    parts = [f"<h3>{escape_text(w['input_warnings'])}</h3>"]
    if table.empty:
        parts.append(f"<p>{escape_text(w['no_input_warnings'])}</p>")
    else:
        parts.append(f"<p>{escape_text(w['input_warnings_note'])}</p>")
        parts.append(html_table(table))
    return HTMLBlock("\n".join(parts))


def _stratum_words(plan: CampaignPlan, values: pd.Series) -> pd.Series:
    w = _words(plan)
    return values.map(lambda s: w.get(s, s))


def breakdowns(plan: CampaignPlan) -> HTMLBlock:
    """Tables by town (with coverage), industry section and stratum."""
    w = _words(plan)
    lang = plan.params.language
    eligible, selected = plan.draw.eligible, plan.draw.selected
    towns = town_coverage(selected, eligible, sorted(eligible["town"].astype(str).unique()))
    towns["coverage"] = (100 * towns["coverage"]).round(1).astype(str) + "%"
    towns = towns[["town", "eligible", "selected", "coverage"]].rename(
        columns={name: w[name] for name in ("town", "eligible", "selected", "coverage")}
    )
    sections = selected.groupby("industry_section").size().rename(w["selected"]).reset_index()
    sections[w["industry"]] = sections["industry_section"].map(
        lambda s: f"{s} {section_name(s, lang)}".strip() or "—"
    )
    sections = sections[[w["industry"], w["selected"]]]
    strata = (
        selected.groupby("stratum")
        .agg(n=("firm_id", "size"), risk=("risk_score", "mean"))
        .reset_index()
    )
    strata["stratum"] = _stratum_words(plan, strata["stratum"])
    strata = strata.rename(
        columns={"stratum": w["stratum"], "n": w["selected"], "risk": w["mean_risk"]}
    ).round(3)
    return HTMLBlock(
        f"<h3>{escape_text(w['by_town'])}</h3>{html_table(towns)}"
        f"<h3>{escape_text(w['by_industry'])}</h3>{html_table(sections)}"
        f"<h3>{escape_text(w['by_stratum'])}</h3>{html_table(strata)}"
    )


def town_chart(plan: CampaignPlan) -> HTMLBlock:
    """A bar chart of selected firms by town as inline SVG with text kept as text, so Chinese
    labels render with the reader's own fonts (no font files, no network)."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    w = _words(plan)
    counts = plan.draw.selected.groupby(["town", "stratum"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=["random", "risk"], fill_value=0)
    counts.columns = [w["random"], w["risk"]]
    font_log = logging.getLogger("matplotlib.font_manager")
    level = font_log.level
    font_log.setLevel(logging.ERROR)  # the CJK families below are tried in turn; quiet misses
    fonts = ["Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "SimHei", "DejaVu Sans"]
    buffer = io.StringIO()
    with (
        rc_context({"svg.fonttype": "none", "font.family": "sans-serif", "font.sans-serif": fonts}),
        warnings.catch_warnings(),
    ):
        # text stays text in the SVG: the reader's fonts draw the Chinese, not ours
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig = Figure(figsize=(7, 3.2))
        ax = fig.subplots()
        counts.plot.bar(stacked=True, ax=ax, color=["#7b3294", "#e66101"], width=0.75)
        ax.set_xlabel("")
        ax.set_title(w["chart"])
        ax.tick_params(axis="x", labelrotation=30)
        fig.tight_layout()
        # no creation date nor generator in the picture: the same plan gives the same report
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    font_log.setLevel(level)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    return HTMLBlock(f'<div class="inspectlib-chart">{svg}</div>')


def map_frame(
    map_html: str, height: int = 560, heading: str = "", print_svg: str = ""
) -> HTMLBlock:
    """Embed a self-contained map document in the report (an iframe with ``srcdoc``) and,
    for paper, its still picture (``print_svg``, see :mod:`inspectlib.maps.static`), which
    only printing shows (:data:`PRINT_CSS`)."""
    title = f"<h3>{escape_text(heading)}</h3>" if heading else ""
    still = f'<div class="inspectlib-print-map">{print_svg}</div>' if print_svg else ""
    return HTMLBlock(
        f'{title}<iframe class="inspectlib-map" '
        f'srcdoc="{html.escape(map_html, quote=True)}" '
        f'style="width:100%;height:{height}px;border:1px solid #ccc" '
        f'sandbox="allow-scripts"></iframe>{still}'
    )


PRINT_CSS = """
@page { size: A4; margin: 12mm; }
.inspectlib-print-map { display: none; }
@media print {
  iframe.inspectlib-map { display: none !important; }
  .inspectlib-print-map { display: block; page-break-inside: avoid; }
  .inspectlib-print-map svg { width: 100%; height: auto; }
  thead { display: table-header-group; }
  tr { page-break-inside: avoid; }
  h2, h3 { page-break-after: avoid; }
}
"""
"""Paper: A4, the map's still picture instead of the interactive map, table headers repeated
on every page. The report's export adds it with :data:`TABLE_CSS`."""


def plan_map(plan: CampaignPlan, map_html: str) -> HTMLBlock:
    """The campaign map under the report's heading (its still picture for printing)."""
    from inspectlib.maps import campaign_print_map

    svg = campaign_print_map(
        plan.draw.selected, plan.inputs.boundaries, title=plan.title, language=plan.params.language
    )
    return map_frame(map_html, heading=_words(plan)["h_map"], print_svg=svg)


def timetable(plan: CampaignPlan) -> HTMLBlock:
    """Team-day timetable: date, team, members, firms in route order, km (and heat rule)."""
    w = _words(plan)
    visits = plan.schedule.plan.sort_values(["date", "team", "visit_order"])
    days = visits.groupby(["date", "team"], sort=True).agg(
        members=("members", "first"),
        visits=("name", lambda names: " → ".join(str(n) for n in names)),
    )
    km = plan.schedule.team_days.set_index(["date", "team"])["route_km"]
    days[w["km"]] = km.reindex(days.index).round(1)
    if "heat_rule" in visits.columns and plan.params.campaign == "heat":
        rule_column = "heat_rule" if plan.params.language == "zh" else "heat_rule_en"
        days[w["rule"]] = visits.groupby(["date", "team"])[rule_column].first()
    days = days.reset_index()
    days["date"] = pd.to_datetime(days["date"]).dt.strftime("%Y-%m-%d")
    days = days.rename(
        columns={
            "date": w["date"],
            "team": w["team"],
            "members": w["members"],
            "visits": w["visits"],
        }
    )
    parts = [f"<h3>{escape_text(w['h_timetable'])}</h3>", html_table(days)]
    if len(plan.schedule.unscheduled):
        lang = plan.params.language
        missing = plan.schedule.unscheduled[["firm_id", "name", "team", "reason"]]
        missing = missing.assign(
            reason=[
                unscheduled_reason(code, team, lang)
                for code, team in zip(missing["reason"], missing["team"], strict=True)
            ]
        )
        missing = missing[["firm_id", "name", "reason"]].rename(
            columns={"name": w["firm"], "reason": w["reason"]}
        )
        parts.append(html_table(missing))
    return HTMLBlock("\n".join(parts))


def checklist(plan: CampaignPlan) -> HTMLBlock:
    """The campaign's 抽查事项清单: each item, its legal basis (law and article) and what is
    checked, from the campaign table."""
    w = _words(plan)
    zh = plan.params.language == "zh"
    rows = [
        (
            item.title_zh if zh else item.title_en,
            cite(item.basis, plan.params.language),
            item.zh if zh else item.en,
        )
        for item in plan.draw.campaign.checklist
    ]
    frame = pd.DataFrame(rows, columns=[w["c_item"], w["c_basis"], w["c_content"]])
    return HTMLBlock(f"<h3>{escape_text(w['h_checklist'])}</h3>{html_table(frame)}")


def audit_summary(plan: CampaignPlan) -> HTMLBlock:
    """Seed, input hashes, model and the command anyone can use to re-check the draw."""
    w = _words(plan)
    files = [
        (w["kinds"].get(kind, kind), Path(entry["path"]).name, entry["sha256"][:16] + "…")
        for kind, entries in plan.audit["files"].items()
        for entry in entries
    ]
    frame = pd.DataFrame(files, columns=[w["file_kind"], w["file"], "SHA-256"])
    notes = [notice_text(n, plan.params.language) for n in plan_notices(plan)]
    notes_html = "".join(f"<li>{escape_text(n)}</li>" for n in notes)
    return HTMLBlock(
        f"<h3>{escape_text(w['h_audit'])}</h3>"
        f"<p>{escape_text(w['seed'])}{escape_text(w['colon'])}"
        f"<code>{escape_text(plan.params.seed)}</code></p>"
        f"<p>{escape_text(w['files'])}</p>{html_table(frame)}"
        f"<p>{escape_text(w['verify'])}</p><pre>inspectlib verify-draw audit.json</pre>"
        + (f"<h4>{escape_text(w['warnings'])}</h4><ul>{notes_html}</ul>" if notes else "")
    )


def plan_notices(plan: CampaignPlan) -> list[Notice | str]:
    """Everything the planner should read about the plan: the draw's notices, then the
    calendar's and the schedule's (each once, in that order)."""
    return list(dict.fromkeys([*plan.draw.warnings, *plan.schedule.warnings]))
