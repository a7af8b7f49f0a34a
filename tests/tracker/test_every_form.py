"""Every form in the tracker, posted with valid data through its own page, on SQLite and PostgreSQL.

Each case opens the page a person would use, fills the form from the page's HTML (tests/tracker/
formfill.py) with what matters overridden, posts it, and checks the change was saved and audited.
A POST route without a case here fails `test_every_post_route_has_a_case`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from trainer_tracker.accounts import roles

from .conftest import PASSWORD, login
from .formfill import fill

TODAY = dt.date.today()
ISO = TODAY.isoformat()


@dataclass
class Case:
    role: str | None  # who signs in (None: nobody)
    page: str  # the page with the form (GET)
    data: dict = field(default_factory=dict)  # overrides of what the page offers
    post_to: str | None = None  # when the form posts somewhere else than the page
    form: str | None = None  # the action of the form on the page to fill in (default: post_to)
    status: int = 302
    expect: str | None = None  # text on the page after the post (followed redirect)
    from_page: object = None  # a function of the page's HTML giving more overrides (e.g. a code it shows)


def _user_email(w, role):
    return {roles.ADMIN: "admin@example.org", roles.PROGRAMME_LEAD: "lead@example.org",
            roles.SITE_LEAD: "el-lead@example.org", roles.TRAINER: "trainer@example.org",
            roles.SUPPORTER: "supporter@example.org", roles.RESEARCHER: "researcher@example.org",
            roles.LEAP_REVIEWER: "leap@example.org"}[role]


def _new_person(w, name="Pat"):
    return w.cs.create_person(None, name, "Newperson", w.el)


def _trainee_in_course2(w):
    person = _new_person(w, "Trina")
    w.cs.enrol(None, w.course2, person)
    return person


def _contact(w):
    return w.ss.record_contact(None, w.match, TODAY, "phone", 30, ["practical"])


def _delivery(w):
    from trainer_tracker.cascade.models import ModuleDelivery

    return ModuleDelivery.select().where(ModuleDelivery.course == w.course2).order_by(ModuleDelivery.id).first()


def _response(w):
    from trainer_tracker.research import services as research
    from trainer_tracker.research.views import registry

    instrument = registry().get("carerqol-7d")
    answers = {i.id: 1 for i in instrument.items if i.scale.type == "choice"}
    for item in instrument.items:
        if item.scale.type == "number":
            answers[item.id] = 5
    return research.save_response(None, instrument, time_point="baseline", completed_on=TODAY, answers=answers,
                                  carer=w.carer)


def _event(w, serious=False):
    from trainer_tracker.research import services as research

    aware = dt.datetime.combine(TODAY, dt.time(9, 0))
    return research.record_adverse_event(None, site=w.el, affected="patient", onset_on=TODAY, aware_at=aware,
                                         seriousness=["hospitalisation"] if serious else [], relatedness="not_related",
                                         expectedness="expected", carer=w.carer)


def _cost(w):
    from trainer_tracker.research import services as research

    return research.add_cost_item(None, site=w.el, category="venue", occurred_on=TODAY, quantity=1, amount=250)


def _result(w):
    trainee = _trainee_in_course2(w)
    return w.cs.record_checkout(None, w.course2, trainee, "first-contact-role-play", "passed", w.gen1)


def _reset_token(w):
    from trainer_tracker.accounts.services import issue_reset

    return issue_reset(None, w.users[roles.SUPPORTER])


def _number_items(instrument_id: str, value: str) -> dict:
    """The form fields of an instrument's number items (a person types these in)."""
    from trainer_tracker.research.views import registry

    instrument = registry().get(instrument_id)
    return {f"item_{n}": value for n, item in enumerate(instrument.items) if item.scale.type == "number"}


def _totp_code(html: str) -> dict:
    import re

    import pyotp

    secret = re.search(r'<code class="tracker-link-to-copy">([A-Z2-7]+)</code>', html).group(1)
    return {"code": pyotp.TOTP(secret).now()}


def _with_two_step(w) -> str:
    """Turn two-step sign-in on for the supporter; returns a recovery code."""
    import pyotp

    from trainer_tracker.accounts import twostep

    secret = pyotp.random_base32()
    return twostep.enable(None, w.users[roles.SUPPORTER], secret, pyotp.TOTP(secret).now())[0]


def _eligible_trainee(w):
    trainee = _trainee_in_course2(w)
    w.complete(w.course2, [trainee], w.gen1)
    return trainee


def _referral(w, eligible: bool = False):
    from trainer_tracker.pathway import services as pathway

    row = pathway.refer(None, w.el, source="site-team", referred_on=TODAY, name="Sam Example")
    if eligible:
        pathway.record_step(None, row, "contacted", TODAY)
        answers = {c["id"]: "yes" for c in pathway.settings()["eligibility"]}
        row = pathway.record_step(None, row, "eligible", TODAY, eligibility=answers)
    return row


def _required_consent() -> list[str]:
    from trainer_tracker.pathway import services as pathway

    return pathway.consent_form().required


def _answer_token(w) -> str:
    from trainer_tracker.research import self_completion
    from trainer_tracker.research.views import registry

    return self_completion.issue(None, w.carer, registry().get("carerqol-7d"), "baseline")[1]


def _refresher(w):
    from trainer_tracker.refreshers import services as refreshers

    return refreshers.assign(None, w.gen2, "peer-support-role", "9.0.0")


def _assign_all_case(w):
    """The button shows when a refresher is needed: a module the world was trained on at 1.x,
    pretended to be at a later MAJOR version now."""
    from trainer_tracker.refreshers import services as refreshers

    original = refreshers.targets

    def later(curriculum, release=None):
        found = original(curriculum, release)
        return {m: ("9.0.0" if n == 0 else v) for n, (m, v) in enumerate(found.items())}

    w.monkeypatch.setattr(refreshers, "targets", later)
    return Case(roles.SITE_LEAD, "/refreshers", post_to="/refreshers/assign")


def _concern(w):
    from trainer_tracker.concerns import services as concerns

    return concerns.raise_concern(w.users[roles.SUPPORTER], about="carer", category="carer-safety", urgency="today",
                                  description="Worried about the carer's sleep.", carer=w.carer, person=w.gen2)


REASON = {"reason": "Entered wrongly at first"}
CASES = {
    # Accounts
    "auth.login": lambda w: Case(None, "/login", {"email": "lead@example.org", "password": PASSWORD}),
    "auth.logout": lambda w: Case(roles.SUPPORTER, "/account", post_to="/logout"),
    "auth.account": lambda w: Case(roles.SUPPORTER, "/account", {"current": PASSWORD, "new": "quiet orchard lantern 42"}),
    "auth.forgot": lambda w: Case(None, "/forgot-password", {"email": "supporter@example.org"}, status=200),
    "auth.reset": lambda w: Case(None, f"/reset/{_reset_token(w)}", {"password": "quiet orchard lantern 42"}),
    "auth.reminders": lambda w: Case(roles.SUPPORTER, "/account", post_to="/account/reminders"),
    "auth.sign_out_everywhere": lambda w: Case(roles.SUPPORTER, "/account", post_to="/account/sign-out-everywhere"),
    "auth.two_step": lambda w: Case(roles.SUPPORTER, "/account/two-step", from_page=_totp_code, status=200),
    "auth.second_step": lambda w: Case(roles.SUPPORTER, "/login/second-step", {"code": _with_two_step(w)}),
    "admin.sign_out_everywhere": lambda w: Case(roles.ADMIN, f"/admin/users/{w.users[roles.SUPPORTER].id}",
                                                post_to=f"/admin/users/{w.users[roles.SUPPORTER].id}/sign-out"),
    "admin.new_user": lambda w: Case(roles.ADMIN, "/admin/users/new", {
        "email": "new.trainer@example.org", "role": "trainer", "site": "", "person": "",
        "password": "quiet orchard lantern 42"}),
    "admin.edit_user": lambda w: Case(roles.ADMIN, f"/admin/users/{w.users[roles.RESEARCHER].id}/edit",
                                      {"role": "leap_reviewer", **REASON}),
    "admin.toggle_active": lambda w: Case(roles.ADMIN, f"/admin/users/{w.users[roles.RESEARCHER].id}",
                                          post_to=f"/admin/users/{w.users[roles.RESEARCHER].id}/active"),
    "admin.reset_link": lambda w: Case(roles.ADMIN, f"/admin/users/{w.users[roles.SUPPORTER].id}",
                                       post_to=f"/admin/users/{w.users[roles.SUPPORTER].id}/reset", status=200),
    "admin.new_site": lambda w: Case(roles.ADMIN, "/admin/sites/new", {"code": "NS", "name": "North Shore",
                                                                       "setting": "rural"}),
    "admin.edit_site": lambda w: Case(roles.ADMIN, f"/admin/sites/{w.el.id}/edit", {"name": "East London (Tower)", **REASON}),
    # People and courses
    "cascade.new_person": lambda w: Case(roles.SITE_LEAD, "/people/new", {"given_name": "Noor", "family_name": "Haddad"}),
    "cascade.edit_person": lambda w: Case(roles.SITE_LEAD, f"/people/{w.gen2.id}/edit", {"family_name": "Secondgen-Lee", **REASON}),
    "cascade.new_course": lambda w: Case(roles.SITE_LEAD, "/courses/new", {
        "title": "Stage 2 spring", "stage": "2", "starts_on": ISO, "ends_on": (TODAY + dt.timedelta(days=30)).isoformat(),
        "curriculum_release": "2027.1"}),
    "cascade.edit_course": lambda w: Case(roles.SITE_LEAD, f"/courses/{w.course2.id}/edit", {"title": "Stage 2 EL (autumn)", **REASON}),
    "cascade.add_trainer": lambda w: Case(roles.SITE_LEAD, f"/courses/{w.course2.id}/trainers", {"person": str(w.founder.id)}),
    "cascade.enrol": lambda w: Case(roles.SITE_LEAD, f"/courses/{w.course2.id}/trainees", {"person": str(_new_person(w).id)}),
    "cascade.remove_trainer": lambda w: (w.cs.add_trainer(None, w.course2, w.founder),
                                         Case(roles.SITE_LEAD, f"/courses/{w.course2.id}/trainers/remove",
                                              {"person": str(w.founder.id), **REASON}))[1],
    "cascade.remove_trainee": lambda w: Case(roles.SITE_LEAD, f"/courses/{w.course2.id}/trainees/remove",
                                             {"person": str(_trainee_in_course2(w).id), **REASON}),
    "cascade.new_delivery": lambda w: Case(roles.TRAINER, f"/courses/{w.course2.id}/deliveries/new", {
        "delivered_on": w.course2.starts_on.isoformat(), "trainer": str(w.gen1.id)}),
    "cascade.edit_delivery": lambda w: Case(roles.TRAINER, f"/deliveries/{_delivery(w).id}/edit",
                                            {"notes": "Room changed", **REASON}),
    "cascade.attendance": lambda w: Case(roles.TRAINER, f"/deliveries/{_delivery(w).id}/attendance"),
    "cascade.checkout": lambda w: Case(roles.TRAINER, f"/courses/{w.course2.id}/trainees/{w.gen2.id}/checkout",
                                       {"step_id": "records-contact", "state": "passed", "assessor": str(w.gen1.id)}),
    "cascade.withdraw_result": lambda w: Case(roles.TRAINER, f"/checkout-results/{_result(w).id}/withdraw", REASON),
    "cascade.certify": lambda w: Case(roles.TRAINER, f"/courses/{w.course2.id}/trainees/{_eligible_trainee(w).id}/certify",
                                      {"certifier": str(w.gen1.id), "certified_on": w.course2.ends_on.isoformat()}),
    "cascade.revoke": lambda w: Case(roles.SITE_LEAD, f"/certifications/{w.cert2.id}",
                                     {"reason": "Left the programme"}, post_to=f"/certifications/{w.cert2.id}/revoke"),
    "cascade.lapse": lambda w: Case(roles.SITE_LEAD, f"/certifications/{w.cert2.id}",
                                    {"reason": "Not active for a year"}, post_to=f"/certifications/{w.cert2.id}/lapse",
                                    form=f"/certifications/{w.cert2.id}/revoke"),  # its button has formaction=lapse
    "cascade.renew": lambda w: Case(roles.SITE_LEAD, f"/certifications/{w.cert2.id}/renew", {
        "course": str(w.course1.id), "certifier": str(w.founder.id), "certified_on": ISO}),
    # Support
    "support.new_carer": lambda w: Case(roles.SITE_LEAD, "/carers/new", {"consented_on": ISO, "name": "Kay Example"}),
    "support.contact_details": lambda w: Case(roles.SUPPORTER, f"/carers/{w.carer.id}/details",
                                              {"phone": "01632 960999"}),
    "support.match": lambda w: Case(roles.SITE_LEAD, f"/carers/{w.ss.register_carer(None, w.el, TODAY).id}/match",
                                    {"supporter": str(w.gen2.id), "matched_on": ISO}),
    "support.new_contact": lambda w: Case(roles.SUPPORTER, f"/matches/{w.match.id}/contacts/new", {
        "contact_date": ISO, "mode": "phone", "duration_minutes": "40", "topics": ["ward-and-staff", "practical"]}),
    "support.end": lambda w: Case(roles.SUPPORTER, f"/matches/{w.match.id}/end", {"ended_on": ISO, "reason": "completed"}),
    "support.edit_consent": lambda w: Case(roles.SITE_LEAD, f"/carers/{w.carer.id}/consent", {
        "consented_on": (w.carer.consented_on - dt.timedelta(days=1)).isoformat(), **REASON}),
    "support.withdraw": lambda w: Case(roles.SITE_LEAD, f"/carers/{w.carer.id}/withdraw", {
        "withdrawn_on": ISO, "category": "no-longer-wants"}),
    "support.undo_withdrawal": lambda w: (w.ss_corrections.withdraw(None, w.carer, TODAY, "other"),
                                          Case(roles.SITE_LEAD, f"/carers/{w.carer.id}/undo-withdrawal", REASON))[1],
    "support.reopen": lambda w: (w.ss.end_support(None, w.match, TODAY, "completed"),
                                 Case(roles.SITE_LEAD, f"/matches/{w.match.id}/reopen", REASON))[1],
    "support.edit_contact": lambda w: Case(roles.SUPPORTER, f"/contacts/{_contact(w).id}/edit",
                                           {"duration_minutes": "55", **REASON}),
    "support.void_contact": lambda w: Case(roles.SUPPORTER, f"/contacts/{_contact(w).id}/void",
                                           {"reason": "Logged against the wrong carer"}),
    # Fidelity
    "fidelity.rate_delivery": lambda w: Case(roles.TRAINER, f"/deliveries/{_delivery(w).id}/fidelity/new",
                                             {"rated_on": ISO, "rater_role": "trainer-self"}),
    "fidelity.rate_contact": lambda w: Case(roles.SUPPORTER, f"/contacts/{_contact(w).id}/fidelity/new", {"rated_on": ISO}),
    # Research
    "research.new_response": lambda w: Case(roles.SITE_LEAD, f"/research/responses/new?instrument=carerqol-7d&carer={w.carer.id}",
                                            {"completed_on": ISO, **_number_items("carerqol-7d", "7")}),
    "research.response": lambda w: Case(roles.SITE_LEAD, f"/research/responses/{_response(w).id}",
                                        {"item_0": "2", **REASON}),
    "research.new_adverse_event": lambda w: Case(roles.SITE_LEAD, "/research/adverse-events/new", {
        "affected": "carer", "carer": str(w.carer.id), "onset_on": ISO, "aware_on": ISO, "aware_time": "10:15",
        "relatedness": "not_related", "expectedness": "expected"}),
    "research.edit_adverse_event": lambda w: Case(roles.SITE_LEAD, f"/research/adverse-events/{_event(w).id}/edit",
                                                  {"description": "Readmitted for two nights", **REASON}),
    "research.adverse_event_reported": lambda w: (lambda e: Case(
        roles.SITE_LEAD, f"/research/adverse-events/{e.id}",
        {"recipient": "sponsor", "reported_on": ISO, "reported_time": "11:00"},
        post_to=f"/research/adverse-events/{e.id}/reported"))(_event(w, serious=True)),
    "research.adverse_event_close": lambda w: (lambda e: Case(
        roles.SITE_LEAD, f"/research/adverse-events/{e.id}", post_to=f"/research/adverse-events/{e.id}/close"))(_event(w)),
    "research.costs": lambda w: Case(roles.SITE_LEAD, "/research/costs", {
        "category": "venue", "occurred_on": ISO, "unit_cost_key": "", "quantity": "1", "amount": "120.50"}),
    "research.edit_cost": lambda w: Case(roles.SITE_LEAD, f"/research/costs/{_cost(w).id}/edit", {"amount": "260", **REASON}),
    "research.void_cost": lambda w: Case(roles.SITE_LEAD, f"/research/costs/{_cost(w).id}/void", REASON),
    "research.adverse_event_safeguarding": lambda w: (lambda e: Case(
        roles.SITE_LEAD, f"/research/adverse-events/{e.id}", {"referral_on": ISO},
        post_to=f"/research/adverse-events/{e.id}/safeguarding"))(_event(w)),
    # The carer's pathway
    "pathway.new_referral": lambda w: Case(roles.SITE_LEAD, "/referrals/new", {
        "source": "ward-staff", "referred_on": ISO, "relationship": "parent", "language": "English",
        "availability": ["weekday-evening"], "name": "Robin Example"}),
    "pathway.referral": lambda w: (lambda r: Case(roles.SITE_LEAD, f"/referrals/{r.id}", {
        "step": "contacted", "on": ISO}))(_referral(w)),
    "pathway.consent": lambda w: (lambda r: Case(roles.SITE_LEAD, f"/referrals/{r.id}/consent", {
        "consented_on": ISO, "answers": _required_consent()}))(_referral(w, eligible=True)),
    "pathway.referral_demographics": lambda w: (lambda r: Case(roles.SITE_LEAD, f"/referrals/{r.id}/demographics", {
        "age_band": "45-54", "ethnicity": "white-irish"}))(_referral(w)),
    "pathway.carer_demographics": lambda w: Case(roles.SITE_LEAD, f"/carers/{w.carer.id}/demographics", {
        "gender": "prefer-not-to-say"}),
    "pathway.profile": lambda w: Case(roles.SUPPORTER, f"/people/{w.gen2.id}/profile", {
        "languages": "English, Bengali", "relationships": ["child"], "availability": ["weekend"]}),
    "research.answer_link": lambda w: Case(roles.SUPPORTER, f"/research/carers/{w.carer.id}/answer-link", {
        "instrument": "carerqol-7d", "time_point": "baseline"}, status=200),
    "research.answer": lambda w: Case(None, f"/research/answer/{_answer_token(w)}", _number_items("carerqol-7d", "7"),
                                      status=200),
    # Refreshers
    "refreshers.assign_one": lambda w: Case(roles.SITE_LEAD, f"/people/{w.gen2.id}", {"module": "peer-support-role"},
                                            post_to=f"/people/{w.gen2.id}/refreshers"),
    "refreshers.assign_all": lambda w: _assign_all_case(w),
    "refreshers.confirm": lambda w: (lambda r: Case(roles.TRAINER, f"/people/{w.gen2.id}",
                                                    post_to=f"/refreshers/{r.id}/confirm"))(_refresher(w)),
    # Supervision
    "supervision.new_session": lambda w: Case(roles.TRAINER, "/supervision/new", {
        "kind": "individual", "held_on": ISO, "minutes": "45", "attendee_1": str(w.gen2.id),
        "topics": ["boundaries", "wellbeing"]}),
    "supervision.reflections": lambda w: Case(roles.SUPPORTER, "/reflections", {
        "text": "The call went better than I feared. Bring the ending plan to supervision."}),
    # Concerns
    "concerns.raise_concern": lambda w: Case(roles.SUPPORTER, f"/concerns/new?carer={w.carer.id}", {
        "about": "carer", "carer": str(w.carer.id), "urgency": "today", "category": "carer-safety",
        "description": "Said they have not slept for days and feel they cannot go on."}),
    "concerns.acknowledge": lambda w: (lambda c: Case(roles.SITE_LEAD, f"/concerns/{c.id}",
                                                      post_to=f"/concerns/{c.id}/acknowledge"))(_concern(w)),
    "concerns.concern": lambda w: (lambda c: Case(roles.SITE_LEAD, f"/concerns/{c.id}", {
        "outcome": "supported", "action": "Called the carer the same day and agreed a plan."}))(_concern(w)),
}


# POST routes that are not forms on a page: the training site's script posts JSON to them
# (tests/tracker/test_study.py posts to it with its CSRF token).
JSON_ROUTES = {"study.record"}


def test_every_post_route_has_a_case(app):
    posts = {rule.endpoint for rule in app.url_map.iter_rules()
             if "POST" in rule.methods and not rule.endpoint.startswith("site.")} - JSON_ROUTES
    assert posts == set(CASES), (sorted(posts - set(CASES)), sorted(set(CASES) - posts))


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_form_posts_through_its_page(app, world, endpoint, monkeypatch):
    from trainer_tracker.audit.models import AuditEntry
    from trainer_tracker.support import corrections

    # The "forgot password" form shows only when email is set up (sending is tested with a real
    # SMTP server in test_accounts.py; here nothing listens, and the page answers the same).
    monkeypatch.setenv("CASCADE_SMTP_URL", "smtp+insecure://127.0.0.1:9")
    world.ss_corrections = corrections
    world.monkeypatch = monkeypatch
    with app.app_context():
        case = CASES[endpoint](world)
    client = app.test_client()
    if case.role is not None:
        login(client, _user_email(world, case.role))
    page = client.get(case.page)
    assert page.status_code == 200, (endpoint, case.page, page.status_code)
    html = page.get_data(as_text=True)
    target = case.post_to or case.page
    data = fill(html, {**case.data, **(case.from_page(html) if case.from_page else {})}, action=case.form or case.post_to)
    before = AuditEntry.select().count()
    response = client.post(target, data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == case.status, (endpoint, response.status_code, _problems(body))
    assert AuditEntry.select().count() > before, f"{endpoint}: the change was not audited"
    if case.status == 302:
        followed = client.get(response.headers["Location"], follow_redirects=True)
        assert followed.status_code == 200, (endpoint, response.headers["Location"])


def _problems(html: str) -> list[str] | str:
    """The messages of a refused form's error summary, for the assertion message."""
    import re

    summary = html.split("nhsuk-error-summary__list", 1)
    if len(summary) < 2:
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))[:600]
    items = re.findall(r"<li>(.*?)</li>", summary[1].split("</ul>", 1)[0], re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip() for item in items]
