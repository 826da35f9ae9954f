"""The learned risk model on generated worlds: no look-ahead, honest model choice,
calibration, the team-effect correction and learning from firms no longer registered."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from inspectlib.draw import plan_draw, prepare_findings, prepare_register
from inspectlib.history_features import HISTORY_COLUMNS, feature_rows, history_features
from inspectlib.model_choice import ALPHA, Fold, choose, hits_at_k
from inspectlib.results import Estimate
from inspectlib.risk import resolve_weights
from inspectlib.risk_model import expected_hit_rate, fit_risk_model, pool_features
from tests.drawdata import make_findings, make_params, make_register, make_world


def scoring_table(register, findings, campaign, today):
    """What the draw scores firms on: the factor table plus the learned model's features."""
    from inspectlib.risk import factor_table

    reg = prepare_register(register)
    table = factor_table(reg, campaign, today=today, findings=findings)
    return pd.concat([table, pool_features(reg, findings, campaign, today)], axis=1), reg


def fit(register, findings, campaign="wage", today=dt.date(2025, 1, 2), mode="auto"):
    return fit_risk_model(
        prepare_register(register),
        prepare_findings(findings),
        campaign,
        today=today,
        capacity=125,
        weights=resolve_weights(campaign),
        mode=mode,
    )


@pytest.fixture(scope="session")
def team_world():
    return make_world("team_effect")


@pytest.fixture(scope="session")
def wrong_world():
    return make_world("expert_wrong")


@pytest.fixture(scope="session")
def biased_world():
    return make_world("biased_no_stratum")


# ----- no look-ahead -----


def _finding(firm, campaign, date, result, wages=np.nan):
    return {
        "firm_id": firm,
        "campaign": campaign,
        "inspection_date": pd.Timestamp(date),
        "result": result,
        "back_wages_yuan": wages,
        "workers_affected": 3 if result == "violation" else np.nan,
    }


def test_a_feature_never_uses_findings_on_or_after_its_date():
    findings = pd.DataFrame(
        [
            _finding("F52-1", "wage", "2023-03-01", "violation", 8000.0),
            _finding("F52-1", "heat", "2024-07-01", "compliant"),
            _finding("F52-1", "wage", "2024-09-10", "violation", 5000.0),  # the day itself
            _finding("F52-1", "wage", "2025-03-01", "violation", 9000.0),  # after
        ]
    )
    keys = pd.DataFrame(
        {"firm_id": ["F52-1"], "as_of": [pd.Timestamp("2024-09-10")], "campaign": ["wage"]}
    )
    got = history_features(keys, findings).iloc[0]
    assert got["h_inspections"] == pytest.approx(np.log1p(2))
    assert got["h_viol_same"] == 1 and got["h_viol_other"] == 0
    assert got["h_last_bad"] == 0  # the heat inspection was the last one before
    assert got["h_back_wages"] == pytest.approx(np.log1p(8000))
    assert got["h_years_since"] == pytest.approx(71 / 365.25)
    # a day later, the inspection of 2024-09-10 counts
    later = history_features(keys.assign(as_of=pd.Timestamp("2024-09-11")), findings).iloc[0]
    assert later["h_viol_same"] == 2 and later["h_last_bad"] == 1


def test_training_features_do_not_change_when_the_future_changes(wrong_world):
    findings = prepare_findings(wrong_world.findings)
    keys = findings[["firm_id", "inspection_date", "campaign"]].rename(
        columns={"inspection_date": "as_of"}
    )
    before = history_features(keys, findings)
    # rewrite every result: each row may only see rows strictly before its own date
    rng = np.random.default_rng(0)
    changed = findings.assign(
        result=np.where(rng.random(len(findings)) < 0.5, "violation", "compliant"),
        back_wages_yuan=rng.random(len(findings)) * 1e5,
    )
    for cut in ("2022-06-01", "2024-01-01"):
        rows = (keys["as_of"] <= pd.Timestamp(cut)).to_numpy()
        future = (changed["inspection_date"] >= pd.Timestamp(cut)).to_numpy()
        mixed = pd.concat([findings[~future], changed[future]], ignore_index=True)
        after = history_features(keys[rows], mixed)
        pd.testing.assert_frame_equal(
            before[rows].reset_index(drop=True), after.reset_index(drop=True)
        )
    assert set(HISTORY_COLUMNS) <= set(before.columns)


# ----- learning from all of the history -----


def test_findings_of_firms_no_longer_registered_still_teach(wrong_world):
    # the training sample is the same whichever scorer is then chosen: no learner is fitted
    model, report = fit(
        wrong_world.register, wrong_world.findings, today=dt.date(2026, 1, 5), mode="expert"
    )
    gone = ~wrong_world.findings["firm_id"].isin(wrong_world.register["firm_id"])
    labelled = wrong_world.findings["result"].isin(["violation", "compliant", "refused"])
    assert report.n_history == int(labelled.sum())  # every campaign, every firm
    assert report.n_outside_register == int((gone & labelled).sum()) > 100
    assert "no longer in the register" in report.training
    assert "不在名录中" in report.training.render("zh")
    # their register features are missing, their history is not
    rows = wrong_world.findings[gone].head(3)
    keys = rows[["firm_id", "inspection_date", "campaign"]].rename(
        columns={"inspection_date": "as_of"}
    )
    blank = prepare_register(wrong_world.register.head(0))
    from inspectlib.history_features import register_rows

    reg_rows, present = register_rows(blank, keys["firm_id"])
    feats = feature_rows(reg_rows, present, keys, wrong_world.findings)
    assert feats["r_complaints"].isna().all() and feats["h_inspections"].notna().all()


# ----- honest model choice -----


@pytest.fixture(scope="session")
def noise_fits(reg_small):
    """Fits on histories where nothing predicts a violation, by seed (built once)."""
    out = {}
    for seed in (1, 2, 3):
        out[seed] = fit(reg_small, make_findings(reg_small, per_year=150, signal="none", seed=seed))
    return out


@pytest.fixture(scope="session")
def outdoor_fit(reg_small):
    """Findings where outdoor work drives violations (the expert weights miss it) and the
    fit on them (built once)."""
    findings = make_findings(reg_small, per_year=150, signal="outdoor", years=range(2019, 2025))
    return findings, *fit(reg_small, findings)


def test_noise_never_wins(noise_fits):
    for model, report in noise_fits.values():
        assert model is None and report.method == "expert", report.reason
        assert report.test_years == [2022, 2023, 2024]
        assert "better than the expert score beyond chance" in report.reason
        assert "没有显著胜过专家评分" in report.reason.render("zh")


@pytest.fixture(scope="session")
def reg_small():
    return make_register(1500)


def test_the_choice_rule_rarely_lets_noise_through():
    rng = np.random.default_rng(7)
    wins = 0
    trials = 60
    for _ in range(trials):
        folds = []
        for year in (2022, 2023, 2024):
            y = (rng.random(100) < 0.3).astype(int)
            scores = {m: rng.random(100) for m in ("expert", "logistic", "boosting")}
            folds.append(Fold(year, y, 50, scores))
        wins += choose(folds, ("logistic", "boosting")).method != "expert"
    assert wins / trials <= ALPHA


def test_a_real_gain_is_chosen_and_explained(reg_small, outdoor_fit):
    findings, model, report = outdoor_fit
    assert model is not None and report.method == "learned"
    best = report.candidate
    assert report.gain_low[best] > 0 and report.gains[best] > 0
    assert report.precision_learned > report.precision_expert
    assert report.auc_learned > 0.5
    assert "bootstrap interval" in report.reason and "自助法区间" in report.reason.render("zh")
    again_model, again = fit(reg_small, findings)
    assert again == report  # deterministic
    table, _ = scoring_table(reg_small, prepare_findings(findings), "wage", dt.date(2025, 1, 2))
    assert np.array_equal(model.predict(table), again_model.predict(table))


def _folds(scores_of, n: int = 300, seed: int = 11) -> list[Fold]:
    """Three folds whose scores are made from the labels by ``scores_of(y, rng)``."""
    rng = np.random.default_rng(seed)
    folds = []
    for year in (2022, 2023, 2024):
        y = (rng.random(n) < 0.3).astype(int)
        folds.append(Fold(year, y, n // 2, scores_of(y, rng)))
    return folds


def test_a_complex_candidate_must_beat_the_simpler_one_not_only_the_expert():
    def same_as_logistic(y, rng):
        strong = y + rng.normal(0, 0.8, len(y))
        return {"expert": rng.random(len(y)), "logistic": strong, "boosting": strong.copy()}

    verdict = choose(_folds(same_as_logistic), ("logistic", "boosting"))
    # boosting beats the expert score as much as the logistic regression, but not it
    assert verdict.method == "logistic"
    assert verdict.lows["boosting"] > 0 and verdict.gains["boosting"] == verdict.gains["logistic"]

    def only_boosting(y, rng):
        return {
            "expert": rng.random(len(y)),
            "logistic": rng.random(len(y)),
            "boosting": y + rng.normal(0, 0.8, len(y)),
        }

    # fixed sequence: the simplest candidate failed, so the search stops there
    verdict = choose(_folds(only_boosting), ("logistic", "boosting"))
    assert verdict.method == "expert" and verdict.auc_lows["boosting"] > 0


def test_either_interval_above_zero_is_enough_but_a_worse_ranking_never_wins():
    def more_hits(y, rng):
        expert = y + rng.normal(0, 1.5, len(y))
        return {"expert": expert, "logistic": y + rng.normal(0, 0.7, len(y))}

    verdict = choose(_folds(more_hits), ("logistic",))
    assert verdict.method == "logistic" and verdict.lows["logistic"] > 0
    assert verdict.auc_floors["logistic"] > 0.5

    def top_only(y, rng):
        # the expert's ranking, but the violators near the cut moved into the top k and the
        # rest ranked backwards: more violations in the top k, a worse ranking (AUC)
        expert = y + rng.normal(0, 1.0, len(y))
        rank = np.argsort(np.argsort(-expert))
        near_cut = (rank >= 135) & (rank < 165)
        return {
            "expert": expert,
            "logistic": np.where(rank < 135, 10 + expert, np.where(near_cut, 5 + y, -expert)),
        }

    verdict = choose(_folds(top_only), ("logistic",))
    assert verdict.lows["logistic"] > 0 and verdict.auc_gains["logistic"] < 0
    assert verdict.method == "expert"


def test_hits_at_k_counts_ties_at_their_average():
    assert hits_at_k(np.array([0.9, 0.5, 0.5, 0.1]), np.array([1, 1, 0, 0]), 2)[0] == 1.5
    assert hits_at_k(np.array([0.9, 0.5, 0.5, 0.1]), np.array([1, 1, 0, 0]), 1)[0] == 1.0


# ----- calibration -----


def test_expected_hit_rate_holds_on_a_held_out_year():
    # Plan 2025 from the findings before it; the firms drawn then violate as the truth says.
    # (A world where the demo's assumptions hold: on the worlds that break them the gap is
    # larger, see the benchmark notes in the README.)
    world = make_world("plain", n_firms=4000)
    inputs = world.inputs()
    truth = world.truth.set_index("firm_id")
    for campaign in ("wage", "heat"):
        result = plan_draw(make_params(campaign=campaign, year=2025, language="en"), inputs)
        hits = result.expected
        assert hits is not None and result.model_report.calibration is not None
        p = truth.loc[result.selected["firm_id"], f"p_{campaign}"].to_numpy()
        y = np.random.default_rng(1).random(len(p)) < p
        observed = Estimate.of(int(y.sum()), len(y))
        assert observed.low <= hits.draw / hits.n <= observed.high, (campaign, hits, observed)
        assert abs(hits.draw - p.sum()) / hits.n < 0.06
        assert hits.random < hits.draw <= hits.top_list + 1e-9


def test_an_unproven_learner_that_ranks_better_than_chance_is_blended(biased_world):
    # hand-picked history without a stratum: the logistic regression ranks held-out years
    # well, but not provably better than the expert score
    model, report = fit(
        biased_world.register, biased_world.findings, today=dt.date(2026, 1, 5), mode="auto"
    )
    assert report.method == "learned" and report.candidate == "blend", report.reason
    assert report.auc_gain_low["logistic"] <= 0 < report.gain_high["logistic"]
    assert "averaged" in report.reason and "平均" in report.reason.render("zh")
    table, _ = scoring_table(
        biased_world.register, prepare_findings(biased_world.findings), "wage", dt.date(2026, 1, 5)
    )
    from inspectlib.risk import score_from_table

    table["expert_score"] = score_from_table(table, resolve_weights("wage"))
    expert = model.expert_calibration(table["expert_score"].to_numpy())
    learned = model.calibration(model.fit.raw(table))
    assert np.allclose(model.predict(table), (expert + learned) / 2, atol=2e-6)
    assert report.probability(model.predict(table)) is not None
    # the held-out hit rate is the blend's own
    rate, low, high = expected_hit_rate(report)
    assert low < rate < high and rate != report.precision_learned


# ----- expected hit rate -----


def test_expected_hit_rate_is_the_held_out_precision_with_its_interval(
    reg_small, outdoor_fit, noise_fits
):
    _, _, learned = outdoor_fit
    assert learned.method == "learned" and learned.candidate in ("logistic", "boosting")
    rate, low, high = expected_hit_rate(learned)
    assert rate == pytest.approx(learned.hits[learned.candidate] / learned.k, abs=1e-6)
    assert rate == learned.precision_learned and low < rate < high < 1
    # with k inspections the 95 % interval is about ±2 standard errors wide
    se = np.sqrt(rate * (1 - rate) / learned.k)
    assert 3 * se < high - low < 5 * se
    _, expert = noise_fits[1]
    assert expert.method == "expert"
    assert expected_hit_rate(expert)[0] == expert.precision_expert
    # no held-out year: no honest rate
    assert expected_hit_rate(fit(reg_small, pd.DataFrame())[1]) is None
    assert expected_hit_rate(fit(reg_small, make_findings(reg_small, per_year=30))[1]) is None


# ----- team effect -----


def test_lenient_teams_do_not_make_their_firms_look_safe(team_world):
    today = dt.date(2026, 1, 5)
    table, reg = scoring_table(
        team_world.register, prepare_findings(team_world.findings), "wage", today
    )
    construction = (reg["industry_section"] == "E").to_numpy()
    p_true = team_world.truth.set_index("firm_id").loc[reg["firm_id"], "p_wage"].to_numpy()
    true_ratio = p_true[construction].mean() / p_true[~construction].mean()

    def ratio(findings: pd.DataFrame) -> tuple[float, object]:
        model, report = fit(team_world.register, findings, today=today, mode="learned")
        p = model.predict(table)
        return p[construction].mean() / p[~construction].mean(), report

    corrected, report = ratio(team_world.findings)
    blind, _ = ratio(team_world.findings.assign(team=""))  # no team recorded: no correction
    assert blind < corrected and abs(corrected - true_ratio) < abs(blind - true_ratio)
    effects = report.team_effects
    assert effects["建筑组一"] < 0 < effects["制造组一"]
    assert "nuisance effect" in report.training and "平均检查组" in report.training.render("zh")
