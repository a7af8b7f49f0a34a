"""A module's knowledge check as an accessible self-check on its page (both editions).

No account and no server: each question is a form of its own, with radio buttons (one right
answer) or checkboxes (every right answer) in a fieldset whose legend is the question. The
script site/overrides/assets/javascripts/knowledge-check.js shows a "Check my answer" button and
writes the feedback into the question's live region. Without the script, the same feedback is
in the page: "Show the answers and why" opens it. Nothing is sent anywhere.

The root element names the module, its version and the question ids (data-module,
data-module-version, data-questions), and the script dispatches a `cascade:knowledge-check`
event on it for each checked answer, so a tracker page that embeds the site can later record
that someone studied the module, and how they did.
"""

from __future__ import annotations

from html import escape

from ..content.model import Module, Question

HEADING = "Check what you know"
ANCHOR = "check-what-you-know"  # the heading's id (linked from the "what changed" pages)
EVENT = "cascade:knowledge-check"
HINTS = {"single": "Choose one answer.", "multiple": "Choose every answer that is right. There may be more than one."}


def knowledge_check(module: Module, edition: str) -> str:
    """The heading and the self-check's HTML (one block, no blank lines, so Markdown leaves it
    whole); empty when the module has no knowledge check."""
    questions = module.knowledge_check
    if not questions:
        return ""
    intro = ("Answer these questions to check what you have learned. Nobody else sees your "
             "answers, and nothing is saved. You can try as many times as you like.")
    if edition == "trainer":
        intro += (" Trainers: peer supporters see the same questions in their edition. You can "
                  "use them at the end of the session.")
    ids = " ".join(q.id for q in questions)
    forms = "".join(_question(q, n, len(questions)) for n, q in enumerate(questions, start=1))
    root = (f'<div class="cascade-check" data-module="{escape(module.id)}" '
            f'data-module-version="{escape(str(module.version))}" data-questions="{escape(ids)}" '
            f'data-edition="{escape(edition)}">'
            f'<p class="cascade-check__intro">{escape(intro)}</p>{forms}</div>')
    return f"## {HEADING}\n\n{root}\n"


def _question(question: Question, number: int, total: int) -> str:
    base = f"kc-{question.id}"
    kind = "radio" if question.kind == "single" else "checkbox"
    answers = "".join(
        f'<div class="cascade-check__answer"><input type="{kind}" id="{base}-{n}" name="{base}" '
        f'value="{n}" data-correct="{"true" if a.correct else "false"}">'
        f'<label for="{base}-{n}">{escape(a.text)}</label></div>'
        for n, a in enumerate(question.answers, start=1))
    explained = "".join(
        f'<li data-answer="{n}"><strong>{"Right" if a.correct else "Not right"}:</strong> '
        f'{escape(a.text)}<br><span class="cascade-check__why">{escape(a.feedback)}</span></li>'
        for n, a in enumerate(question.answers, start=1))
    return (
        f'<form class="cascade-check__question" id="{base}" data-question="{escape(question.id)}" '
        f'data-kind="{question.kind}" data-objective="{question.objective}">'
        f'<fieldset aria-describedby="{base}-hint">'
        f'<legend><span class="cascade-check__number">Question {number} of {total}:</span> '
        f'{escape(question.question)}</legend>'
        f'<p class="cascade-check__hint" id="{base}-hint">{HINTS[question.kind]}</p>'
        f'<div class="cascade-check__answers">{answers}</div></fieldset>'
        f'<button type="submit" class="cascade-check__submit" hidden>'
        f'Check my answer</button>'
        f'<div class="cascade-check__feedback" id="{base}-feedback" role="status" aria-live="polite"></div>'
        f'<details class="cascade-check__explained"><summary>Show the answers and why</summary>'
        f'<ul>{explained}</ul></details></form>'
    )
