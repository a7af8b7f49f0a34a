"""Knowledge checks in the module format: read with the one field reader, checked by `cascade
curriculum check` on broken copies (each problem as path:line), and counted as a MINOR change."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_curriculum_check import errors_for, line_of, run_check

from cascade.content import load_curriculum

MODULE = "curriculum/modules/peer-support-role/index.md"

# Four questions, one per objective of peer-support-role; each test breaks one thing.
CHECK = """\
knowledge_check:
  - id: what-you-do
    objective: 1
    question: What do you do as a peer supporter?
    answers:
      - text: I listen as an equal.
        correct: true
        feedback: Yes. You listen, and you share what helped you.
      - text: I give medical advice.
        correct: false
        feedback: Not quite. The care team gives medical advice.
  - id: what-it-is-not
    objective: 2
    question: Who can answer a question about tablets?
    kind: single
    answers:
      - text: The care team.
        correct: true
        feedback: Yes. Help the carer plan what to ask them.
      - text: You.
        correct: false
        feedback: Not quite. You do not give medical advice.
  - id: sharing
    objective: 3
    question: What do you ask yourself before you share your story?
    kind: multiple
    answers:
      - text: Will it help them?
        correct: true
        feedback: Yes. Share only when it helps.
      - text: Can I keep it short?
        correct: true
        feedback: Yes. Then turn back to them.
      - text: Have I told every detail?
        correct: false
        feedback: Not quite. A short share is enough.
  - id: help
    objective: 4
    question: Who can you talk to about your role?
    answers:
      - text: Your supervisor.
        correct: true
        feedback: Yes. You are never on your own.
      - text: Nobody.
        correct: false
        feedback: Not quite. Your supervisor is there for you.
"""


def set_check(root: Path, block: str) -> None:
    """Replace the module's knowledge check (if any) with `block`, at the end of its front matter."""
    path = root / MODULE
    text = path.read_text(encoding="utf-8")
    end = text.index("\n---\n", 4) + 1
    front, body = text[:end], text[end:]
    front = re.sub(r"(?ms)^knowledge_check:\n(?:(?:  |\n).*?\n)*", "", front)
    assert "knowledge_check" not in front, "test setup: the old knowledge check is still there"
    path.write_text(front + block + body, encoding="utf-8")


def test_a_valid_knowledge_check_is_read_into_the_model(content_copy):
    set_check(content_copy, CHECK)
    result, problems = run_check(content_copy)
    assert errors_for(problems, MODULE) == [], result.output
    module = load_curriculum(content_copy / "curriculum").module("peer-support-role")
    questions = module.knowledge_check
    assert [(q.id, q.objective, q.kind) for q in questions] == [
        ("what-you-do", 1, "single"), ("what-it-is-not", 2, "single"), ("sharing", 3, "multiple"),
        ("help", 4, "single")]
    assert [a.text for a in questions[2].correct_answers] == ["Will it help them?", "Can I keep it short?"]
    assert questions[0].answers[1].feedback == "Not quite. The care team gives medical advice."
    assert questions[0].line == line_of(content_copy, MODULE, "- id: what-you-do")


@pytest.mark.parametrize(("old", "new", "needle", "expected"), [
    ("      - text: I give medical advice.\n        correct: false\n",
     "      - text: I give medical advice.\n        correct: true\n", None,
     "a single-choice question needs exactly one answer with 'correct: true'; this one has 2"),
    ("        correct: true\n        feedback: Yes. Share only when it helps.",
     "        correct: false\n        feedback: Yes. Share only when it helps.", None, None),
    ("        feedback: Not quite. Your supervisor is there for you.\n", "",
     "      - text: Nobody.", "missing field 'feedback' (what the reader is told when they choose it, and why)"),
    ("    objective: 4\n", "    objective: 9\n", "objective: 9",
     "'objective' must be the number of one of the module's 4 objectives (1 to 4), not 9"),
    ("    objective: 2\n", "    objective: 1\n", "knowledge_check:",
     "objective 2 ('Say what peer support is not, and who ...') has no question in knowledge_check: "
     "add one with 'objective: 2'"),
    ("    question: Who can you talk to about your role?\n", "    questoin: Who can you talk to about your role?\n",
     "questoin:", "unknown field 'questoin' (allowed: id, objective, question, kind, answers)"),
    ("    kind: single\n", "    kind: maybe\n", "kind: maybe", "'kind' must be one of single, multiple, not 'maybe'"),
    ("        correct: false\n        feedback: Not quite. You do not", "        correct: 'no'\n        feedback: Not quite. You do not",
     "correct: 'no'", "'correct' must be true or false, not 'no'"),
    ("  - id: help\n", "  - id: sharing\n", ("last", "  - id: sharing"), "question id 'sharing' is used twice"),
    ("      - text: Nobody.\n        correct: false\n        feedback: Not quite. Your supervisor is there for you.\n", "",
     ("last", "    answers:"), "'answers' must list at least 2 answers, each with text, correct and feedback"),
    ("  - id: help\n", "  - id: Help Me\n", "id: Help Me", "'id' must be lower-case words joined by hyphens, not 'Help Me'"),
    ("    question: What do you do as a peer supporter?\n", "    question: 42\n", "question: 42",
     "'question' must be text, not 42"),
])
def test_broken_knowledge_check_reported_with_file_and_line(content_copy, old, new, needle, expected):
    if expected is None:  # a multiple-choice question with no right answer
        expected = "a multiple-choice question needs at least one answer with 'correct: true'"
        block = CHECK.replace("        correct: true\n        feedback: Yes. Then turn back to them.",
                              "        correct: false\n        feedback: Yes. Then turn back to them.")
    else:
        block = CHECK
    assert old in block, f"test setup: {old!r} not in the check"
    set_check(content_copy, block.replace(old, new, 1))
    result, problems = run_check(content_copy)
    assert result.exit_code == 1
    matching = [p for p in errors_for(problems, MODULE) if expected in p["message"]]
    assert matching, result.output
    lines = (content_copy / MODULE).read_text(encoding="utf-8").splitlines()
    if needle is None:  # the rule about right answers is reported on the question's 'answers:'
        starts = [n for n, line in enumerate(lines, start=1) if line == "    answers:"]
        assert int(matching[0]["line"]) in starts
    elif isinstance(needle, tuple):  # ("last", text): the last line holding text
        assert int(matching[0]["line"]) == max(n for n, line in enumerate(lines, start=1) if needle[1] in line)
    else:
        assert int(matching[0]["line"]) == line_of(content_copy, MODULE, needle)


def test_knowledge_check_must_be_a_list(content_copy):
    set_check(content_copy, "knowledge_check: yes\n")
    result, problems = run_check(content_copy)
    found = [p for p in errors_for(problems, MODULE)
             if "knowledge_check must list questions, each with id, objective, question and answers" in p["message"]]
    assert result.exit_code == 1 and found
    assert int(found[0]["line"]) == line_of(content_copy, MODULE, "knowledge_check: yes")


def test_hard_question_text_is_a_reading_age_warning(content_copy):
    hard = ("Notwithstanding interprofessional considerations, which multidisciplinary accountability "
            "frameworks necessitate comprehensively?")
    set_check(content_copy, CHECK.replace("What do you do as a peer supporter?", hard)
              .replace("Yes. You listen, and you share what helped you.",
                       "Yes. Institutional documentation systematically contextualises practitioners' "
                       "collaborative responsibilities notwithstanding organisational complexity."))
    result, problems = run_check(content_copy)
    assert result.exit_code == 0, result.output
    found = [p for p in problems if p["path"] == MODULE and "knowledge check question 'what-you-do'" in p["message"]]
    assert found and found[0]["message"].startswith("warning: ") and "reading age about" in found[0]["message"]
    assert int(found[0]["line"]) == line_of(content_copy, MODULE, "- id: what-you-do")


def test_a_supporter_module_without_a_check_is_a_warning(content_copy):
    set_check(content_copy, "")
    result, problems = run_check(content_copy)
    assert result.exit_code == 0, result.output
    assert any(p["path"] == MODULE and p["message"].startswith("warning: no 'knowledge_check'") for p in problems)


def test_adding_or_changing_a_knowledge_check_needs_a_minor_version(content_copy):
    from cascade.authoring.versioning import assess

    set_check(content_copy, "")
    before = load_curriculum(content_copy / "curriculum").module("peer-support-role")
    set_check(content_copy, CHECK)
    after = load_curriculum(content_copy / "curriculum").module("peer-support-role")
    reasons = assess(before, after)
    assert [(r.kind, r.text) for r in reasons] == [("minor", "'knowledge_check' changed")]


def test_every_supporter_module_has_a_knowledge_check(repo_root):
    """The real curriculum: 3 to 5 questions per supporter module, every objective covered."""
    curriculum = load_curriculum(repo_root / "curriculum")
    for module in curriculum.modules_for("supporter"):
        questions = module.knowledge_check
        assert 3 <= len(questions) <= 5, f"{module.id}: {len(questions)} questions"
        assert {q.objective for q in questions} == set(range(1, len(module.objectives) + 1)), module.id
