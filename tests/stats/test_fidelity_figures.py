"""Fidelity figures on small fixed data sets, checked against hand computation (written out in
the comments) and published reference values."""

from __future__ import annotations

import json
import math

import pytest
from scipy import stats

from cascade.stats.fidelity.agreement import icc_2_1, rater_agreement, weighted_kappa
from cascade.stats.fidelity.drift import cascade_drift, item_drift, welch_interval
from cascade.stats.fidelity.records import FidelityRecord, FidelitySettings, band, fidelity_percent, score_items
from cascade.stats.fidelity.summaries import aggregate, item_figures

SETTINGS = FidelitySettings()  # the programme defaults: 50 / 79, 10 points, 0.70
ITEMS = ("a", "b", "c", "d", "e")  # five items: each point of score is 10 percentage points


def rec(percent: int, checklist="training-session", version="1.0.0", **fields) -> FidelityRecord:
    """A five-item record scoring `percent` (a multiple of 10): score total = percent / 10."""
    total, scores = percent // 10, {}
    for item in ITEMS:
        scores[item] = min(2, total)
        total -= scores[item]
    assert fidelity_percent(scores) == percent
    return FidelityRecord(checklist, version, scores, **fields)


# --- one record ---------------------------------------------------------------------------------


def test_score_of_one_record_leaves_not_applicable_items_out():
    # 2 + 1 + 0 over 3 applicable items: 3 / (2 x 3) x 100 = 50; the N/A item is not a 0.
    result = score_items({"a": 2, "b": 1, "c": 0, "d": None}, SETTINGS)
    assert (result.total, result.maximum, result.applicable, result.not_applicable) == (3, 6, 3, 1)
    assert result.percent == 50.0
    assert result.band == "low"
    assert fidelity_percent({"a": 2, "b": 1, "c": None}) == 75.0


@pytest.mark.parametrize("scores", [{}, {"a": None}, {"a": None, "b": None}])
def test_a_record_with_no_applicable_item_has_no_score(scores):
    result = score_items(scores, SETTINGS)
    assert result.percent is None and result.band is None
    assert fidelity_percent(scores) is None


@pytest.mark.parametrize("bad", [3, -1, True, "2", 1.5])
def test_scores_must_be_0_1_2_or_none(bad):
    with pytest.raises(ValueError, match="use 0, 1, 2 or None"):
        fidelity_percent({"a": bad})
    with pytest.raises(ValueError, match="item 'a' has score"):
        FidelityRecord("training-session", "1.0.0", {"a": bad})


# --- bands --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        (0, "low"),
        (50, "low"),  # "low up to 50": 50 itself is low
        (50.01, "moderate"),  # between 50 and 51: above 50, so no longer low
        (50.5, "moderate"),
        (51, "moderate"),
        (79, "moderate"),
        (79.5, "moderate"),  # between 79 and 80: not yet 80, so not high (no rounding up)
        (79.99, "moderate"),
        (80, "high"),  # "high 80 and above"
        (80 - 1e-12, "high"),  # float noise from sums is not a real difference
        (100, "high"),
        (None, None),
    ],
)
def test_bands_at_their_edges(percent, expected):
    assert band(percent, SETTINGS) == expected


def test_band_settings_come_from_the_programme_config():
    assert FidelitySettings.from_programme() == FidelitySettings(50, 79, 10, 0.70)
    custom = FidelitySettings.from_programme(
        {"fidelity": {"bands": {"low_max": 40, "moderate_max": 69}, "drift_flag_points": 5}}
    )
    assert (custom.band(40), custom.band(40.5), custom.band(70)) == ("low", "moderate", "high")
    assert custom.drift_flag_points == 5 and custom.agreement_target == 0.70
    with pytest.raises(ValueError, match="low_max < moderate_max"):
        FidelitySettings(low_max=80, moderate_max=79)
    with pytest.raises(ValueError, match="must be a number"):
        FidelitySettings.from_programme({"fidelity": {"bands": {"low_max": "fifty"}}})


# --- aggregation: like with like ----------------------------------------------------------------


def test_versions_and_checklists_are_never_pooled():
    records = [
        rec(80, version="1.0.0", delivery_id=1),
        rec(60, version="1.0.0", delivery_id=2),
        rec(40, version="1.1.0", delivery_id=3),
        rec(100, checklist="module:peer-support-role", delivery_id=1),
    ]
    figures = aggregate(records, settings=SETTINGS)
    assert [(f.checklist_id, f.checklist_version, f.n, f.mean) for f in figures] == [
        ("module:peer-support-role", "1.0.0", 1, 100.0),
        ("training-session", "1.0.0", 2, 70.0),
        ("training-session", "1.1.0", 1, 40.0),
    ]
    only = aggregate(records, settings=SETTINGS, checklist_id="training-session",
                     checklist_version="1.1.0")
    assert [(f.checklist_version, f.mean) for f in only] == [("1.1.0", 40.0)]


def test_aggregate_by_trainer_with_mean_sd_interval_and_bands():
    records = [
        rec(70, delivery_id=1, trainer_id="T1"),
        rec(80, delivery_id=2, trainer_id="T1"),
        rec(90, delivery_id=3, trainer_id="T1"),
        rec(40, delivery_id=4, trainer_id="T2"),
    ]
    t1, t2 = aggregate(records, by="trainer_id", settings=SETTINGS)
    # T1: mean 80, sd 10 (deviations -10, 0, 10: 200 / 2 = 100), n 3.
    # 95% t interval: 80 +- t(0.975, 2) x 10 / sqrt(3) = 80 +- 4.302653 x 5.773503
    #                 = 80 +- 24.841377 -> (55.158623, 104.841377).
    assert (t1.by, t1.group, t1.n, t1.mean, t1.sd) == ("trainer_id", "T1", 3, 80.0, 10.0)
    assert t1.ci_low == pytest.approx(55.158623, abs=1e-6)
    assert t1.ci_high == pytest.approx(104.841377, abs=1e-6)
    assert (t1.minimum, t1.maximum, t1.band) == (70.0, 90.0, "high")
    assert t1.band_counts == {"low": 0, "moderate": 1, "high": 2}
    # T2: one record, so no spread and no interval, and the figure says why.
    assert (t2.n, t2.mean, t2.sd, t2.band) == (1, 40.0, None, "low")
    assert (t2.ci_low, t2.ci_high) == (None, None)
    assert "one scored record only" in t2.note


def test_two_raters_of_one_delivery_count_once_and_unscored_records_are_counted_apart():
    records = [
        rec(60, delivery_id=1, rater_id="R1", site="EL"),
        rec(80, delivery_id=1, rater_id="R2", site="EL"),  # same delivery: averaged to 70
        rec(90, delivery_id=2, rater_id="R1", site="EL"),
        FidelityRecord("training-session", "1.0.0", {"a": None}, delivery_id=3, site="EL"),
    ]
    (figure,) = aggregate(records, by="site", settings=SETTINGS)
    assert (figure.n, figure.mean, figure.n_records, figure.n_unscored) == (2, 80.0, 4, 1)
    (per_rating,) = aggregate(records, by="site", settings=SETTINGS, collapse_raters=False)
    assert (per_rating.n, per_rating.mean) == (3, pytest.approx(230 / 3))


def test_item_figures_use_only_applicable_ratings():
    records = [
        FidelityRecord("module:m", "1.0.0", {"intro": 2, "practice": 1, "distress": None},
                       delivery_id=1),
        FidelityRecord("module:m", "1.0.0", {"intro": 2, "practice": 0, "distress": 1},
                       delivery_id=2),
        FidelityRecord("module:m", "1.0.0", {"intro": 1, "practice": 0, "distress": None},
                       delivery_id=3),
    ]
    figures = {f.item_id: f for f in item_figures(records, settings=SETTINGS)}
    # intro: (2 + 2 + 1) / 3 = 1.667 -> / 2 x 100 = 83.33; practice: 1 / 3 / 2 x 100 = 16.67;
    # distress: applicable once (score 1) -> 50, two deliveries not applicable.
    assert figures["intro"].mean == pytest.approx(250 / 3)
    assert figures["intro"].band == "high"
    assert figures["practice"].mean == pytest.approx(50 / 3)
    assert (figures["distress"].n, figures["distress"].mean, figures["distress"].n_unscored) == (
        1, 50.0, 2)


def test_grouping_by_extra_fields_tuples_and_functions():
    base = {"checklist_id": "support-contact", "checklist_version": "1.0.0"}
    records = [
        FidelityRecord.from_mapping(
            {**base, "scores": {"a": 2}, "contact_id": 1, "site": "WA", "setting": "rural"}
        ),
        FidelityRecord.from_mapping(
            {**base, "scores": {"a": 1}, "contact_id": 2, "site": "EL", "setting": "urban"}
        ),
    ]
    assert records[0].extra == {"setting": "rural"}
    assert [f.group for f in aggregate(records, by="setting", settings=SETTINGS)] == [
        "rural", "urban"]
    assert [f.group for f in aggregate(records, by=["site", "setting"], settings=SETTINGS)] == [
        ("EL", "urban"), ("WA", "rural")]
    by_len = aggregate(records, by=lambda r: len(r.site), settings=SETTINGS)
    assert [(f.group, f.n) for f in by_len] == [(2, 2)]
    with pytest.raises(ValueError, match="records have no field 'sitee'"):
        aggregate(records, by="sitee", settings=SETTINGS)


# --- cascade drift ------------------------------------------------------------------------------


def test_drift_is_generation_2_minus_generation_1_with_a_welch_interval():
    gen1 = [rec(p, delivery_id=f"g1-{i}", generation=1) for i, p in enumerate((80, 90, 70))]
    gen2 = [rec(p, delivery_id=f"g2-{i}", generation=2) for i, p in enumerate((60, 70, 50))]
    gen0 = [rec(10, delivery_id="g0", generation=0)]  # not part of the comparison
    (drift,) = cascade_drift(gen1 + gen2 + gen0, settings=SETTINGS)
    # By hand: generation 1 mean 80, variance 100; generation 2 mean 60, variance 100.
    # difference = 60 - 80 = -20; se = sqrt(100/3 + 100/3) = 8.164966;
    # Welch df = (100/3 + 100/3)^2 / ((100/3)^2/2 + (100/3)^2/2) = 4;
    # t(0.975, 4) = 2.776445; half-width = 2.776445 x 8.164966 = 22.669579;
    # interval -20 +- 22.669579 = (-42.669579, 2.669579).
    assert (drift.generation_1.n, drift.generation_1.mean, drift.generation_1.sd) == (3, 80.0, 10.0)
    assert (drift.generation_2.n, drift.generation_2.mean) == (3, 60.0)
    assert drift.difference == -20.0
    assert drift.df == pytest.approx(4.0)
    assert drift.ci_low == pytest.approx(-42.669579, abs=1e-6)
    assert drift.ci_high == pytest.approx(2.669579, abs=1e-6)
    assert drift.flagged is True  # a drop of 20 points is more than 10
    assert drift.interval_excludes_zero is False  # but with 3 + 3 deliveries it could be chance
    assert drift.note is None
    # The same interval as scipy's Welch t-test.
    reference = stats.ttest_ind([60, 70, 50], [80, 90, 70], equal_var=False)
    ci = reference.confidence_interval(0.95)
    assert (drift.ci_low, drift.ci_high) == (pytest.approx(ci.low), pytest.approx(ci.high))


@pytest.mark.parametrize(
    ("gen2_scores", "flagged"),
    [((60, 80), False), ((50, 80), True), ((70, 90), False)],
    ids=["drop of exactly 10: not flagged", "drop of 15: flagged", "no drop"],
)
def test_drift_flag_is_a_drop_of_more_than_the_configured_points(gen2_scores, flagged):
    gen1 = [rec(p, delivery_id=f"a{p}", generation=1) for p in (70, 90)]  # mean 80
    gen2 = [rec(p, delivery_id=f"b{p}", generation=2) for p in gen2_scores]
    (drift,) = cascade_drift(gen1 + gen2, settings=SETTINGS)
    assert drift.flagged is flagged
    (strict,) = cascade_drift(gen1 + gen2, settings=FidelitySettings(drift_flag_points=5))
    assert strict.flagged is (drift.difference < -5)


def test_drift_by_site_is_honest_about_small_numbers():
    records = [
        rec(80, delivery_id=1, site="EL", generation=1),
        rec(90, delivery_id=2, site="EL", generation=1),
        rec(60, delivery_id=3, site="EL", generation=2),  # one generation-2 delivery
        rec(70, delivery_id=4, site="DV", generation=1),
        rec(80, delivery_id=5, site="DV", generation=1),  # no generation 2 yet
        rec(80, delivery_id=6, site="WA", generation=1),
        rec(80, delivery_id=7, site="WA", generation=1),
        rec(80, delivery_id=8, site="WA", generation=2),
        rec(80, delivery_id=9, site="WA", generation=2),
    ]
    dv, el, wa = cascade_drift(records, by="site", settings=SETTINGS)
    assert (dv.group, dv.difference, dv.flagged, dv.ci_low) == ("DV", None, None, None)
    assert dv.note == "no scored records for generation 2, so no difference"
    # EL: 60 - 85 = -25, flagged on the point estimate, but no interval from one delivery.
    assert (el.group, el.difference, el.flagged, el.ci_low, el.ci_high) == (
        "EL", -25.0, True, None, None)
    assert "generation 2 has 1 scored record(s); an interval needs at least 2" in el.note
    # WA: no spread at all, so no interval (rather than a zero-width one).
    assert (wa.difference, wa.flagged, wa.ci_low) == (0.0, False, None)
    assert "no spread" in wa.note


def test_welch_interval_when_one_generation_has_no_spread():
    # Generation 1 all 80 (variance 0); generation 2: 60 and 70 (variance 50).
    # se = sqrt(0 + 50/2) = 5; df = 25^2 / (25^2 / 1) = 1; t(0.975, 1) = 12.706205;
    # difference 65 - 80 = -15; interval -15 +- 63.531024 = (-78.531024, 48.531024).
    interval = welch_interval([80, 80, 80], [60, 70])
    assert (interval.difference, interval.se, interval.df) == (-15.0, 5.0, 1.0)
    assert interval.ci_low == pytest.approx(-78.531024, abs=1e-6)
    assert interval.ci_high == pytest.approx(48.531024, abs=1e-6)
    with pytest.raises(ValueError, match="at least 2"):
        welch_interval([80], [60, 70])


def test_drift_by_core_component():
    def contact(cid, generation, scores):
        return FidelityRecord("support-contact", "1.0.0", scores, contact_id=cid,
                              generation=generation)

    records = [
        contact(1, 1, {"listens": 2, "shares": 2}),
        contact(2, 1, {"listens": 2, "shares": 1}),
        contact(3, 2, {"listens": 2, "shares": 0}),
        contact(4, 2, {"listens": 1, "shares": None}),
    ]
    drifts = {d.item_id: d for d in item_drift(records, settings=SETTINGS)}
    # listens: gen 1 (100, 100) mean 100; gen 2 (100, 50) mean 75 -> -25, flagged.
    assert (drifts["listens"].difference, drifts["listens"].flagged) == (-25.0, True)
    # shares: gen 1 (100, 50) mean 75; gen 2 only one applicable (0) -> -75, no interval.
    assert drifts["shares"].generation_2.n == 1
    assert drifts["shares"].difference == -75.0 and drifts["shares"].ci_low is None


# --- inter-rater agreement ----------------------------------------------------------------------

# Two raters scored the same two deliveries (items a, b, c). The six paired item scores
# (observer, trainer-self) are: (2,2) (2,1) (1,1) (0,0) (2,2) (1,2).
#
# Quadratic-weighted kappa by hand. Both raters' marginals: score 0 once, 1 twice, 2 three
# times, i.e. proportions 1/6, 2/6, 3/6. Disagreement weights (i - j)^2.
#   observed weighted disagreement = (1 + 1) / 6 = 1/3   [the (2,1) and (1,2) pairs]
#   expected under chance = E[(X - Y)^2] for independent X, Y with those marginals
#                         = 2 Var(X) = 2 (E[X^2] - E[X]^2) = 2 (14/6 - (8/6)^2) = 10/9
#   kappa = 1 - (1/3) / (10/9) = 1 - 0.3 = 0.70, exactly the target: not below it.
#
# ICC(2,1) by hand on the same six pairs (rows = item ratings, columns = the two raters):
#   grand mean 4/3; row means 2, 1.5, 1, 0, 2, 1.5; both column means 4/3, so SS cols = 0.
#   SS rows = 2 x 17/6 = 17/3; SS total = 6(2/3)^2 + 4(1/3)^2 + 2(4/3)^2 = 20/3;
#   SS error = 20/3 - 17/3 - 0 = 1.  MS rows = 17/15, MS cols = 0, MS error = 1/5.
#   ICC = (17/15 - 3/15) / (17/15 + 3/15 + 2 (0 - 3/15) / 6) = (14/15) / (19/15) = 14/19.
PAIRS = {
    1: ({"a": 2, "b": 2, "c": 1}, {"a": 2, "b": 1, "c": 1}),
    2: ({"a": 0, "b": 2, "c": 1}, {"a": 0, "b": 2, "c": 2}),
}


def double_rated(pairs=PAIRS, **fields):
    records = []
    for delivery, (observer, trainer) in pairs.items():
        records.append(FidelityRecord("training-session", "1.0.0", observer, delivery_id=delivery,
                                      rater_id="obs", rater_role="observer", **fields))
        records.append(FidelityRecord("training-session", "1.0.0", trainer, delivery_id=delivery,
                                      rater_id=f"trainer-{delivery}", rater_role="trainer-self",
                                      **fields))
    return records


def test_agreement_kappa_and_icc_against_hand_computation():
    single = rec(50, delivery_id=99, rater_id="obs")  # one rater only: not in the agreement
    (agreement,) = rater_agreement([*double_rated(), single], settings=SETTINGS)
    assert (agreement.n_occasions, agreement.n_pairs) == (2, 6)
    assert agreement.kappa == 0.7
    assert agreement.flagged is False  # 0.70 is the target, and the flag is for "below"
    assert agreement.icc == pytest.approx(14 / 19)
    assert agreement.exact_agreement == pytest.approx(400 / 6)  # 4 of 6 pairs identical
    assert agreement.target == 0.70 and agreement.note is None


def test_agreement_below_target_is_flagged_and_applicability_disagreements_are_counted():
    pairs = {
        1: ({"a": 2, "b": 2, "c": 0, "d": 1}, {"a": 0, "b": 2, "c": 2, "d": None}),
        2: ({"a": 1, "b": 1, "c": 2, "d": None}, {"a": 2, "b": 0, "c": 1, "d": None}),
    }
    (agreement,) = rater_agreement(double_rated(pairs), settings=SETTINGS)
    assert agreement.n_pairs == 6 and agreement.applicability_disagreements == 1
    assert agreement.kappa < 0.70 and agreement.flagged is True


def test_agreement_is_undefined_when_both_raters_always_give_the_same_score():
    pairs = {1: ({"a": 2, "b": 2}, {"a": 2, "b": 2})}
    (agreement,) = rater_agreement(double_rated(pairs), settings=SETTINGS)
    assert (agreement.kappa, agreement.flagged, agreement.exact_agreement) == (None, None, 100.0)
    assert "kappa cannot be computed" in agreement.note
    assert "one double-rated occasion only" in agreement.note


def test_weighted_kappa_matches_published_values():
    # SAS PROC FREQ printout for a 3 x 3 table (as used in statsmodels' tests):
    # rows rater 1, columns rater 2: [[0, 4, 1], [0, 8, 0], [0, 1, 5]].
    # Simple kappa 0.4842; weighted kappa with SAS's default Cicchetti-Allison (linear)
    # weights 0.4701.
    table = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]
    first = [i for i in range(3) for j in range(3) for _ in range(table[i][j])]
    second = [j for i in range(3) for j in range(3) for _ in range(table[i][j])]
    assert weighted_kappa(first, second, weights=None) == pytest.approx(0.4842, abs=5e-5)
    assert weighted_kappa(first, second, weights="linear") == pytest.approx(0.4701, abs=5e-5)
    # R package irr, kappa2(anxiety[, 2:3], "squared") = 0.2520325 and "equal" = 0.1459075,
    # unweighted -0.006289308 (irr's anxiety data; irr uses the levels that occur: 1, 2, 3,
    # 4, 6, evenly spaced).
    rater2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4]
    rater3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2]
    levels = (1, 2, 3, 4, 6)
    assert weighted_kappa(rater2, rater3, levels) == pytest.approx(0.2520325, abs=1e-7)
    assert weighted_kappa(rater2, rater3, levels, "linear") == pytest.approx(0.1459075, abs=1e-7)
    assert weighted_kappa(rater2, rater3, levels, None) == pytest.approx(-0.006289308, abs=1e-9)


def test_weighted_kappa_input_checks():
    assert weighted_kappa([], []) is None
    with pytest.raises(ValueError, match="pairs needed"):
        weighted_kappa([0, 1], [0])
    with pytest.raises(ValueError, match="not on the scale"):
        weighted_kappa([0, 3], [0, 1])


def test_icc_matches_shrout_and_fleiss_1979():
    # Shrout & Fleiss (1979), Table 1: 6 targets rated by 4 judges. Their Table 2 gives
    # ICC(2,1) = .29 (BMS 11.24, JMS 32.49, EMS 1.02: (11.24 - 1.02) / (11.24 + 3 x 1.02 +
    # 4 (32.49 - 1.02) / 6) = 10.22 / 35.28 = 0.2897).
    ratings = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    assert icc_2_1(ratings) == pytest.approx(0.2898, abs=1e-4)
    assert icc_2_1([[1, 1]]) is None  # one target: undefined
    assert icc_2_1([[1, 1], [1, 1]]) is None  # no variation at all


def test_weighted_kappa_agrees_with_scikit_learn():
    # Reference values from scikit-learn 1.9.1: sklearn.metrics.cohen_kappa_score(first, second,
    # labels=[0, 1, 2], weights=...) for quadratic, linear and no weights. Kept as numbers so the
    # suite does not install scikit-learn for one comparison (and never skips it).
    first, second = [2, 2, 1, 0, 2, 1, 0, 1], [2, 1, 1, 0, 2, 2, 1, 0]
    assert weighted_kappa(first, second) == pytest.approx(0.5897435897435898)
    assert weighted_kappa(first, second, weights="linear") == pytest.approx(0.40740740740740744)
    assert weighted_kappa(first, second, weights=None) == pytest.approx(0.23809523809523814)


# --- results for the tracker --------------------------------------------------------------------


def test_every_result_serialises_to_json():
    records = double_rated(generation=1) + [
        rec(60, delivery_id=10, generation=2, site="EL"),
        rec(70, delivery_id=11, generation=2, site="EL"),
    ]
    results = [
        *aggregate(records, by=["site", "generation"], settings=SETTINGS),
        *item_figures(records, settings=SETTINGS),
        *cascade_drift(records, settings=SETTINGS),
        *item_drift(records, settings=SETTINGS),
        *rater_agreement(records, settings=SETTINGS),
    ]
    for result in results:
        text = json.dumps(result.to_dict(), allow_nan=False)
        data = json.loads(text)
        assert data["checklist_id"] == "training-session" and data["checklist_version"] == "1.0.0"
        for value in data.values():
            assert not (isinstance(value, float) and math.isnan(value))


def _close(a, b, path="report"):
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            _close(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for n, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{path}[{n}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (path, a, b)
    else:
        assert a == b, (path, a, b)


def test_the_one_pass_report_section_gives_the_same_figures_as_the_public_functions():
    """report.section builds occasions once; every figure must equal the per-figure functions'."""
    import random

    from cascade.stats.fidelity import report

    rng = random.Random(7)
    records = []
    for occasion in range(300):
        trainer, site, generation = rng.randrange(12), rng.choice("ABCD"), rng.choice([1, 1, 2, 2, 3, None])
        module = rng.choice(["m1", "m2", None])
        for rater in range(rng.choice([1, 1, 1, 2, 3])):
            scores = {f"i{k}": rng.choice([0, 1, 2, 2, None]) for k in range(rng.choice([4, 5]))}
            records.append(FidelityRecord("training-session", "1.0.0", scores, delivery_id=occasion,
                                          rater_id=f"r{rater}", rater_role=rng.choice(["observer", "self"]),
                                          trainer_id=trainer, site=site, generation=generation, module_id=module,
                                          record_id=len(records)))
    settings = FidelitySettings()
    fast = report.section(records, settings, include_people=True)
    expected = {
        "overall": aggregate(records, settings=settings),
        "by_generation": aggregate(records, "generation", settings=settings),
        "by_site": aggregate(records, "site", settings=settings),
        "by_rater_role": aggregate(records, "rater_role", settings=settings, collapse_raters=False),
        "components": item_figures(records, settings=settings),
        "drift": cascade_drift(records, settings=settings),
        "drift_by_site": cascade_drift(records, "site", settings=settings),
        "drift_by_component": item_drift(records, settings=settings),
        "agreement": rater_agreement(records, settings=settings),
        "by_module": aggregate(records, "module_id", settings=settings),
        "by_person": aggregate(records, "trainer_id", settings=settings),
    }
    for key, figures in expected.items():
        assert figures, key
        _close(fast[key], [f.to_dict() for f in figures], key)
    assert fast["records"] == len(records) and fast["person_kind"] == "trainer"
