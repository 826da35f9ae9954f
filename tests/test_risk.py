"""Expert risk scores with reasons, and the learned model with its time-split report."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from inspectlib.campaigns import get_campaign
from inspectlib.draw import prepare_findings, prepare_register
from inspectlib.errors import ParamsError
from inspectlib.industry import section_of
from inspectlib.risk import expert_scores, resolve_weights
from inspectlib.risk_model import (
    MIN_LABELLED,
    fit_risk_model,
    precision_at_k,
)
from tests.drawdata import make_findings, make_register

TODAY = dt.date(2025, 1, 2)


def one_firm(**values) -> pd.DataFrame:
    row = {"firm_id": "F1", "name": "A", "last_inspected": pd.Timestamp("2024-05-01")} | values
    return pd.DataFrame([row])


def finding(firm_id: str, campaign: str, date: str, result: str) -> dict:
    return {
        "firm_id": firm_id,
        "campaign": campaign,
        "inspection_date": pd.Timestamp(date),
        "team": "",
        "result": result,
    }


def test_no_factor_scores_zero_with_a_plain_reason():
    score, why = expert_scores(one_firm(), "wage", today=TODAY)
    assert score.iloc[0] == 0.0
    assert why.iloc[0] == "no risk factor recorded"


def test_every_point_is_explained_and_the_score_is_points_over_total_weight():
    reg = one_firm(
        complaints_12m=3, credit_grade="C", has_union=False, employees=1200, industry_code="4710"
    )
    score, why = expert_scores(reg, "wage", today=TODAY)
    weights = get_campaign("wage").default_weights()
    # Largest points first; equal points keep the factor order. 1,000+ employees = full weight.
    assert why.iloc[0] == (
        "3 complaints in 12 months: +0.88; credit grade C: +0.60; priority "
        "industry: construction (E): +0.60; large workforce (1,200 "
        "employees): +0.40; no trade union: +0.30"
    )
    points = 0.875 + 0.6 + 0.6 + 0.4 + 0.3
    assert score.iloc[0] == pytest.approx(points / sum(weights.values()), abs=1e-6)
    assert 0 < score.iloc[0] < 1
    _, why = expert_scores(one_firm(employees=200), "wage", today=TODAY)
    assert why.iloc[0] == "large workforce (200 employees): +0.24"  # 0.4 × log(200/20)/log(50)


def test_scores_stay_between_0_and_1_and_are_row_order_independent():
    reg = make_register(400, seed=3)
    score, why = expert_scores(reg, "heat", today=TODAY)
    assert score.between(0, 1).all() and score.max() > 0.3
    assert (why != "").all()
    shuffled = reg.sample(frac=1, random_state=1)
    score2, why2 = expert_scores(shuffled, "heat", today=TODAY)
    assert score2.sort_index().equals(score)
    assert why2.sort_index().equals(why)


def test_chinese_reasons():
    _, why = expert_scores(
        one_firm(complaints_12m=2, has_union=False), "service_sector", today=TODAY, language="zh"
    )
    assert why.iloc[0] == "未建工会: +0.80; 近12个月投诉2件: +0.60"


def test_weight_overrides_and_bad_weights():
    reg = one_firm(complaints_12m=1, has_union=False)
    base, _ = expert_scores(reg, "wage", today=TODAY)
    off, why = expert_scores(reg, "wage", {"no_union": 0}, today=TODAY)
    assert off.iloc[0] < base.iloc[0] and "trade union" not in why.iloc[0]
    _, why = expert_scores(one_firm(outdoor_work=True), "wage", {"outdoor_work": 0.5}, today=TODAY)
    assert why.iloc[0] == "outdoor work: +0.50"
    with pytest.raises(
        ParamsError, match="unknown risk factor 'overtime'.*complaints, past_violation"
    ):
        resolve_weights("wage", {"overtime": 1.0})
    with pytest.raises(ParamsError, match="no_union must be a number ≥ 0"):
        resolve_weights("wage", {"no_union": -1})


def test_past_violations_come_from_findings_before_today_only():
    reg = pd.concat([one_firm(firm_id=f) for f in ("SAME", "OTHER", "LATER", "OLD", "REF")])
    findings = prepare_findings(
        pd.DataFrame(
            [
                finding("SAME", "wage", "2024-01-10", "violation"),
                finding("SAME", "heat", "2024-08-10", "violation"),
                finding("OTHER", "heat", "2023-08-10", "violation"),
                finding("LATER", "wage", "2025-01-20", "violation"),  # after today: ignored
                finding("OLD", "wage", "2018-01-10", "violation"),  # older than 5 years: ignored
                finding("REF", "illegal_employment", "2024-06-10", "refused"),
            ]
        )
    )
    _, why = expert_scores(reg, "wage", today=TODAY, findings=findings)
    got = dict(zip(reg["firm_id"], why, strict=True))
    assert got["SAME"] == "violation found in 2024 wage payment inspection: +1.00"
    assert got["OTHER"] == "violation found in 2023 summer heat protection inspection: +0.60"
    assert got["LATER"] == "no risk factor recorded"
    assert got["OLD"] == "no risk factor recorded"
    assert got["REF"] == "refused inspection in 2024 illegal employment inspection: +0.60"


def test_not_recently_inspected_uses_register_and_findings():
    reg = pd.concat(
        [
            one_firm(firm_id="NEVER", last_inspected=pd.NaT),
            one_firm(firm_id="LONG", last_inspected=pd.Timestamp("2020-03-01")),
            one_firm(firm_id="SEEN", last_inspected=pd.Timestamp("2020-03-01")),
        ]
    )
    findings = prepare_findings(pd.DataFrame([finding("SEEN", "heat", "2024-08-01", "compliant")]))
    _, why = expert_scores(reg, "wage", today=TODAY, findings=findings)
    assert why.tolist() == [
        "never inspected: +0.20",
        "not inspected since 2020: +0.10",
        "no risk factor recorded",
    ]


def test_section_of_industry_codes():
    codes = pd.Series(["0111", "4710", "5211", "6210", "9011", "9610", "", "x1"])
    assert section_of(codes).tolist() == ["A", "E", "F", "H", "R", "S", "", ""]


def test_precision_at_k_counts_ties_at_their_average():
    assert precision_at_k(np.array([0.9, 0.5, 0.5, 0.1]), np.array([1, 1, 0, 0]), 2) == 0.75
    assert precision_at_k(np.array([0.3, 0.2, 0.1]), np.array([0, 1, 1]), 1) == 0.0


# ----- learned model -----


@pytest.fixture(scope="module")
def reg() -> pd.DataFrame:
    return prepare_register(make_register(1500, seed=7))


def fit(reg: pd.DataFrame, findings: pd.DataFrame, mode: str = "auto", campaign: str = "wage"):
    return fit_risk_model(
        reg,
        prepare_findings(findings),
        campaign,
        today=TODAY,
        capacity=125,
        weights=resolve_weights(campaign),
        mode=mode,
    )


def test_learned_model_falls_back_when_too_few_findings(reg):
    model, report = fit(reg, make_findings(reg, per_year=30))
    assert model is None and report.method == "expert"
    assert "Too few labelled inspections to learn from (Wage payment" in report.reason
    assert f"need at least {MIN_LABELLED}" in report.reason
    assert report.n_labelled == 120 and report.test_year is None
    model, report = fit(reg, make_findings(reg, per_year=300, years=(2024,)))
    assert model is None and "Cannot make a time split" in report.reason


def test_no_history_falls_back(reg):
    model, report = fit(reg, pd.DataFrame())
    assert model is None and "No findings history" in report.reason


def test_forced_expert_is_said_and_still_calibrated(reg):
    findings = make_findings(reg, per_year=120, signal="outdoor")
    model, report = fit(reg, findings, mode="expert")
    assert model is None and "params.risk_model is 'expert'" in report.reason
    assert report.calibration is not None and report.calibration["on_logit"] is False
    p = report.probability(np.array([0.0, 0.5, 1.0]))
    assert np.all(np.diff(p) > 0) and np.all((p > 0) & (p < 1))


def test_selection_bias_handling_is_reported(reg):
    findings = make_findings(reg, per_year=120, signal="outdoor")
    # the training sample is described whichever scorer is chosen: no learner needed
    _, report = fit(reg, findings.drop(columns="stratum"), mode="expert")
    assert "no stratum" in report.training and "not corrected" in report.training
    _, blank = fit(reg, findings.assign(stratum=""), mode="expert")
    assert blank.training == report.training
    _, report = fit(reg, findings, mode="learned")
    assert "the draw stratum is a feature" in report.training
    assert "risk_stratum" in report.coefficients or report.candidate == "boosting"


def test_stratum_feature_absorbs_what_the_risk_draw_saw_and_scores_as_if_random(reg):
    # Firms drawn for risk violate more often at the same features (the risk draw saw
    # something the register does not): the model learns that as the stratum effect and
    # scores firms as if drawn at random, so the scores match the random stratum's rate.
    findings = make_findings(reg, per_year=300, signal="outdoor", random_share=0.1, seed=3)
    rng = np.random.default_rng(0)
    risk = findings["stratum"].eq("risk") & findings["result"].eq("compliant")
    flip = risk & (rng.random(len(findings)) < 0.5)
    findings.loc[flip, ["result", "violation_codes"]] = ["violation", "W01"]
    model, report = fit(reg, findings, mode="learned")
    from inspectlib.history_features import feature_rows, register_rows

    prepared = prepare_findings(findings)
    rnd = prepared[prepared["stratum"] == "random"].reset_index(drop=True)
    keys = rnd[["firm_id", "inspection_date", "campaign"]].rename(
        columns={"inspection_date": "as_of"}
    )
    rows, present = register_rows(prepare_register(reg), keys["firm_id"])
    table = feature_rows(rows, present, keys, prepared)
    from inspectlib.risk import factor_table, score_from_table

    factors = factor_table(rows, "wage", today=keys["as_of"], findings=prepared)
    table["expert_score"] = score_from_table(factors, resolve_weights("wage"))
    observed = rnd["result"].eq("violation").mean()
    raw = model.fit.raw(table)
    assert abs(raw.mean() - observed) < 0.06
    all_rate = prepared["result"].eq("violation").mean()
    assert all_rate - observed > 0.2  # a model blind to the stratum would be this far off
