"""axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on every page of both built site editions, in
Debian's chromium, at 1280 px and again at 360 px wide. A serious or critical violation fails,
naming page, rule and element; so does a pointer target under 24 by 24 CSS px at 1280 px (the
phone-width target check is in test_viewport.py)."""

from __future__ import annotations

import pytest

from .a11y import DESKTOP, PHONE, report, site_pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("edition", ["supporter", "trainer"])
def test_every_page_has_no_serious_axe_violation(site_scans, built_site, edition):
    scan = site_scans[edition]
    expected = site_pages(built_site / "site" / edition)
    assert len(expected) >= 10, "the edition looks empty"
    assert len(scan.axe_checked) == len(expected), f"axe did not run on every page at {DESKTOP['width']} px"
    assert {"modules", "glossary"} <= {p.split("/")[0] for p in expected}
    assert not scan.axe, report(scan.axe, f"{edition} edition at {DESKTOP['width']} px: serious or critical "
                                          "axe violations")


@pytest.mark.parametrize("edition", ["supporter", "trainer"])
def test_every_page_has_no_serious_axe_violation_on_a_phone(site_scans, built_site, edition):
    scan = site_scans[edition]
    expected = site_pages(built_site / "site" / edition)
    assert len(scan.axe_phone_checked) == len(expected), f"axe did not run on every page at {PHONE['width']} px"
    assert not scan.axe_phone, report(scan.axe_phone, f"{edition} edition at {PHONE['width']} px: serious or "
                                                      "critical axe violations")


@pytest.mark.parametrize("edition", ["supporter", "trainer"])
def test_every_target_is_big_enough_on_a_wide_screen(site_scans, edition):
    """WCAG 2.5.8 at 1280 px: the German source pages once left links slid under the navigation's
    sticky title with a sliver to click."""
    scan = site_scans[edition]
    assert not scan.desktop_targets, report(scan.desktop_targets, f"{edition} edition at {DESKTOP['width']} px")
