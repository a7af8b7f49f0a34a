"""Keyboard only: a skip link first that moves focus to the main content, every control reachable
with Tab and operable with Enter or Space, a visible focus indicator on each, nothing hidden when
focused, no keyboard trap; and the main tracker forms completed without a mouse."""

from __future__ import annotations

import re

import pytest

from cascade.devdata.demo import DEMO_PASSWORD

from .a11y import (
    _FOCUS_INFO,
    _STYLE_FN,
    DESKTOP,
    PHONE,
    hidden_on_focus,
    named,
    tab_through,
    tab_to,
    unreached,
    without_focus_indicator,
)
from .conftest import demo_tracker, give_supporter_a_carer

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def tracker(browser, demo_database, built_site, tmp_path_factory, repo_root):
    with demo_tracker(demo_database, tmp_path_factory.mktemp("keyboard"), repo_root, built_site / "site") as live:
        give_supporter_a_carer(browser, live.url)
        yield live


def new_page(browser, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def focused(page) -> dict | None:
    page.evaluate(_STYLE_FN)
    return page.evaluate(_FOCUS_INFO)


def check_skip_link(page) -> None:
    """The first Tab lands on a visible skip link; Enter on it takes focus to the main content."""
    page.keyboard.press("Tab")
    first = focused(page)
    assert first and "skip to" in first["text"].lower(), f"first focusable is {first}, not a skip link"
    assert first["shown"], "the skip link is not visible when focused"
    target = first["href"]
    page.keyboard.press("Enter")
    # Focus is on the target, or (if the target cannot take focus) Tab continues from it.
    check = """href => {
      const target = document.getElementById(decodeURIComponent(href.slice(1)))
      const el = document.activeElement
      const main = document.querySelector('main')
      if (!target || !main || !main.contains(target)) return 'the skip link points outside the main content'
      if (el === target || target.contains(el)) return 'on'
      return target.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING ? 'after' : 'before'
    }"""
    where = page.evaluate(check, target)
    if where != "on":
        page.keyboard.press("Tab")
        where = page.evaluate(check, target)
        assert where in ("on", "after"), f"after the skip link, focus went {where} {target}: {focused(page)}"


def check_whole_page(page) -> list[dict]:
    seen = tab_through(page)
    assert seen, "nothing on the page takes focus"
    assert not unreached(page), f"not reachable with Tab: {unreached(page)}"
    assert not hidden_on_focus(seen), f"hidden while focused: {hidden_on_focus(seen)}"
    assert not without_focus_indicator(page, seen), f"no visible focus indicator: {without_focus_indicator(page, seen)}"
    backwards = tab_through(page, key="Shift+Tab", light=True)  # no trap going backwards either
    assert len(backwards) == len(seen)
    return seen


SITE_PAGES = [("supporter", "", DESKTOP), ("supporter", "modules/listening-and-support/", DESKTOP),
              ("supporter", "modules/listening-and-support/", PHONE),
              ("trainer", "modules/running-a-training-session/", DESKTOP), ("trainer", "glossary/", PHONE)]


def check_page_by_keyboard(page, url: str) -> None:
    """The skip link, then every control of the page by Tab (a fresh load for each), then close."""
    page.goto(url)
    check_skip_link(page)
    page.goto(url)
    check_whole_page(page)
    page.context.close()


@pytest.mark.parametrize(("edition", "path", "viewport"), SITE_PAGES,
                         ids=[f"{e}/{p}-{'phone' if v is PHONE else 'desktop'}" for e, p, v in SITE_PAGES])
def test_site_page_by_keyboard(browser, site_servers, edition, path, viewport):
    page = new_page(browser, viewport)
    check_page_by_keyboard(page, f"{site_servers[edition]}/{path}")


def test_site_search_and_navigation_by_keyboard(browser, site_servers):
    page = new_page(browser)
    page.goto(f"{site_servers['supporter']}/")
    tab_to(page, lambda i: i["tag"] == "input" and "search" in i["cls"])
    page.keyboard.type("listening")
    page.locator(".md-search-result__item").first.wait_for()
    page.keyboard.press("ArrowDown")
    assert "md-search-result__link" in focused(page)["cls"]
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/modules/listening-and-support/"))
    # A navigation link followed with Enter.
    page.goto(f"{site_servers['supporter']}/")
    tab_to(page, lambda i: i["tag"] == "a" and i["text"].lower() == "glossary" and i["inMain"])
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/glossary/$"))
    page.context.close()


def test_site_menu_drawer_by_keyboard_on_a_phone(browser, site_servers):
    page = new_page(browser, PHONE)
    page.goto(f"{site_servers['supporter']}/modules/listening-and-support/")
    menu = tab_to(page, named("Menu"))
    assert menu["shown"]
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('__drawer').checked")
    page.wait_for_function("() => document.activeElement.closest('.md-sidebar--primary')")
    back = focused(page)
    assert back["text"].startswith("Modules for peer supporters"), back  # the open menu's title
    page.keyboard.press("Space")  # back up a level: focus goes to the item that opened the menu
    page.wait_for_function("() => document.activeElement.matches('label.md-nav__link')")
    assert focused(page)["text"].startswith("Modules for peer supporters")
    page.keyboard.press("Tab")
    assert focused(page)["shown"]
    page.keyboard.press("Escape")
    assert not page.evaluate("() => document.getElementById('__drawer').checked")
    assert focused(page)["text"] == "Menu"
    page.keyboard.press("Space")  # Space opens it too
    page.wait_for_function("() => document.getElementById('__drawer').checked")
    page.context.close()


# ---------------------------------------------------------------------------------------------
# Tracker


def keyboard_sign_in(page, base: str, email: str) -> None:
    """Sign in with the keyboard only."""
    page.goto(f"{base}/login")
    tab_to(page, lambda i: i["id"] == "email")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "password"
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def follow(page, matches) -> None:
    """Tab to a link and follow it with Enter."""
    tab_to(page, matches)
    with page.expect_navigation():
        page.keyboard.press("Enter")


TRACKER_PAGES = [(None, "/login", DESKTOP), ("lead@example.org", "/dashboard", DESKTOP),
                 ("lead@example.org", "/dashboard", PHONE), ("lead@example.org", "first-course", DESKTOP),
                 ("admin@example.org", "/admin/users", DESKTOP), ("supporter@example.org", "/my/caseload", PHONE),
                 ("supporter@example.org", "contact-form", DESKTOP), ("supporter@example.org", "contact-form", PHONE),
                 ("el-lead@example.org", "/carers/new", DESKTOP)]


@pytest.mark.parametrize(("email", "path", "viewport"), TRACKER_PAGES,
                         ids=[f"{(e or 'anonymous').split('@')[0]}{p}-{'phone' if v is PHONE else 'desktop'}"
                              for e, p, v in TRACKER_PAGES])
def test_tracker_page_by_keyboard(browser, tracker, email, path, viewport):
    page = new_page(browser, viewport)
    if email:
        keyboard_sign_in(page, tracker.url, email)
    if path == "first-course":
        page.goto(f"{tracker.url}/courses")
        path = page.locator("main table a").first.get_attribute("href")
    elif path == "contact-form":
        page.goto(f"{tracker.url}/my/caseload")
        page.locator("main tr", has_text="Being supported").locator("a").first.click()
        path = page.get_by_role("link", name="Record a contact").get_attribute("href")
    check_page_by_keyboard(page, f"{tracker.url}{path}")


def test_sign_in_with_the_keyboard(browser, tracker):
    page = new_page(browser)
    keyboard_sign_in(page, tracker.url, "lead@example.org")
    assert page.get_by_role("heading", name="Programme dashboard").is_visible()
    page.context.close()


def test_sign_in_error_by_keyboard(browser, tracker):
    page = new_page(browser)
    page.goto(f"{tracker.url}/login")
    tab_to(page, named("Sign in"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator(".nhsuk-error-summary")
    assert summary.is_visible()
    # The error summary takes focus, and its first link takes focus to the field.
    page.wait_for_function("() => document.activeElement.closest('.nhsuk-error-summary')")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'email'")
    page.context.close()


def test_site_lead_registers_a_carer_with_the_keyboard(browser, tracker):
    page = new_page(browser)
    keyboard_sign_in(page, tracker.url, "el-lead@example.org")
    follow(page, lambda i: i["text"] == "Carers" and not i["inMain"])
    follow(page, named("Register a carer"))
    tab_to(page, lambda i: i["id"] == "name")
    page.keyboard.type("Kay Boardman")
    tab_to(page, lambda i: i["id"] == "phone")
    page.keyboard.type("01234 567890")
    tab_to(page, named("Register carer"))
    with page.expect_navigation():
        page.keyboard.press("Space")
    page.get_by_text(re.compile(r"Carer registered as EL-C-\d{4}")).wait_for()
    study_id = re.search(r"EL-C-\d{4}", page.locator("h1").inner_text()).group(0)
    # Saved: the carer is on the list, with the contact details kept apart.
    page.goto(f"{tracker.url}/carers")
    assert page.get_by_role("link", name=study_id).is_visible()
    page.get_by_role("link", name=study_id).click()
    assert page.get_by_text("Kay Boardman").is_visible()
    page.context.close()


def test_supporter_records_a_contact_with_the_keyboard(browser, tracker):
    page = new_page(browser, PHONE)  # peer supporters mostly use a phone
    keyboard_sign_in(page, tracker.url, "supporter@example.org")
    assert page.get_by_role("heading", name="My support").is_visible()
    current = page.locator("main tr", has_text="Being supported").locator("a").first.get_attribute("href")
    follow(page, lambda i: i["href"] == current)
    contacts_before = page.locator("main table").filter(has_text="Contacts, newest first").locator("tbody tr").count()
    follow(page, named("Record a contact"))
    # Radios: Tab into the group, arrows choose.
    tab_to(page, lambda i: i["tag"] == "input" and i["id"] == "mode")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    chosen = page.evaluate("() => document.querySelector('input[name=mode]:checked').labels[0].textContent.trim()")
    assert page.evaluate("() => document.querySelector('input[name=mode]:checked').id") == "mode-2"
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "duration_minutes"
    page.keyboard.type("45")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "topics"  # the first checkbox
    page.keyboard.press("Space")
    assert page.evaluate("() => document.getElementById('topics').checked")
    tab_to(page, named("Save contact"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_text("Contact recorded.").wait_for()
    rows = page.locator("main table").filter(has_text="Contacts, newest first").locator("tbody tr")
    texts = rows.all_inner_texts()
    assert len(texts) == contacts_before + 1 or (contacts_before == 1 and len(texts) == 1), texts
    newest = texts[0]
    assert "45" in newest and chosen in newest
    page.context.close()


def test_header_menu_by_keyboard_on_a_phone(browser, tracker):
    page = new_page(browser, PHONE)
    keyboard_sign_in(page, tracker.url, "admin@example.org")
    more = tab_to(page, lambda i: i["tag"] == "button" and "More" in i["text"])
    assert more["shown"]
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.getAttribute('aria-expanded') === 'true'")
    page.keyboard.press("Tab")
    item = focused(page)
    assert item["tag"] == "a" and item["shown"], item
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('[aria-expanded=true]')")
    page.context.close()
