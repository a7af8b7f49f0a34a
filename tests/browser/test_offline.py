"""The offline supporter edition, unzipped and opened from file:// as someone without internet
would: search finds a module and navigation links work, with every file found on the disk."""

from __future__ import annotations

import re
import zipfile

import pytest

from .a11y import axe_violations, report

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def offline_home(built_site, tmp_path_factory):
    folder = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(built_site / "carer-peer-support-training-offline.zip") as archive:
        archive.extractall(folder)
    home = folder / "carer-peer-support-training" / "index.html"
    assert home.exists()
    return home


@pytest.fixture
def offline_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    failed = []  # files the page asked for but that are not there (a navigation's aborts aside)
    page.on("requestfailed", lambda request: "ERR_ABORTED" in (request.failure or "") or failed.append((request.url, request.failure)))
    page.failed_requests = failed
    yield page
    context.close()


def test_search_works_from_file_urls(offline_page, offline_home):
    page = offline_page
    page.goto(offline_home.as_uri())
    assert page.url.startswith("file://")
    search = page.locator(".md-search__input")
    search.click()
    search.press_sequentially("listening")  # as typed: Material searches on key presses
    result = page.locator(".md-search-result__item a").first
    result.wait_for()
    assert "listening" in page.locator(".md-search-result").inner_text().lower()
    result.click()
    page.wait_for_url(re.compile(r"listening-and-support/index\.html"))
    assert page.locator("article h1").inner_text().strip() == "Listening and emotional support"
    assert not page.failed_requests, page.failed_requests


def test_navigation_works_from_file_urls(offline_page, offline_home):
    page = offline_page
    page.goto(offline_home.as_uri())
    nav = page.locator(".md-sidebar--primary")
    nav.locator("label.md-nav__link", has_text="Modules for peer supporters").click()
    link = nav.locator("a.md-nav__link", has_text="Boundaries and confidentiality")
    link.click()
    page.wait_for_url(re.compile(r"^file://.*/modules/boundaries-and-confidentiality/index\.html$"))
    assert page.locator("article h1").inner_text().strip() == "Boundaries and confidentiality"
    # The footer's next-page link works too.
    page.locator("a.md-footer__link--next").click()
    page.wait_for_url(re.compile(r"^file://.*/modules/first-contact-and-getting-started/index\.html$"))
    # The page is styled (its stylesheets were found on the disk), nothing it asked for is missing,
    # and it passes the axe check. (Checked in that order: under file:// axe's own attempt to
    # re-read the stylesheets fails, which is not the site's doing.)
    assert page.evaluate("() => getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    assert not page.failed_requests, page.failed_requests
    problems = axe_violations(page, "offline edition, first-contact-and-getting-started")
    assert not problems, report(problems, "offline edition")
