"""Scoring every shipped instrument, with hand-computed results, missing items and refused
answers; and `cascade assessments score`."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
import yaml
from click.testing import CliRunner

from cascade.assessments.instrument_model import LICENSED_TEXT_ENV
from cascade.assessments.instruments import load_instruments
from cascade.assessments.scoring import ScoringError, score, validate_responses
from cascade.cli import cascade

SWEMWBS_ITEMS = [f"item_{n}" for n in range(1, 8)]
EQ5D_DIMS = ["mobility", "self_care", "usual_activities", "pain_discomfort", "anxiety_depression"]


@pytest.fixture(autouse=True)
def no_licensed_text(monkeypatch):
    monkeypatch.delenv(LICENSED_TEXT_ENV, raising=False)


@pytest.fixture(scope="module")
def registry(repo_root):
    return load_instruments(repo_root / "assessments", licensed_text=None)


@pytest.fixture(scope="module")
def licensed_registry(repo_root, tmp_path_factory):
    """The registry with a fake licensee file: made-up text and made-up conversion tables
    (SWEMWBS metric = raw + 0.25; EQ-5D index = 1 - 0.05 x (level sum - 5))."""
    folder = tmp_path_factory.mktemp("licensee")
    plain = load_instruments(repo_root / "assessments", licensed_text=None)
    data = {"instruments": {}}
    for inst in plain:
        if inst.is_licensed:
            data["instruments"][inst.id] = {"text": {r: f"FAKE {r}" for r in inst.text_refs}}
    data["instruments"]["swemwbs"]["conversion_tables"] = {
        "swemwbs_metric": {raw: raw + 0.25 for raw in range(7, 36)}}
    rows = ["state,index"] + [
        f"{''.join(map(str, c))},{1 - 0.05 * (sum(c) - 5):.4f}"
        for c in itertools.product(range(1, 6), repeat=5)]
    (folder / "value-set.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    data["instruments"]["eq-5d-5l"]["conversion_tables"] = {
        "eq5d5l_index": {"file": "value-set.csv"}}
    path = folder / "licensed.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    loaded = load_instruments(repo_root / "assessments", licensed_text=path)
    assert loaded.problems.errors == []
    return loaded


def refused(instrument, responses) -> dict[str, str]:
    with pytest.raises(ScoringError) as info:
        score(instrument, responses)
    return {p.item_id: p.message for p in info.value.problems}


# --- CarerQol-7D ------------------------------------------------------------------------------

CARERQOL = {  # as ticked: 0 no, 1 some, 2 a lot
    "fulfilment": 2, "relational_problems": 1, "mental_health_problems": 2,
    "daily_activities_problems": 1, "financial_problems": 0, "support": 1,
    "physical_health_problems": 0, "happiness_vas": 6,
}


def test_carerqol_hand_computed(registry):
    result = score(registry.get("carerqol-7d"), CARERQOL)
    # positive aspects count as ticked: fulfilment 2 + support 1 = 3
    # negative aspects are reversed (2 - ticked): 1 + 0 + 1 + 2 + 2 = 6
    assert result.scores == {"carerqol_7d_sum": 9, "carerqol_vas": 6}
    assert result.item_scores["mental_health_problems"] == 0
    assert result.item_scores["financial_problems"] == 2
    assert result.instrument_id == "carerqol-7d" and result.instrument_version == "1.0.0"
    assert result.missing == {} and result.prorated == []


def test_carerqol_best_and_worst_caring_situations(registry):
    inst = registry.get("carerqol-7d")
    positives = {"fulfilment", "support"}
    best = {i.id: (2 if i.id in positives else 0) for i in inst.items if i.id != "happiness_vas"}
    worst = {i.id: (0 if i.id in positives else 2) for i in inst.items if i.id != "happiness_vas"}
    assert score(inst, {**best, "happiness_vas": 10}).scores["carerqol_7d_sum"] == 14
    assert score(inst, {**worst, "happiness_vas": 0}).scores["carerqol_7d_sum"] == 0


def test_carerqol_accepts_numbers_sent_as_text_by_a_form(registry):
    answers = {k: str(v) for k, v in CARERQOL.items()}
    assert score(registry.get("carerqol-7d"), answers).scores["carerqol_7d_sum"] == 9


def test_carerqol_out_of_range_and_non_numeric_are_refused(registry):
    problems = refused(registry.get("carerqol-7d"),
                       {**CARERQOL, "fulfilment": 3, "support": "lots", "happiness_vas": 11})
    assert problems["fulfilment"] == ("item 'fulfilment': 3 is not an allowed answer; allowed: "
                                      "0 (No), 1 (Some), 2 (A lot)")
    assert "item 'support': 'lots' is not an allowed answer" in problems["support"]
    assert problems["happiness_vas"] == ("item 'happiness_vas': 11 is out of range; allowed: "
                                         "whole numbers from 0 to 10")


def test_carerqol_true_false_and_fractions_are_refused(registry):
    problems = refused(registry.get("carerqol-7d"),
                       {**CARERQOL, "fulfilment": True, "happiness_vas": 6.5})
    assert "is not an allowed answer" in problems["fulfilment"]
    assert "6.5 is not a whole number" in problems["happiness_vas"]


def test_carerqol_missing_required_item_is_refused(registry):
    answers = dict(CARERQOL)
    del answers["financial_problems"]
    problems = refused(registry.get("carerqol-7d"), answers)
    assert problems == {"financial_problems": "item 'financial_problems' is required but has "
                                              "no answer (score 'carerqol_7d_sum' needs every "
                                              "item)"}


def test_blank_answer_counts_as_missing(registry):
    problems = refused(registry.get("carerqol-7d"), {**CARERQOL, "happiness_vas": ""})
    assert list(problems) == ["happiness_vas"]


def test_unknown_item_is_refused(registry):
    problems = refused(registry.get("carerqol-7d"), {**CARERQOL, "mood": 1})
    assert "unknown item 'mood' for carerqol-7d" in problems["mood"]


def test_every_problem_is_reported_at_once(registry):
    values, problems = validate_responses(registry.get("carerqol-7d"),
                                          {"fulfilment": 9, "support": -1})
    assert [p.item_id for p in problems][:2] == ["fulfilment", "relational_problems"]
    assert len(problems) == 8  # 2 refused + 6 required and missing


# --- SWEMWBS (licensed) --------------------------------------------------------------------------

def test_swemwbs_raw_score_without_the_licensed_table(registry):
    answers = dict(zip(SWEMWBS_ITEMS, [3, 4, 2, 5, 3, 4, 3], strict=True))
    result = score(registry.get("swemwbs"), answers)
    assert result.scores == {"swemwbs_raw": 24, "swemwbs_metric": None}
    assert "not installed" in result.missing["swemwbs_metric"]
    assert any("only the raw score swemwbs_raw is given" in n for n in result.notes)
    assert "The licensed text for SWEMWBS is not installed." in result.notes


def test_swemwbs_one_missing_item_is_prorated(registry):
    answers = dict(zip(SWEMWBS_ITEMS[:6], [3, 4, 2, 5, 3, 4], strict=True))
    result = score(registry.get("swemwbs"), answers)
    assert result.scores["swemwbs_raw"] == 24.5  # 21 x 7 / 6
    assert result.prorated == ["swemwbs_raw"]
    assert any("1 of 7 items missing" in n for n in result.notes)


def test_swemwbs_prorated_to_two_decimals(registry):
    answers = dict(zip(SWEMWBS_ITEMS[1:], [4, 3, 3, 3, 3, 4], strict=True))
    assert score(registry.get("swemwbs"), answers).scores["swemwbs_raw"] == 23.33  # 20 x 7 / 6


def test_swemwbs_two_missing_items_are_refused(registry):
    answers = dict(zip(SWEMWBS_ITEMS[:5], [3, 4, 2, 5, 3], strict=True))
    problems = refused(registry.get("swemwbs"), answers)
    assert set(problems) == {"item_6", "item_7"}
    assert "allows at most 1 missing item(s); 2 are missing" in problems["item_6"]


def test_swemwbs_out_of_range_names_allowed_values(registry):
    answers = dict(zip(SWEMWBS_ITEMS, [3, 4, 2, 6, 3, 4, 3], strict=True))
    assert refused(registry.get("swemwbs"), answers) == {
        "item_4": "item 'item_4': 6 is not an allowed answer; allowed: 1, 2, 3, 4, 5"}


def test_swemwbs_converted_with_the_licensees_table(licensed_registry):
    inst = licensed_registry.get("swemwbs")
    full = score(inst, dict(zip(SWEMWBS_ITEMS, [3, 4, 2, 5, 3, 4, 3], strict=True)))
    assert full.scores == {"swemwbs_raw": 24, "swemwbs_metric": 24.25}
    assert full.notes == []
    prorated = score(inst, dict(zip(SWEMWBS_ITEMS[:6], [3, 4, 2, 5, 3, 4], strict=True)))
    assert prorated.scores == {"swemwbs_raw": 24.5, "swemwbs_metric": 25.25}  # 24.5 -> 25
    assert any("rounded to 25" in n for n in prorated.notes)
    lowest = score(inst, dict.fromkeys(SWEMWBS_ITEMS, 1))
    assert lowest.scores == {"swemwbs_raw": 7, "swemwbs_metric": 7.25}


# --- EQ-5D-5L (licensed) ---------------------------------------------------------------------

def test_eq5d5l_profile_level_sum_and_vas(registry):
    answers = dict(zip(EQ5D_DIMS, [1, 1, 2, 2, 3], strict=True)) | {"vas": 80}
    result = score(registry.get("eq-5d-5l"), answers)
    assert result.scores == {"eq5d5l_profile": "11223", "eq5d5l_index": None,
                             "eq5d5l_level_sum": 9, "eq_vas": 80}
    assert "not installed" in result.missing["eq5d5l_index"]


def test_eq5d5l_index_from_the_licensees_value_set(licensed_registry):
    answers = dict(zip(EQ5D_DIMS, [1, 1, 2, 2, 3], strict=True)) | {"vas": 80}
    result = score(licensed_registry.get("eq-5d-5l"), answers)
    assert result.scores["eq5d5l_index"] == pytest.approx(0.8)  # fake: 1 - 0.05 x (9 - 5)
    full_health = score(licensed_registry.get("eq-5d-5l"), dict.fromkeys(EQ5D_DIMS, 1))
    assert full_health.scores["eq5d5l_index"] == 1


def test_eq5d5l_vas_is_optional(registry):
    result = score(registry.get("eq-5d-5l"), dict.fromkeys(EQ5D_DIMS, 5))
    assert result.scores["eq5d5l_profile"] == "55555"
    assert result.scores["eq5d5l_level_sum"] == 25
    assert result.scores["eq_vas"] is None
    assert result.missing["eq_vas"] == "1 of 1 items missing (vas); no missing items are allowed"


def test_eq5d5l_missing_dimension_and_bad_levels_are_refused(registry):
    answers = dict(zip(EQ5D_DIMS[1:], [1, 6, 2, 2], strict=True)) | {"vas": 100.5}
    problems = refused(registry.get("eq-5d-5l"), answers)
    assert "required but has no answer" in problems["mobility"]
    assert problems["usual_activities"].endswith("allowed: 1, 2, 3, 4, 5")
    assert "100.5 is not a whole number" in problems["vas"]


# --- CSRI-style service use --------------------------------------------------------------------

def test_csri_counts_are_checked_and_kept(registry):
    result = score(registry.get("csri-carer"),
                   {"gp_visits": 2, "time_off_work_hours": "7.5", "travel_fares": 12.4})
    assert result.values == {"gp_visits": 2, "time_off_work_hours": 7.5, "travel_fares": 12.4}
    assert result.scores == {}


def test_csri_may_be_left_blank(registry):
    assert score(registry.get("csri-carer"), {}).values == {}


def test_csri_negative_and_fractional_counts_are_refused(registry):
    problems = refused(registry.get("csri-carer"),
                       {"gp_visits": 1.5, "ae_visits": -1, "inpatient_nights": 93})
    assert problems["gp_visits"] == ("item 'gp_visits': 1.5 is not a whole number; allowed: "
                                     "whole numbers from 0 to 99 (appointments)")
    assert "-1 is out of range" in problems["ae_visits"]
    assert "93 is out of range; allowed: whole numbers from 0 to 92 (nights)" in (
        problems["inpatient_nights"])


# --- the programme's own forms -------------------------------------------------------------------

def test_contact_log_entry(registry):
    result = score(registry.get("contact-log"), {
        "contact_date": "2027-02-03", "mode": "phone", "duration_minutes": "30",
        "topics": ["mha_and_rights", "own_wellbeing"]})
    assert result.values == {"contact_date": dt.date(2027, 2, 3), "mode": "phone",
                             "duration_minutes": 30,
                             "topics": ["mha_and_rights", "own_wellbeing"]}
    assert result.to_dict()["values"]["contact_date"] == "2027-02-03"


def test_contact_log_bad_entries_are_refused(registry):
    problems = refused(registry.get("contact-log"), {
        "contact_date": "03/02/2027", "mode": "pigeon", "duration_minutes": 500,
        "topics": ["visiting", "visiting"]})
    assert problems["contact_date"] == ("item 'contact_date': '03/02/2027' is not a date; "
                                        "allowed: a date written YYYY-MM-DD")
    assert problems["mode"].startswith("item 'mode': 'pigeon' is not an allowed answer; "
                                       "allowed: face_to_face (Face to face), phone")
    assert "500 is out of range" in problems["duration_minutes"]
    assert "'visiting' is given twice" in problems["topics"]


def test_contact_log_missing_date_is_refused(registry):
    problems = refused(registry.get("contact-log"), {"mode": "video", "duration_minutes": 20})
    assert problems == {"contact_date": "item 'contact_date' is required but has no answer"}


def test_training_feedback_mean_and_prorating(registry):
    inst = registry.get("training-feedback")
    full = score(inst, {"clear": 4, "relevant": 5, "confident": 3, "safe": 4, "pace": 4})
    assert full.scores == {"feedback_mean": 4}  # 20 / 5
    one_missing = score(inst, {"clear": 5, "relevant": 4, "confident": 4, "safe": 4})
    assert one_missing.scores == {"feedback_mean": 4.25}  # 17 / 4
    assert one_missing.prorated == ["feedback_mean"]
    thirds = score(inst, {"clear": 5, "relevant": 4, "confident": 4})
    assert thirds.scores == {"feedback_mean": None}  # 2 of 5 missing: optional items, no score
    assert thirds.missing["feedback_mean"] == ("2 of 5 items missing (safe, pace); at most 1 "
                                               "may be missing")


def test_training_feedback_text_is_limited(registry):
    problems = refused(registry.get("training-feedback"), {"improve": "x" * 1001})
    assert "1001 characters long; allowed: text of at most 1000 characters" in (
        problems["improve"])


def test_cps_wellbeing_check_alerts(registry):
    inst = registry.get("cps-wellbeing-check")
    worried = score(inst, {"feeling_today": 2, "difficult_feelings": 2, "ready_to_support": 3,
                           "knows_where_to_get_support": 1, "wants_contact": 1})
    assert worried.scores == {"feeling_today": 2}
    assert [a["id"] for a in worried.alerts] == ["asked_for_contact", "difficult_feelings",
                                                 "feeling_very_low"]
    fine = score(inst, {"feeling_today": 8, "difficult_feelings": 1, "ready_to_support": 4,
                        "knows_where_to_get_support": 1, "wants_contact": 0})
    assert fine.alerts == []
    problems = refused(inst, {"feeling_today": 8, "difficult_feelings": 0,
                              "ready_to_support": 4, "knows_where_to_get_support": 1})
    assert list(problems) == ["wants_contact"]


# --- the command line ---------------------------------------------------------------------------

def run_score(repo_root, tmp_path, instrument, responses):
    path = tmp_path / "responses.json"
    path.write_text(json.dumps(responses) if not isinstance(responses, str) else responses,
                    encoding="utf-8")
    return CliRunner().invoke(cascade, ["assessments", "score", instrument, "--responses",
                                        str(path), "--root", str(repo_root)])


def test_cli_score_prints_json(repo_root, tmp_path):
    result = run_score(repo_root, tmp_path, "carerqol-7d", CARERQOL)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["scores"] == {"carerqol_7d_sum": 9, "carerqol_vas": 6}
    assert data["instrument"] == "carerqol-7d" and data["version"] == "1.0.0"


def test_cli_score_refuses_out_of_range_naming_the_item(repo_root, tmp_path):
    result = run_score(repo_root, tmp_path, "carerqol-7d", {**CARERQOL, "support": 5})
    assert result.exit_code == 1
    assert "item 'support': 5 is not an allowed answer; allowed: 0 (No), 1 (Some), 2 (A lot)" in (
        result.output)


def test_cli_score_refuses_missing_required_item(repo_root, tmp_path):
    answers = {k: v for k, v in CARERQOL.items() if k != "fulfilment"}
    result = run_score(repo_root, tmp_path, "carerqol-7d", answers)
    assert result.exit_code == 1
    assert "item 'fulfilment' is required but has no answer" in result.output


def test_cli_score_adds_costs_for_service_use(repo_root, tmp_path):
    result = run_score(repo_root, tmp_path, "csri-carer", {"gp_visits": 2, "ae_visits": 0})
    assert result.exit_code == 0, result.output
    costs = json.loads(result.output)["costs"]
    assert costs["lines"][0]["item"] == "gp_visits"
    assert costs["total"] is None and "inpatient_nights" in costs["missing"]


@pytest.mark.parametrize(("instrument", "responses", "message"), [
    ("happiness", {}, "unknown instrument 'happiness'"),
    ("carerqol-7d", "{not json", "not valid JSON"),
    ("carerqol-7d", "[1, 2]", "must hold a JSON object"),
])
def test_cli_score_bad_requests(repo_root, tmp_path, instrument, responses, message):
    result = run_score(repo_root, tmp_path, instrument, responses)
    assert result.exit_code == 1
    assert message in result.output
