"""The checkers themselves: a deliberately broken page must fail each of them, and a sound page
must pass. Without this, a silent checker would let every other accessibility test pass."""

from __future__ import annotations

import pytest

from .a11y import (
    PHONE,
    AxeQueue,
    axe_violations,
    broken_error_links,
    sideways_scroll,
    small_targets,
    tab_through,
    unreached,
    without_focus_indicator,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BROKEN = """<!DOCTYPE html><html><head><title>Broken</title></head><body>
<main>
  <h1>A broken page</h1>
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="40" height="40">
  <form><input type="text" name="nameless"></form>
  <p style="color:#bbbbbb;background:#ffffff">Pale grey text on white is hard to read.</p>
  <div class="nhsuk-error-summary"><a href="#no-such-field">Enter a date</a></div>
  <div style="width:900px">Too wide for a phone.</div>
  <button style="width:14px;height:14px;padding:0;margin:0">a</button><button style="width:14px;height:14px;padding:0;margin:0">b</button>
  <a href="#x" style="outline:none">No focus indicator</a>
  <div tabindex="0" id="trap">A trap</div>
  <span onclick="1" tabindex="-1" style="display:none"></span>
</main>
<script>
  document.getElementById('trap').addEventListener('keydown', e => { if (e.key === 'Tab') e.preventDefault() })
</script>
</body></html>"""

SOUND = """<!DOCTYPE html><html lang="en"><head><title>Sound</title></head><body>
<a href="#main">Skip to main content</a>
<main id="main"><h1>A sound page</h1>
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="40" height="40" alt="Programme logo">
  <form><label for="name">Name</label> <input id="name" name="name" type="text">
  <button style="min-width:44px;min-height:44px">Save</button></form>
  <p>Read <a href="#more">more about the programme</a> here.</p>
</main></body></html>"""


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    yield page
    page.close()


def test_axe_check_fails_a_broken_page(page):
    page.set_content(BROKEN)
    rules = {p.rule for p in axe_violations(page, "broken")}
    assert {"image-alt", "label", "color-contrast", "html-has-lang"} <= rules, rules
    problem = next(p for p in axe_violations(page, "broken") if p.rule == "image-alt")
    assert problem.page == "broken" and problem.selector == "img" and problem.impact == "critical"


def test_axe_queue_finds_the_same_problems(page):
    page.set_content(BROKEN)
    queue = AxeQueue()
    queue.start(page, "broken")
    queue.finish_all()
    assert queue.checked == ["broken"]
    assert {p.rule for p in queue.problems} == {p.rule for p in axe_violations(page, "broken")}


def test_axe_check_passes_a_sound_page(page):
    page.set_content(SOUND)
    assert axe_violations(page) == []


def test_form_and_phone_checks_fail_a_broken_page(page):
    page.set_content(BROKEN)
    assert broken_error_links(page) == ["#no-such-field"]
    page.set_viewport_size(PHONE)
    assert sideways_scroll(page)["scrollWidth"] > PHONE["width"]
    assert [t.split(" ")[0] for t in small_targets(page)] == ["button", "button"]
    page.set_content(SOUND)
    assert sideways_scroll(page) is None
    assert small_targets(page) == []  # the inline link is exempt


def test_keyboard_checks_fail_a_broken_page(page):
    page.set_content(BROKEN.replace('id="trap"', 'id="not-a-trap"'))
    seen = tab_through(page)
    assert "a 'No focus indicator'" in without_focus_indicator(page, seen)
    page.set_content(BROKEN)
    with pytest.raises(AssertionError, match="keyboard trap"):
        tab_through(page)
    page.set_content(SOUND.replace("<button", '<button tabindex="-1"'))
    tab_through(page)
    assert unreached(page) == []  # tabindex=-1 is not expected to be reached
    page.set_content(SOUND)
    seen = tab_through(page)
    assert [s["tag"] for s in seen] == ["a", "input", "button", "a"]
    assert without_focus_indicator(page, seen) == []
