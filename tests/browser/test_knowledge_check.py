"""A module's knowledge check on a phone (360 px), with the keyboard alone: from the served
supporter edition and from the offline edition opened from file://. The feedback is read out of
the live region; nothing is fetched from anywhere else; without a script, "Show the answers and
why" still gives the feedback."""

from __future__ import annotations

import zipfile

import pytest

from cascade.content import load_curriculum

from .a11y import PHONE, axe_violations, report, sideways_scroll, small_targets, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def target(repo_root):
    """The first supporter module with a single-choice question: (module, question)."""
    curriculum = load_curriculum(repo_root / "curriculum")
    for module in curriculum.modules_for("supporter"):
        for question in module.knowledge_check:
            if question.kind == "single":
                return module, question
    pytest.fail("no supporter module has a single-choice knowledge check question")


@pytest.fixture(scope="module")
def offline_root(built_site, tmp_path_factory):
    folder = tmp_path_factory.mktemp("offline-check")
    with zipfile.ZipFile(built_site / "carer-peer-support-training-offline.zip") as archive:
        archive.extractall(folder)
    return folder / "carer-peer-support-training"


def module_url(request, where: str, module) -> str:
    folder = module.rel.rsplit("/", 1)[0]
    if where == "served":
        return f"{request.getfixturevalue('site_servers')['supporter']}/{folder}/"
    return (request.getfixturevalue("offline_root") / folder / "index.html").as_uri()


def phone_page(browser, *, scripts: bool = True):
    context = browser.new_context(viewport=PHONE, java_script_enabled=scripts)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.requested = []
    page.on("request", lambda r: page.requested.append(r.url))
    return context, page


def choose_with_arrows(page, wanted_id: str, answers: int) -> None:
    """Arrow keys move through a radio group and choose as they go."""
    for _ in range(answers):
        if page.evaluate("() => document.activeElement.id") == wanted_id:
            return
        page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.id") == wanted_id


@pytest.mark.parametrize("where", ["served", "offline"])
def test_answer_a_question_with_the_keyboard_on_a_phone(browser, request, target, where):
    module, question = target
    url = module_url(request, where, module)
    base = f"kc-{question.id}"
    right = next(n for n, a in enumerate(question.answers, start=1) if a.correct)
    wrong = next(n for n, a in enumerate(question.answers, start=1) if not a.correct)
    context, page = phone_page(browser)
    try:
        page.goto(url)
        page.evaluate("() => { window.__checks = []; document.addEventListener('cascade:knowledge-check', "
                      "e => window.__checks.push(e.detail)) }")
        feedback = page.locator(f"#{base}-feedback")
        # Tab to the question's answers (the first of the radio group), choose a wrong one.
        tab_to(page, lambda info: info["id"].startswith(f"{base}-"))
        choose_with_arrows(page, f"{base}-{wrong}", len(question.answers))
        tab_to(page, lambda info: info["text"] == "Check my answer", limit=3)
        page.keyboard.press("Enter")
        text = feedback.inner_text()
        chosen = question.answers[wrong - 1]
        assert text.startswith(f"Not right. You chose: {chosen.text}") and chosen.feedback in text, text
        # Back to the answers, choose the right one, and press the button with Space this time.
        page.keyboard.press("Shift+Tab")
        choose_with_arrows(page, f"{base}-{right}", len(question.answers))
        assert feedback.inner_text() == "", "a new choice clears the old feedback"
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
        text = feedback.inner_text()
        chosen = question.answers[right - 1]
        assert text.startswith(f"Right. You chose: {chosen.text}") and chosen.feedback in text, text
        assert "Try again" not in text
        # What a tracker page embedding the site would hear.
        checks = page.evaluate("() => window.__checks")
        assert [(c["module"], c["version"], c["question"], c["right"]) for c in checks] == [
            (module.id, str(module.version), question.id, False), (module.id, str(module.version), question.id, True)]
        root = page.locator(".cascade-check")
        assert question.id in root.get_attribute("data-answered").split()
        assert question.id in root.get_attribute("data-right").split()
        # Readable at 360 px: nothing sticks out sideways, and the answer's box is in view.
        assert sideways_scroll(page) is None, sideways_scroll(page)
        assert not small_targets(page), small_targets(page)
        box = page.locator(f"#{base}-{right}").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        prefix = "file://" if where == "offline" else url.split("/modules/")[0]
        assert all(u.startswith(prefix) or u.startswith("data:") for u in page.requested), page.requested
        if where == "served":  # (under file:// axe cannot re-read the stylesheets: see test_offline.py)
            problems = axe_violations(page, f"{module.id} knowledge check with feedback")
            assert not problems, report(problems, "knowledge check")
    finally:
        context.close()


def test_without_a_script_the_feedback_can_still_be_revealed(browser, request, target):
    module, question = target
    context, page = phone_page(browser, scripts=False)
    try:
        page.goto(module_url(request, "served", module))
        form = page.locator(f"#kc-{question.id}")
        assert not form.get_by_role("button", name="Check my answer").is_visible()
        tab_to(page, lambda info: info["tag"] == "summary" and form.locator("summary").evaluate(
            "el => el === document.activeElement"))
        page.keyboard.press("Enter")
        for answer in question.answers:
            assert form.get_by_text(answer.feedback).is_visible()
    finally:
        context.close()
