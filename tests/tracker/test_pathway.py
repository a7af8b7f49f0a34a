"""The carer's pathway (trainer_tracker/pathway): a referral moves referred -> contacted -> eligible
-> consented (the carer gets a study ID and joins the waiting list) -> matched, each step dated and
audited; eligibility and consent follow the programme's rules; the waiting list flags long waits;
matching suggests supporters by what matters; demographics stay optional and apart."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from trainer_tracker.audit.models import AuditEntry
from trainer_tracker.errors import Refused
from trainer_tracker.pathway import matching, services
from trainer_tracker.pathway.models import ConsentRecord, Demographics, Referral, ReferralContact, ReferralStep
from trainer_tracker.support import corrections
from trainer_tracker.support.models import Carer, CarerContactDetails, Match

from .conftest import login
from .formfill import fill

ALL_YES = None


def _yes():
    return {c["id"]: "yes" for c in services.settings()["eligibility"]}


def _eligible(world, **kwargs):
    row = services.refer(None, world.el, source="ward-staff", referred_on=world.today - dt.timedelta(days=10),
                         name="Robin Example", phone="01632 960123", **kwargs)
    services.record_step(None, row, "contacted", world.today - dt.timedelta(days=9))
    return services.record_step(None, row, "eligible", world.today - dt.timedelta(days=8), eligibility=_yes())


def test_a_referral_from_intake_to_match_through_the_pages(app, world):
    lead = app.test_client()
    login(lead, "el-lead@example.org")
    page = lead.get("/referrals/new").get_data(as_text=True)
    sent = lead.post("/referrals/new", data=fill(page, {
        "source": "ward-staff", "referred_on": world.today.isoformat(), "relationship": "child", "language": "Bengali",
        "area": "Tower Hamlets", "availability": ["weekday-evening"], "name": "Robin Example",
        "preferences": "Someone who has also cared for a son"}))
    assert sent.status_code == 302
    referral = Referral.get()
    assert referral.status == "referred" and ReferralContact.get().name == "Robin Example"
    url = f"/referrals/{referral.id}"
    page = lead.get(url).get_data(as_text=True)
    assert lead.post(url, data=fill(page, {"step": "contacted", "on": world.today.isoformat()})).status_code == 302
    page = lead.get(url).get_data(as_text=True)
    unsure = {**{f"eligibility-{c}": "yes" for c in _yes()}, f"eligibility-{next(iter(_yes()))}": "unknown"}
    refused = lead.post(url, data=fill(page, {"step": "eligible", "on": world.today.isoformat(), **unsure}))
    assert "every answer is yes" in refused.get_data(as_text=True)
    page = lead.get(url).get_data(as_text=True)
    ok = lead.post(url, data=fill(page, {"step": "eligible", "on": world.today.isoformat(),
                                         **{f"eligibility-{c}": "yes" for c in _yes()}}))
    assert ok.status_code == 302 and Referral.get_by_id(referral.id).status == "eligible"
    page = lead.get(f"{url}/consent").get_data(as_text=True)
    form = services.consent_form()
    missing = lead.post(f"{url}/consent", data=fill(page, {"consented_on": world.today.isoformat(),
                                                           "answers": form.required[:-1]}))
    assert "must agree to every item" in missing.get_data(as_text=True)
    page = lead.get(f"{url}/consent").get_data(as_text=True)
    done = lead.post(f"{url}/consent", data=fill(page, {"consented_on": world.today.isoformat(),
                                                        "answers": [*form.required, "future-contact"]}))
    assert done.status_code == 302
    referral = Referral.get_by_id(referral.id)
    carer = Carer.get_by_id(referral.carer_id)
    assert carer.status == "waiting" and referral.status == "consented"
    assert CarerContactDetails.get(CarerContactDetails.carer == carer).name == "Robin Example"
    assert not ReferralContact.select().exists()  # moved, not copied
    record = ConsentRecord.get(ConsentRecord.carer == carer)
    assert json.loads(record.answers)["future-contact"] is True and json.loads(record.answers)["quotes"] is False
    assert carer.study_id in lead.get("/waiting").get_data(as_text=True)
    # Matching: the supporter who shares what matters comes first.
    from trainer_tracker.pathway.services import save_profile

    save_profile(None, world.gen1, languages="English, Bengali", relationships=["child"], area="Tower Hamlets",
                 availability=["weekday-evening"])
    page = lead.get(f"/carers/{carer.id}/match").get_data(as_text=True)
    first = page.split("<tbody", 2)[1].split("</tr>")[0]
    assert "Alex Firstgen" in first and "speaks Bengali" in first and "son or daughter" in first
    matched = lead.post(f"/carers/{carer.id}/match", data=fill(page, {
        "supporter": str(world.gen1.id), "matched_on": world.today.isoformat(), "note": "Both care for a son"}))
    assert matched.status_code == 302
    assert Match.get(Match.carer == carer).choice_note == "Both care for a son"
    steps = [s.step for s in ReferralStep.select().where(ReferralStep.referral == referral).order_by(ReferralStep.id)]
    assert steps == ["referred", "contacted", "eligible", "consented"]
    audited = {e.action for e in AuditEntry.select()}
    assert {"referral.create", "referral.contacted", "referral.eligible", "referral.consented", "consent.record"} <= audited
    assert not any("Robin" in (e.data or "") + e.summary for e in AuditEntry.select())


def test_steps_follow_the_pathway(world):
    row = services.refer(None, world.el, source="self", referred_on=world.today)
    with pytest.raises(Refused, match="cannot move"):
        services.record_step(None, row, "eligible", world.today, eligibility=_yes())
    services.record_step(None, row, "contacted", world.today)
    no = {**_yes(), "adult": "no"}
    with pytest.raises(Refused, match="every answer is yes"):
        services.record_step(None, row, "eligible", world.today, eligibility=no)
    services.record_step(None, row, "not-eligible", world.today, eligibility=no)
    with pytest.raises(Refused, match="eligible before"):
        services.consent(None, Referral.get_by_id(row.id), consented_on=world.today,
                         answers={i: True for i in services.consent_form().required})
    with pytest.raises(Refused, match="future"):
        services.record_step(None, row, "closed", world.today + dt.timedelta(days=1))


def test_the_waiting_list_flags_long_waits(app, world):
    carer = services.consent(None, _eligible(world), consented_on=world.today - dt.timedelta(days=8),
                             answers={i: True for i in services.consent_form().required})
    Carer.update(consented_on=world.today - dt.timedelta(days=40)).where(Carer.id == carer.id).execute()
    lead = app.test_client()
    login(lead, "el-lead@example.org")
    page = lead.get("/waiting").get_data(as_text=True)
    assert carer.study_id in page and "Waiting too long" in page and "has waited more than 28 days" in page


def test_withdrawal_marks_the_consent_withdrawn_and_undo_restores_it(world):
    carer = services.consent(None, _eligible(world), consented_on=world.today,
                             answers={i: True for i in services.consent_form().required})
    corrections.withdraw(None, carer, world.today, "other")
    assert ConsentRecord.get(ConsentRecord.carer == carer).withdrawn_on == world.today
    corrections.undo_withdrawal(None, Carer.get_by_id(carer.id), "recorded by mistake")
    assert ConsentRecord.get(ConsentRecord.carer == carer).withdrawn_on is None


def test_demographics_are_optional_and_checked(world):
    row = services.refer(None, world.el, source="self", referred_on=world.today)
    with pytest.raises(Refused, match="Choose one of the answers"):
        services.save_demographics(None, referral=row, answers={"ethnicity": "martian"})
    saved = services.save_demographics(None, referral=row, answers={"ethnicity": "black-caribbean",
                                                                    "age_band": "prefer-not-to-say"})
    assert saved.carer_id is None and saved.gender == ""
    services.record_step(None, row, "contacted", world.today)
    services.record_step(None, row, "eligible", world.today, eligibility=_yes())
    carer = services.consent(None, Referral.get_by_id(row.id), consented_on=world.today,
                             answers={i: True for i in services.consent_form().required})
    assert Demographics.get_by_id(saved.id).carer_id == carer.id  # follows the carer from the referral


def test_suggestions_only_offer_supporters_with_room_and_a_current_certification(world):
    carer = services.consent(None, _eligible(world, language="Polish"), consented_on=world.today,
                             answers={i: True for i in services.consent_form().required})
    names = [s.person.name for s in matching.suggestions(carer)]
    assert "Chris Secondgen" in names and "Grace Founder" not in names  # founders hold no certification
    for _ in range(2):
        other = services.consent(None, _eligible(world), consented_on=world.today,
                                 answers={i: True for i in services.consent_form().required})
        from trainer_tracker.support import services as support

        support.match(None, other, world.gen2, world.today)
    assert "Chris Secondgen" not in [s.person.name for s in matching.suggestions(carer)]  # caseload full
