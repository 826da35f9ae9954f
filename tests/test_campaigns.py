"""The four campaigns as data: defaults, eligibility, team rules, checklists."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from inspectlib.campaigns import (
    CAMPAIGNS,
    agency_name,
    canonical_agency,
    eligible_mask,
    get_campaign,
)
from inspectlib.errors import ParamsError
from inspectlib.risk import FACTORS, complete_register
from inspectlib.schema import CAMPAIGN_IDS


def firms(rows: list[dict]) -> pd.DataFrame:
    return complete_register(pd.DataFrame(rows))


def test_the_four_campaigns_and_their_defaults():
    assert tuple(CAMPAIGNS) == CAMPAIGN_IDS
    targets = {cid: get_campaign(cid).default_target for cid in CAMPAIGN_IDS}
    assert targets == {"wage": 125, "illegal_employment": 145, "heat": 110, "service_sector": 120}
    assert get_campaign("wage").name_zh == "企业工资专项检查"
    assert get_campaign("heat").name_en == "Summer heat protection inspection"


def test_display_words_come_from_the_catalogue_in_one_language():
    from inspectlib.catalogue.languages import chinese_runs, english_sentences

    for cid in CAMPAIGN_IDS:
        campaign = get_campaign(cid)
        assert campaign.name("zh") == campaign.name_zh and campaign.name("en") == campaign.name_en
        zh, en = campaign.eligibility.describe("zh"), campaign.eligibility.describe("en")
        assert english_sentences(zh) == [] and chinese_runs(en) == [], cid
        for rule in campaign.priority_industries:
            assert english_sentences(rule.label_zh) == [] and chinese_runs(rule.label_en) == []
        for agency in campaign.agencies:
            assert agency_name(agency, "zh") == agency and not chinese_runs(
                agency_name(agency, "en")
            )
    assert get_campaign("heat").eligibility.describe("zh").endswith("有户外作业的企业（不限行业）")
    assert agency_name("区档案馆", "en") == "区档案馆"  # an agency the catalogue does not know


def test_unknown_campaign_is_a_clear_error():
    with pytest.raises(
        ParamsError,
        match="unknown campaign 'overtime'.*wage, illegal_employment, heat, service_sector",
    ):
        get_campaign("overtime")


def test_default_windows():
    assert get_campaign("illegal_employment").default_window(2025) == (
        dt.date(2025, 6, 1),
        dt.date(2025, 7, 31),
    )
    assert get_campaign("heat").default_window(2025) == (dt.date(2025, 8, 1), dt.date(2025, 9, 30))
    assert get_campaign("service_sector").default_window(2025) == (
        dt.date(2025, 10, 1),
        dt.date(2025, 11, 30),
    )
    start, end = get_campaign("wage").default_window(2025)
    # Ends on the last workday before the Spring Festival (29 January 2025).
    assert start.month == 1 and end == dt.date(2025, 1, 27)


def test_partner_agencies_and_team_rules():
    illegal = get_campaign("illegal_employment")
    assert len(illegal.agencies) == 8
    assert set(illegal.agencies) == {
        "人社局",
        "公安局",
        "市场监管局",
        "住建局",
        "应急管理局",
        "卫健委",
        "税务局",
        "总工会",
    }
    assert illegal.team_rules == ("人社局", "公安局")
    assert get_campaign("service_sector").lead_agency == "总工会"
    assert set(get_campaign("service_sector").team_rules) == {"总工会", "人社局"}
    assert get_campaign("wage").team_rules == ("人社局",)
    assert get_campaign("heat").team_rules == ("人社局",)
    assert "总工会" in get_campaign("heat").agencies


def test_heat_eligibility_outdoor_construction_transport_and_hot_processes():
    reg = firms(
        [
            {"firm_id": "office_outdoor", "industry_code": "7212", "outdoor_work": True},
            {"firm_id": "construction", "industry_code": "4710"},
            {"firm_id": "freight", "industry_code": "5411"},
            {"firm_id": "smelting", "industry_code": "3110"},
            {"firm_id": "dyeing", "industry_code": "1713"},
            {"firm_id": "casting", "industry_code": "3391"},
            {"firm_id": "clothing", "industry_code": "1810"},
            {"firm_id": "office", "industry_code": "7212", "outdoor_work": False},
            {"firm_id": "unknown", "industry_code": ""},
        ]
    )
    ok = dict(zip(reg["firm_id"], eligible_mask(reg, "heat"), strict=True))
    assert ok == {
        "office_outdoor": True,
        "construction": True,
        "freight": True,
        "smelting": True,
        "dyeing": True,
        "casting": True,
        "clothing": False,
        "office": False,
        "unknown": False,
    }


def test_service_sector_eligibility_by_division():
    codes = {
        "5211": True,
        "5111": False,
        "6110": True,
        "6210": True,
        "8010": True,
        "8111": True,
        "8210": False,
        "9011": True,
        "8610": False,
        "1810": False,
    }
    reg = firms([{"firm_id": c, "industry_code": c} for c in codes])
    assert dict(zip(reg["firm_id"], eligible_mask(reg, "service_sector"), strict=True)) == codes


def test_wage_needs_a_few_employees_unknown_size_stays_eligible():
    reg = firms(
        [
            {"firm_id": "a", "employees": 3},
            {"firm_id": "b", "employees": 5},
            {"firm_id": "c", "employees": None},
        ]
    )
    reg["employees"] = pd.array([3, 5, pd.NA], dtype="Int64")
    assert eligible_mask(reg, "wage").tolist() == [False, True, True]
    assert eligible_mask(reg, "illegal_employment").tolist() == [True, True, True]


def test_risk_factors_have_weights_and_rationale():
    for campaign in CAMPAIGNS.values():
        assert campaign.risk_factors
        for factor in campaign.risk_factors:
            assert factor.name in FACTORS
            assert factor.weight > 0
            assert len(factor.rationale) > 20
    assert get_campaign("heat").default_weights()["outdoor_work"] == 1.0
    assert "outdoor_work" not in get_campaign("wage").default_weights()


def test_checklists_are_bilingual_and_heat_has_the_thresholds():
    for campaign in CAMPAIGNS.values():
        assert len(campaign.checklist) >= 4
        for item in campaign.checklist:
            assert item.code and item.zh and item.en
    heat = " ".join(i.zh + i.en for i in get_campaign("heat").checklist)
    for fact in ("35", "37", "40", "6 h", "3 hottest hours", "高温津贴", "清凉饮料"):
        assert fact in heat
    wage = " ".join(i.en for i in get_campaign("wage").checklist)
    for fact in ("minimum wage", "Overtime", "Spring Festival", "deposit"):
        assert fact in wage
    illegal = " ".join(i.en for i in get_campaign("illegal_employment").checklist)
    for fact in ("contracts", "child labour", "registered", "Social insurance", "IDs"):
        assert fact in illegal
    service = " ".join(i.en for i in get_campaign("service_sector").checklist)
    for fact in ("contracts", "hours", "Union", "insurance"):
        assert fact in service


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("市人力资源和社会保障局劳动保障监察支队", "人社局"),
        ("人社局", "人社局"),
        ("公安分局", "公安局"),
        ("区市场监督管理局", "市场监管局"),
        ("工商局", "市场监管局"),
        ("住房和城乡建设局", "住建局"),
        ("应急管理局", "应急管理局"),
        ("卫生健康委员会", "卫健委"),
        ("税务局", "税务局"),
        ("区总工会", "总工会"),
        (" 文旅局 ", "文旅局"),
        (None, ""),
    ],
)
def test_canonical_agency(written, canonical):
    assert canonical_agency(written) == canonical


@pytest.mark.parametrize("letter", ["", "F", "H", "f"])
def test_industry_rules_match_codes_with_or_without_the_section_letter(tmp_path, letter):
    """A register writing ``F5211``/``H6210``/``C1713`` is treated like one writing the digits."""
    from inspectlib.register import load_register

    sections = {"52": "F", "62": "H", "17": "C", "47": "E"}
    codes = ["5211", "6210", "1713", "4720"]
    written = [
        (letter.upper() and sections[c[:2]]) + c
        if letter.isupper()
        else (letter and sections[c[:2]].lower()) + c
        for c in codes
    ]
    path = tmp_path / "r.csv"
    pd.DataFrame(
        {
            "firm_id": [
                "91320500MA1XXXXX1X",
                "91320500MA1XXXXX2X",
                "91320500MA1XXXXX3X",
                "91320500MA1XXXXX4X",
            ],
            "name": ["甲", "乙", "丙", "丁"],
            "town": "城东镇",
            "industry_code": written,
            "employees": 3,
        }
    ).to_csv(path, index=False)
    register = load_register(path)
    assert register["industry_digits"].tolist() == codes
    service = eligible_mask(register, get_campaign("service_sector"))
    assert service.tolist() == [True, True, False, False]
    heat_priority = [rule.matches(register) for rule in get_campaign("heat").priority_industries]
    assert any(hit[2] for hit in heat_priority)  # C17 textiles: a hot process
