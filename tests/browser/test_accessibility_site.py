"""axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on every page of both built site editions, in
Debian's chromium. A serious or critical violation fails, naming page, rule and element."""

from __future__ import annotations

import pytest

from .a11y import report, site_pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("edition", ["supporter", "trainer"])
def test_every_page_has_no_serious_axe_violation(site_scans, built_site, edition):
    scan = site_scans[edition]
    expected = site_pages(built_site / "site" / edition)
    assert len(expected) >= 10, "the edition looks empty"
    assert len(scan.axe_checked) == len(expected), "axe did not run on every page"
    assert {"modules", "glossary"} <= {p.split("/")[0] for p in expected}
    assert not scan.axe, report(scan.axe, f"{edition} edition: serious or critical axe violations")
