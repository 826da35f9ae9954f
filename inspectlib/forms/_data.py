"""The plan's data as the field documents need it: firms with address, team and date in
visit order; team members with credential numbers."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from inspectlib import catalogue
from inspectlib.forms._docx import plain

if TYPE_CHECKING:
    from inspectlib.plan import CampaignPlan


def addresses(plan: CampaignPlan) -> pd.Series:
    """The register's ``address`` by ``firm_id`` (empty when the register has none)."""
    register = plan.inputs.register
    values = register.get("address")
    if values is None:
        return pd.Series(dtype=object)
    by_id = pd.Series(values.to_numpy(), index=register["firm_id"].to_numpy())
    return by_id[~by_id.index.duplicated()]


def firms_in_visit_order(plan: CampaignPlan) -> pd.DataFrame:
    """Every drawn firm (:attr:`CampaignPlan.table`) with its ``address``: scheduled ones by
    date, team and stop, then the unscheduled ones in draw order."""
    table = plan.table.copy()
    table["address"] = table["firm_id"].map(addresses(plan))
    table["_unscheduled"] = table["date"].isna()
    return table.sort_values(
        ["_unscheduled", "date", "team", "visit_order", "draw_order"], kind="stable"
    ).drop(columns="_unscheduled")


def team_members(plan: CampaignPlan) -> dict[str, list[tuple[str, str, str]]]:
    """Team → members in seat order as (name, agency, credential number); the credential is
    empty when the roster has no ``credential_no`` column or no number for the inspector."""
    roster = plan.inputs.roster
    credentials = roster.get("credential_no")
    by_id: dict[str, str] = {}
    if credentials is not None:
        by_id = {str(i): plain(c) for i, c in zip(roster["inspector_id"], credentials, strict=True)}
    teams = plan.draw.teams
    if "seat" in teams:
        teams = teams.sort_values(["team", "seat"], kind="stable")
    members: dict[str, list[tuple[str, str, str]]] = {}
    for row in teams.itertuples(index=False):
        entry = (plain(row.name), plain(row.agency), by_id.get(str(row.inspector_id), ""))
        members.setdefault(str(row.team), []).append(entry)
    return members


def day_text(value: object, language: str) -> str:
    """A visit date as ``2027-01-08``, or "to be notified" for an unscheduled firm."""
    if value is None or pd.isna(value):
        return catalogue.words("forms", language)["to_be_notified"]
    return f"{pd.Timestamp(value):%Y-%m-%d}"


def weekday(value: dt.date | pd.Timestamp, language: str) -> str:
    """The weekday's name in the document's language."""
    return catalogue.words("forms", language)["weekdays"].split()[pd.Timestamp(value).weekday()]
