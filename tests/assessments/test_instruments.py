"""Instrument definitions: the shipped registry, broken definitions reported as path:line,
and licensed text installed from the licensee's own file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cascade.assessments.instrument_model import LICENSED_TEXT_ENV
from cascade.assessments.instruments import load_instruments
from cascade.cli import cascade

PROBLEM_RE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+): (?P<message>.+)$", re.MULTILINE)
SHIPPED = {"carerqol-7d", "csri-carer", "contact-log", "training-feedback",
           "cps-wellbeing-check", "swemwbs", "eq-5d-5l"}
DEMO = """\
id: demo-form
title: Demo form
version: 1.0.0
licence:
  kind: free-with-citation
  citation: Test citation.
respondent: carer
event: after each test
items:
  - id: q1
    text: First question
    scale:
      choices:
        - {value: 0, label: "No"}
        - {value: 1, label: "Yes"}
  - id: q2
    text: Second question
    scale: {min: 0, max: 10}
scoring:
  scores:
    - id: total
      label: Total
      method: sum
      items: [q1, q2]
      range: [0, 11]
"""
DEMO_REL = "assessments/instruments/demo-form.yml"


@pytest.fixture(autouse=True)
def no_licensed_text(monkeypatch):
    monkeypatch.delenv(LICENSED_TEXT_ENV, raising=False)


def run_check(root: Path, *extra):
    result = CliRunner().invoke(cascade, ["assessments", "check", "--root", str(root), *extra])
    problems = [m.groupdict() for m in PROBLEM_RE.finditer(result.output)]
    errors = [p for p in problems if not p["message"].startswith("warning:")]
    return result, errors


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(root: Path, rel: str, needle: str) -> int:
    for number, line in enumerate((root / rel).read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {rel}")


def has_error(errors, rel: str, line: int, fragment: str) -> bool:
    return any(e["path"] == rel and int(e["line"]) == line and fragment in e["message"]
               for e in errors)


def write_licensed_text(folder: Path, registry, *, skip_refs=(), placeholder_ref=None) -> Path:
    """A fake licensee file: made-up text and made-up (clearly not real) conversion tables."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {"licensee": "Test licensee", "instruments": {}}
    for inst in registry:
        if not inst.is_licensed:
            continue
        text = {ref: f"FAKE TEXT for {ref}" for ref in inst.text_refs if ref not in skip_refs}
        if placeholder_ref:
            text[placeholder_ref] = "<item text from your licence>"
        data["instruments"][inst.id] = {"licence_reference": "TEST-1", "text": text}
    data["instruments"]["swemwbs"]["conversion_tables"] = {
        "swemwbs_metric": {raw: raw + 0.25 for raw in range(7, 36)}}
    rows = ["state,index"]
    for code in _profiles():
        rows.append(f"{code},{1 - 0.05 * (sum(int(c) for c in code) - 5):.4f}")
    (folder / "fake-value-set.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    data["instruments"]["eq-5d-5l"]["conversion_tables"] = {
        "eq5d5l_index": {"file": "fake-value-set.csv"}}
    path = folder / "licensed-text.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _profiles():
    import itertools

    return ["".join(map(str, combo)) for combo in itertools.product(range(1, 6), repeat=5)]


# --- the shipped definitions ------------------------------------------------------------------

def test_shipped_instruments_load_without_errors(repo_root):
    registry = load_instruments(repo_root / "assessments", licensed_text=None)
    assert [str(p) for p in registry.problems.errors] == []
    assert set(registry.instruments) == SHIPPED


def test_cli_check_passes_on_the_repository(repo_root):
    result, errors = run_check(repo_root)
    assert result.exit_code == 0, result.output
    assert errors == []


def test_shipped_structures(repo_root):
    registry = load_instruments(repo_root / "assessments", licensed_text=None)
    carerqol = registry.get("carerqol-7d")
    assert len([i for i in carerqol.items if i.id != "happiness_vas"]) == 7
    assert [s.range for s in carerqol.scores] == [(0, 14), (0, 10)]
    assert {i.id for i in carerqol.items if i.reverse} == {
        "relational_problems", "mental_health_problems", "daily_activities_problems",
        "financial_problems", "physical_health_problems"}
    assert carerqol.licence.kind == "free-with-citation"
    assert "Brouwer" in carerqol.licence.citation

    swemwbs = registry.get("swemwbs")
    assert len(swemwbs.items) == 7
    assert all(i.scale.values == (1, 2, 3, 4, 5) for i in swemwbs.items)
    assert swemwbs.scores[0].range == (7, 35)
    assert swemwbs.scores[0].conversion.table == "swemwbs_metric"
    assert set(swemwbs.respondents) == {"carer", "cps"}

    eq5d = registry.get("eq-5d-5l")
    assert [i.id for i in eq5d.items] == ["mobility", "self_care", "usual_activities",
                                          "pain_discomfort", "anxiety_depression", "vas"]
    assert eq5d.item("vas").scale.min == 0 and eq5d.item("vas").scale.max == 100

    csri = registry.get("csri-carer")
    assert all(i.unit_cost for i in csri.items)
    assert registry.get("contact-log").event and registry.get("training-feedback").event
    assert [p.id for p in registry.get("cps-wellbeing-check").time_points] == ["after_training"]


def test_licensed_instruments_carry_no_text_in_the_repository(repo_root):
    registry = load_instruments(repo_root / "assessments", licensed_text=None)
    for inst in registry:
        if not inst.is_licensed:
            continue
        assert inst.introduction is None
        for item in inst.items:
            assert item.text is None and item.help is None and item.text_ref
            assert all(c.label is None for c in item.scale.choices)
            assert item.scale.min_label is None and item.scale.max_label is None
        raw = yaml.safe_load(inst.path.read_text(encoding="utf-8"))
        assert "conversion_tables" not in json.dumps(raw)


def test_licensed_text_not_installed_is_a_clear_state(repo_root):
    registry = load_instruments(repo_root / "assessments", licensed_text=None)
    swemwbs = registry.get("swemwbs")
    state = swemwbs.licensed_text_state
    assert not state.installed
    assert state.message == "The licensed text for SWEMWBS is not installed."
    assert LICENSED_TEXT_ENV in state.hint
    assert "swemwbs.item_1" in state.missing_refs
    assert swemwbs.text_of("item_1") is None
    assert registry.get("carerqol-7d").licensed_text_state.installed


def test_licensed_text_installed_from_the_licensees_file(repo_root, tmp_path):
    plain = load_instruments(repo_root / "assessments", licensed_text=None)
    path = write_licensed_text(tmp_path / "licensee", plain)
    registry = load_instruments(repo_root / "assessments", licensed_text=path)
    assert [str(p) for p in registry.problems.errors] == []
    assert not any("licensed text" in p.message for p in registry.problems.warnings)
    swemwbs = registry.get("swemwbs")
    assert swemwbs.licensed_text_state.installed
    assert swemwbs.text_of("item_1") == "FAKE TEXT for swemwbs.item_1"
    assert swemwbs.label_of(swemwbs.item("item_1").scale.choices[0]) == (
        "FAKE TEXT for swemwbs.response_1")
    assert swemwbs.conversion_table("swemwbs_metric")["24"] == 24.25
    assert registry.get("eq-5d-5l").conversion_table("eq5d5l_index")["11111"] == 1.0


def test_licensed_text_path_comes_from_the_environment(repo_root, tmp_path, monkeypatch):
    plain = load_instruments(repo_root / "assessments", licensed_text=None)
    path = write_licensed_text(tmp_path / "licensee", plain)
    monkeypatch.setenv(LICENSED_TEXT_ENV, str(path))
    registry = load_instruments(repo_root / "assessments")
    assert registry.get("eq-5d-5l").licensed_text_state.installed
    result = CliRunner().invoke(cascade, ["assessments", "list"])
    assert result.exit_code == 0, result.output
    assert "The licensed text for EQ-5D-5L is installed." in result.output


def test_incomplete_or_placeholder_licensed_text_is_reported(repo_root, tmp_path):
    plain = load_instruments(repo_root / "assessments", licensed_text=None)
    path = write_licensed_text(tmp_path / "licensee", plain, skip_refs={"swemwbs.item_7"},
                               placeholder_ref="swemwbs.item_6")
    registry = load_instruments(repo_root / "assessments", licensed_text=path)
    messages = [p.message for p in registry.problems.errors]
    assert any("text missing for swemwbs.item_6, swemwbs.item_7" in m for m in messages)
    assert any("still the example placeholder" in m for m in messages)
    state = registry.get("swemwbs").licensed_text_state
    assert not state.installed and "incomplete" in state.message


def test_incomplete_conversion_table_is_an_error(repo_root, tmp_path):
    plain = load_instruments(repo_root / "assessments", licensed_text=None)
    path = write_licensed_text(tmp_path / "licensee", plain)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["instruments"]["swemwbs"]["conversion_tables"]["swemwbs_metric"][35]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    registry = load_instruments(repo_root / "assessments", licensed_text=path)
    assert any("has no value for 1 possible swemwbs_raw score(s): 35" in p.message
               for p in registry.problems.errors)


def test_missing_licensed_text_file_is_an_error(repo_root, tmp_path):
    result, errors = run_check(repo_root, "--licensed-text", str(tmp_path / "nowhere.yml"))
    assert result.exit_code == 1
    assert any("which is not a file" in e["message"] for e in errors)


def test_example_licensed_text_file_lists_every_key_with_placeholders_only(repo_root):
    example = repo_root / "assessments" / "licensed-text.example.yml"
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    registry = load_instruments(repo_root / "assessments", licensed_text=None)
    for inst in registry:
        if not inst.is_licensed:
            continue
        entry = data["instruments"][inst.id]
        assert set(entry["text"]) == set(inst.text_refs), inst.id
        assert all(re.fullmatch(r"<[^<>]+>", v) for v in entry["text"].values()), inst.id
        for table in entry.get("conversion_tables", {}).values():
            values = table.values() if "file" not in table else []
            assert all(isinstance(v, str) and v.startswith("<") for v in values)
    # pointing at the example by mistake is reported, never taken as real text
    registry = load_instruments(repo_root / "assessments", licensed_text=example)
    assert any("placeholder" in p.message for p in registry.problems.errors)
    assert not registry.get("swemwbs").licensed_text_state.installed


def test_licensed_text_file_inside_the_repository_is_warned_about(content_copy):
    plain = load_instruments(content_copy / "assessments", licensed_text=None)
    path = write_licensed_text(content_copy / "private", plain)
    registry = load_instruments(content_copy / "assessments", licensed_text=path)
    assert any("inside the repository" in p.message for p in registry.problems.warnings)


# --- broken definitions: every problem with its file and line ----------------------------------

@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        ("scale: {min: 0, max: 10}", "scale: {min: 10, max: 0}", "min: 10",
         "broken scale: min (10) must be less than max (0)"),
        ('        - {value: 1, label: "Yes"}', '        - {value: 0, label: "Yes"}',
         'label: "Yes"', "duplicate value 0 in the scale"),
        ("      choices:\n        - {value: 0, label: \"No\"}\n        - {value: 1, label: "
         "\"Yes\"}\n", "      choices: []\n", "choices: []", "the scale is empty"),
        ("  - id: q2\n", "  - id: q1  # again\n", "# again", "duplicate item id 'q1'"),
        ("items: [q1, q2]", "items: [q1, q3]", "items: [q1, q3]",
         "scoring rule 'total' names unknown item 'q3'"),
        ("respondent: carer\n", "respondent: carer\ncolour: blue\n", "colour: blue",
         "unknown field 'colour'"),
        ("    text: First question\n", "    text: First question\n    wording: x\n",
         "wording: x", "unknown field 'wording' (allowed: help, id, required, reverse, scale, text,"),
        ("      method: sum\n", "      method: sum\n      weights: [1, 2]\n", "weights:",
         "unknown field 'weights' (allowed: convert, id, items, label, method, missing, range)"),
        ("range: [0, 11]", "range: [0, 12]", "range: [0, 12]",
         "does not match the items: their scales give 0 to 11"),
        ("kind: free-with-citation", "kind: open", "kind: open",
         "'kind' must be one of free-with-citation, licensed, not 'open'"),
        ("version: 1.0.0", "version: 1.0", "version: 1.0",
         "'version' must be a version like 1.2.0 (MAJOR.MINOR.PATCH), not 1.0"),
        ("respondent: carer", "respondent: patient", "respondent: patient",
         "unknown respondent 'patient'"),
        ("    scale: {min: 0, max: 10}\n", "    scale: {min: 0, max: 10}\n    reverse: 1\n",
         "reverse: 1", "'reverse' must be true or false"),
        ("        - {value: 0, label: \"No\"}\n", "        - {value: 0}\n", "{value: 0}",
         "choice 0 needs a 'label'"),
        ("title: Demo form\n", "title: Demo form\n  nested: wrong\n", "nested: wrong",
         "the YAML cannot be read"),
    ],
)
def test_broken_definition_is_reported_at_its_line(content_copy, old, new, needle, expected):
    (content_copy / DEMO_REL).write_text(DEMO, encoding="utf-8")
    edit(content_copy, DEMO_REL, old, new)
    result, errors = run_check(content_copy)
    assert result.exit_code == 1, result.output
    line = line_of(content_copy, DEMO_REL, needle)
    assert has_error(errors, DEMO_REL, line, expected), (line, errors)


def test_valid_demo_definition_passes(content_copy):
    (content_copy / DEMO_REL).write_text(DEMO, encoding="utf-8")
    result, errors = run_check(content_copy)
    assert result.exit_code == 0, result.output
    assert errors == []


def test_licensed_instrument_carrying_item_text_fails(content_copy):
    rel = "assessments/instruments/swemwbs.yml"
    edit(content_copy, rel, "{id: item_3, text_ref: swemwbs.item_3,",
         "{id: item_3, text: Some licensed words, text_ref: swemwbs.item_3,")
    result, errors = run_check(content_copy)
    assert result.exit_code == 1
    assert has_error(errors, rel, line_of(content_copy, rel, "Some licensed words"),
                     "item 'item_3': a licensed instrument may not carry item text")


def test_licensed_choice_with_a_label_fails(content_copy):
    rel = "assessments/instruments/swemwbs.yml"
    edit(content_copy, rel, "{value: 1, label_ref: swemwbs.response_1}",
         "{value: 1, label: None of it}")
    result, errors = run_check(content_copy)
    assert has_error(errors, rel, line_of(content_copy, rel, "None of it"),
                     "a licensed instrument may not carry its text")


def test_scoring_rule_naming_an_unknown_item_in_a_real_file(content_copy):
    rel = "assessments/instruments/carerqol-7d.yml"
    edit(content_copy, rel, "physical_health_problems]", "physical_health]")
    result, errors = run_check(content_copy)
    assert result.exit_code == 1
    assert has_error(errors, rel, line_of(content_copy, rel, "physical_health]"),
                     "scoring rule 'carerqol_7d_sum' names unknown item 'physical_health'")


def test_every_problem_is_reported_not_just_the_first(content_copy):
    carerqol = "assessments/instruments/carerqol-7d.yml"
    edit(content_copy, carerqol, "respondent: carer\n", "respondent: carer\nflavour: mint\n")
    edit(content_copy, carerqol, "scale: {min: 0, max: 10,", "scale: {min: 10, max: 10,")
    feedback = "assessments/instruments/training-feedback.yml"
    edit(content_copy, feedback, "items: [clear, relevant, confident, safe, pace]",
         "items: [clear, relevant, confident, safe, speed]")
    result, errors = run_check(content_copy)
    assert result.exit_code == 1
    assert has_error(errors, carerqol, line_of(content_copy, carerqol, "flavour"),
                     "unknown field 'flavour'")
    assert has_error(errors, carerqol, line_of(content_copy, carerqol, "min: 10, max: 10"),
                     "min (10) must be less than max (10)")
    assert has_error(errors, feedback, line_of(content_copy, feedback, "speed]"),
                     "names unknown item 'speed'")


def test_malformed_yaml_reports_the_yaml_errors_line(content_copy):
    rel = "assessments/instruments/csri-carer.yml"
    edit(content_copy, rel, "    unit_cost: ae_attendance\n",
         "    unit_cost: ae_attendance\n    oops: [1, 2\n")
    result, errors = run_check(content_copy)
    assert result.exit_code == 1
    assert [e["path"] for e in errors] == [rel]
    assert "the YAML cannot be read" in errors[0]["message"]
    assert int(errors[0]["line"]) == line_of(content_copy, rel, "oops: [1, 2") + 1


def test_time_point_with_the_same_id_must_match_everywhere(content_copy):
    rel = "assessments/instruments/swemwbs.yml"
    edit(content_copy, rel, "offset_days: 182, window_before_days: 14, window_after_days: 28",
         "offset_days: 180, window_before_days: 14, window_after_days: 28")
    result, errors = run_check(content_copy)
    assert result.exit_code == 1
    assert any(e["path"] == rel and "time point 'month_6' differs from the one in "
               "carerqol-7d.yml" in e["message"] for e in errors)


def test_anchor_must_belong_to_the_respondent(content_copy):
    rel = "assessments/instruments/carerqol-7d.yml"
    edit(content_copy, rel, "anchor: support_end,", "anchor: training_end,")
    result, errors = run_check(content_copy)
    assert has_error(errors, rel, line_of(content_copy, rel, "anchor: training_end"),
                     "anchor 'training_end' is a cps date, but the respondent is carer")


def test_unknown_unit_cost_is_reported_at_the_item(content_copy):
    rel = "assessments/instruments/csri-carer.yml"
    edit(content_copy, rel, "unit_cost: ae_attendance", "unit_cost: ae_visit")
    result, errors = run_check(content_copy)
    assert result.exit_code == 1
    assert has_error(errors, rel, line_of(content_copy, rel, "- id: ae_visits"),
                     "unit cost 'ae_visit', which is not in the unit-cost table")


def test_duplicate_instrument_id_across_files(content_copy):
    folder = content_copy / "assessments" / "instruments"
    text = (folder / "contact-log.yml").read_text(encoding="utf-8")
    (folder / "contact-log-copy.yml").write_text(text, encoding="utf-8")
    result, errors = run_check(content_copy)
    assert result.exit_code == 1
    assert any(e["path"].endswith("contact-log-copy.yml") and "must match the file name"
               in e["message"] for e in errors)


def test_list_command_json(repo_root):
    result = CliRunner().invoke(cascade, ["assessments", "list", "--root", str(repo_root),
                                          "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in json.loads(result.output)}
    assert set(rows) == SHIPPED
    assert rows["swemwbs"]["text_installed"] is False
    assert rows["swemwbs"]["text_state"] == "The licensed text for SWEMWBS is not installed."
    assert rows["swemwbs"]["scores"] == ["swemwbs_raw", "swemwbs_metric"]
    assert rows["contact-log"]["event"]


def test_a_broken_item_is_reported_once_not_again_by_its_scores(content_copy):
    (content_copy / DEMO_REL).write_text(DEMO, encoding="utf-8")
    edit(content_copy, DEMO_REL, "scale: {min: 0, max: 10}", "scale: {min: 10, max: 0}")
    result, errors = run_check(content_copy)
    assert [e["message"] for e in errors] == [
        "broken scale: min (10) must be less than max (0)"]
