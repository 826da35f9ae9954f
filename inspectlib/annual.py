"""The annual summary (年度工作总结): one row per campaign, as in the office's yearly work
report, a short generated paragraph and a map of the year's inspections, all in the params'
language (words in ``catalogue/annual.yaml``)."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from inspectlib import catalogue, exports, maps, results
from inspectlib.archive import open_archive
from inspectlib.campaigns import agency_name, get_campaign
from inspectlib.errors import ParamsError
from inspectlib.geo import read_boundaries
from inspectlib.params import (
    default_store,
    describe_errors,
    namespace_params,
    read_params_file,
    resolve_path,
    resolve_store,
)
from inspectlib.register import load_register
from inspectlib.report import HTMLBlock, escape_text, html_table, map_frame, synthetic_banner
from inspectlib.schema import CAMPAIGN_IDS
from inspectlib.workdays import window_dates

# ``register`` is the contract's name for the firm register; it shadows
# ABCMeta.register on the class, which nothing uses, so pydantic's warning about it is
# silenced while the class is made (and only then).
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message='Field name "register"', category=UserWarning)

    class AnnualParams(BaseModel):
        """Parameters of the annual summary (``params/annual.yaml``)."""

        model_config = ConfigDict(extra="forbid")

        year: int = Field(..., ge=2000, le=2100)
        store: str | None = None  # default: outputs/archive.sqlite beside the params file
        register: Path = Field(...)  # required: the parent class has a "register" attribute
        boundaries: Path
        coords: Literal["wgs84", "gcj02", "bd09"] = "wgs84"
        tiles: Literal["none", "osm", "gaode"] = "none"
        language: Literal["zh", "en"] = "zh"
        synthetic: bool = False
        publication_workdays: int = Field(20, ge=1, le=120)  # results public within (一公开)
        output_dir: Path = Path("outputs/annual")


def validate_annual(raw: dict[str, Any], source: str, base: Path | None) -> AnnualParams:
    """Validate annual-summary params; relative paths are relative to ``base``."""
    try:
        params = AnnualParams.model_validate(raw)
    except ValidationError as exc:
        raise ParamsError(describe_errors(exc, source)) from None
    if base is None:
        return params
    return params.model_copy(
        update={
            "register": resolve_path(params.register, base),
            "boundaries": resolve_path(params.boundaries, base),
            "output_dir": resolve_path(params.output_dir, base),
            "store": resolve_store(params.store, base) if params.store else default_store(base),
        }
    )


def load_annual_params(path: str | Path, overrides: dict | None = None) -> AnnualParams:
    """Read and validate an annual-summary params file."""
    path = Path(path)
    return validate_annual(
        read_params_file(path) | (overrides or {}), str(path), path.resolve().parent
    )


def annual_table(
    findings: pd.DataFrame,
    year: int,
    language: str = "zh",
    windows: Mapping[str, tuple[dt.date, dt.date]] | None = None,
    publication_workdays: int = 20,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """One row per campaign: window (as planned, see :func:`planned_windows`), inspection
    dates (first and last), partner agencies, firms inspected, violations found, workers
    covered, back wages recovered, fines, and when its results are due to be made public
    (:func:`inspectlib.results.publication`)."""
    windows = windows or {}
    words = catalogue.words("annual", language)
    rows = []
    for campaign_id in CAMPAIGN_IDS:
        campaign = get_campaign(campaign_id)
        done = findings[
            (findings["campaign"] == campaign_id) & (findings["inspection_date"].dt.year == year)
        ]
        first, last = done["inspection_date"].min(), done["inspection_date"].max()
        window = windows.get(campaign_id)
        due = results.publication(done["inspection_date"], publication_workdays, today=today)
        rows.append(
            {
                "campaign": campaign.name(language),
                "window": f"{window[0]:%m-%d} – {window[1]:%m-%d}" if window else "—",
                "inspection dates": f"{first:%m-%d} – {last:%m-%d}" if len(done) else "—",
                "partners": words["list_sep"].join(
                    agency_name(agency, language) for agency in campaign.agencies
                ),
                "firms inspected": int(done["firm_id"].nunique()),
                "violations found": int((done["result"] == "violation").sum()),
                "workers covered": int(done["workers_affected"].fillna(0).sum()),
                "back wages (yuan)": float(done["back_wages_yuan"].sum()),
                "fines (yuan)": float(done["fine_yuan"].sum()),
                "results public by": f"{due.deadline:%m-%d}" if due.deadline else "—",
                "publication": words["publication"][due.status],
            }
        )
    table = pd.DataFrame(rows)
    total = {
        "campaign": words["total"],
        "window": "",
        "inspection dates": "",
        "partners": "",
        "results public by": "",
        "publication": "",
    }
    total |= {c: table[c].sum() for c in table.columns if c not in total}
    # a firm inspected in two campaigns is one firm of the year
    of_year = findings[findings["inspection_date"].dt.year == year]
    total["firms inspected"] = int(of_year["firm_id"].nunique())
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)


def paragraph(table: pd.DataFrame, year: int, language: str) -> str:
    """The year in a few sentences in ``language``, generated from the table (in the same
    language: campaign names are taken from it)."""
    body, total = table.iloc[:-1], table.iloc[-1]
    done = body[body["firms inspected"] > 0]
    parts = [
        catalogue.text(
            "annual.year",
            language,
            year=year,
            campaigns=len(done),
            firms=int(total["firms inspected"]),
            violations=int(total["violations found"]),
            workers=int(total["workers covered"]),
            back=results.money(total["back wages (yuan)"]),
        )
    ]
    parts += [
        catalogue.text(
            "annual.campaign",
            language,
            campaign=r["campaign"],
            firms=r["firms inspected"],
            violations=r["violations found"],
        )
        for _, r in done.iterrows()
    ]
    return "".join(parts)


@dataclass(frozen=True)
class AnnualSummary:
    """The year's table, its paragraph (both in the params' language) and the map."""

    table: pd.DataFrame
    text: str
    map_html: str
    map_svg: str = ""
    year: int = 0
    synthetic: bool = False
    language: str = "zh"

    @property
    def report_title(self) -> str:
        """The report's title (its HTML page's title)."""
        return catalogue.text("annual.title", self.language, year=self.year)


def annual_summary(params: AnnualParams) -> AnnualSummary:
    """Build the annual summary from the archived findings of ``params.year``."""
    with open_archive(params.store) as archive:
        findings = archive.findings(years=[params.year])
        windows = planned_windows(archive.plans(year=params.year), params.year)
    boundaries = read_boundaries(params.boundaries)
    register = load_register(
        params.register, boundaries, coords=params.coords, firm_ids=set(findings["firm_id"])
    )
    located = results.with_firms(findings, register)
    title = catalogue.text("annual.map_title", params.language, year=params.year)
    results_map = maps.results_map(
        results.results_points(located),
        boundaries,
        title=title,
        tiles=params.tiles,
        synthetic=params.synthetic,
        language=params.language,
    )
    table = annual_table(
        findings, params.year, params.language, windows, params.publication_workdays
    )
    return AnnualSummary(
        table=table,
        text=paragraph(table, params.year, params.language),
        year=params.year,
        map_html=maps.to_html(results_map),
        map_svg=maps.results_print_map(
            results.results_points(located), boundaries, title=title, language=params.language
        ),
        synthetic=params.synthetic,
        language=params.language,
    )


def planned_windows(plans: pd.DataFrame, year: int) -> dict[str, tuple[dt.date, dt.date]]:
    """Each campaign's window in ``year``: that of its latest archived plan (its params'
    ``window_start``/``window_end`` or the campaign default), or the default with no plan."""
    latest = plans.sort_values("id").drop_duplicates("campaign", keep="last").set_index("campaign")
    out = {}
    for campaign_id in CAMPAIGN_IDS:
        given = latest["params"].get(campaign_id, {}) if len(latest) else {}
        out[campaign_id] = window_dates(
            campaign_id, year, given.get("window_start"), given.get("window_end")
        )
    return out


def show(summary: AnnualSummary) -> HTMLBlock:
    """The summary as report HTML in its language: title, paragraph, the table and the map."""
    words = catalogue.words("annual", summary.language)
    shown = summary.table.copy()
    for column in ("back wages (yuan)", "fines (yuan)"):
        shown[column] = shown[column].map(results.money)
    shown = shown.rename(columns=words["columns"])
    title = words["title"].format(year=summary.year) if summary.year else ""
    heading = f"<h2>{escape_text(title)}</h2>" if title else ""
    banner = synthetic_banner(words["synthetic"]) if summary.synthetic else ""
    return HTMLBlock(
        f"{heading}{banner}<p>{escape_text(summary.text)}</p>{html_table(shown)}"
        + str(map_frame(summary.map_html, print_svg=summary.map_svg))
    )


def annual_params(namespace: dict[str, Any]) -> AnnualParams:
    """Validate the annual notebook's parameters (unknown plain values are errors)."""
    raw, base = namespace_params(namespace, AnnualParams.model_fields)
    return validate_annual(raw, "notebook parameters", base)


def write_outputs(summary: AnnualSummary, out_dir: str | Path) -> dict[str, Path]:
    """Write ``annual_summary.csv`` (headers in the summary's language) and ``annual_map.html``."""
    out = Path(out_dir)
    columns = catalogue.words("annual", summary.language)["columns"]
    table = summary.table.rename(columns=columns)
    return {
        "annual_summary.csv": exports.write_csv(table, out / "annual_summary.csv"),
        "annual_map.html": maps.write_html(summary.map_html, out / "annual_map.html"),
    }
