"""axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on every tracker page each role can reach from its
start page (and each form sent empty, to check its error state), in Debian's chromium. A serious
or critical violation fails, naming page, rule and element."""

from __future__ import annotations

import pytest

from .a11y import report
from .conftest import ROLES

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("role", list(ROLES), ids=[r or "anonymous" for r in ROLES])
def test_every_page_a_role_reaches_has_no_serious_axe_violation(tracker_scans, role):
    scan = tracker_scans[role]
    assert scan.axe_checked, "axe ran on no page"
    assert not scan.axe, report(scan.axe, f"{ROLES[role]}: serious or critical axe violations")


@pytest.mark.parametrize("role", list(ROLES), ids=[r or "anonymous" for r in ROLES])
def test_links_work_and_error_summaries_point_at_fields(tracker_scans, role):
    scan = tracker_scans[role]
    assert not scan.errors, report(scan.errors, f"{ROLES[role]}: broken links or error summaries")


def test_the_crawl_reaches_the_main_pages(tracker_scans):
    reached = {role: set(scan.pages) for role, scan in tracker_scans.items()}
    assert {"/login", "/accessibility", "/verify?code=NOT-A-CODE", "/login (form 1 sent empty)"} <= reached[None]
    assert {"/dashboard", "/cascade", "/courses", "/people", "/carers", "/admin/users", "/admin/audit"} <= reached["admin"]
    assert any(p.startswith("/courses/") and p[9:].isdigit() for p in reached["lead"])
    assert {"/referrals", "/waiting", "/concerns", "/supervision", "/supervision/overdue"} <= reached["admin"]
    assert any(p.startswith("/referrals/") and p[11:].isdigit() for p in reached["admin"])
    assert {"/concerns", "/concerns/new", "/reflections"} <= reached["supporter"]
    assert "/my/caseload" in reached["supporter"]
    assert any(p.endswith("/contacts/new") for p in reached["supporter"])
    assert any("sent empty" in p for p in reached["supporter"] | reached["admin"])
