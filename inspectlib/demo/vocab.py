"""Fixed vocabularies of the synthetic demo region: towns, industries, names, violation codes.

Everything here is invented for the demo (SYNTHETIC). Industry codes and section names are
real GB/T 4754-2017 codes so that the importers and risk models see realistic values; town
names, the county code ``320299`` and every person and firm name are fictional.
"""

from __future__ import annotations

from dataclasses import dataclass

COUNTY_CODE = "320299"  # fictional county under prefecture 3202; no real county has it
CENTRE_LON, CENTRE_LAT = 120.3, 31.8
HALF_WIDTH_KM, HALF_HEIGHT_KM = 20.0, 15.0

GROUPS: tuple[str, ...] = (
    "textile",
    "garment",
    "cable",
    "electronics",
    "metal",
    "materials",
    "food",
    "construction",
    "logistics",
    "wholesale",
    "retail",
    "catering",
    "hotel",
    "property",
    "resident",
    "entertainment",
)
MANUFACTURING = frozenset(
    {"textile", "garment", "cable", "electronics", "metal", "materials", "food"}
)


@dataclass(frozen=True)
class Town:
    """One fictional town/district of the demo region.

    Parameters
    ----------
    name : str
        Chinese name ending in 街道, 镇 or 开发区.
    code : str
        Nine-digit township code (county code + 3 digits: 0xx 街道, 1xx 镇, 4xx 开发区).
    kind : str
        ``street`` (urban 街道), ``zone`` (开发区) or ``town`` (镇).
    share : float
        Share of the region's firms registered here.
    mix : dict
        Relative weight of each industry group (keys from :data:`GROUPS`).
    """

    name: str
    code: str
    kind: str
    share: float
    mix: dict[str, float]


TOWNS: tuple[Town, ...] = (
    Town(
        "澄和街道",
        COUNTY_CODE + "001",
        "street",
        0.14,
        {
            "retail": 0.22,
            "catering": 0.22,
            "hotel": 0.07,
            "resident": 0.18,
            "entertainment": 0.08,
            "property": 0.06,
            "wholesale": 0.05,
            "construction": 0.05,
            "logistics": 0.03,
            "garment": 0.02,
            "electronics": 0.02,
        },
    ),
    Town(
        "云湖街道",
        COUNTY_CODE + "002",
        "street",
        0.12,
        {
            "retail": 0.15,
            "catering": 0.20,
            "hotel": 0.12,
            "entertainment": 0.12,
            "resident": 0.14,
            "property": 0.10,
            "construction": 0.08,
            "logistics": 0.04,
            "wholesale": 0.05,
        },
    ),
    Town(
        "东河街道",
        COUNTY_CODE + "003",
        "street",
        0.10,
        {
            "wholesale": 0.15,
            "logistics": 0.15,
            "retail": 0.15,
            "catering": 0.15,
            "resident": 0.10,
            "construction": 0.10,
            "metal": 0.05,
            "materials": 0.05,
            "hotel": 0.04,
            "property": 0.06,
        },
    ),
    Town(
        "临江开发区",
        COUNTY_CODE + "401",
        "zone",
        0.12,
        {
            "cable": 0.28,
            "electronics": 0.25,
            "metal": 0.12,
            "materials": 0.05,
            "logistics": 0.10,
            "construction": 0.06,
            "catering": 0.06,
            "property": 0.04,
            "retail": 0.04,
        },
    ),
    Town(
        "青禾镇",
        COUNTY_CODE + "101",
        "town",
        0.10,
        {
            "textile": 0.38,
            "garment": 0.17,
            "wholesale": 0.08,
            "retail": 0.10,
            "catering": 0.09,
            "construction": 0.06,
            "logistics": 0.05,
            "resident": 0.05,
            "metal": 0.02,
        },
    ),
    Town(
        "梅溪镇",
        COUNTY_CODE + "102",
        "town",
        0.09,
        {
            "garment": 0.30,
            "textile": 0.22,
            "retail": 0.10,
            "catering": 0.10,
            "construction": 0.08,
            "resident": 0.06,
            "logistics": 0.05,
            "food": 0.05,
            "wholesale": 0.04,
        },
    ),
    Town(
        "白荡镇",
        COUNTY_CODE + "103",
        "town",
        0.08,
        {
            "construction": 0.28,
            "materials": 0.20,
            "metal": 0.10,
            "logistics": 0.10,
            "retail": 0.10,
            "catering": 0.10,
            "resident": 0.06,
            "food": 0.06,
        },
    ),
    Town(
        "桑园镇",
        COUNTY_CODE + "104",
        "town",
        0.07,
        {
            "food": 0.25,
            "retail": 0.13,
            "catering": 0.13,
            "textile": 0.10,
            "construction": 0.10,
            "logistics": 0.08,
            "resident": 0.08,
            "materials": 0.06,
            "hotel": 0.04,
            "entertainment": 0.03,
        },
    ),
    Town(
        "长塘镇",
        COUNTY_CODE + "105",
        "town",
        0.09,
        {
            "logistics": 0.30,
            "wholesale": 0.12,
            "construction": 0.12,
            "retail": 0.10,
            "catering": 0.12,
            "metal": 0.08,
            "materials": 0.06,
            "resident": 0.05,
            "hotel": 0.05,
        },
    ),
    Town(
        "石湾镇",
        COUNTY_CODE + "106",
        "town",
        0.09,
        {
            "metal": 0.30,
            "cable": 0.14,
            "materials": 0.10,
            "construction": 0.10,
            "retail": 0.10,
            "catering": 0.10,
            "logistics": 0.08,
            "resident": 0.05,
            "electronics": 0.03,
        },
    ),
)


@dataclass(frozen=True)
class Industry:
    """One GB/T 4754-2017 class used in the demo.

    Parameters
    ----------
    code : str
        Four-digit class code.
    group : str
        Demo industry group (one of :data:`GROUPS`).
    weight : float
        Relative frequency within its group.
    words : tuple of str
        Trade words used in firm names (纺织, 电缆, 快餐 ...).
    outdoor : float
        Probability that a firm of this class works outdoors.
    """

    code: str
    group: str
    weight: float
    words: tuple[str, ...]
    outdoor: float


INDUSTRIES: tuple[Industry, ...] = (
    Industry("1711", "textile", 0.30, ("纺织", "棉纺"), 0.04),
    Industry("1712", "textile", 0.20, ("织造", "棉织"), 0.04),
    Industry("1751", "textile", 0.30, ("化纤织造", "化纤"), 0.04),
    Industry("1761", "textile", 0.20, ("针织", "针纺"), 0.03),
    Industry("1819", "garment", 0.50, ("服装", "制衣"), 0.02),
    Industry("1829", "garment", 0.30, ("针织服装", "服饰"), 0.02),
    Industry("1830", "garment", 0.20, ("服饰", "帽业"), 0.02),
    Industry("3831", "cable", 0.50, ("电缆", "线缆"), 0.10),
    Industry("3832", "cable", 0.20, ("光纤", "光电"), 0.05),
    Industry("3833", "cable", 0.30, ("光缆", "通信光缆"), 0.10),
    Industry("3982", "electronics", 0.50, ("电子", "电路板"), 0.02),
    Industry("3981", "electronics", 0.30, ("电子元件", "微电子"), 0.02),
    Industry("3921", "electronics", 0.20, ("通信设备", "通讯"), 0.02),
    Industry("3311", "metal", 0.40, ("钢结构", "金属结构"), 0.30),
    Industry("3360", "metal", 0.20, ("表面处理", "热处理"), 0.05),
    Industry("3484", "metal", 0.40, ("机械", "精密机械"), 0.05),
    Industry("2929", "materials", 0.50, ("塑业", "塑料制品"), 0.05),
    Industry("3021", "materials", 0.50, ("建材", "水泥制品"), 0.50),
    Industry("1353", "food", 0.40, ("食品", "肉制品"), 0.05),
    Industry("1431", "food", 0.60, ("食品", "面业"), 0.03),
    Industry("4710", "construction", 0.35, ("建设", "建筑工程"), 0.95),
    Industry("4813", "construction", 0.15, ("市政工程", "路桥工程"), 0.98),
    Industry("4910", "construction", 0.15, ("机电安装", "电气安装"), 0.80),
    Industry("5012", "construction", 0.25, ("装饰工程", "装饰"), 0.60),
    Industry("5090", "construction", 0.10, ("建筑劳务", "劳务"), 0.90),
    Industry("5431", "logistics", 0.35, ("物流", "运输"), 0.90),
    Industry("5432", "logistics", 0.10, ("冷链物流", "冷链运输"), 0.85),
    Industry("5910", "logistics", 0.15, ("装卸服务", "搬运"), 0.90),
    Industry("5920", "logistics", 0.20, ("仓储", "仓储服务"), 0.50),
    Industry("6020", "logistics", 0.20, ("快递", "速递"), 0.95),
    Industry("5131", "wholesale", 0.60, ("纺织品贸易", "针纺织品"), 0.05),
    Industry("5174", "wholesale", 0.40, ("五金", "五金机电"), 0.10),
    Industry("5211", "retail", 0.15, ("百货", "商厦"), 0.03),
    Industry("5212", "retail", 0.25, ("超市", "便利店"), 0.03),
    Industry("5223", "retail", 0.20, ("果蔬", "生鲜"), 0.10),
    Industry("5232", "retail", 0.25, ("服饰商行", "鞋服"), 0.02),
    Industry("5265", "retail", 0.15, ("加油站", "石化加油站"), 0.80),
    Industry("6210", "catering", 0.45, ("餐饮", "酒家"), 0.05),
    Industry("6220", "catering", 0.30, ("快餐", "小吃"), 0.05),
    Industry("6231", "catering", 0.10, ("茶楼", "茶社"), 0.03),
    Industry("6241", "catering", 0.15, ("餐饮配送", "团餐"), 0.60),
    Industry("6110", "hotel", 0.15, ("大酒店", "国际酒店"), 0.05),
    Industry("6121", "hotel", 0.35, ("快捷酒店", "商务酒店"), 0.03),
    Industry("6129", "hotel", 0.50, ("宾馆", "旅馆"), 0.03),
    Industry("7020", "property", 1.0, ("物业管理", "物业服务"), 0.70),
    Industry("8010", "resident", 0.20, ("家政服务", "家政"), 0.30),
    Industry("8040", "resident", 0.35, ("美容美发", "美发"), 0.02),
    Industry("8051", "resident", 0.10, ("洗浴", "浴场"), 0.02),
    Industry("8052", "resident", 0.15, ("足浴", "养生"), 0.02),
    Industry("8111", "resident", 0.20, ("汽车维修", "汽修"), 0.40),
    Industry("9011", "entertainment", 0.35, ("娱乐", "歌厅"), 0.02),
    Industry("9013", "entertainment", 0.30, ("网络会所", "网咖"), 0.02),
    Industry("9019", "entertainment", 0.35, ("休闲娱乐", "游艺"), 0.02),
)

SECTION_OF_GROUP: dict[str, str] = {
    **dict.fromkeys(MANUFACTURING, "C"),
    "construction": "E",
    "logistics": "G",
    "wholesale": "F",
    "retail": "F",
    "catering": "H",
    "hotel": "H",
    "property": "K",
    "resident": "O",
    "entertainment": "R",
}

# Employees: (median, log-sd) of the lognormal body; the tail is clipped at 5,000.
EMPLOYEES: dict[str, tuple[float, float]] = {
    "textile": (45, 1.1),
    "garment": (30, 1.0),
    "cable": (80, 1.2),
    "electronics": (90, 1.3),
    "metal": (35, 1.0),
    "materials": (30, 0.9),
    "food": (25, 1.0),
    "construction": (30, 1.2),
    "logistics": (15, 1.1),
    "wholesale": (8, 0.8),
    "retail": (6, 0.9),
    "catering": (8, 0.9),
    "hotel": (12, 0.9),
    "property": (25, 1.0),
    "resident": (5, 0.8),
    "entertainment": (10, 0.8),
}

OWNERSHIPS: tuple[str, ...] = (
    "有限责任公司",
    "私营",
    "股份有限公司",
    "外商投资",
    "港澳台投资",
    "国有",
    "个体工商户",
    "集体",
)
# Base ownership weights (same order as OWNERSHIPS) for manufacturing, construction/transport
# and services; adjusted by size and by the development zone in world.py.
OWNERSHIP_WEIGHTS: dict[str, tuple[float, ...]] = {
    "manufacturing": (0.42, 0.30, 0.06, 0.07, 0.05, 0.02, 0.00, 0.04),
    "works": (0.50, 0.30, 0.05, 0.01, 0.01, 0.06, 0.05, 0.02),
    "services": (0.30, 0.25, 0.02, 0.02, 0.02, 0.02, 0.36, 0.01),
}

# Hidden-model effects per group: wage, illegal_employment, heat, service_sector,
# complaints (log-rate), union (logit).
GROUP_EFFECTS: dict[str, tuple[float, float, float, float, float, float]] = {
    "textile": (0.4, 0.2, 0.6, -1.2, 0.0, 0.2),
    "garment": (0.6, 0.6, 0.4, -1.0, 0.2, -0.2),
    "cable": (-0.2, -0.5, 0.2, -1.5, -0.3, 0.6),
    "electronics": (-0.3, -0.3, -0.5, -1.5, -0.2, 0.6),
    "metal": (0.2, 0.0, 0.5, -1.3, 0.0, 0.1),
    "materials": (0.2, 0.1, 0.6, -1.3, 0.0, 0.0),
    "food": (0.1, 0.3, 0.1, -1.0, 0.0, 0.0),
    "construction": (1.0, 0.7, 0.8, -1.0, 0.9, -0.3),
    "logistics": (0.3, 0.3, 0.7, -0.3, 0.3, -0.4),
    "wholesale": (0.0, -0.2, -0.5, 0.0, -0.2, -0.5),
    "retail": (-0.1, 0.0, -0.6, 0.6, 0.0, -0.8),
    "catering": (0.5, 0.8, 0.3, 1.0, 0.6, -1.2),
    "hotel": (0.1, 0.3, -0.4, 0.8, 0.1, -0.6),
    "property": (0.2, 0.2, 0.4, 0.7, 0.2, -0.5),
    "resident": (0.3, 0.7, -0.5, 1.1, 0.3, -1.3),
    "entertainment": (0.3, 1.0, -0.6, 1.2, 0.2, -1.3),
}

# Overall prevalence of violations (mean hidden probability over all firms) per campaign.
PREVALENCE: dict[str, float] = {
    "wage": 0.15,
    "illegal_employment": 0.10,
    "heat": 0.12,
    "service_sector": 0.17,
}

VIOLATION_CODES: dict[str, tuple[str, str]] = {
    "W01": ("拖欠工资", "unpaid wages (arrears)"),
    "W02": ("工资低于最低工资标准", "pay below the minimum wage"),
    "W03": ("未足额支付加班工资", "unpaid overtime"),
    "E01": ("未订立书面劳动合同", "no written labour contract"),
    "E02": ("使用童工", "child labour"),
    "E03": ("未办理用工登记备案", "unregistered employment"),
    "H01": ("未发放高温津贴", "no heat allowance"),
    "H02": ("37℃以上高温时段安排户外作业", "outdoor work in the hottest hours at ≥37 °C"),
    "H03": ("未采取防暑降温措施", "no heat protection measures"),
    "S01": ("未依法缴纳社会保险", "no social insurance"),
    "T01": ("超时加班", "excessive working hours"),
}

# Violation codes each campaign looks for, with base weights of the first code found.
CAMPAIGN_CODES: dict[str, dict[str, float]] = {
    "wage": {"W01": 0.45, "W02": 0.15, "W03": 0.30, "S01": 0.10},
    "illegal_employment": {"E01": 0.55, "E03": 0.30, "E02": 0.05, "S01": 0.10},
    "heat": {"H01": 0.45, "H02": 0.20, "H03": 0.35},
    "service_sector": {"E01": 0.30, "W03": 0.20, "S01": 0.30, "T01": 0.20},
}

CAMPAIGN_ZH: dict[str, str] = {
    "wage": "企业工资专项检查",
    "illegal_employment": "非法用工专项检查",
    "heat": "夏季高温专项检查",
    "service_sector": "服务行业用工专项检查",
}
RESULT_ZH: dict[str, str] = {
    "compliant": "合规",
    "violation": "违法",
    "closed": "已关闭",
    "not_found": "查无此企业",
    "refused": "拒绝检查",
}
# Inspections per campaign and year (the real city's counts; service_sector invented).
CAMPAIGN_SIZE: dict[str, int] = {
    "wage": 125,
    "illegal_employment": 140,
    "heat": 112,
    "service_sector": 122,
}

AGENCIES: tuple[tuple[str, str, int], ...] = (
    ("人社局", "RS", 14),
    ("总工会", "GH", 8),
    ("公安局", "GA", 5),
    ("市场监管局", "SJ", 5),
    ("住建局", "ZJ", 4),
    ("应急管理局", "YJ", 4),
    ("卫健委", "WJ", 4),
    ("税务局", "SW", 4),
)

SURNAMES: tuple[str, ...] = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN_CHARS: str = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉鹏宇浩凯婷雪琳晨欣怡佳俊峰志斌"
    "亮红燕波海鑫丹萍玲梅鹰晓东春兰庆云飞彬蕾倩颖瑞祥涵嘉昊宁锋"
)
BRAND_CHARS: str = (
    "宏达鑫华盛兴恒瑞源佳通金昌泰丰顺新联祥隆益和嘉锦永富利德裕晨泓骏润博康亿诚信安远"
)
ROADS: tuple[str, ...] = (
    "人民路",
    "兴业路",
    "工业大道",
    "长江路",
    "振兴路",
    "中山路",
    "解放路",
    "建设路",
    "环城路",
    "迎宾大道",
    "新华路",
    "府前街",
    "和平路",
    "文化路",
    "滨江路",
    "创业路",
    "科技大道",
    "虹桥路",
    "青年路",
    "学府路",
    "站前路",
    "湖滨路",
    "锦绣路",
    "朝阳路",
)
PLACE_CHARS: str = "新华东南西北金桥塘港河湾溪庄桑梅兴安龙凤和平文明花园滨湖山石杨柳荷青云长永丰"
