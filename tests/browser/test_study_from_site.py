"""Self-study that counts, end to end on a phone: a peer supporter signed in to the tracker opens a
module of the training site it serves (/site/), answers its knowledge check, marks it studied,
and finds both on My training. Signed out, the same page offers nothing to record and sends
nothing to the tracker."""

from __future__ import annotations

import re

import pytest

from cascade.content import load_curriculum

from .a11y import PHONE
from .conftest import demo_tracker, role_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def live(demo_database, built_site, tmp_path_factory, repo_root):
    with demo_tracker(demo_database, tmp_path_factory.mktemp("study"), repo_root, built_site / "site") as server:
        yield server.url


def _module_to_study(page, base: str, curriculum):
    """A module on the supporter's own My training list that has a knowledge check and is not yet studied."""
    page.goto(f"{base}/my/training")
    rows = page.locator("main tbody tr")
    for i in range(rows.count()):
        row = rows.nth(i)
        if "Not yet" not in row.inner_text():
            continue
        title = re.split(r"\s*\(version", row.locator("th").inner_text())[0].strip()
        module = next((m for m in curriculum.modules_for("supporter") if m.title == title), None)
        if module is not None and module.knowledge_check:
            return module
    pytest.fail("the demo supporter has no unstudied module with a knowledge check")


def test_supporter_checks_knowledge_and_marks_a_module_studied(browser, live, repo_root):
    curriculum = load_curriculum(repo_root / "curriculum")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        role_sign_in(live, "supporter")(page)
        module = _module_to_study(page, live, curriculum)
        folder = module.rel.rsplit("/", 1)[0]
        page.goto(f"{live}/site/supporter/{folder}/")
        mark = page.get_by_role("button", name="Mark this module as studied")
        mark.wait_for()
        questions = module.knowledge_check
        for question in questions:
            form = page.locator(f"#kc-{question.id}")
            for n, answer in enumerate(question.answers, start=1):
                if answer.correct:
                    page.locator(f"#kc-{question.id}-{n}").check()
            form.get_by_role("button", name="Check my answer").click()
        status = page.locator(".cascade-study [role=status]")
        expected = f"Your best knowledge check: {len(questions)} of {len(questions)} right."
        page.wait_for_function("text => document.querySelector('.cascade-study [role=status]')"
                               ".textContent.includes(text)", arg=expected)
        mark.click()
        page.wait_for_function("() => document.querySelector('.cascade-study [role=status]')"
                               ".textContent.includes('You have marked this module as studied.')")
        assert mark.is_hidden()
        assert expected in status.inner_text()

        page.goto(f"{live}/my/training")
        row = page.locator("main tbody tr", has=page.locator("th", has_text=module.title))
        assert "Studied" in row.inner_text()
        assert f"{len(questions)} of {len(questions)} right" in row.inner_text()

        # Coming back to the page later: it remembers, and offers nothing more to press.
        page.goto(f"{live}/site/supporter/{folder}/")
        page.wait_for_function("() => document.querySelector('.cascade-study [role=status]')"
                               "?.textContent.includes('You have marked this module as studied.')")
        assert page.get_by_role("button", name="Mark this module as studied").is_hidden()
    finally:
        context.close()


def test_signed_out_the_site_records_nothing(browser, live, repo_root):
    curriculum = load_curriculum(repo_root / "curriculum")
    module = next(m for m in curriculum.modules_for("supporter") if m.knowledge_check)
    question = module.knowledge_check[0]
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method != "GET" else None)
    try:
        page.goto(f"{live}/site/supporter/{module.rel.rsplit('/', 1)[0]}/")
        page.wait_for_load_state("networkidle")
        right = next(n for n, a in enumerate(question.answers, start=1) if a.correct)
        page.locator(f"#kc-{question.id}-{right}").check()
        page.locator(f"#kc-{question.id}").get_by_role("button", name="Check my answer").click()
        assert page.locator(f"#kc-{question.id}-feedback").inner_text().startswith("Right.")
        page.wait_for_load_state("networkidle")
        assert page.locator(".cascade-study").count() == 0
        assert not posts, posts
    finally:
        context.close()
