"""The four yearly special inspection campaigns (专项检查), as data.

Each :class:`Campaign` says who takes part, when it runs by default, which firms are
eligible, which risk factors raise a firm's draw probability (with expert default weights and
the reason for each), which agencies every team must include and what inspectors check on
site. Other modules read these records; nothing here touches files.

Heat eligibility (documented choice)
------------------------------------
A firm is eligible for the heat campaign when it reports outdoor work, or is in construction
(section E, divisions 47–50), transport, storage and post (section G, 53–60), or one of these
hot-process industries of GB/T 4754-2017: 1713/1723/1733/1743/1752 (textile dyeing and
finishing), 25 (petroleum and coal processing, coking), 26 (chemical raw materials), 30
(non-metallic minerals: cement, glass, ceramics kilns), 31 and 32 (ferrous and non-ferrous
smelting and rolling), 336 (metal surface and heat treatment), 3391/3392 (casting), 4411
(thermal power) and 443 (heat production and supply).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from inspectlib import catalogue
from inspectlib.errors import Message, ParamsError
from inspectlib.workdays import default_window

# Canonical short agency names and the spellings people use for them.
_AGENCY_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("人社局", ("人社", "人力资源", "劳动保障", "劳动监察", "hrss", "human resources")),
    ("公安局", ("公安", "派出所", "police", "public security")),
    ("市场监管局", ("市场监", "工商", "market regulation", "samr")),
    ("住建局", ("住建", "住房和城乡建设", "建设局", "housing")),
    ("应急管理局", ("应急", "安监", "安全生产监督", "emergency")),
    ("卫健委", ("卫健", "卫生健康", "卫生局", "health")),
    ("税务局", ("税务", "tax")),
    ("总工会", ("工会", "union", "acftu")),
)


def canonical_agency(name: object) -> str:
    """Map an agency as written in a roster onto its canonical short name.

    Parameters
    ----------
    name : object
        Agency as written, e.g. ``"市人力资源和社会保障局"`` or ``"公安分局"``.

    Returns
    -------
    str
        A canonical short name (人社局, 公安局, 市场监管局, 住建局, 应急管理局, 卫健委,
        税务局, 总工会), or the stripped input when it matches none.

    Examples
    --------
    >>> canonical_agency("市人力资源和社会保障局劳动保障监察支队")
    '人社局'
    >>> canonical_agency("区总工会")
    '总工会'
    """
    text = "" if name is None or (isinstance(name, float) and np.isnan(name)) else str(name)
    text = text.strip()
    low = text.lower()
    for canonical, patterns in _AGENCY_PATTERNS:
        if any(p in low for p in patterns):
            return canonical
    return text


@dataclass(frozen=True)
class IndustryRule:
    """A set of industries (GB/T 4754-2017 sections and code prefixes), optionally small firms.

    A firm matches when its section letter is in ``sections`` or its industry code, without
    the section letter (the register's ``industry_digits``: ``F5211`` and ``5211`` alike),
    starts with one of ``codes``; with ``max_employees`` the firm must also have fewer
    employees than that (unknown size counts as small).
    """

    label_en: str
    label_zh: str
    sections: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    max_employees: int | None = None

    def matches(self, register: pd.DataFrame) -> np.ndarray:
        """Boolean array: which rows of ``register`` fall under this rule."""
        n = len(register)
        hit = np.zeros(n, dtype=bool)
        if self.sections:
            hit |= register["industry_section"].isin(self.sections).to_numpy(dtype=bool)
        if self.codes:
            hit |= (
                register["industry_digits"]
                .str.startswith(self.codes)
                .fillna(False)
                .to_numpy(dtype=bool)
            )
        if self.max_employees is not None:
            emp = register["employees"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            hit &= ~(emp >= self.max_employees)
        return hit


@dataclass(frozen=True)
class Eligibility:
    """Which firms a campaign may draw.

    Parameters
    ----------
    industries : tuple of IndustryRule
        A firm is eligible when it matches any rule; empty means every industry (including
        firms whose industry is unknown).
    outdoor_work : bool
        Firms flagged ``outdoor_work`` are eligible whatever their industry.
    min_employees : int
        Firms with fewer employees are not eligible; unknown size is eligible (it cannot be
        ruled out).
    """

    industries: tuple[IndustryRule, ...] = ()
    outdoor_work: bool = False
    min_employees: int = 0

    def describe(self, language: str = "en") -> str:
        """One line in ``language`` (words in ``catalogue/campaigns.yaml``).

        Examples
        --------
        >>> Eligibility(min_employees=10).describe()
        'all industries; at least 10 employees (unknown size included)'
        """
        words = catalogue.words("campaigns", language)["eligibility"]
        labels = [r.label_zh if language == "zh" else r.label_en for r in self.industries]
        parts = labels or [words["all_industries"]]
        if self.outdoor_work:
            parts.append(words["outdoor_work"])
        if self.min_employees:
            parts.append(words["min_employees"].format(n=self.min_employees))
        return words["separator"].join(parts)


@dataclass(frozen=True)
class RiskFactor:
    """One expert risk factor: its name, default weight and why it matters."""

    name: str
    weight: float
    rationale: str


_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """An article number as Chinese legal texts write it (1–999).

    Examples
    --------
    >>> [chinese_numeral(n) for n in (8, 10, 12, 44, 82, 100, 101, 110)]
    ['八', '十', '十二', '四十四', '八十二', '一百', '一百零一', '一百一十']
    """
    if not 0 < n < 1000:
        raise ValueError(f"article number {n!r} is outside 1–999")
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    text = ""
    if hundreds:
        text += _DIGITS[hundreds] + "百"
        if tens == 0 and units:
            return text + "零" + _DIGITS[units]
    if tens:
        text += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if units:
        text += _DIGITS[units]
    return text


@dataclass(frozen=True)
class Law:
    """A law or regulation by its Chinese title (without 《》) and an English title."""

    zh: str
    en: str


@dataclass(frozen=True)
class LegalBasis:
    """One legal basis: a law and, where confirmed, the article (``None``: the law as a
    whole, cited without an article rather than with a guessed one).

    Examples
    --------
    >>> basis = LegalBasis(LABOUR_LAW, 44)
    >>> basis.text("zh"), basis.text("en")
    ('《劳动法》第四十四条', 'Labour Law, Art. 44')
    >>> LegalBasis(TRADE_UNION_LAW).text("zh")
    '《工会法》'
    """

    law: Law
    article: int | None = None

    def text(self, language: str) -> str:
        """The citation in ``zh`` (《…》第…条) or ``en`` (…, Art. N)."""
        if language == "zh":
            return f"《{self.law.zh}》" + (
                f"第{chinese_numeral(self.article)}条" if self.article else ""
            )
        return self.law.en + (f", Art. {self.article}" if self.article else "")


def cite(bases: tuple[LegalBasis, ...], language: str) -> str:
    """Several bases in one line; articles of the same law share its title.

    Examples
    --------
    >>> cite((LegalBasis(LABOUR_CONTRACT_LAW, 10), LegalBasis(LABOUR_CONTRACT_LAW, 82)), "zh")
    '《劳动合同法》第十条、第八十二条'
    >>> cite((LegalBasis(LABOUR_CONTRACT_LAW, 10), LegalBasis(LABOUR_CONTRACT_LAW, 82)), "en")
    'Labour Contract Law, Art. 10, 82'
    """
    groups: dict[Law, list[int | None]] = {}
    for basis in bases:
        groups.setdefault(basis.law, []).append(basis.article)
    parts = []
    for law, articles in groups.items():
        numbers = sorted({a for a in articles if a})
        if language == "zh":
            parts.append(f"《{law.zh}》" + "、".join(f"第{chinese_numeral(a)}条" for a in numbers))
        else:
            parts.append(law.en + (", Art. " + ", ".join(map(str, numbers)) if numbers else ""))
    return ("；" if language == "zh" else "; ").join(parts)


# The laws the checklists cite. Each article below was looked up in the law's text; where the
# article could not be confirmed (工资保证金 and 工资支付台账 in the 条例, 工会法 after its
# 2021 revision, 劳动保障监察条例) the law is cited without one.
LABOUR_LAW = Law("劳动法", "Labour Law")
LABOUR_CONTRACT_LAW = Law("劳动合同法", "Labour Contract Law")
MINIMUM_WAGE_RULES = Law("最低工资规定", "Provisions on Minimum Wages")
WAGE_PAYMENT_RULES = Law("工资支付暂行规定", "Interim Provisions on Wage Payment")
MIGRANT_WAGE_REGULATIONS = Law(
    "保障农民工工资支付条例", "Regulations on Ensuring the Payment of Wages to Migrant Workers"
)
CHILD_LABOUR_RULES = Law("禁止使用童工规定", "Provisions on the Prohibition of Child Labour")
EMPLOYMENT_SERVICE_RULES = Law(
    "就业服务与就业管理规定", "Provisions on Employment Services and Employment Management"
)
SOCIAL_INSURANCE_LAW = Law("社会保险法", "Social Insurance Law")
UNLICENSED_BUSINESS_MEASURES = Law(
    "无证无照经营查处办法", "Measures for Investigating Unlicensed Business Operations"
)
HEAT_MEASURES = Law("防暑降温措施管理办法", "Measures on Heatstroke Prevention and Cooling")
TRADE_UNION_LAW = Law("工会法", "Trade Union Law")
INSPECTION_REGULATIONS = Law("劳动保障监察条例", "Regulations on Labour Security Supervision")
RANDOM_INSPECTION_NOTICE = (
    "《国务院办公厅关于推广随机抽查规范事中事后监管的通知》（国办发〔2015〕58号）"
)
RANDOM_INSPECTION_NOTICE_EN = (
    "State Council General Office notice on random inspections (Guo Ban Fa [2015] No. 58)"
)


def _basis(law: Law, *articles: int) -> tuple[LegalBasis, ...]:
    return tuple(LegalBasis(law, a) for a in articles) or (LegalBasis(law),)


@dataclass(frozen=True)
class ChecklistItem:
    """One thing inspectors check on site (an entry of the campaign's 抽查事项清单).

    ``title_zh``/``title_en`` name the item (检查事项), ``zh``/``en`` say what is checked
    (检查内容) and ``basis`` gives the law and article (依据).
    """

    code: str
    zh: str
    en: str
    title_zh: str = ""
    title_en: str = ""
    basis: tuple[LegalBasis, ...] = ()


@dataclass(frozen=True)
class Material:
    """A document the firm prepares for the inspection (listed in the 告知书)."""

    zh: str
    en: str


@dataclass(frozen=True)
class Campaign:
    """One special inspection campaign (专项检查).

    Attributes
    ----------
    id, name_zh, name_en : str
        Identifier used in params and findings, and display names.
    agencies : tuple of str
        Partner agencies whose inspectors may be drawn (canonical short names).
    lead_agency : str
        The agency that leads the campaign.
    default_target : int
        Number of firms inspected when params do not say.
    eligibility : Eligibility
        Which firms may be drawn.
    priority_industries : tuple of IndustryRule
        Industries the campaign emphasises (the ``priority_industry`` risk factor).
    risk_factors : tuple of RiskFactor
        Expert factors with default weights and rationale.
    team_rules : tuple of str
        Agencies every team must include at least one member of.
    checklist : tuple of ChecklistItem
        What inspectors check on site, each with its legal basis (the 抽查事项清单).
    materials : tuple of Material
        What the firm prepares for the visit (the 告知书 lists them).
    """

    id: str
    name_zh: str
    name_en: str
    agencies: tuple[str, ...]
    lead_agency: str
    default_target: int
    eligibility: Eligibility
    priority_industries: tuple[IndustryRule, ...]
    risk_factors: tuple[RiskFactor, ...]
    team_rules: tuple[str, ...]
    checklist: tuple[ChecklistItem, ...]
    materials: tuple[Material, ...] = ()

    def name(self, language: str) -> str:
        """The campaign's display name in ``language`` (``zh`` or ``en``)."""
        return self.name_zh if language == "zh" else self.name_en

    def legal_bases(self) -> tuple[LegalBasis, ...]:
        """Every basis the checklist cites, once each, in checklist order."""
        return tuple(dict.fromkeys(b for item in self.checklist for b in item.basis))

    def default_window(self, year: int) -> tuple[dt.date, dt.date]:
        """Default first and last day of the campaign in ``year``.

        Delegates to :func:`inspectlib.workdays.default_window`, the one source of the
        windows: wage runs to the last workday before the Spring Festival holiday;
        illegal_employment Jun 1–Jul 31; heat Aug 1–Sep 30; service_sector Oct 1–Nov 30.

        Examples
        --------
        >>> get_campaign("heat").default_window(2025)
        (datetime.date(2025, 8, 1), datetime.date(2025, 9, 30))
        """
        return default_window(self.id, year)

    def default_weights(self) -> dict[str, float]:
        """Expert weights by factor name."""
        return {f.name: f.weight for f in self.risk_factors}


def _name(campaign_id: str, language: str) -> str:
    """A campaign's display name from the catalogue (``campaigns.yaml``)."""
    return catalogue.text(f"campaigns.names.{campaign_id}", language)


def _labels(industry: str) -> tuple[str, str]:
    """An industry rule's ``(label_en, label_zh)`` from the catalogue (``campaigns.yaml``)."""
    return (
        catalogue.text(f"campaigns.industries.{industry}", "en"),
        catalogue.text(f"campaigns.industries.{industry}", "zh"),
    )


def agency_name(agency: str, language: str) -> str:
    """A partner agency (canonical short name) as people read it in ``language``.

    Examples
    --------
    >>> agency_name("公安局", "en")
    'public security'
    >>> agency_name("区档案馆", "en")  # not a known agency: as written
    '区档案馆'
    """
    return catalogue.words("campaigns", language)["agencies"].get(agency, agency)


def _rf(name: str, weight: float, rationale: str) -> RiskFactor:
    return RiskFactor(name, weight, rationale)


_HOT_PROCESS = IndustryRule(
    *_labels("hot_process"),
    codes=(
        "1713",
        "1723",
        "1733",
        "1743",
        "1752",
        "25",
        "26",
        "30",
        "31",
        "32",
        "336",
        "3391",
        "3392",
        "4411",
        "443",
    ),
)
_CONSTRUCTION = IndustryRule(*_labels("construction"), sections=("E",))
_TRANSPORT = IndustryRule(*_labels("transport"), sections=("G",))
_CATERING = IndustryRule(*_labels("catering"), codes=("62",))
_ENTERTAINMENT = IndustryRule(*_labels("entertainment"), codes=("90",))
_SMALL_MANUFACTURING = IndustryRule(
    *_labels("small_manufacturing"),
    sections=("C",),
    max_employees=50,
)
_LABOUR_INTENSIVE = IndustryRule(
    *_labels("labour_intensive"),
    codes=tuple(str(c) for c in range(13, 25)),
)

_COMMON = {
    "complaints": "Complaints are the most direct signal of a current problem at the firm.",
    "past_violation": "Firms with a recent violation or refused inspection often re-offend.",
    "credit_grade": "The labour-security credit grade (A/B/C) summarises the firm's record.",
    "no_union": "Without a trade union, workers have no one to raise problems internally.",
    "large_workforce": "A violation at a large firm affects more workers.",
    "not_recently_inspected": "Firms never or long not inspected have had no oversight.",
}

CAMPAIGNS: dict[str, Campaign] = {
    "wage": Campaign(
        id="wage",
        name_zh=_name("wage", "zh"),
        name_en=_name("wage", "en"),
        agencies=("人社局",),
        lead_agency="人社局",
        default_target=125,
        eligibility=Eligibility(min_employees=5),
        priority_industries=(_CONSTRUCTION, _LABOUR_INTENSIVE, _CATERING),
        risk_factors=(
            _rf(
                "complaints",
                1.0,
                "Wage complaints before the Spring Festival usually mean arrears (欠薪).",
            ),
            _rf("past_violation", 1.0, _COMMON["past_violation"]),
            _rf("credit_grade", 0.6, _COMMON["credit_grade"]),
            _rf(
                "priority_industry",
                0.6,
                "Construction subcontracting and labour-intensive "
                "manufacturing account for most wage arrears.",
            ),
            _rf("large_workforce", 0.4, _COMMON["large_workforce"]),
            _rf("no_union", 0.3, _COMMON["no_union"]),
            _rf("not_recently_inspected", 0.2, _COMMON["not_recently_inspected"]),
        ),
        team_rules=("人社局",),
        checklist=(
            ChecklistItem(
                "minimum_wage",
                "工资不低于当地最低工资标准",
                "Wages at or above the local minimum wage",
                "最低工资",
                "Minimum wage",
                _basis(LABOUR_LAW, 48) + _basis(MINIMUM_WAGE_RULES, 12),
            ),
            ChecklistItem(
                "paid_on_time",
                "按月足额支付工资，不拖欠、不克扣",
                "Wages paid in full every month, no arrears or deductions",
                "按时足额支付工资",
                "Full pay on time",
                _basis(LABOUR_LAW, 50) + _basis(WAGE_PAYMENT_RULES, 7),
            ),
            ChecklistItem(
                "overtime_pay",
                "依法支付加班工资",
                "Overtime paid at the legal rates",
                "加班工资",
                "Overtime pay",
                _basis(LABOUR_LAW, 44) + _basis(WAGE_PAYMENT_RULES, 13),
            ),
            ChecklistItem(
                "arrears_before_festival",
                "春节前欠薪排查，建立欠薪清单并限期清偿",
                "Arrears list before the Spring Festival, with payment deadlines",
                "欠薪排查",
                "Wage arrears",
                _basis(MIGRANT_WAGE_REGULATIONS, 3),
            ),
            ChecklistItem(
                "wage_deposit",
                "工程建设领域按规定缴存农民工工资保证金",
                "Construction: migrant-worker wage margin deposit lodged",
                "工资保证金",
                "Wage margin deposit",
                _basis(MIGRANT_WAGE_REGULATIONS),
            ),
            ChecklistItem(
                "wage_records",
                "工资支付台账保存两年以上（农民工工资支付台账至少保存3年）",
                "Payroll records kept for at least two years (three for migrant workers)",
                "工资支付台账",
                "Payroll records",
                _basis(WAGE_PAYMENT_RULES, 6) + _basis(MIGRANT_WAGE_REGULATIONS),
            ),
        ),
        materials=(
            Material("营业执照（复印件）", "Business licence (copy)"),
            Material("职工名册", "Staff register"),
            Material("劳动合同", "Labour contracts"),
            Material("工资支付台账（近12个月）", "Payroll records (last 12 months)"),
            Material("考勤记录", "Attendance records"),
            Material(
                "农民工工资保证金缴存凭证（工程建设项目）",
                "Wage margin deposit receipt (construction projects)",
            ),
        ),
    ),
    "illegal_employment": Campaign(
        id="illegal_employment",
        name_zh=_name("illegal_employment", "zh"),
        name_en=_name("illegal_employment", "en"),
        agencies=(
            "人社局",
            "公安局",
            "市场监管局",
            "住建局",
            "应急管理局",
            "卫健委",
            "税务局",
            "总工会",
        ),
        lead_agency="人社局",
        default_target=145,
        eligibility=Eligibility(),
        priority_industries=(_SMALL_MANUFACTURING, _CONSTRUCTION, _CATERING, _ENTERTAINMENT),
        risk_factors=(
            _rf("past_violation", 1.0, _COMMON["past_violation"]),
            _rf(
                "priority_industry",
                0.8,
                "Unregistered and child labour concentrate in small "
                "workshops, construction, catering and entertainment.",
            ),
            _rf("complaints", 0.8, _COMMON["complaints"]),
            _rf("credit_grade", 0.5, _COMMON["credit_grade"]),
            _rf("not_recently_inspected", 0.4, _COMMON["not_recently_inspected"]),
            _rf("no_union", 0.3, _COMMON["no_union"]),
            _rf("large_workforce", 0.2, _COMMON["large_workforce"]),
        ),
        team_rules=("人社局", "公安局"),
        checklist=(
            ChecklistItem(
                "written_contracts",
                "依法签订书面劳动合同",
                "Written labour contracts signed with every worker",
                "书面劳动合同",
                "Written contracts",
                _basis(LABOUR_CONTRACT_LAW, 10, 82),
            ),
            ChecklistItem(
                "child_labour",
                "无使用童工(未满16周岁)",
                "No child labour (under 16)",
                "童工",
                "Child labour",
                _basis(CHILD_LABOUR_RULES, 2) + _basis(LABOUR_LAW, 15),
            ),
            ChecklistItem(
                "employment_registration",
                "办理用工备案登记",
                "Employment registered with the bureau",
                "用工备案",
                "Employment registration",
                _basis(EMPLOYMENT_SERVICE_RULES, 62),
            ),
            ChecklistItem(
                "social_insurance",
                "依法参加社会保险",
                "Social insurance paid",
                "社会保险",
                "Social insurance",
                _basis(SOCIAL_INSURANCE_LAW, 58),
            ),
            ChecklistItem(
                "id_checks",
                "核查劳动者身份证件，无扣押证件、收取押金",
                "Workers' IDs checked; no IDs withheld, no deposits taken",
                "身份核查、扣押证件与押金",
                "ID checks, withheld IDs, deposits",
                _basis(CHILD_LABOUR_RULES, 4) + _basis(LABOUR_CONTRACT_LAW, 9),
            ),
            ChecklistItem(
                "business_licence",
                "依法取得营业执照",
                "Business licence held (no unlicensed operation)",
                "营业执照",
                "Business licence",
                _basis(UNLICENSED_BUSINESS_MEASURES, 2),
            ),
        ),
        materials=(
            Material("营业执照（复印件）", "Business licence (copy)"),
            Material("职工名册", "Staff register"),
            Material("劳动合同", "Labour contracts"),
            Material("就业登记（用工备案）材料", "Employment registration records"),
            Material("社会保险缴费记录", "Social insurance payment records"),
            Material("职工身份证件核查记录", "Records of workers' ID checks"),
        ),
    ),
    "heat": Campaign(
        id="heat",
        name_zh=_name("heat", "zh"),
        name_en=_name("heat", "en"),
        agencies=("人社局", "总工会"),
        lead_agency="人社局",
        default_target=110,
        eligibility=Eligibility(
            industries=(_CONSTRUCTION, _TRANSPORT, _HOT_PROCESS), outdoor_work=True
        ),
        priority_industries=(_HOT_PROCESS, _CONSTRUCTION, _TRANSPORT),
        risk_factors=(
            _rf(
                "outdoor_work",
                1.0,
                "Open-air work is where heat illness happens and where "
                "the 37/40 °C hour limits apply.",
            ),
            _rf(
                "priority_industry",
                0.8,
                "Furnaces, kilns, smelting and building sites expose "
                "workers to the highest heat loads.",
            ),
            _rf("past_violation", 0.8, _COMMON["past_violation"]),
            _rf("complaints", 0.6, _COMMON["complaints"]),
            _rf("large_workforce", 0.4, _COMMON["large_workforce"]),
            _rf("credit_grade", 0.3, _COMMON["credit_grade"]),
            _rf("no_union", 0.3, _COMMON["no_union"]),
            _rf("not_recently_inspected", 0.2, _COMMON["not_recently_inspected"]),
        ),
        team_rules=("人社局",),
        checklist=(
            ChecklistItem(
                "heat_allowance",
                "35℃以上露天作业或室内温度不能降至33℃以下的，按月发放高温津贴",
                "High-temperature allowance paid for outdoor work "
                "at ≥35 °C or workplaces not cooled below 33 °C",
                "高温津贴",
                "High-temperature allowance",
                _basis(HEAT_MEASURES, 17),
            ),
            ChecklistItem(
                "hours_37_40",
                "37℃至40℃：露天作业不超过6小时，且最高气温时段3小时内不得露天作业",
                "37–40 °C: at most 6 h of outdoor work, none in the 3 hottest hours",
                "37℃至40℃作业时间",
                "Hours at 37–40 °C",
                _basis(HEAT_MEASURES, 8),
            ),
            ChecklistItem(
                "stop_40",
                "日最高气温达到40℃以上停止当日室外露天作业",
                "≥40 °C: outdoor open-air work stopped for the day",
                "40℃以上停止露天作业",
                "Stop at 40 °C",
                _basis(HEAT_MEASURES, 8),
            ),
            ChecklistItem(
                "shifts_35_37",
                "35℃至37℃：轮换作业，不安排加班",
                "35–37 °C: rotating shifts, no outdoor overtime",
                "35℃至37℃轮换作业",
                "Shifts at 35–37 °C",
                _basis(HEAT_MEASURES, 8),
            ),
            ChecklistItem(
                "cooling_supplies",
                "提供清凉饮料、防暑药品和降温设施",
                "Cool drinks, heat-stroke medicine and cooling provided",
                "防暑降温饮料、药品和设施",
                "Drinks, medicine and cooling",
                _basis(HEAT_MEASURES, 11, 12),
            ),
        ),
        materials=(
            Material("营业执照（复印件）", "Business licence (copy)"),
            Material("职工名册", "Staff register"),
            Material("高温津贴发放记录", "High-temperature allowance payment records"),
            Material("作息时间表与排班记录", "Working-time and shift schedules"),
            Material("防暑降温饮料、药品发放记录", "Records of cool drinks and medicine issued"),
            Material("高温中暑应急预案", "Heat-stroke emergency plan"),
        ),
    ),
    "service_sector": Campaign(
        id="service_sector",
        name_zh=_name("service_sector", "zh"),
        name_en=_name("service_sector", "en"),
        agencies=("总工会", "人社局"),
        lead_agency="总工会",
        default_target=120,
        eligibility=Eligibility(
            industries=(
                IndustryRule(*_labels("retail"), codes=("52",)),
                IndustryRule(*_labels("hotels"), codes=("61",)),
                _CATERING,
                IndustryRule(
                    *_labels("resident_services"),
                    codes=("80", "81"),
                ),
                _ENTERTAINMENT,
            )
        ),
        priority_industries=(_ENTERTAINMENT, _CATERING),
        risk_factors=(
            _rf("no_union", 0.8, "Union coverage is the campaign's focus and weakest in services."),
            _rf("complaints", 0.8, _COMMON["complaints"]),
            _rf("past_violation", 0.8, _COMMON["past_violation"]),
            _rf(
                "priority_industry",
                0.5,
                "Entertainment venues and catering have the longest "
                "hours and the most informal contracts.",
            ),
            _rf("credit_grade", 0.4, _COMMON["credit_grade"]),
            _rf("large_workforce", 0.3, _COMMON["large_workforce"]),
            _rf("not_recently_inspected", 0.3, _COMMON["not_recently_inspected"]),
        ),
        team_rules=("总工会", "人社局"),
        checklist=(
            ChecklistItem(
                "contracts",
                "依法签订劳动合同",
                "Labour contracts signed",
                "劳动合同",
                "Labour contracts",
                _basis(LABOUR_CONTRACT_LAW, 10, 82),
            ),
            ChecklistItem(
                "working_hours",
                "工作时间与休息休假符合规定，加班依法支付报酬",
                "Working hours and rest days legal; overtime paid",
                "工作时间与加班",
                "Working hours and overtime",
                _basis(LABOUR_LAW, 36, 41, 44),
            ),
            ChecklistItem(
                "union_coverage",
                "依法建立工会或纳入联合工会，开展集体协商",
                "Union set up or joined, collective consultation held",
                "工会组建与集体协商",
                "Union and collective consultation",
                _basis(TRADE_UNION_LAW),
            ),
            ChecklistItem(
                "social_insurance",
                "依法参加社会保险",
                "Social insurance paid",
                "社会保险",
                "Social insurance",
                _basis(SOCIAL_INSURANCE_LAW, 58),
            ),
            ChecklistItem(
                "minimum_wage",
                "工资不低于最低工资标准",
                "Wages at or above the minimum wage",
                "最低工资",
                "Minimum wage",
                _basis(LABOUR_LAW, 48) + _basis(MINIMUM_WAGE_RULES, 12),
            ),
        ),
        materials=(
            Material("营业执照（复印件）", "Business licence (copy)"),
            Material("职工名册", "Staff register"),
            Material("劳动合同", "Labour contracts"),
            Material("考勤记录", "Attendance records"),
            Material("工资支付台账", "Payroll records"),
            Material("社会保险缴费记录", "Social insurance payment records"),
            Material("工会组建或集体合同材料", "Union and collective contract documents"),
        ),
    ),
}


def get_campaign(campaign_id: str | Campaign) -> Campaign:
    """Return the campaign with this id.

    Parameters
    ----------
    campaign_id : str or Campaign
        ``wage``, ``illegal_employment``, ``heat`` or ``service_sector`` (a Campaign is
        returned as it is).

    Raises
    ------
    ParamsError
        For an unknown id, naming the valid ones.

    Examples
    --------
    >>> get_campaign("heat").default_target
    110
    """
    if isinstance(campaign_id, Campaign):
        return campaign_id
    try:
        return CAMPAIGNS[campaign_id]
    except (KeyError, TypeError):
        raise ParamsError(
            Message(
                "params.unknown_campaign", value=repr(campaign_id), choices=", ".join(CAMPAIGNS)
            )
        ) from None


def eligible_mask(register: pd.DataFrame, campaign: Campaign | str) -> np.ndarray:
    """Which firms of a register the campaign may draw.

    Parameters
    ----------
    register : DataFrame
        Canonical register (needs ``industry_section``, ``industry_code``, ``employees``,
        ``outdoor_work``).
    campaign : Campaign or str

    Returns
    -------
    numpy.ndarray of bool
        One value per row, in the register's row order.
    """
    campaign = get_campaign(campaign)
    rule = campaign.eligibility
    n = len(register)
    if rule.industries:
        ok = np.zeros(n, dtype=bool)
        for industry in rule.industries:
            ok |= industry.matches(register)
    else:
        ok = np.ones(n, dtype=bool)
    if rule.outdoor_work:
        ok |= register["outdoor_work"].fillna(False).to_numpy(dtype=bool)
    if rule.min_employees:
        emp = register["employees"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        ok &= ~(emp < rule.min_employees)
    return ok
