"""``notices.docx``: the 随机抽查告知书, one page per drawn firm: firm and credit code,
campaign, legal basis, date, team and what to prepare (the campaign table's materials)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docx.document import Document

from inspectlib import catalogue
from inspectlib.campaigns import RANDOM_INSPECTION_NOTICE, RANDOM_INSPECTION_NOTICE_EN, cite
from inspectlib.forms import _docx
from inspectlib.forms._data import day_text, firms_in_visit_order, team_members

if TYPE_CHECKING:
    from inspectlib.plan import CampaignPlan


def campaign_name(plan: CampaignPlan) -> str:
    """The campaign's name in the plan's language."""
    return plan.draw.campaign.name(plan.params.language)


def team_text(plan: CampaignPlan, team: object, members: dict) -> str:
    """``T01（张三、李四）``, or "to be notified" for a firm without a team."""
    w = catalogue.words("forms", plan.params.language)
    if team is None or _docx.plain(team) == "":
        return w["to_be_notified"]
    names = w["list_sep"].join(name for name, _, _ in members.get(str(team), []))
    return w["team_members"].format(team=_docx.plain(team), members=names)


def notices_document(plan: CampaignPlan) -> Document:
    """One 告知书 per drawn firm, each starting on a new page, in visit order."""
    language = plan.params.language
    w = catalogue.words("forms", language)
    campaign = plan.draw.campaign
    output = _docx.new_document(language)
    document = _docx.new_document(language)  # one firm's page, then moved into output
    members = team_members(plan)
    basis = cite(campaign.legal_bases(), language)
    notice = RANDOM_INSPECTION_NOTICE if language == "zh" else RANDOM_INSPECTION_NOTICE_EN
    body = w["notice_body"].format(
        notice=notice, year=plan.params.year, campaign=campaign_name(plan)
    )
    materials = [m.zh if language == "zh" else m.en for m in campaign.materials]
    for i, firm in enumerate(firms_in_visit_order(plan).itertuples(index=False)):
        _docx.text(
            document, w["notice_title"], bold=True, size=18, center=True, page_break_before=i > 0
        )
        if plan.params.synthetic:
            _docx.text(document, w["synthetic"], bold=True)
        _docx.text(
            document,
            w["addressee"].format(name=_docx.plain(firm.name), firm_id=_docx.plain(firm.firm_id)),
            bold=True,
        )
        _docx.text(document, body)
        rows = [
            (w["field_campaign"], campaign_name(plan)),
            (w["field_basis"], basis),
            (w["field_date"], day_text(firm.date, language)),
            (w["field_team"], team_text(plan, firm.team, members)),
        ]
        _docx.table(document, None, rows, (34, 140), size=10.5)
        _docx.text(document, "")
        _docx.text(document, w["prepare"])
        for n, item in enumerate(materials, start=1):
            _docx.text(document, f"{n}. {item}")
        _docx.text(document, w["cooperate"])
        _docx.text(document, "")
        _docx.text(document, w["contact"])
        _docx.text(document, "")
        _docx.text(document, w["seal"], center=False).alignment = 2  # right
        _docx.text(document, w["blank_date"]).alignment = 2
        _docx.move_body(document, output)
    return output
