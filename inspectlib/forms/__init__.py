"""Printable field documents of a campaign plan, as DOCX (Word or WPS) in the plan's language:

- ``routes.docx``: one section per team and workday (visits in route order, planned arrival,
  distance, members with credential numbers);
- ``notices.docx``: the 随机抽查告知书, one page per drawn firm;
- ``records.docx``: the 检查记录表, one per drawn firm, with every checklist item and its
  legal basis (law and article) from the campaign table.

A4, 宋体 (SimSun) for East Asian text, header rows repeated on every page; every value from
data is plain text in runs (control characters that XML cannot hold are dropped).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from inspectlib.forms._docx import plain, save
from inspectlib.forms.notices import notices_document
from inspectlib.forms.records import checklist_rows, records_document
from inspectlib.forms.routes import (
    DAY_START,
    SPEED_KMH,
    VISIT_MINUTES,
    arrival_times,
    routes_document,
)

if TYPE_CHECKING:
    from inspectlib.plan import CampaignPlan

__all__ = [
    "DAY_START",
    "SPEED_KMH",
    "VISIT_MINUTES",
    "arrival_times",
    "checklist_rows",
    "notices_document",
    "plain",
    "records_document",
    "routes_document",
    "write_forms",
]

FORMS = {
    "routes.docx": routes_document,
    "notices.docx": notices_document,
    "records.docx": records_document,
}


def write_forms(plan: CampaignPlan, out_dir: str | Path) -> dict[str, Path]:
    """Write the three field documents into ``out_dir`` (created if needed), each to a
    temporary name first and then renamed.

    Returns
    -------
    dict
        ``{"forms/routes.docx": path, ...}``: the run-folder name of each file and its path.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return {f"forms/{name}": save(build(plan), folder / name) for name, build in FORMS.items()}
