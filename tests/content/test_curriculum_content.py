"""The starter curriculum meets its own rules: plain English for supporter pages, and every
module complete (objectives, core components, references, German source where adapted)."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from cascade.content import load_curriculum
from cascade.content.editions import render_markdown
from cascade.content.german import load_german
from cascade.content.readability import grade_of_markdown

TARGET_MEDIAN_GRADE = 6.0  # US grade 6 = reading age about 11


@pytest.fixture(scope="module")
def curriculum(repo_root):
    return load_curriculum(repo_root / "curriculum")


def test_enough_modules(curriculum):
    assert len([m for m in curriculum.modules if m.for_supporters]) >= 12
    assert len([m for m in curriculum.modules if m.trainers_only]) >= 4


def test_supporter_pages_median_at_or_below_grade_6(curriculum):
    grades = [m.readability_grade for m in curriculum.modules if m.for_supporters]
    grades += [grade_of_markdown(render_markdown(p, "supporter")) for p in curriculum.pages if p.in_edition("supporter")]
    grades = [g for g in grades if g is not None]
    assert len(grades) >= 12
    assert statistics.median(grades) <= TARGET_MEDIAN_GRADE, sorted(grades)


def test_every_module_is_complete(curriculum, repo_root):
    german = load_german(repo_root / "translations")
    for module in curriculum.modules:
        assert 3 <= len(module.objectives) <= 5, module.id
        assert 3 <= len(module.fidelity) <= 6 and module.essential_components, module.id
        assert module.references, f"{module.id} has no references"
        assert all(r.url and r.url.startswith("https://") for r in module.references if r.url), module.id
        assert module.status == "in-review", module.id
        if module.source.written_in_england:
            continue
        assert module.source.id in german, f"{module.id}: German source {module.source.id} missing"
        source = german[module.source.id]
        assert source.illustrative, f"{source.id} must say it is illustrative until the real text is imported"
        assert module.source.adaptation, f"{module.id} needs adaptation notes"
        assert module.source.revision == source.revision, f"{module.id} is not pinned to the current German text"


def test_supporter_modules_have_the_blocks_a_session_needs(curriculum):
    for module in curriculum.modules_for("supporter"):
        types = {b.type for b in module.scan.all_blocks()}
        for needed in ("key-points", "activity", "scenario", "handout", "trainer-notes", "signposting"):
            assert needed in types, f"{module.id} has no {needed} block"
        assert len(module.activities) >= 2, module.id


def test_crisis_signposting_where_distress_is_likely(curriculum):
    for module in curriculum.modules_for("supporter"):
        text = module.body
        assert "999" in text and "111" in text and "116 123" in text, module.id


def test_mha_2025_status_is_data_driven(curriculum, repo_root):
    data = curriculum.data["mha-2025"]["data"]
    assert data["changes"] and all(c["status"] in ("in-force", "partly-in-force", "not-in-force")
                                   for c in data["changes"])
    module = curriculum.module("mental-health-act-for-carers")
    assert "{{ mha_changes() }}" in module.body
    assert Path(repo_root / "curriculum" / "data" / "mha-2025.yml").exists()
