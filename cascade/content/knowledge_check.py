"""A module's knowledge check: a few questions in its front matter that a reader answers on the
module page to check what they learned (the site renders them: cascade/site/self_check.py).

    knowledge_check:
      - id: what-a-peer-supporter-does    # stays the same across versions, so results can be kept
        objective: 1                      # the objective it checks: its number in 'objectives'
        question: What does a carer peer supporter do?
        kind: single                      # single (one right answer) or multiple (tick every right one)
        answers:
          - text: Listens, and shares what helped them.
            correct: true
            feedback: Yes. You listen as an equal and share what helped you.

Read with the one field reader (fields.Fields), so every mistake has its file, line and usual
wording; the rules that join fields (every objective has a question, one right answer for a
single-choice question) are here too. The reading age is checked with the other reading ages
(checks.py), because it only ever warns.
"""

from __future__ import annotations

from .fields import Fields
from .model import QUESTION_KINDS, Answer, Question
from .problems import ProblemList
from .readability import grade, reading_age

FIELD = "knowledge_check"
QUESTION_FIELDS = {
    "id": "lower-case words joined by hyphens, the same in every version",
    "objective": "the number of the objective it checks (1 = the first in 'objectives')",
    "question": "the question, in plain English",
    "kind": "single or multiple (optional: single)",
    "answers": "at least 2, each with text, correct and feedback",
}
ANSWER_FIELDS = {
    "text": "the answer as the reader sees it",
    "correct": "true or false",
    "feedback": "what the reader is told when they choose it, and why",
}
MIN_ANSWERS = 2


def read_knowledge_check(meta: dict, objectives: list[str], f: Fields) -> list[Question]:
    """The questions of `meta['knowledge_check']` that could be read; every problem reported."""
    value = meta.get(FIELD)
    if value is None:
        return []
    keys = (FIELD,)
    if not isinstance(value, list) or not value:
        f.error(keys, f"{FIELD} must list questions, each with id, objective, question and answers")
        return []
    questions: list[Question] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        question = _question(item, keys + (index,), len(objectives), f)
        if question is None:
            continue
        if question.id in seen:
            f.error(keys + (index, "id"), f"question id '{question.id}' is used twice")
        seen.add(question.id)
        questions.append(question)
    covered = {q.objective for q in questions}
    for number, objective in enumerate(objectives, start=1):
        if number not in covered:
            f.error(keys, f"objective {number} ('{_short(objective)}') has no question in {FIELD}: "
                          f"add one with 'objective: {number}'")
    if not 3 <= len(value) <= 5:
        f.warning(keys, f"{len(value)} knowledge check questions; aim for 3 to 5")
    return questions


def _question(item, keys: tuple, objective_count: int, f: Fields) -> Question | None:
    if not isinstance(item, dict):
        f.error(keys, "each question needs id, objective, question and answers")
        return None
    f.unknown(item, QUESTION_FIELDS, keys)
    f.required(item, {k: v for k, v in QUESTION_FIELDS.items() if k != "kind"}, keys)
    qid = f.slug(item, "id", keys)
    objective = f.whole(item, "objective", keys, minimum=1)
    if objective is not None and objective_count and objective > objective_count:
        f.error(keys + ("objective",), f"'objective' must be the number of one of the module's "
                f"{objective_count} objectives (1 to {objective_count}), not {objective}")
        objective = None
    text = f.text(item, "question", keys, one_line=True)
    kind = f.choice(item, "kind", QUESTION_KINDS, keys, default="single")
    answers = _answers(item.get("answers"), keys + ("answers",), f)
    if answers is not None:
        _check_right_answers(kind, answers, keys + ("answers",), f)
    if qid is None or objective is None or text is None:
        return None
    return Question(qid, objective, text, kind, tuple(answers or ()), f.line(*keys))


def _answers(value, keys: tuple, f: Fields) -> list[Answer] | None:
    """Every answer, or None when one of them could not be read (so the right answers are not
    counted on half a question)."""
    if value is None:
        return None  # reported as a missing field
    if not isinstance(value, list) or len(value) < MIN_ANSWERS:
        f.error(keys, f"'answers' must list at least {MIN_ANSWERS} answers, each with text, correct "
                      "and feedback")
        return None
    result: list[Answer] = []
    for index, item in enumerate(value):
        where = keys + (index,)
        if not isinstance(item, dict):
            f.error(where, "each answer needs text, correct (true or false) and feedback")
            continue
        f.unknown(item, ANSWER_FIELDS, where)
        f.required(item, ANSWER_FIELDS, where)
        text = f.text(item, "text", where, one_line=True)
        correct = f.flag(item, "correct", where)
        feedback = f.text(item, "feedback", where, one_line=True)
        if text is not None and feedback is not None and isinstance(item.get("correct"), bool):
            result.append(Answer(text, correct, feedback, f.line(*where)))
    return result if len(result) == len(value) else None


def _check_right_answers(kind: str, answers: list[Answer], keys: tuple, f: Fields) -> None:
    right = sum(1 for a in answers if a.correct)
    if kind == "single" and right != 1:
        f.error(keys, f"a single-choice question needs exactly one answer with 'correct: true'; "
                      f"this one has {right} (use 'kind: multiple' if more than one is right)")
    elif kind == "multiple" and right < 1:
        f.error(keys, "a multiple-choice question needs at least one answer with 'correct: true'")


def _short(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")


def question_prose(question: Question) -> str:
    """The question, its answers and their feedback as sentences, for the reading-age formula."""
    parts = [question.question, *(a.text for a in question.answers),
             *(a.feedback for a in question.answers)]
    return " ".join(p if p.rstrip()[-1:] in ".!?" else p.rstrip() + "." for p in parts)


def check_reading_age(module, limit: float, problems: ProblemList) -> None:
    """Warn about each question (with its answers and feedback) far above reading age 11."""
    for question in module.knowledge_check:
        found = grade(question_prose(question))
        if found is not None and found > limit:
            problems.warning(module.path, question.line,
                             f"knowledge check question '{question.id}': reading age about "
                             f"{reading_age(found):.0f} (grade {found:.1f}) is far above the target "
                             "of 9 to 11: use shorter sentences and everyday words")


def check_paragraphs(module) -> list[str]:
    """The knowledge check as plain sentences a reviewer reads (the review summary compares
    these word by word): each question, then each answer marked right or not, with its feedback."""
    lines = []
    for number, question in enumerate(module.knowledge_check, start=1):
        many = " (choose every right answer)" if question.kind == "multiple" else ""
        lines.append(f"Question {number}, for objective {question.objective}{many}: {question.question}")
        for answer in question.answers:
            mark = "Right" if answer.correct else "Not right"
            lines.append(f"{mark}: {answer.text} Feedback: {answer.feedback}")
    return lines
