"""Column contracts of the input files (DESIGN.md §4).

Each input kind (register, roster, findings, weather, boundaries) is a tuple of
:class:`Column` specs: the canonical English name, the Chinese aliases people use, the value
type and whether it is required. :mod:`inspectlib.tables` maps the headers of a real file onto
these names and parses the values; everything downstream only sees canonical names.

Canonical frames produced by the loaders
----------------------------------------
register (``inspectlib.register.load_register``), one row per firm, index 0..n-1:
    firm_id str · name str · town str (as used: the polygon's town when known) ·
    address str · lon, lat float64 (WGS-84) · industry_code str (GB/T 4754, may be "") ·
    industry_section str (letter A–T, derived, may be "") · industry_digits str (the code
    without its section letter, derived: what industry rules compare) · industry str ·
    employees Int64 · ownership str · has_union boolean · outdoor_work boolean ·
    complaints_12m Int64 (missing = 0) · credit_grade str (A/B/C or "") ·
    last_inspected datetime64[ns] (NaT when never) · approx_location bool ·
    outside_boundaries bool · source_row int (row number in the file)
    plus any unknown extra columns, kept as text.
roster: inspector_id str · name str · agency str · home_town str ·
    available_from, available_to datetime64[ns] (NaT = no limit) · credential_no str
    (law-enforcement credential 执法证号, "" = none) · conflict_firm_ids str (回避企业: credit
    codes separated by ``;``).
findings: firm_id str · campaign str · inspection_date datetime64[ns] · team str ·
    result str (one of RESULTS) · violation_codes str · workers_affected Int64 ·
    back_wages_yuan float64 · fine_yuan float64 · rectification_due datetime64[ns] · notes str.
weather: date datetime64[ns] · tmax_c float64.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

ValueType = Literal[
    "text", "int", "float", "bool", "date", "count", "grade", "result", "campaign", "stratum"
]

RESULTS: tuple[str, ...] = ("compliant", "violation", "closed", "not_found", "refused")
CAMPAIGN_IDS: tuple[str, ...] = ("wage", "illegal_employment", "heat", "service_sector")


@dataclass(frozen=True)
class Column:
    """One column of an input kind.

    Parameters
    ----------
    name : str
        Canonical English header.
    kind : str
        Value type: ``text``, ``int``, ``float``, ``bool``, ``date``, ``count`` (integer that
        may carry a unit, e.g. ``120人``), ``grade`` (credit grade A/B/C), ``result``
        (inspection result) or ``campaign`` (campaign id).
    aliases : tuple of str
        Chinese (and other) headers that mean the same column.
    required : bool
        Whether a file without this column is rejected.
    low, high : float or datetime.date, optional
        The accepted range of a number or date column (both ends included); a value outside
        it is an error naming file, row and column. See :func:`accepted_range`.
    years_ahead : int, optional
        For dates: the range ends on 31 December of the current year plus this many years
        (instead of a fixed ``high``).
    unit : str
        Unit of a number column, for messages and the README (e.g. ``yuan``, ``°C``).
    """

    name: str
    kind: ValueType = "text"
    aliases: tuple[str, ...] = ()
    required: bool = False
    low: float | dt.date | None = None
    high: float | dt.date | None = None
    years_ahead: int | None = None
    unit: str = ""


FIRST_DAY = dt.date(2000, 1, 1)
"""No date in an input file lies before this day (inspections, availability, weather)."""

MAX_YUAN = 1e10
"""Largest amount of money (back wages, fines) accepted in one row: 10 billion yuan."""

MAX_PEOPLE = 2_000_000
"""Largest head count accepted in one row (employees of a firm, workers affected)."""


def accepted_range(
    column: Column, today: dt.date | None = None
) -> tuple[float | dt.date, float | dt.date] | None:
    """The accepted range ``(low, high)`` of a number or date column, or None.

    Examples
    --------
    >>> accepted_range(FINDINGS[2], today=dt.date(2026, 12, 1))
    (datetime.date(2000, 1, 1), datetime.date(2027, 12, 31))
    >>> accepted_range(WEATHER[1])
    (-60.0, 60.0)
    """
    if column.low is None:
        return None
    if column.years_ahead is not None:
        year = (today or dt.date.today()).year + column.years_ahead
        return column.low, dt.date(year, 12, 31)
    return column.low, column.high if column.high is not None else float("inf")


def _dates(years_ahead: int) -> dict:
    return {"low": FIRST_DAY, "years_ahead": years_ahead}


REGISTER: tuple[Column, ...] = (
    Column("firm_id", "text", ("统一社会信用代码", "信用代码", "社会信用代码", "uscc"), True),
    Column("name", "text", ("企业名称", "单位名称", "名称"), True),
    Column(
        "town", "text", ("所属镇(区)", "所属镇区", "镇区", "街道", "镇(区)", "所属街道", "镇街")
    ),
    Column("address", "text", ("地址", "注册地址", "经营地址")),
    Column("lon", "float", ("经度", "longitude", "lng")),
    Column("lat", "float", ("纬度", "latitude")),
    Column("industry_code", "text", ("行业代码", "国民经济行业代码")),
    Column("industry", "text", ("行业", "行业门类", "所属行业")),
    Column(
        "employees",
        "count",
        ("从业人数", "职工人数", "员工人数", "用工人数"),
        low=0,
        high=MAX_PEOPLE,
        unit="people",
    ),
    Column("ownership", "text", ("企业类型", "经济类型", "登记注册类型")),
    Column("has_union", "bool", ("是否建会", "已建会", "建会")),
    Column("outdoor_work", "bool", ("户外作业", "是否户外作业")),
    Column(
        "complaints_12m",
        "count",
        ("近12个月投诉", "信访件数", "投诉件数", "近12月投诉"),
        low=0,
        high=100_000,
        unit="complaints",
    ),
    Column("credit_grade", "grade", ("信用等级", "劳动保障信用等级")),
    Column("last_inspected", "date", ("上次检查日期", "最近检查日期", "上次检查"), **_dates(1)),
)

ROSTER: tuple[Column, ...] = (
    Column("inspector_id", "text", ("编号", "人员编号", "工号"), True),
    Column("name", "text", ("姓名",), True),
    Column("agency", "text", ("单位", "所属单位", "部门"), True),
    Column(
        "home_town", "text", ("户籍镇区", "居住镇区", "所在镇区", "家庭所在镇(区)", "家庭所在镇区")
    ),
    Column("available_from", "date", ("可用开始日期", "开始日期"), **_dates(5)),
    Column("available_to", "date", ("可用结束日期", "结束日期"), **_dates(5)),
    Column("credential_no", "text", ("执法证号", "执法证编号", "行政执法证号")),
    Column("conflict_firm_ids", "text", ("回避企业", "回避企业信用代码", "回避单位")),
)

FINDINGS: tuple[Column, ...] = (
    Column("firm_id", "text", ("统一社会信用代码", "信用代码", "社会信用代码"), True),
    Column("campaign", "campaign", ("专项检查", "专项", "检查类型"), True),
    Column("inspection_date", "date", ("检查日期",), True, **_dates(1)),
    Column("team", "text", ("检查组", "小组")),
    Column("result", "result", ("检查结果", "结果"), True),
    Column("violation_codes", "text", ("违法代码", "违法行为代码", "违规代码")),
    Column(
        "workers_affected",
        "count",
        ("涉及职工人数", "涉及人数", "涉及劳动者人数"),
        low=0,
        high=MAX_PEOPLE,
        unit="people",
    ),
    Column(
        "back_wages_yuan",
        "float",
        ("追发工资(元)", "追发工资", "补发工资(元)", "追讨工资(元)"),
        low=0.0,
        high=MAX_YUAN,
        unit="yuan",
    ),
    Column(
        "fine_yuan",
        "float",
        ("罚款(元)", "罚款金额(元)", "罚款"),
        low=0.0,
        high=MAX_YUAN,
        unit="yuan",
    ),
    Column("rectification_due", "date", ("整改期限", "整改截止日期"), **_dates(3)),
    Column("notes", "text", ("备注", "说明")),
    Column("stratum", "stratum", ("抽取方式", "抽查方式", "抽取类型", "抽样方式")),
)

FINDINGS_KEY: tuple[str, ...] = ("firm_id", "campaign", "inspection_date")
"""Natural key of a finding: one inspection of one firm in one campaign on one day."""

FINDINGS_COLUMNS: tuple[str, ...] = tuple(c.name for c in FINDINGS)
"""Canonical findings columns. ``stratum`` says how the firm was drawn (``random`` or
``risk``); inspectors' sheets rarely carry it, archived plans fill it in."""

WEATHER: tuple[Column, ...] = (
    Column("date", "date", ("日期",), True, **_dates(1)),
    Column(
        "tmax_c",
        "float",
        ("最高气温", "最高气温(℃)", "日最高气温", "tmax"),
        True,
        low=-60.0,
        high=60.0,
        unit="°C",
    ),
)

BOUNDARIES: tuple[Column, ...] = (
    Column("town", "text", ("所属镇(区)", "镇区", "街道", "名称", "name", "镇(区)"), True),
    Column("code", "text", ("代码", "区划代码")),
)

KINDS: dict[str, tuple[Column, ...]] = {
    "register": REGISTER,
    "roster": ROSTER,
    "findings": FINDINGS,
    "weather": WEATHER,
    "boundaries": BOUNDARIES,
}

# Result words as inspectors write them.
RESULT_ALIASES: dict[str, str] = {
    "合规": "compliant",
    "未发现问题": "compliant",
    "无违法": "compliant",
    "正常": "compliant",
    "违法": "violation",
    "违规": "violation",
    "有违法": "violation",
    "发现问题": "violation",
    "关闭": "closed",
    "已关闭": "closed",
    "停业": "closed",
    "注销": "closed",
    "未找到": "not_found",
    "查无此企业": "not_found",
    "无法找到": "not_found",
    "拒绝": "refused",
    "拒绝检查": "refused",
    "拒检": "refused",
    "not found": "not_found",
}

STRATA: tuple[str, ...] = ("random", "risk")
"""How a firm was drawn: the purely random stratum or the risk stratum."""

STRATUM_ALIASES: dict[str, str] = {
    "随机": "random",
    "随机抽取": "random",
    "随机抽查": "random",
    "纯随机": "random",
    "风险": "risk",
    "风险加权": "risk",
    "重点": "risk",
    "重点抽取": "risk",
    "按风险": "risk",
}

CAMPAIGN_ALIASES: dict[str, str] = {
    "工资": "wage",
    "工资专项": "wage",
    "企业工资专项检查": "wage",
    "工资支付": "wage",
    "非法用工": "illegal_employment",
    "非法用工专项检查": "illegal_employment",
    "高温": "heat",
    "夏季高温": "heat",
    "夏季高温专项检查": "heat",
    "服务行业": "service_sector",
    "服务行业用工专项检查": "service_sector",
}

WARNING_POINTS: tuple[Column, ...] = (
    Column("name", "text", ("名称", "预警点", "预警点名称"), True),
    Column("town", "text", ("所属镇(区)", "镇区", "街道")),
    Column("lon", "float", ("经度",), True, low=-180.0, high=180.0, unit="°"),
    Column("lat", "float", ("纬度",), True, low=-90.0, high=90.0, unit="°"),
)
"""Labour-relations early-warning points (劳动关系预警点), WGS-84 lon/lat."""
