"""Research in the tracker: scored responses, due lists, adverse event clocks, costs and the
de-identified export."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pytest
from click.testing import CliRunner

from cascade.assessments.instruments import load_instruments
from cascade.cli import cascade
from trainer_tracker.audit.models import AuditEntry
from trainer_tracker.errors import Refused
from trainer_tracker.research import services, tracking
from trainer_tracker.research.models import AssessmentAnswer, AssessmentResponse

from .conftest import login


@pytest.fixture(scope="module")
def registry(repo_root):
    return load_instruments(repo_root / "assessments")


def carerqol_answers(registry, value=1):
    instrument = registry.get("carerqol-7d")
    answers = {}
    for item in instrument.items:
        if item.scale.type == "choice":
            values = list(item.scale.values)
            answers[item.id] = value if value in values else values[0]
        elif item.scale.type == "number":
            answers[item.id] = 7
    return instrument, answers


def test_response_scored_and_stored_with_version(world, registry):
    instrument, answers = carerqol_answers(registry)
    row = services.save_response(None, instrument, time_point="baseline", completed_on=world.today, answers=answers,
                                 carer=world.carer)
    assert row.instrument_version == str(instrument.version)
    assert '"scores"' in row.scores
    assert AssessmentAnswer.select().where(AssessmentAnswer.response == row).count() == len(instrument.items)
    with pytest.raises(Refused, match="already recorded"):
        services.save_response(None, instrument, time_point="baseline", completed_on=world.today, answers=answers,
                               carer=world.carer)


def test_out_of_range_refused_naming_the_item(world, registry):
    instrument, answers = carerqol_answers(registry)
    item = next(i for i in instrument.items if i.scale.type == "choice")
    answers[item.id] = 9
    with pytest.raises(Refused) as refused:
        services.save_response(None, instrument, time_point="baseline", completed_on=world.today, answers=answers,
                               carer=world.carer)
    assert item.id in refused.value.message
    assert AssessmentResponse.select().count() == 0


def test_licensed_instrument_without_text_is_refused(world, registry):
    swemwbs = registry.get("swemwbs")
    assert not swemwbs.licensed_text_state.installed
    with pytest.raises(Refused, match="not installed"):
        services.save_response(None, swemwbs, time_point="baseline", completed_on=world.today,
                               answers={i.id: 3 for i in swemwbs.items}, carer=world.carer)


def test_edit_is_audited_with_items_changed(world, registry):
    instrument, answers = carerqol_answers(registry, 0)
    row = services.save_response(None, instrument, time_point="baseline", completed_on=world.today, answers=answers,
                                 carer=world.carer)
    item = next(i for i in instrument.items if i.scale.type == "choice")
    with pytest.raises(Refused, match="Say why"):
        services.edit_response(None, row, instrument, {**answers, item.id: 2}, "")
    services.edit_response(None, row, instrument, {**answers, item.id: 2}, "typed the wrong box")
    entry = AuditEntry.get(AuditEntry.action == "assessment.edit")
    assert item.id in entry.data and "2" not in entry.summary and entry.reason == "typed the wrong box"


def test_due_list_with_a_frozen_clock(world, registry):
    matched = world.match.matched_on
    # The day before the baseline window opens nothing is due; on the opening day it is due.
    rows = tracking.due_list(registry, matched - dt.timedelta(days=1), site_id=world.el.id,
                             statuses=("due", "due_soon", "overdue", "not_yet_due"))
    assert {r.status for r in rows if r.time_point_id == "baseline" and r.respondent == "carer"} <= {"due_soon", "not_yet_due"}
    rows = tracking.due_list(registry, matched, site_id=world.el.id)
    assert any(r.time_point_id == "baseline" and r.status == "due" and r.label == world.carer.study_id for r in rows)
    late = tracking.due_list(registry, matched + dt.timedelta(days=60), site_id=world.el.id)
    assert any(r.time_point_id == "baseline" and r.status == "overdue" for r in late)
    instrument, answers = carerqol_answers(registry)
    services.save_response(None, instrument, time_point="baseline", completed_on=world.today, answers=answers,
                           carer=world.carer)
    after = tracking.due_list(registry, matched + dt.timedelta(days=60), site_id=world.el.id)
    assert not any(r.instrument_id == "carerqol-7d" and r.time_point_id == "baseline" and r.subject_id == world.carer.id
                   for r in after)


def test_adverse_event_clocks_and_closing(world):
    aware = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=30)
    row = services.record_adverse_event(None, site=world.el, affected="carer", onset_on=aware.date(), aware_at=aware,
                                        seriousness=["hospitalisation"], relatedness="possibly",
                                        expectedness="unexpected", carer=world.carer)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    reports = {r.recipient: r for r in services.reports_for(row, now)}
    assert reports["sponsor"].overdue and not reports["rec"].overdue
    with pytest.raises(Refused, match="before closing"):
        services.close_adverse_event(None, row)
    services.mark_reported(None, row, "sponsor", aware + dt.timedelta(hours=2))
    services.mark_reported(None, row, "rec", aware + dt.timedelta(days=3))
    services.close_adverse_event(None, row)
    assert row.status == "closed"
    with pytest.raises(Refused, match="carer"):
        services.record_adverse_event(None, site=world.el, affected="carer", onset_on=aware.date(), aware_at=aware,
                                      seriousness=[], relatedness="not_related", expectedness="expected")


def test_overdue_report_alert_on_dashboard(client, world):
    aware = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=2)
    services.record_adverse_event(None, site=world.el, affected="patient", onset_on=aware.date(), aware_at=aware,
                                  seriousness=["death"], relatedness="not_related", expectedness="expected")
    login(client, "el-lead@example.org")
    assert "Adverse event reports overdue" in client.get("/dashboard").get_data(as_text=True)


def test_costs(world, client):
    with pytest.raises(Refused, match="either a unit cost"):
        services.add_cost_item(None, site=world.el, category="travel", occurred_on=world.today, quantity=10)
    services.add_cost_item(None, site=world.el, category="supervision", occurred_on=world.today, quantity=6,
                           unit_cost_key="supervisor_hour")
    login(client, "researcher@example.org")
    text = client.get("/research/costs").get_data(as_text=True)
    assert "Per carer supported" in text and "supervision_hours" in text
    assert client.post("/research/costs", data={}).status_code == 403


def test_deidentified_assessment_export(world, registry, app, tmp_path, monkeypatch):
    instrument, answers = carerqol_answers(registry)
    services.save_response(None, instrument, time_point="baseline", completed_on=world.today - dt.timedelta(days=30),
                           answers=answers, carer=world.carer)
    services.save_response(None, instrument, time_point="end_of_support", completed_on=world.today,
                           answers=answers, carer=world.carer)
    feedback = registry.get("training-feedback")
    text_items = [i.id for i in feedback.items if i.scale.type == "text"]
    fb_answers = {i.id: (3 if i.scale.type == "choice" else None) for i in feedback.items}
    fb_answers = {k: v for k, v in fb_answers.items() if v is not None}
    fb_answers.update({t: "Alex Firstgen ran it really well" for t in text_items})
    services.save_response(None, feedback, time_point=feedback.time_points[0].id if feedback.time_points else "event",
                           completed_on=world.today, answers=fb_answers, person=world.gen2)
    for key, value in (("CASCADE_DATABASE_URL", app.config["DATABASE_URL"]), ("CASCADE_CONTENT_ROOT",
                       app.config["CONTENT_ROOT"]), ("CASCADE_SECRET_KEY", "k"), ("CASCADE_EXPORT_KEY", "e")):
        monkeypatch.setenv(key, value)
    runner = CliRunner()
    plain, deid = tmp_path / "plain.csv", tmp_path / "deid.csv"
    assert runner.invoke(cascade, ["export", "assessments", "--out", str(plain)]).exit_code == 0
    assert runner.invoke(cascade, ["export", "assessments", "--deidentified", "--out", str(deid)]).exit_code == 0
    with open(plain, newline="") as h:
        plain_rows = list(csv.DictReader(h))
    with open(deid, newline="") as h:
        deid_rows = list(csv.DictReader(h))
    real_dates = {r["completed_on"] for r in plain_rows}
    forbidden = {world.carer.study_id, "Jo Carer", "01632", "Alex Firstgen", "Chris", "Secondgen", *real_dates}
    date_re = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    for row in deid_rows:
        for column, value in row.items():
            for bad in forbidden:
                assert bad not in value, (column, value)
            if date_re.match(value or ""):
                assert value not in real_dates, (column, value)
    assert "study_id" not in deid_rows[0]
    assert not any(r["variable"] in text_items for r in deid_rows)  # free text dropped
    # Intervals kept: the carer's two responses are still 30 days apart.
    carer_dates = sorted({r["completed_on"] for r in deid_rows if r["instrument"] == "carerqol-7d"})
    first, last = (dt.date.fromisoformat(d) for d in carer_dates)
    assert (last - first).days == 30
    codebook = (tmp_path / "deid.codebook.csv").read_text()
    assert "carerqol-7d:" in codebook and "missing" in codebook.splitlines()[0]


def test_research_pages_for_roles(app, world, registry):
    lead, supporter = app.test_client(), app.test_client()
    login(lead, "el-lead@example.org")
    for url in ("/research/due", "/research/adverse-events", "/research/adverse-events/new", "/research/costs",
                f"/research/responses/new?instrument=carerqol-7d&carer={world.carer.id}"):
        assert lead.get(url).status_code == 200, url
    assert lead.get(f"/research/responses/new?instrument=carerqol-7d&carer={world.carer_dv.id}").status_code == 404
    swemwbs = lead.get(f"/research/responses/new?instrument=swemwbs&carer={world.carer.id}").get_data(as_text=True)
    assert "not installed" in swemwbs
    login(supporter, "supporter@example.org")
    assert supporter.get(f"/research/responses/new?instrument=carerqol-7d&carer={world.carer.id}").status_code == 200
    assert supporter.get("/research/adverse-events").status_code == 403


def test_saved_response_can_be_corrected_through_its_page(app, world, registry):
    """The edit page shows the answers only (time point and date are fixed once saved) and saves."""
    instrument, answers = carerqol_answers(registry, 0)
    row = services.save_response(None, instrument, time_point="baseline", completed_on=world.today, answers=answers,
                                 carer=world.carer)
    lead = app.test_client()
    login(lead, "el-lead@example.org")
    page = lead.get(f"/research/responses/{row.id}").get_data(as_text=True)
    assert 'name="time_point"' not in page and 'name="completed_on"' not in page
    form = {}
    for n, item in enumerate(instrument.items):
        if item.id in answers:
            form[f"item_{n}"] = str(answers[item.id])
    first_choice = next(n for n, i in enumerate(instrument.items) if i.scale.type == "choice")
    form[f"item_{first_choice}"] = "2"
    refused = lead.post(f"/research/responses/{row.id}", data=form)
    assert refused.status_code == 200 and "Say why you are making this change" in refused.get_data(as_text=True)
    response = lead.post(f"/research/responses/{row.id}", data={**form, "reason": "read the wrong column"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "read the wrong column" in lead.get(f"/research/responses/{row.id}").get_data(as_text=True)
    stored = AssessmentAnswer.get(AssessmentAnswer.response == row,
                                  AssessmentAnswer.item_id == instrument.items[first_choice].id)
    assert float(stored.value) == 2
    assert AuditEntry.select().where(AuditEntry.action == "assessment.edit").count() == 1
