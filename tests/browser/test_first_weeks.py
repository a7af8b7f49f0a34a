"""A programme's first weeks in a real browser, from an empty database: only `cascade tracker init`
and `cascade tracker create-user` on the command line, everything else through the pages.

Admin adds the founding trainer, accounts for a site lead, a programme lead and the trainer; the
programme lead adds trainees and a stage-1 course; the trainer records every delivery with its
attendance, the checkout steps, and certifies; the site lead registers and matches a carer; the
peer supporter logs contacts, corrects one and voids another; the lead corrects a misspelt name
and reads the history; a user resets a forgotten password with a one-time link that then dies.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess

import pytest

from .conftest import _TRACKER_SERVER, ServerProcess, _cascade_command, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ADMIN = ("admin@programme.example.org", "copper kettle morning walk 1")
LEAD = ("lead@programme.example.org", "silver river quiet hill 22")
SITE_LEAD = ("el.lead@programme.example.org", "green window paper boat 333")
TRAINER = ("founder@programme.example.org", "orange garden twelve owls 4444")
SUPPORTER = ("amara@programme.example.org", "yellow meadow tall candle 55555")
NEW_PASSWORD = "a brand new quiet orchard lantern"
TODAY = dt.date.today()


@pytest.fixture
def empty_tracker(tmp_path, repo_root, browser):
    url = f"sqlite:///{tmp_path / 'programme.sqlite'}"
    env = {"CASCADE_DATABASE_URL": url, "CASCADE_INSTANCE_PATH": str(tmp_path / "instance"),
           "CASCADE_CONTENT_ROOT": str(repo_root)}
    import os

    run_env = {**os.environ, **env}
    init = subprocess.run([*_cascade_command(), "tracker", "init"], env=run_env, capture_output=True, text=True)
    assert init.returncode == 0, init.stdout + init.stderr
    made = subprocess.run([*_cascade_command(), "tracker", "create-user", ADMIN[0], "--role", "admin"],
                          input=ADMIN[1] + "\n", env=run_env, capture_output=True, text=True)
    assert made.returncode == 0, made.stdout + made.stderr
    config = {"SECRET_KEY": "first-weeks-" + tmp_path.name, "DATABASE_URL": url, "SESSION_COOKIE_SECURE": False,
              "REMEMBER_COOKIE_SECURE": False, "CONTENT_ROOT": str(repo_root)}
    with ServerProcess(_TRACKER_SERVER, json.dumps(config), cwd=repo_root) as server:
        yield server.url


def _choose(page, label: str, text: str) -> None:
    select = page.get_by_label(label, exact=True)
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value=value)


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()


def _add_user(page, base, email, password, role, site=None, person=None):
    page.goto(f"{base}/admin/users/new")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Role").select_option(label=role)
    if site:
        _choose(page, "Site", site)
    if person:
        _choose(page, "Person in the cascade", person)
    page.get_by_label("Temporary password").fill(password)
    page.get_by_role("button", name="Create account").click()
    page.get_by_text(f"Account created for {email}").wait_for()


def test_first_weeks_of_a_programme(browser, empty_tracker, repo_root):
    from cascade.content import load_curriculum
    from trainer_tracker.cascade.services import checkout_steps, required_modules

    base = empty_tracker
    curriculum = load_curriculum(repo_root / "curriculum")
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(20000)

    # Admin: the first-run checklist, the founding trainer, and the accounts.
    sign_in(page, base, *ADMIN)
    setup = page.locator(".tracker-setup")
    assert "Add a programme lead account" in setup.inner_text()
    assert "Done: Add the programme's sites" in setup.inner_text()  # tracker init added them
    page.goto(f"{base}/people/new")
    page.get_by_label("First name").fill("Anke")
    page.get_by_label("Last name").fill("Berger")
    _choose(page, "Site", "East London")
    page.get_by_label("Founding trainer (generation 0)").check()
    page.get_by_role("button", name="Add person").click()
    page.get_by_role("heading", name="Anke Berger").wait_for()
    _add_user(page, base, *SITE_LEAD, "Site lead", site="East London")
    _add_user(page, base, *LEAD, "Programme lead")
    _add_user(page, base, *TRAINER, "Trainer", person="Anke Berger")
    page.goto(f"{base}/dashboard")
    assert page.locator(".tracker-setup").count() == 0 or "Missing for" in page.locator(".tracker-setup").inner_text()
    _sign_out(page)

    # Programme lead: two trainees and a stage-1 course, with its trainer and trainees.
    sign_in(page, base, *LEAD)
    for given, family in (("Amara", "Mensah"), ("Tom", "Hugehs")):  # Tom's name is misspelt on purpose
        page.goto(f"{base}/people/new")
        page.get_by_label("First name").fill(given)
        page.get_by_label("Last name").fill(family)
        _choose(page, "Site", "East London")
        page.get_by_role("button", name="Add person").click()
        page.get_by_role("heading", name=f"{given} {family}").wait_for()
    page.goto(f"{base}/courses/new")
    page.get_by_label("Course title").fill("Stage 1, first cohort")
    page.get_by_label("Stage 1").check()
    _choose(page, "Site", "East London")
    page.get_by_label("Start date").fill((TODAY - dt.timedelta(days=40)).isoformat())
    page.get_by_label("End date").fill(TODAY.isoformat())
    page.get_by_label("Curriculum release").select_option(value="2027.1")
    page.get_by_role("button", name="Create course").click()
    page.get_by_role("heading", name="Stage 1, first cohort").wait_for()
    course_url = page.url
    page.get_by_role("link", name="Add a trainer").click()
    _choose(page, "Trainer", "Anke Berger")
    page.get_by_role("button", name="Add trainer").click()
    for name in ("Amara Mensah", "Tom Hugehs"):
        page.get_by_role("link", name="Enrol a trainee").click()
        _choose(page, "Trainee", name)
        page.get_by_role("button", name="Enrol trainee").click()
        page.get_by_text("Trainee enrolled.").wait_for()
    _sign_out(page)

    # Trainer: every required module delivered with attendance, checkout, certification.
    sign_in(page, base, *TRAINER)
    for module_id in required_modules(curriculum, 1, "2027.1"):
        page.goto(f"{course_url}/deliveries/new")
        page.get_by_label("Module").select_option(value=module_id)
        page.get_by_label("Date delivered").fill((TODAY - dt.timedelta(days=5)).isoformat())
        _choose(page, "Delivered by", "Anke Berger")
        page.get_by_role("button", name="Record delivery").click()
        page.get_by_label("Amara Mensah").check()
        page.get_by_label("Tom Hugehs").check()
        page.get_by_role("button", name="Save attendance").click()
        page.get_by_text("Attendance saved.").wait_for()
    page.goto(course_url)
    amara = page.locator("main tr", has_text="Amara Mensah")
    amara.get_by_role("link", name="checkout").click()
    for step in checkout_steps(1):
        page.get_by_label("Checkout step").select_option(value=step["id"])
        page.get_by_label("Passed").check()
        page.get_by_role("button", name="Save result").click()
        page.get_by_text("Checkout step recorded.").wait_for()
    page.goto(course_url)
    page.locator("main tr", has_text="Amara Mensah").get_by_role("link", name="Certify").click()
    page.get_by_role("button", name="Certify").click()
    page.get_by_text("Amara Mensah is certified.").wait_for()
    _sign_out(page)

    # Admin: an account for the new peer supporter.
    sign_in(page, base, *ADMIN)
    _add_user(page, base, *SUPPORTER, "Peer supporter", person="Amara Mensah")
    _sign_out(page)

    # Site lead: a carer registered and matched.
    sign_in(page, base, *SITE_LEAD)
    page.goto(f"{base}/carers/new")
    page.get_by_role("button", name="Register carer").click()
    page.get_by_text("Carer registered as EL-C-0001.").wait_for()
    page.get_by_role("link", name="Match with a peer supporter").click()
    _choose(page, "Peer supporter", "Amara Mensah")
    page.get_by_role("button", name="Match").click()
    page.get_by_text("EL-C-0001 matched with Amara Mensah.").wait_for()
    carer_url = page.url
    _sign_out(page)

    # Peer supporter: two contacts; one corrected, one voided with a reason.
    sign_in(page, base, *SUPPORTER)
    for minutes in ("30", "45"):
        page.goto(carer_url)
        page.get_by_role("link", name="Record a contact").click()
        page.get_by_label("Phone call").check()
        page.get_by_label("How long, in minutes?").fill(minutes)
        page.get_by_role("button", name="Save contact").click()
        page.get_by_text("Contact recorded.").wait_for()
    page.locator("main tr", has_text="45").get_by_role("link", name="Edit").click()
    page.get_by_label("How long, in minutes?").fill("50")
    page.get_by_label("Why are you making this change?").fill("The call ran on longer than I wrote")
    page.get_by_role("button", name="Save correction").click()
    page.get_by_text("Contact corrected.").wait_for()
    page.locator("main tr", has_text="30").get_by_role("link", name="Void").click()
    page.get_by_role("button", name="Void contact").click()  # no reason: refused
    page.get_by_text("Say why you are making this change").first.wait_for()
    page.get_by_label("Why are you making this change?").fill("Logged twice by mistake")
    page.get_by_role("button", name="Void contact").click()
    page.get_by_text("Contact voided.").wait_for()
    assert page.locator("main tr.tracker-voided").count() == 1
    _sign_out(page)

    # Programme lead: a misspelt name corrected, and the history shows who, when, what and why.
    sign_in(page, base, *LEAD)
    page.goto(f"{base}/people")
    page.get_by_role("link", name="Tom Hugehs").click()
    page.get_by_role("link", name="Correct name or site").click()
    page.get_by_label("Last name").fill("Hughes")
    page.get_by_label("Why are you making this change?").fill("Spelling mistake in the surname")
    page.get_by_role("button", name="Save correction").click()
    page.get_by_role("heading", name="Tom Hughes").wait_for()
    history = page.locator("table.tracker-history").inner_text()
    assert "Spelling mistake in the surname" in history and LEAD[0] in history and "Last name" in history
    _sign_out(page)

    # A forgotten password: the admin makes a one-time link; it works once.
    sign_in(page, base, *ADMIN)
    page.goto(f"{base}/admin/users")
    page.get_by_role("link", name=SUPPORTER[0]).click()
    page.get_by_role("button", name="Make a password reset link").click()
    link = re.search(r"https?://\S+/reset/[\w-]+", page.locator("main").inner_text()).group(0)
    _sign_out(page)
    person = browser.new_context().new_page()
    person.goto(link)
    person.get_by_label("New password").fill(NEW_PASSWORD)
    person.get_by_role("button", name="Set my password").click()
    person.get_by_text("Your new password is set").wait_for()
    sign_in(person, base, SUPPORTER[0], NEW_PASSWORD)
    person.get_by_role("heading", name="My support").wait_for()
    person.goto(link)
    person.get_by_role("heading", name="This link does not work").wait_for()
