"""``records.docx``: the 检查记录表, one per drawn firm: every checklist item of the campaign
with its legal basis and boxes for 合规 / 违法 / 不适用, findings, the rectification deadline
and signatures of the inspectors and the inspected unit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docx.document import Document
from docx.table import Table

from inspectlib import catalogue
from inspectlib.campaigns import cite
from inspectlib.forms import _docx
from inspectlib.forms._data import day_text, firms_in_visit_order, team_members
from inspectlib.forms.notices import campaign_name, team_text

if TYPE_CHECKING:
    from inspectlib.plan import CampaignPlan

BOX = "☐"


def checklist_rows(plan: CampaignPlan) -> list[tuple[str, ...]]:
    """One row per checklist item: number, item, what is checked, legal basis, three empty
    boxes and an empty findings cell."""
    language = plan.params.language
    rows = []
    for n, item in enumerate(plan.draw.campaign.checklist, start=1):
        title = item.title_zh if language == "zh" else item.title_en
        content = item.zh if language == "zh" else item.en
        rows.append((str(n), title, content, cite(item.basis, language), BOX, BOX, BOX, ""))
    return rows


def records_document(plan: CampaignPlan) -> Document:
    """One 检查记录表 per drawn firm, each starting on a new page, in visit order."""
    language = plan.params.language
    w = catalogue.words("forms", language)
    output = _docx.new_document(language)
    document = _docx.new_document(language)  # one firm's page, then moved into output
    members = team_members(plan)
    checks = checklist_rows(plan)
    template: Table | None = None  # the checklist table, built once, copied for each firm
    for i, firm in enumerate(firms_in_visit_order(plan).itertuples(index=False)):
        _docx.text(
            document, w["record_title"], bold=True, size=18, center=True, page_break_before=i > 0
        )
        _docx.text(document, f"{plan.params.year} {campaign_name(plan)}", center=True)
        if plan.params.synthetic:
            _docx.text(document, w["synthetic"], bold=True)
        team = members.get(_docx.plain(firm.team), [])
        inspectors = w["list_sep"].join(
            w["inspector_credential"].format(name=name, credential=credential)
            if credential
            else name
            for name, _, credential in team
        )
        rows = [
            (w["field_firm"], firm.name),
            (w["field_firm_id"], firm.firm_id),
            (w["field_address"], firm.address),
            (w["field_date"], day_text(firm.date, language)),
            (w["field_team"], team_text(plan, firm.team, members)),
            (w["field_inspectors"], inspectors),
        ]
        _docx.table(document, None, rows, (40, 134), size=10.5)
        if template is None:
            _docx.text(document, "")
            template = _docx.table(
                document,
                w["check_columns"].split("|"),
                checks,
                (9, 24, 46, 33, 11, 11, 12, 28),
                size=9,
            )
        else:
            _docx.copy_table(document, template)
        _docx.text(document, "")
        _docx.text(document, w["findings"], bold=True)
        for _ in range(3):
            _docx.text(document, "")
        _docx.text(document, w["deadline"])
        _docx.text(document, "")
        _docx.table(
            document,
            None,
            [
                (w["sign_inspectors"], w["sign_firm"]),
                ("\n\n", "\n\n"),
                (w["sign_date"], w["sign_date"]),
            ],
            (87, 87),
            size=10.5,
        )
        _docx.move_body(document, output)
    return output
