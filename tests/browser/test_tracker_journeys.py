"""End-to-end in a real browser: a programme lead records a course through to certification and
sees the new peer supporter in the cascade tree; a peer supporter is refused programme pages."""

from __future__ import annotations

import datetime as dt

import pytest

from cascade.devdata.demo import DEMO_PASSWORD

from .conftest import LiveServer, demo_app, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def live(tmp_path, repo_root, browser):
    with LiveServer(demo_app(tmp_path, repo_root)) as server:
        yield server


def test_programme_lead_records_course_and_certifies(page, live, repo_root):
    from cascade.content import load_curriculum
    from trainer_tracker.cascade.services import checkout_steps, required_modules

    curriculum = load_curriculum(repo_root / "curriculum")
    today = dt.date.today()
    base = live.url
    sign_in(page, base, "lead@example.org", DEMO_PASSWORD)
    assert page.get_by_role("heading", name="Programme dashboard").is_visible()

    # A new person to train.
    page.goto(f"{base}/people/new")
    page.get_by_label("First name").fill("Zara")
    page.get_by_label("Last name").fill("Newperson")
    page.get_by_label("Site").select_option(label="Devon (DV)")
    page.get_by_role("button", name="Add person").click()
    page.get_by_role("heading", name="Zara Newperson").wait_for()

    # The course.
    page.goto(f"{base}/courses/new")
    page.get_by_label("Course title").fill("Stage 2 refresher, Devon")
    page.get_by_label("Stage 2").check()
    page.get_by_label("Site").select_option(label="Devon (DV)")
    page.get_by_label("Start date").fill((today - dt.timedelta(days=7)).isoformat())
    page.get_by_label("End date").fill(today.isoformat())
    page.get_by_label("Curriculum release").select_option(value="2027.1")
    page.get_by_role("button", name="Create course").click()
    page.get_by_role("heading", name="Stage 2 refresher, Devon").wait_for()
    course_url = page.url

    page.get_by_role("link", name="Add a trainer").click()
    page.get_by_label("Trainer").select_option(label="Claire Penrose (DV)")
    page.get_by_role("button", name="Add trainer").click()
    page.get_by_role("link", name="Enrol a trainee").click()
    page.get_by_label("Trainee").select_option(label="Zara Newperson (DV)")
    page.get_by_role("button", name="Enrol trainee").click()

    for module_id in required_modules(curriculum, 2, "2027.1"):
        page.goto(course_url.rstrip("/") + "/deliveries/new")
        page.get_by_label("Module").select_option(value=module_id)
        page.get_by_label("Date delivered").fill(today.isoformat())
        page.get_by_label("Delivered by").select_option(label="Claire Penrose (DV)")
        page.get_by_role("button", name="Record delivery").click()
        page.get_by_label("Zara Newperson").check()
        page.get_by_role("button", name="Save attendance").click()
        page.get_by_role("heading", name="Stage 2 refresher, Devon").wait_for()

    page.get_by_role("link", name="checkout for Zara Newperson").click()
    for step in checkout_steps(2):
        page.get_by_label("Checkout step").select_option(value=step["id"])
        page.get_by_label("Passed").check()
        page.get_by_label("Assessed by").select_option(label="Claire Penrose (DV)")
        page.get_by_role("button", name="Save result").click()
        page.get_by_text("Checkout step recorded.").wait_for()

    page.goto(course_url)
    page.get_by_role("link", name="Certify for Zara Newperson").click()
    page.get_by_label("Certifying trainer").select_option(label="Claire Penrose (DV)")
    page.get_by_role("button", name="Certify").click()
    page.get_by_text("Zara Newperson is certified.").wait_for()

    page.goto(f"{base}/cascade?site=DV")
    tree = page.get_by_role("navigation", name="Cascade tree")
    assert tree.get_by_role("link", name="Zara Newperson").is_visible()
    row = page.get_by_role("row", name="Zara Newperson")
    cells = row.inner_text().split("\t")
    assert cells[1:] == ["2", "DV", "Claire Penrose"]  # generation 2: Claire is a stage-one supporter


def test_supporter_is_refused_programme_pages(page, live):
    base = live.url
    sign_in(page, base, "supporter@example.org", DEMO_PASSWORD)
    assert page.get_by_role("heading", name="My support").is_visible()
    for path in ("/dashboard", "/courses", "/cascade", "/people", "/carers", "/admin/users"):
        response = page.goto(f"{base}{path}")
        assert response.status == 403, path
        assert page.get_by_role("heading", name="You cannot open this page").is_visible()
