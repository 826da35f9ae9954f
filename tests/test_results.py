"""Results report numbers against values computed by hand on a small fixture."""

import datetime as dt
import math

import pandas as pd
import pytest

from inspectlib import results

DRAW = pd.DataFrame(
    {
        "firm_id": ["A", "B", "C", "D", "E", "F"],
        "draw_order": [1, 2, 3, 4, 5, 6],
        "stratum": ["random", "random", "risk", "risk", "risk", "risk"],
        "risk_score": [0.1, 0.2, 0.9, 0.8, 0.7, 0.6],
    }
)
REGISTER = pd.DataFrame(
    {
        "firm_id": list("ABCDEFG"),
        "name": [f"厂{c}" for c in "ABCDEFG"],
        "town": ["甲镇", "乙镇", "甲镇", "甲镇", "乙镇", "乙镇", "甲镇"],
        "industry_section": ["C", "C", "E", "E", "H", "C", "C"],
        "lon": [120.0] * 7,
        "lat": [31.0] * 7,
    }
)


def _official():
    import datetime as dt

    from inspectlib.review import OfficialDraw

    return OfficialDraw(
        plan_id=1,
        run_folder="20270105-093012-ab12",
        audit_sha12="0123456789ab",
        adopted_by="planner",
        adopted_at=dt.datetime(2027, 1, 5, 10, 0),
        replaced=[("20270104-080000-cd34", "名录有误")],
    )


OFFICIAL = _official()


def findings() -> pd.DataFrame:
    # A compliant, B violation (random); C violation, D violation, E closed (risk);
    # F not inspected; G inspected outside the plan (violation); one 2026 row ignored.
    return pd.DataFrame(
        {
            "firm_id": ["A", "B", "C", "D", "E", "G", "A"],
            "campaign": ["wage"] * 7,
            "inspection_date": pd.to_datetime(
                [
                    "2027-01-05",
                    "2027-01-06",
                    "2027-01-06",
                    "2027-01-07",
                    "2027-01-08",
                    "2027-01-08",
                    "2026-01-05",
                ]
            ),
            "team": ["x"] * 7,
            "result": [
                "compliant",
                "violation",
                "violation",
                "violation",
                "closed",
                "violation",
                "violation",
            ],
            "violation_codes": ["", "W01", "W01;W03", "W02", "", "E01", "W01"],
            "workers_affected": pd.array([0, 5, 10, 2, 0, 1, 9], dtype="Int64"),
            "back_wages_yuan": [0.0, 1000.0, 25000.0, 500.0, 0.0, 0.0, 7.0],
            "fine_yuan": [0.0, 0.0, 2000.0, 0.0, 0.0, 3000.0, 0.0],
            "rectification_due": pd.to_datetime(
                [None, "2027-01-20", "2027-01-21", None, None, None, None]
            ),
            "notes": [""] * 7,
        }
    )


@pytest.fixture()
def done():
    return results.inspections(findings(), DRAW, REGISTER, "wage", 2027)


def test_inspections_join_strata_and_count_codes(done):
    assert done["firm_id"].tolist() == ["A", "B", "C", "D", "E", "G"]
    assert done["stratum"].tolist() == ["random", "random", "risk", "risk", "risk", "outside plan"]
    assert done["violations"].tolist() == [0, 1, 2, 1, 0, 1]


def test_planned_vs_done(done):
    table = results.planned_vs_done(DRAW, done).set_index("stratum")
    assert table.loc["random"].tolist() == [2, 2, 0]
    assert table.loc["risk"].tolist() == [4, 3, 1]
    assert table.loc["outside plan"].tolist() == [0, 1, 0]
    assert table.loc["total"].tolist() == [6, 6, 1]


def test_breakdown_by_town(done):
    town = results.breakdown(done, "town").set_index("town")
    # 甲镇: A (compliant), C (violation), D (violation), G (violation)
    assert town.loc["甲镇", "inspected"] == 4 and town.loc["甲镇", "violating"] == 3
    assert town.loc["甲镇", "violation rate"] == 0.75
    assert town.loc["甲镇", "back_wages_yuan"] == 25500.0
    assert town.loc["甲镇", "fine_yuan"] == 5000.0
    # 乙镇: B (violation), E (closed: no decided result)
    assert town.loc["乙镇", "decided"] == 1 and town.loc["乙镇", "violation rate"] == 1.0
    assert town.loc["乙镇", "workers_affected"] == 5


def test_prevalence_from_random_stratum_with_wilson_interval(done):
    est = results.prevalence(done)
    assert (est.hits, est.n, est.rate) == (1, 2, 0.5)
    # Wilson 95%: centre (p + z²/2n)/(1 + z²/n), half-width z√(p(1-p)/n + z²/4n²)/(1 + z²/n)
    z, n, p = 1.959963984540054, 2, 0.5
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert est.low == pytest.approx(centre - half) and est.high == pytest.approx(centre + half)


def test_targeting_lift(done):
    lift = results.targeting_lift(done)
    assert (lift.risk.hits, lift.risk.n) == (2, 2)  # E closed: not decided
    assert (lift.random.hits, lift.random.n) == (1, 2)
    assert lift.value == pytest.approx(2.0)


def history_with_past_random_strata() -> pd.DataFrame:
    # this year's random stratum (A compliant, B violation) plus earlier years' random rows:
    # 2024 1/2, 2025 0/1 (+ a closed firm: no answer), 2026 2/2 (P5 and the fixture's 2026
    # row of A); 2023 is too old; risk rows and other campaigns do not count.
    rows = [
        ("P1", "wage", "2024-01-10", "violation", "random"),
        ("P2", "wage", "2024-01-11", "compliant", "random"),
        ("P3", "wage", "2025-01-10", "compliant", "random"),
        ("P4", "wage", "2025-01-12", "closed", "random"),
        ("P5", "wage", "2026-01-10", "violation", "random"),
        ("P6", "wage", "2023-01-10", "violation", "random"),
        ("P7", "wage", "2026-01-11", "violation", "risk"),
        ("P8", "heat", "2026-08-11", "violation", "random"),
    ]
    past = pd.DataFrame(
        rows, columns=["firm_id", "campaign", "inspection_date", "result", "stratum"]
    )
    past["inspection_date"] = pd.to_datetime(past["inspection_date"])
    now = findings().assign(
        stratum=DRAW.set_index("firm_id")["stratum"].reindex(findings()["firm_id"]).to_numpy()
    )
    history = pd.concat([past, now], ignore_index=True)
    return history


def test_pooled_random_stratum_over_recent_years():
    history = history_with_past_random_strata()
    pooled = results.pooled_random_stratum(history, "wage", 2027)
    assert (pooled.estimate.hits, pooled.estimate.n) == (4, 7)
    assert (pooled.first, pooled.last) == (2024, 2027)
    two = results.pooled_random_stratum(history, "wage", 2027, years=2)
    assert (two.estimate.hits, two.estimate.n, two.first) == (3, 4, 2026)


def wage_params(language: str):
    from inspectlib.params import validate_params

    raw = {"campaign": "wage", "year": 2027, "seed": 1, "language": language}
    return validate_params(
        raw | {"register": "r.csv", "boundaries": "b.geojson", "roster": "o.csv"}
    )


def test_results_summary_pools_a_small_random_stratum_and_tables_read_well(done):
    from inspectlib.review import CampaignReview, summary, tables

    params = wage_params("zh")
    review = CampaignReview(
        params, OFFICIAL, 1, DRAW, done, None, history_with_past_random_strata()
    )
    text = str(summary(review))
    assert "符合条件企业的违法率为 50.0%（1/2；95% 置信区间" in text  # this year alone
    assert "合并 2024–2027 年的随机层检查" in text and "57.1%（4/7；" in text
    assert "2024–2027 年随机层合计 57.1%（4/7；" in text and "的 1.75 倍" in text
    assert "已检查 5 家（计划外 1 家）；发现 4 家存在违法行为" in text
    assert "正式抽取：运行 20270105-093012-ab12（audit.json SHA-256 前 12 位 0123456789ab）" in text
    assert "此前确认的抽取 20270104-080000-cd34 已被替换，原因：名录有误。" in text
    shown = str(tables(review))
    assert "违法率" in shown and "75.0%" in shown and "追发工资（元）" in shown
    assert "25,500" in shown and "随机层" in shown and "计划外" in shown
    assert "violation rate" not in shown and "back_wages_yuan" not in shown


def test_a_follow_up_visit_is_not_a_second_sample():
    again = (
        findings().iloc[[1]].assign(inspection_date=pd.Timestamp("2027-02-01"), result="compliant")
    )
    done = results.inspections(
        pd.concat([findings(), again], ignore_index=True), DRAW, REGISTER, "wage", 2027
    )
    est = results.prevalence(done)
    assert (est.hits, est.n) == (1, 2)  # B counts once, by its first visit (a violation)


def test_no_violation_in_the_random_stratum_is_said_so(done):
    from inspectlib.review import CampaignReview, summary

    params = wage_params("en")
    clean = done.assign(result=done["result"].where(done["stratum"] != "random", "compliant"))
    text = str(summary(CampaignReview(params, OFFICIAL, 1, DRAW, clean, None, clean)))
    assert "the random stratum found no violation (0.0% (0/2;" in text
    assert "No comparable results" not in text
    # no random inspection this year, only in 2025: pooled anyway, said as one year
    risk_only = clean[clean["stratum"] != "random"]
    past = clean.assign(stratum="random", inspection_date=pd.Timestamp("2025-03-01"))
    history = pd.concat([past, risk_only])
    text = str(summary(CampaignReview(params, OFFICIAL, 1, DRAW, risk_only, None, history)))
    assert "pooling the random strata of 2025 (assuming" in text
    assert "against 60.0% (3/5;" in text and "in the random strata of 2025:" in text


def test_public_list_has_no_confidential_fields(done):
    public = results.public_results(done, "en")
    assert list(public.columns) == [results.PUBLIC_HEADERS["en"][c] for c in results.PUBLIC_COLUMNS]
    zh = results.public_results(done, "zh")
    assert list(zh.columns) == [
        "企业名称",
        "所属镇（区）",
        "行业",
        "检查日期",
        "检查结果",
        "整改期限",
    ]
    text = public.to_csv()
    for secret in ("random", "risk", "0.9", "25000", "W01", "x"):
        assert secret not in text
    assert "violation found, rectification ordered" in text


def test_prevalence_interval_covers_the_truth_on_the_demo_world(small_world):
    """A purely random draw of the small demo world, carried out by the synthetic
    inspectors: the random-stratum interval must cover the true mean violation
    probability of the eligible firms."""
    from inspectlib.demo.outcomes import simulate_findings
    from inspectlib.draw import plan_draw
    from inspectlib.inputs import load_campaign_inputs
    from inspectlib.params import load_params

    params = load_params(small_world.params["heat"], {"selection": "random", "target_firms": 120})
    inputs = load_campaign_inputs(params)
    draw = plan_draw(params, inputs)
    plan = draw.selected.assign(team="T01", visit_order=1, date=pd.Timestamp("2027-08-02"))
    truth = pd.read_parquet(small_world.region.truth)
    found = simulate_findings(
        plan,
        pd.DataFrame({"team": ["T01"], "inspector_id": ["I1"]}),
        truth,
        inputs.register,
        "heat",
        seed=11,
    )
    done = results.inspections(found, draw.selected, inputs.register, "heat", 2027)
    est = results.prevalence(done)
    true_rate = truth.set_index("firm_id").loc[draw.eligible["firm_id"], "p_heat"].mean()
    assert est.n > 100
    assert est.low <= true_rate <= est.high


@pytest.mark.parametrize(
    "today, published, status",
    [
        (dt.date(2027, 2, 1), None, "due"),
        (dt.date(2027, 3, 30), None, "late"),
        (dt.date(2027, 3, 30), dt.date(2027, 2, 10), "published"),
        (dt.date(2027, 3, 30), dt.date(2027, 3, 29), "published_late"),
    ],
)
def test_results_are_due_twenty_workdays_after_the_last_inspection(today, published, status):
    """一公开: the deadline counts workdays of the Chinese calendar (Spring Festival 2027
    holidays included), from the last inspection."""
    from inspectlib.workdays import workdays_between

    last = dt.date(2027, 1, 29)
    due = results.publication(
        pd.Series(pd.to_datetime([last - dt.timedelta(days=9), last])), 20, published, today
    )
    days, _ = workdays_between(last + dt.timedelta(days=1), due.deadline)
    assert len(days) == 20 and days[-1] == due.deadline and due.last_inspection == last
    assert due.status == status
    assert results.publication(pd.Series([], dtype="datetime64[ns]")).status == "none"


def test_the_report_states_the_publication_deadline(done):
    from inspectlib.review import CampaignReview, summary

    params = wage_params("zh").model_copy(update={"publication_workdays": 15})
    text = str(summary(CampaignReview(params, OFFICIAL, 1, DRAW, done, None, done)))
    assert "个工作日）" in text and ("前公示" in text)


def test_team_rates_flag_teams_far_from_the_rest_and_read_in_chinese(done):
    from inspectlib.review import CampaignReview, tables

    many = pd.DataFrame(
        {
            "team": ["甲组"] * 60 + ["乙组"] * 60 + ["丙组"] * 60 + ["丁组"] * 60 + [""] * 3,
            "result": (["violation"] * 3 + ["compliant"] * 57)
            + (["violation"] * 20 + ["compliant"] * 40) * 3
            + ["closed"] * 3,
        }
    )
    table = results.team_rates(many).set_index("team")
    assert table.loc["甲组", "flag"] == "low" and table.loc["乙组", "flag"] == ""
    assert table.loc["甲组", "low"] < 0.05 < table.loc["甲组", "high"] < 0.2
    assert "—" not in table.index  # closed visits decide nothing
    # the edge of the flag (Bonferroni over 4 teams: p < 0.0125): 10/60 against the rest's
    # 60/180 is flagged (p = 0.0057), 11/60 is not (p = 0.0133)
    edge = many.assign(result=many["result"].where(many.index >= 60, "compliant"))
    for found, flagged in ((10, "low"), (11, "")):
        rows = edge.copy()
        rows.loc[: found - 1, "result"] = "violation"
        assert results.team_rates(rows).set_index("team").loc["甲组", "flag"] == flagged
    params = wage_params("zh")
    shown = str(tables(CampaignReview(params, OFFICIAL, 1, DRAW, done, None, done)))
    assert "各检查组发现率" in shown and "检查组" in shown and "置信区间下限" in shown
    assert "detection rate" not in shown
