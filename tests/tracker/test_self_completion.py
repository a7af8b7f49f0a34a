"""Carers answer for themselves (research/self_completion.py): a one-time, expiring link opens the
questionnaire without an account; the answers are the carer's own, marked self-completed, and the
link dies with them."""

from __future__ import annotations

import datetime as dt

from trainer_tracker.audit.models import AuditEntry
from trainer_tracker.research import self_completion
from trainer_tracker.research.models import AssessmentResponse
from trainer_tracker.research.self_completion import SelfCompletionLink
from trainer_tracker.research.views import registry

from .conftest import login
from .formfill import fill


def _answers(instrument) -> dict:
    data = {}
    for n, item in enumerate(instrument.items):
        if item.scale.type == "choice":
            data[f"item_{n}"] = str(list(item.scale.values)[0])
        elif item.scale.type == "number":
            data[f"item_{n}"] = "7"
    return data


def test_a_supporter_makes_a_link_and_the_carer_answers_once(app, world):
    supporter = app.test_client()
    login(supporter, "supporter@example.org")
    page = supporter.get(f"/research/carers/{world.carer.id}/answer-link").get_data(as_text=True)
    made = supporter.post(f"/research/carers/{world.carer.id}/answer-link",
                          data=fill(page, {"instrument": "carerqol-7d", "time_point": "baseline"}))
    text = made.get_data(as_text=True)
    assert made.status_code == 200 and "<svg" in text and "/research/answer/" in text
    url = "/research/answer/" + text.split("/research/answer/")[1].split("<")[0].strip()
    carer = app.test_client()  # nobody signed in
    form = carer.get(url)
    assert form.status_code == 200 and "no right or wrong answers" in form.get_data(as_text=True)
    with app.app_context():
        instrument = registry().get("carerqol-7d")
    sent = carer.post(url, data=fill(form.get_data(as_text=True), _answers(instrument)))
    assert sent.status_code == 200 and "Thank you" in sent.get_data(as_text=True)
    row = AssessmentResponse.get()
    assert row.self_completed and row.carer_id == world.carer.id and row.recorded_by_user_id is None
    assert carer.get(url).status_code == 410  # used
    assert carer.post(url, data={}).status_code == 410
    token = url.rsplit("/", 1)[1]
    assert not any(token in (e.data or "") + e.summary for e in AuditEntry.select())
    assert SelfCompletionLink.get().token_hash != token


def test_an_expired_or_unknown_link_does_not_open(app, world):
    with app.app_context():
        link, token = self_completion.issue(None, world.carer, registry().get("carerqol-7d"), "baseline")
    SelfCompletionLink.update(expires_at=dt.datetime(2000, 1, 1)).where(SelfCompletionLink.id == link.id).execute()
    client = app.test_client()
    assert client.get(f"/research/answer/{token}").status_code == 410
    assert client.get("/research/answer/not-a-token").status_code == 410


def test_only_the_carers_supporter_or_site_team_can_make_a_link(app, world):
    other = app.test_client()
    login(other, "dv-lead@example.org")
    assert other.get(f"/research/carers/{world.carer.id}/answer-link").status_code == 404
