"""The firm draw: reproducibility, strata, frequency cap, selection methods, town quotas."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from inspectlib.draw import SELECTED_COLUMNS, excluded_reasons
from inspectlib.errors import PlanningError
from inspectlib.notices import Notice, codes
from inspectlib.sampling import band_size, draw_firms, random_count
from tests.drawdata import FakeInputs, empty_findings, make_findings
from tests.drawdata import draw_with as run


def test_same_seed_same_draw_and_row_order_does_not_matter(synth_inputs):
    a = run(synth_inputs, campaign="illegal_employment")
    b = run(synth_inputs, campaign="illegal_employment")
    pd.testing.assert_frame_equal(a.selected, b.selected)
    pd.testing.assert_frame_equal(a.teams, b.teams)
    pd.testing.assert_frame_equal(a.assignments, b.assignments)
    shuffled = FakeInputs(
        register=synth_inputs.register.sample(frac=1, random_state=4),
        roster=synth_inputs.roster.sample(frac=1, random_state=5),
        findings=empty_findings(),
    )
    c = run(shuffled, campaign="illegal_employment")
    assert c.selected["firm_id"].tolist() == a.selected["firm_id"].tolist()
    assert c.selected["stratum"].tolist() == a.selected["stratum"].tolist()
    pd.testing.assert_frame_equal(c.teams, a.teams)
    pd.testing.assert_frame_equal(c.assignments, a.assignments)


def test_different_seeds_differ(synth_inputs):
    a = run(synth_inputs, seed=1)
    b = run(synth_inputs, seed=2)
    assert a.selected["firm_id"].tolist() != b.selected["firm_id"].tolist()
    assert set(a.selected["firm_id"]) != set(b.selected["firm_id"])


def test_selected_frame_contents(synth_inputs):
    result = run(synth_inputs, campaign="heat")
    sel = result.selected
    assert tuple(sel.columns) == SELECTED_COLUMNS
    assert len(sel) == 110 and sel["draw_order"].tolist() == list(range(1, 111))
    assert sel["firm_id"].is_unique and set(sel["stratum"]) == {"random", "risk"}
    assert (sel["reasons"].str.len() > 0).all()
    random_rows = sel[sel["stratum"] == "random"]
    assert random_rows["reasons"].str.startswith("random stratum (pure random draw)").all()
    assert sel["firm_id"].isin(result.eligible["firm_id"]).all()
    assert result.eligible["risk_score"].between(0, 1).all()
    assert result.model_report.method == "expert"
    # random stratum first in draw order
    assert (sel["stratum"].iloc[: len(random_rows)] == "random").all()


def test_inputs_are_not_modified(synth_inputs):
    before = synth_inputs.register.copy()
    run(synth_inputs)
    pd.testing.assert_frame_equal(synth_inputs.register, before)


@pytest.mark.parametrize(
    ("target", "share", "expected"), [(125, 0.05, 7), (100, 0.07, 7), (110, 0.2, 22), (145, 0.0, 0)]
)
def test_random_count(target, share, expected):
    assert random_count(target, share) == expected


def test_random_share_default_and_explicit(synth_inputs):
    result = run(synth_inputs)
    n_random = int((result.selected["stratum"] == "random").sum())
    assert n_random == math.ceil(0.05 * 125) == 7
    assert "draw.low_random_share" not in codes(result.warnings)
    result = run(synth_inputs, random_share=0.2, target_firms=100)
    assert int((result.selected["stratum"] == "random").sum()) == 20


def test_random_share_below_5_percent_is_accepted_with_a_warning(synth_inputs):
    result = run(synth_inputs, random_share=0.03, target_firms=100)
    assert int((result.selected["stratum"] == "random").sum()) == 3
    (warning,) = [w for w in result.warnings if w.code == "draw.low_random_share"]
    assert str(warning) == "random share 0.03 is below the usual 5% rule"
    assert warning.text("zh") == "随机抽取比例 0.03 低于通常的 5% 规定"


def test_selection_random_draws_everything_at_random(synth_inputs):
    result = run(synth_inputs, selection="random")
    assert set(result.selected["stratum"]) == {"random"}
    assert "draw.low_random_share" not in codes(result.warnings)


def cap_register(base: pd.DataFrame) -> pd.DataFrame:
    reg = base.copy()
    special = {
        "CAPPED": ("2024-06-01", 0),
        "VIOL": ("2024-06-01", 0),
        "COMPLAINT": ("2024-06-01", 2),
        "OLD": ("2023-06-01", 0),
        "FINDONLY": (None, 0),
        "NORECORD": ("2024-06-01", 0),
        "LATER": ("2025-03-01", 0),  # after the window start: not "within days before" it
    }
    for i, (fid, (last, complaints)) in enumerate(special.items()):
        reg.loc[i, ["firm_id", "employees", "complaints_12m", "last_inspected"]] = [
            fid,
            50,
            complaints,
            pd.Timestamp(last) if last else pd.NaT,
        ]
    return reg


def test_frequency_cap_with_the_new_complaints_exception(synth_register, synth_roster):
    findings = pd.DataFrame(
        [
            {
                "firm_id": "CAPPED",
                "campaign": "heat",
                "inspection_date": pd.Timestamp("2024-06-01"),
                "team": "",
                "result": "compliant",
            },
            {
                "firm_id": "VIOL",
                "campaign": "heat",
                "inspection_date": pd.Timestamp("2024-06-01"),
                "team": "",
                "result": "violation",
            },
            {
                "firm_id": "FINDONLY",
                "campaign": "heat",
                "inspection_date": pd.Timestamp("2024-09-01"),
                "team": "",
                "result": "compliant",
            },
        ]
    )
    inputs = FakeInputs(cap_register(synth_register), synth_roster, findings)
    result = run(inputs)  # wage 2025, window starts 2025-01-01, cap 365 days
    excluded = set(result.excluded["firm_id"])
    eligible = set(result.eligible["firm_id"])
    assert {"CAPPED", "FINDONLY", "NORECORD"} <= excluded
    assert {"VIOL", "COMPLAINT", "OLD", "LATER"} <= eligible
    assert not excluded & eligible
    words = excluded_reasons(result.excluded, "en")
    reasons = dict(zip(result.excluded["firm_id"], words, strict=True))
    reason = reasons["CAPPED"]
    assert reason == (
        "inspected 2024-06-01, less than 365 days before the window start "
        "2025-01-01; no violation found and no complaints in the last 12 months"
    )
    # every excluded firm really was inspected within the period
    assert (result.excluded["last_inspected"] >= pd.Timestamp("2024-01-02")).all()
    assert not result.selected["firm_id"].isin(excluded).any()
    # 0 days switches the cap off
    result = run(inputs, exclude_inspected_within_days=0)
    assert result.excluded.empty and {"CAPPED", "FINDONLY"} <= set(result.eligible["firm_id"])


def test_too_few_eligible_firms_is_a_planning_error(synth_inputs):
    with pytest.raises(
        PlanningError,
        match=r"only \d+ firms are eligible for the Summer heat protection "
        r"inspection.*target_firms is 2000.*lower "
        r"target_firms",
    ):
        run(synth_inputs, campaign="heat", target_firms=2000)


def test_top_risk_takes_the_highest_scores(synth_inputs):
    result = run(synth_inputs, selection="top_risk")
    risk = result.selected[result.selected["stratum"] == "risk"]
    chosen = set(result.selected["firm_id"])
    rest = result.eligible[~result.eligible["firm_id"].isin(chosen)]
    assert risk["risk_score"].min() >= rest["risk_score"].max()
    assert risk["risk_score"].is_monotonic_decreasing


def test_risk_weighted_prefers_high_risk_firms(synth_inputs):
    # Probability ∝ 0.05 + score: a mild but clear preference (fixed seeds, 5 draws each).
    means = {"risk_weighted": [], "random": []}
    top_share = {"risk_weighted": [], "random": []}
    for seed in range(1, 6):
        for selection in means:
            result = run(synth_inputs, seed=seed, selection=selection)
            q75 = result.eligible["risk_score"].quantile(0.75)
            drawn = result.selected
            if selection == "risk_weighted":
                drawn = drawn[drawn["stratum"] == "risk"]
            means[selection].append(drawn["risk_score"].mean())
            top_share[selection].append((drawn["risk_score"] >= q75).mean())
    assert min(means["risk_weighted"]) > max(means["random"])
    assert np.mean(top_share["risk_weighted"]) > 0.33
    assert np.mean(top_share["random"]) < 0.28


def _risk_weighted_draw(risk, towns, seed: int, **options):
    """20 firms drawn risk-weighted with no random stratum, streams from ``seed``."""
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2)]
    return draw_firms(
        risk,
        towns,
        target=20,
        n_random=0,
        selection="risk_weighted",
        rng_random=rngs[0],
        rng_risk=rngs[1],
        **options,
    )


def test_band_is_the_widest_that_keeps_the_expected_loss_within_the_limit():
    # 10 firms at p = 1, then p = 0.5: a band of b firms keeps 10 × mean(p of top b), i.e.
    # (10 + 0.5 (b - 10)) / b of the top list. b = 11 keeps 95.45 %.
    p = np.r_[np.ones(10), np.full(90, 0.5)]
    assert band_size(p, 10, max_factor=5, max_loss=0.0455) == 11
    assert band_size(p, 10, max_factor=5, max_loss=0.0450) == 10
    assert band_size(p, 10, max_factor=5, max_loss=0.0) == 10
    # flat risk: nothing is lost by widening, so the cap (risk_pool_factor) decides
    assert band_size(np.full(100, 0.2), 10, max_factor=5, max_loss=0.03) == 50
    assert band_size(np.full(100, 0.2), 10, max_factor=1, max_loss=0.03) == 10


def test_every_firm_in_the_band_has_the_same_chance():
    # p = risk = 0.999 ... 0: m = 20, the band keeps ≥ 97 % of the top 20's expected hits,
    # so it is the 79 highest (mean 0.999 - 78/2000 = 0.960 ≥ 0.97 × 0.9895).
    risk = np.arange(1000)[::-1] / 1000
    towns = np.array(["A"] * 1000)
    counts = np.zeros(1000)
    for seed in range(300):
        pos, strata = _risk_weighted_draw(risk, towns, seed, max_loss=0.03)
        assert set(strata) == {"risk"} and (pos < 79).all()
        counts[pos] += 1
    share = counts[:79] / 300
    assert abs(share.mean() - 20 / 79) < 1e-9
    assert share.min() > 0.14 and share.max() < 0.38  # 20/79 = 0.253, binomial spread


def test_risk_weighted_draws_from_the_high_risk_band():
    # Scores 0..999 (in thousandths); band = 5 × 20 = 100 highest scores (positions 900+).
    risk = np.arange(1000) / 1000
    towns = np.array(["A"] * 1000)
    picked = []
    for seed in range(50):
        pos, _ = _risk_weighted_draw(risk, towns, seed)
        assert (pos >= 900).all()
        picked.extend(pos.tolist())
    # random within the band: far more than the 20 firms a top-risk list would always take
    assert len(set(picked)) > 60


def test_town_subset_and_unknown_town_warning(synth_inputs):
    result = run(synth_inputs, towns=["城东镇", "城西镇", "不存在镇"], target_firms=60)
    assert set(result.selected["town"]) <= {"城东镇", "城西镇"}
    assert set(result.eligible["town"]) == {"城东镇", "城西镇"}
    assert Notice("draw.towns_missing", {"towns": ["不存在镇"]}) in result.warnings


def test_town_minimum(synth_inputs):
    result = run(
        synth_inputs, campaign="heat", target_firms=60, town_quota="minimum", town_minimum=5
    )
    per_town = result.selected["town"].value_counts()
    available = result.eligible["town"].value_counts()
    for town, n in available.items():
        assert per_town.get(town, 0) >= min(5, n)
    with pytest.raises(PlanningError, match="town_minimum 10 needs"):
        run(synth_inputs, campaign="heat", target_firms=60, town_quota="minimum", town_minimum=10)


def test_town_proportional(synth_inputs):
    result = run(synth_inputs, campaign="service_sector", town_quota="proportional")
    risk = result.selected[result.selected["stratum"] == "risk"]
    share = result.eligible["town"].value_counts(normalize=True)
    counts = risk["town"].value_counts()
    for town, s in share.items():
        assert abs(counts.get(town, 0) - s * len(risk)) <= 1


def test_learned_model_feeds_the_draw_and_the_reasons(synth_register, synth_roster):
    findings = make_findings(synth_register, per_year=120, signal="outdoor")
    result = run(FakeInputs(synth_register, synth_roster, findings))
    assert result.model_report.method == "learned"
    assert result.selected["reasons"].str.contains("learned model: 0.").all()
    assert not np.allclose(result.eligible["risk_score"], result.eligible["expert_score"])
