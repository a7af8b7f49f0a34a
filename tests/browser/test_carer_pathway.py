"""The carer's pathway and the safety net in a real browser, on the demo: a referral from intake to
a match; a peer supporter raising a concern on a 360 px phone screen and the site lead
acknowledging it; a carer answering CarerQol-7D through their own link, without an account."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from cascade.devdata.demo import DEMO_PASSWORD

from .conftest import LiveServer, demo_app, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TODAY = dt.date.today().isoformat()


@pytest.fixture(scope="module")
def live(tmp_path_factory, repo_root, browser):
    """One demo for the three journeys (each works on its own records)."""
    with LiveServer(demo_app(tmp_path_factory.mktemp("pathway"), repo_root)) as server:
        yield server


def test_a_referral_from_intake_to_match(page, live):
    base = live.url
    sign_in(page, base, "el-lead@example.org", DEMO_PASSWORD)
    page.get_by_role("link", name="Referrals").first.click()
    page.get_by_role("link", name="Record a referral").click()
    page.get_by_label("Ward staff").check()
    page.get_by_label("Relationship to the person cared for").select_option(label="Son or daughter")
    page.get_by_label("Preferred language").fill("Bengali")
    page.get_by_label("Area").fill("Tower Hamlets")
    page.get_by_label("Weekday evenings").check()
    page.get_by_label("Name").fill("Rehana Example")
    page.get_by_role("button", name="Save referral").click()
    page.get_by_text("Referral recorded").wait_for()
    page.get_by_label("Contacted").check()
    page.get_by_role("button", name="Record step").click()
    page.get_by_text("Step recorded: contacted").wait_for()
    page.get_by_label("Eligible", exact=True).check()
    for group in page.locator("fieldset fieldset").all():
        group.get_by_label("Yes").check()
    page.get_by_role("button", name="Record step").click()
    page.get_by_text("Step recorded: eligible").wait_for()
    page.get_by_role("link", name="Record consent").click()
    for box in page.get_by_role("checkbox").all():
        if "Needed to take part" in (box.evaluate("b => b.labels[0].textContent") or ""):
            box.check()
    page.get_by_role("button", name="Record consent").click()
    page.get_by_text("they are on the waiting list").wait_for()
    study_id = re.search(r"study ID is ([A-Z]+-C-\d+)", page.content()).group(1)
    page.get_by_role("link", name=f"Match {study_id}", exact=False).or_(
        page.get_by_role("link", name="Match with a peer supporter")).first.click()
    # Fatima Begum speaks Bengali but her caseload is full; Mark Davies also cares for a son and is
    # free on weekday evenings, so he comes first.
    first = page.get_by_role("table").first.locator("tbody tr").first.inner_text()
    assert "Mark Davies" in first and "son or daughter" in first and "weekday evenings" in first
    assert "Fatima Begum" not in page.get_by_role("table").first.inner_text()
    page.get_by_role("link", name="Choose Mark Davies").click()
    page.get_by_label("Why this peer supporter (optional)").fill("Both care for a son")
    page.get_by_role("button", name="Match", exact=True).click()
    page.get_by_text(f"{study_id} matched with Mark Davies").wait_for()


def test_a_supporter_raises_a_concern_on_a_phone_and_the_site_lead_acknowledges_it(browser, live):
    base = live.url
    phone = browser.new_page(viewport={"width": 360, "height": 740})
    try:
        sign_in(phone, base, "supporter@example.org", DEMO_PASSWORD)
        phone.goto(f"{base}/concerns/new")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
        assert phone.get_by_text("Call 999. If it is urgent").is_visible()
        phone.get_by_role("radio", name="Me", exact=True).check()
        phone.get_by_role("radio", name="Today", exact=True).check()
        phone.get_by_role("radio", name="My own wellbeing", exact=True).check()
        phone.get_by_label("What happened?").fill("A carer's story brought back my own memories of my son's detention.")
        phone.get_by_role("button", name="Send to my site lead").click()
        phone.get_by_role("heading", name="Concern sent").wait_for()
        concern_url = phone.url.split("?")[0]
    finally:
        phone.close()
    lead = browser.new_page()
    try:
        sign_in(lead, base, "el-lead@example.org", DEMO_PASSWORD)
        lead.goto(f"{base}/concerns")
        lead.locator(f"a[href='{concern_url.removeprefix(base)}']").click()
        lead.get_by_role("button", name="Acknowledge").click()
        lead.get_by_text("Concern acknowledged. Record what you do").wait_for()
        assert "Acknowledged" in lead.content()
    finally:
        lead.close()


def test_a_carer_answers_carerqol_through_their_own_link(browser, live):
    base = live.url
    supporter = browser.new_page()
    try:
        sign_in(supporter, base, "supporter@example.org", DEMO_PASSWORD)
        supporter.get_by_role("link", name="My support").first.click()
        supporter.locator("a[href^='/carers/']").first.click()
        supporter.get_by_role("link", name=re.compile("a link to answer a questionnaire")).click()
        supporter.get_by_label("Questionnaire").select_option(value="carerqol-7d")
        supporter.get_by_label("Time point").select_option(value="end_of_support")
        supporter.get_by_role("button", name="Make the link").click()
        link = supporter.locator("code.tracker-link-to-copy").inner_text().strip()
        assert supporter.locator(".tracker-qr svg").count() == 1
    finally:
        supporter.close()
    carer = browser.new_page(viewport={"width": 360, "height": 740})  # the carer's own phone, not signed in
    try:
        carer.goto(link)
        carer.get_by_role("heading", name=re.compile("CarerQol")).wait_for()
        for group in carer.locator("fieldset").all():
            radios = group.get_by_role("radio")
            if radios.count():
                radios.first.check()
        for box in carer.locator("input[type=text]").all():
            box.fill("7")
        carer.get_by_role("button", name="Send my answers").click()
        carer.get_by_role("heading", name="Thank you").wait_for()
        again = carer.goto(link)
        assert again.status == 410
    finally:
        carer.close()
