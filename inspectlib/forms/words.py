"""The words of the field documents, in Chinese and English (chosen when rendering)."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "synthetic": "合成示例数据：本文件中的企业和人员均为虚构。",
        "to_be_notified": "另行通知",
        "date_long": "{d.year}年{d.month}月{d.day}日",
        "weekdays": "星期一 星期二 星期三 星期四 星期五 星期六 星期日",
        # routes.docx
        "routes_title": "检查路线单",
        "route_day": "{team} 检查组 · {date}（{weekday}）",
        "inspectors": "检查人员",
        "member_columns": "姓名|单位|执法证号",
        "visit_columns": "顺序|企业名称|镇（区）|地址|预计到达|距上一站（公里）",
        "route_km": "当日路线约 {km:.1f} 公里（直线距离，含返回办公地点）。",
        "heat_rule": "当日高温规则：{rule}",
        "arrival_note": (
            "预计到达时间的估算方法：{start} 从办公地点出发，按两点间直线距离、平均车速每小时"
            "{speed:g} 公里计算路程时间，每家企业检查 {visit} 分钟；仅供参考，以实际为准。"
        ),
        "no_visits": "本计划没有已排定日程的检查。",
        # notices.docx
        "notice_title": "随机抽查告知书",
        "addressee": "{name}（统一社会信用代码：{firm_id}）：",
        "notice_body": (
            "根据{notice}和《劳动保障监察条例》的规定，经随机抽取，你单位被确定为{year}年"
            "{campaign}的抽查对象。现将有关事项告知如下："
        ),
        "field_campaign": "检查事项",
        "field_basis": "检查依据",
        "field_date": "检查日期",
        "field_team": "检查组",
        "team_members": "{team}（{members}）",
        "prepare": "请于检查当日备齐以下材料（原件及复印件），并安排熟悉情况的负责人在场配合检查：",
        "cooperate": "请你单位如实提供有关情况和材料，配合检查。",
        "contact": "联系人：　　　　　　　　联系电话：",
        "seal": "检查机关（盖章）",
        "blank_date": "年　　月　　日",
        # records.docx
        "record_title": "检查记录表",
        "field_firm": "被检查单位",
        "field_firm_id": "统一社会信用代码",
        "field_address": "地址",
        "field_inspectors": "检查人员（执法证号）",
        "check_columns": "序号|检查事项|检查内容|依据|合规|违法|不适用|情况记录",
        "findings": "发现的问题及处理意见：",
        "deadline": "整改期限：　　　　年　　月　　日",
        "sign_inspectors": "检查人员（签名）：",
        "sign_firm": "被检查单位负责人（签名）：",
        "sign_date": "日期：　　　　年　　月　　日",
        "list_sep": "、",
    },
    "en": {
        "synthetic": "SYNTHETIC DEMO DATA: every firm and person in this file is made up.",
        "to_be_notified": "to be notified",
        "date_long": "{d:%d %B %Y}",
        "weekdays": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
        "routes_title": "Route sheet",
        "route_day": "Team {team} · {date} ({weekday})",
        "inspectors": "Inspectors",
        "member_columns": "name|agency|credential no.",
        "visit_columns": "stop|firm|town|address|planned arrival|km from previous",
        "route_km": "Route of the day about {km:.1f} km (straight lines, back to the office).",
        "heat_rule": "Heat rule of the day: {rule}",
        "arrival_note": (
            "Planned arrival: leaving the office at {start}, straight-line distances at "
            "{speed:g} km/h and {visit} minutes per firm; a guide only."
        ),
        "no_visits": "The plan has no scheduled visits.",
        "notice_title": "Notice of random inspection",
        "addressee": "To {name} (unified social credit code {firm_id}):",
        "notice_body": (
            "Under the {notice} and the Regulations on Labour Security Supervision, your unit "
            "was drawn at random for the {year} {campaign}. The details are as follows:"
        ),
        "field_campaign": "inspection",
        "field_basis": "legal basis",
        "field_date": "date",
        "field_team": "team",
        "team_members": "{team} ({members})",
        "prepare": (
            "Please have these documents ready on the day (originals and copies) and a "
            "responsible person present:"
        ),
        "cooperate": "Please give true information and documents and assist the inspection.",
        "contact": "Contact:                    Phone:",
        "seal": "Inspecting authority (seal)",
        "blank_date": "Date:",
        "record_title": "Inspection record",
        "field_firm": "inspected unit",
        "field_firm_id": "unified social credit code",
        "field_address": "address",
        "field_inspectors": "inspectors (credential no.)",
        "check_columns": ("no.|item|what is checked|legal basis|compliant|violation|n/a|findings"),
        "findings": "Findings and actions:",
        "deadline": "Rectification deadline:",
        "sign_inspectors": "Inspectors (signature):",
        "sign_firm": "Person in charge of the inspected unit (signature):",
        "sign_date": "Date:",
        "list_sep": ", ",
    },
}
