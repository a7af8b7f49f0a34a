"""A phone-sized screen (360 CSS px wide): no page scrolls sideways, and pointer targets are at
least 24 by 24 CSS px (WCAG 2.2, 2.5.8, with its spacing, inline-link and user-agent exceptions),
on every page of both site editions and every tracker page each role reaches."""

from __future__ import annotations

import pytest

from .a11y import DESKTOP, PHONE, report, screenshot, small_targets
from .conftest import ROLES, demo_tracker, role_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("edition", ["supporter", "trainer"])
def test_site_pages_fit_a_phone(site_scans, edition):
    scan = site_scans[edition]
    assert scan.pages
    assert not scan.phone, report(scan.phone, f"{edition} edition at {PHONE['width']} px")


@pytest.mark.parametrize("role", list(ROLES), ids=[r or "anonymous" for r in ROLES])
def test_tracker_pages_fit_a_phone(tracker_scans, role):
    scan = tracker_scans[role]
    assert scan.pages
    assert not scan.phone, report(scan.phone, f"{ROLES[role]} at {PHONE['width']} px")


def test_the_target_check_sees_small_buttons(browser):
    page = browser.new_page(viewport=PHONE)
    try:
        page.set_content('<html lang="en"><body><p>Read <a href="#a">the guide</a> first.</p>'
                         '<button style="width:16px;height:16px;padding:0">x</button>'
                         '<button style="width:16px;height:16px;padding:0">y</button></body></html>')
        small = small_targets(page)
        assert len(small) == 2 and all(s.startswith("button") for s in small), small
    finally:
        page.close()


def test_screenshots_of_the_main_pages(browser, site_servers, demo_database, built_site, tmp_path, repo_root):
    """Phone and desktop screenshots of the main pages into the git-ignored screenshots/ folder."""
    site_pages = {"site-home": ("supporter", ""), "site-module": ("supporter", "modules/listening-and-support/"),
                  "site-trainer-module": ("trainer", "modules/listening-and-support/")}
    written = []
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=size)
        page = context.new_page()
        for name, (edition, path) in site_pages.items():
            page.goto(f"{site_servers[edition]}/{path}")
            written.append(screenshot(page, f"{name}-{size_name}"))
        context.close()
    with demo_tracker(demo_database, tmp_path / "db", repo_root, built_site / "site") as live:
        for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
            for role, pages in (("lead", {"tracker-dashboard": "/dashboard", "tracker-cascade": "/cascade"}),
                                ("supporter", {"tracker-caseload": "/my/caseload"})):
                context = browser.new_context(viewport=size)
                page = context.new_page()
                role_sign_in(live.url, role)(page)
                for name, path in pages.items():
                    page.goto(live.url + path)
                    written.append(screenshot(page, f"{name}-{size_name}"))
                if role == "lead":
                    page.goto(f"{live.url}/courses")
                    page.locator("main table a").first.click()
                    page.wait_for_load_state()
                    written.append(screenshot(page, f"tracker-course-{size_name}"))
                context.close()
    assert all(p.stat().st_size > 1000 for p in written)
