"""Fidelity in the tracker: recording rules, the report equals a recomputation from the raw export,
and only the right roles see item-level data."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from click.testing import CliRunner

from cascade.assessments.checklists import load_checklists, module_checklist
from cascade.cli import cascade
from cascade.stats.fidelity import report
from cascade.stats.fidelity.records import FidelityRecord
from trainer_tracker.audit.models import AuditEntry
from trainer_tracker.cascade.models import ModuleDelivery
from trainer_tracker.errors import Refused
from trainer_tracker.fidelity import data, services, views
from trainer_tracker.fidelity.models import FidelityItemScore
from trainer_tracker.fidelity.models import FidelityRecord as Row
from trainer_tracker.figures import fidelity as kept

from .conftest import login


@pytest.fixture
def checklists(repo_root):
    return load_checklists(repo_root / "assessments" / "checklists")


def deliveries(world, course):
    return list(ModuleDelivery.select().where(ModuleDelivery.course == course).order_by(ModuleDelivery.id))


def full_scores(checklist, value=2):
    return {item.id: value for item in checklist.items}


def seed(world, checklists):
    """Observer and self ratings on stage 1 (generation 1 trained) and stage 2 (generation 2)."""
    rows = []
    for course, quality, observer in ((world.course1, 2, world.gen1_dv), (world.course2, 1, world.founder)):
        for n, delivery in enumerate(deliveries(world, course)[:4]):
            module = world.curriculum.module(delivery.module_id)
            checklist = module_checklist(module)
            scores = full_scores(checklist, quality if n % 2 else 2)
            rows.append(services.record(None, checklist, rater_role="observer", rated_on=world.today,
                                        scores=scores, delivery=delivery, rater=observer if observer.id != delivery.trainer_id else world.founder))
            if n < 2:
                rows.append(services.record(None, checklist, rater_role="trainer-self", rated_on=world.today,
                                            scores=scores, delivery=delivery, rater=delivery.trainer))
    return rows


def test_record_rules(world, checklists):
    delivery = deliveries(world, world.course2)[0]
    module = world.curriculum.module(delivery.module_id)
    checklist = module_checklist(module)
    session = checklists.get("training-session")
    contact_checklist = checklists.get("support-contact")
    with pytest.raises(Refused, match="not for module deliveries"):
        services.record(None, contact_checklist, rater_role="supervisor", rated_on=world.today,
                        scores=full_scores(contact_checklist), delivery=delivery)
    with pytest.raises(Refused, match="rater is one of"):
        services.record(None, checklist, rater_role="supervisor", rated_on=world.today,
                        scores=full_scores(checklist), delivery=delivery)
    with pytest.raises(Refused, match="self-rating is made by the trainer"):
        services.record(None, checklist, rater_role="trainer-self", rated_on=world.today,
                        scores=full_scores(checklist), delivery=delivery, rater=world.founder)
    with pytest.raises(Refused, match="has no score"):
        partial = full_scores(checklist)
        partial.popitem()
        services.record(None, checklist, rater_role="observer", rated_on=world.today, scores=partial,
                        delivery=delivery, rater=world.founder)
    no_na = next(i for i in session.items if not i.allows_not_applicable)
    with pytest.raises(Refused, match="cannot be not applicable"):
        services.record(None, session, rater_role="observer", rated_on=world.today,
                        scores={**full_scores(session), no_na.id: None}, delivery=delivery, rater=world.founder)
    with pytest.raises(Refused, match="future"):
        services.record(None, checklist, rater_role="observer", rated_on=world.today + dt.timedelta(days=1),
                        scores=full_scores(checklist), delivery=delivery, rater=world.founder)
    other_module = next(d for d in deliveries(world, world.course2) if d.module_id != delivery.module_id)
    with pytest.raises(Refused, match="same module"):
        services.record(None, checklist, rater_role="observer", rated_on=world.today,
                        scores=full_scores(checklist), delivery=other_module, rater=world.founder)
    row = services.record(None, checklist, rater_role="observer", rated_on=world.today,
                          scores=full_scores(checklist), delivery=delivery, rater=world.founder)
    assert (row.checklist_id, row.checklist_version) == (f"module:{module.id}", str(module.version))
    assert FidelityItemScore.select().where(FidelityItemScore.record == row).count() == len(checklist.items)
    assert AuditEntry.get(AuditEntry.action == "fidelity.record").entity_id == row.id
    with pytest.raises(Refused, match="already scored"):
        services.record(None, checklist, rater_role="observer", rated_on=world.today,
                        scores=full_scores(checklist), delivery=delivery, rater=world.founder)


def test_contact_rating_by_its_supporter(world, checklists):
    contact = world.ss.record_contact(None, world.match, world.today, "phone", 30, [])
    checklist = checklists.get("support-contact")
    with pytest.raises(Refused, match="supporter who had the contact"):
        services.record(None, checklist, rater_role="cps-self", rated_on=world.today,
                        scores=full_scores(checklist), contact=contact, rater=world.gen1)
    row = services.record(None, checklist, rater_role="cps-self", rated_on=world.today,
                          scores=full_scores(checklist, 1), contact=contact, rater=world.gen2)
    [record] = data.records(record_ids=[row.id])
    assert record.generation == 2 and record.cps_id == world.gen2.id and record.site == "EL"


def test_generation_of_a_delivery_is_the_one_trained(world, checklists):
    seed(world, checklists)
    gens = {r.generation for r in data.records() if r.delivery_id in {d.id for d in deliveries(world, world.course1)}}
    assert gens == {1}
    gens = {r.generation for r in data.records() if r.delivery_id in {d.id for d in deliveries(world, world.course2)}}
    assert gens == {2}


def test_report_equals_recomputation_from_raw_export(world, checklists, tmp_path, monkeypatch, app):
    seed(world, checklists)
    monkeypatch.setenv("CASCADE_DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("CASCADE_CONTENT_ROOT", app.config["CONTENT_ROOT"])
    monkeypatch.setenv("CASCADE_SECRET_KEY", "k")
    runner = CliRunner()
    out = tmp_path / "fidelity.csv"
    assert runner.invoke(cascade, ["export", "fidelity", "--out", str(out)]).exit_code == 0
    reported = json.loads(runner.invoke(cascade, ["report", "fidelity", "--format", "json"]).output)
    # Rebuild records from the CSV alone, as a researcher would.
    by_record: dict = {}
    with open(out, newline="") as handle:
        for row in csv.DictReader(handle):
            record = by_record.setdefault(row["record_id"], {
                "record_id": int(row["record_id"]), "checklist_id": row["checklist_id"],
                "checklist_version": row["checklist_version"], "rater_role": row["rater_role"],
                "rater_id": row["rater_id"], "generation": int(row["generation"]), "site": row["site"],
                "module_id": row["module_id"] or None, "scores": {},
                ("delivery_id" if row["occasion"] == "delivery" else "contact_id"): row["occasion_id"],
                ("trainer_id" if row["occasion"] == "delivery" else "cps_id"): row["person_id"]})
            record["scores"][row["item_id"]] = None if row["score"] == "NA" else int(row["score"])
    rebuilt = report.build([FidelityRecord(**r) for r in by_record.values()], include_people=False)
    assert json.loads(json.dumps(rebuilt)) == reported
    assert reported["checklists"], "the seed must produce figures"
    drift = [d for s in reported["checklists"] for d in s["drift"] if d["difference"] is not None]
    assert drift


def test_dashboard_access(app, world, checklists):
    seed(world, checklists)
    lead, leap, researcher, supporter = (app.test_client() for _ in range(4))
    login(lead, "lead@example.org")
    text = lead.get("/fidelity").get_data(as_text=True)
    assert "Cascade drift" in text and "Needs attention" in text
    assert lead.get("/fidelity/records").status_code == 200
    record_id = Row.select().first().id
    assert lead.get(f"/fidelity/records/{record_id}").status_code == 200
    for client, email in ((leap, "leap@example.org"), (researcher, "researcher@example.org")):
        login(client, email)
        page = client.get("/fidelity").get_data(as_text=True)
        assert "Cascade drift" in page
        assert "Needs attention" not in page and "By trainer" not in page
        assert "Grace Founder" not in page and "Alex Firstgen" not in page
        assert client.get("/fidelity/records").status_code == 403
        assert client.get(f"/fidelity/records/{record_id}").status_code == 403
    login(supporter, "supporter@example.org")
    assert supporter.get("/fidelity").status_code == 403


def test_site_lead_sees_own_site_records_only(app, world, checklists):
    seed(world, checklists)
    client = app.test_client()
    login(client, "dv-lead@example.org")
    # All seeded deliveries are at EL courses: a DV site lead sees none of them.
    assert "No fidelity checklists have been recorded yet" in client.get("/fidelity").get_data(as_text=True)
    record_id = Row.select().first().id
    assert client.get(f"/fidelity/records/{record_id}").status_code == 404


def test_record_through_the_form(app, world, curriculum):
    client = app.test_client()
    login(client, "trainer@example.org")
    delivery = deliveries(world, world.course2)[0]
    checklist = module_checklist(curriculum.module(delivery.module_id))
    data_ = {"rater_role": "trainer-self", "rater": str(world.gen1.id), "rated_on": world.today.isoformat()}
    data_.update({f"item_{n}": "2" for n in range(len(checklist.items))})
    response = client.post(f"/deliveries/{delivery.id}/fidelity/new", data=data_)
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    assert Row.select().where(Row.delivery == delivery.id).count() == 1
    missing = client.post(f"/deliveries/{delivery.id}/fidelity/new", data={"rater_role": "observer"})
    assert missing.status_code == 200 and "There is a problem" in missing.get_data(as_text=True)


def test_dashboard_figures_change_with_the_write_that_changes_them(app, world, checklists):
    """The figures are kept in the database by the write's own transaction: the next visit (from
    any worker or server) shows a new record at once, and the figures equal the report's."""
    seed(world, checklists)
    delivery = deliveries(world, world.course1)[2]  # rated by an observer only
    checklist = module_checklist(world.curriculum.module(delivery.module_id))
    url = f"/fidelity?checklist={checklist.id}@{checklist.version}"
    lead = app.test_client()
    login(lead, "lead@example.org")
    assert "No session has been scored by two raters" in lead.get(url).get_data(as_text=True)
    services.record(None, checklist, rater_role="trainer-self", rated_on=world.today,
                    scores=full_scores(checklist, 1), delivery=delivery, rater=delivery.trainer)
    page = lead.get(url).get_data(as_text=True)
    assert "Where two raters scored the same session (1 session," in page
    expected = report.section([r for r in data.records() if r.key == checklist.key],
                              views.FidelitySettings.from_programme())
    overall = expected["overall"][0]
    assert f"<strong>{overall['mean']:.1f}%</strong>" in page


def test_dashboard_lists_the_people_with_the_lowest_fidelity_first(app, world, checklists, monkeypatch):
    from trainer_tracker.cascade.models import Person
    from trainer_tracker.fidelity import views

    monkeypatch.setattr(kept, "PEOPLE_SHOWN", 1)
    seed(world, checklists)
    records = data.records()
    settings = views.FidelitySettings.from_programme()
    sections = [report.section([r for r in records if r.key == key], settings) for key in {r.key for r in records}]
    chosen = next(s for s in sections if len({f["mean"] for f in s["by_person"]}) > 1)
    lowest = min(chosen["by_person"], key=lambda f: f["mean"])
    highest = max(chosen["by_person"], key=lambda f: f["mean"])
    lead = app.test_client()
    login(lead, "lead@example.org")
    page = lead.get(f"/fidelity?checklist={chosen['checklist_id']}@{chosen['checklist_version']}").get_data(as_text=True)
    assert f"the 1 of {len(chosen['by_person'])} with the lowest fidelity" in page
    table = page.split("with the lowest fidelity")[1].split("</table>")[0]
    assert Person.get_by_id(lowest["group"]).name in table
    assert Person.get_by_id(highest["group"]).name not in table


def test_drift_by_branch_of_the_cascade(app, world, checklists):
    """Stage two in Alex Firstgen's branch against generation 1, overall and per core component,
    from the kept sums; the same difference as the records give; listed for the programme lead."""
    import statistics

    from cascade.stats.fidelity.records import score_items

    seed(world, checklists)
    settings = views.FidelitySettings.from_programme()
    records = data.records()
    key = next(k for k in {r.key for r in records}
               if {r.generation for r in records if r.key == k} >= {1, 2})
    found = kept.branch_drift(key, None, settings)
    branch = next(d for d in found["branches"] if d["group"] == "Alex Firstgen")

    def occasion_means(generation):
        by_occasion = {}
        for r in records:
            if r.key == key and r.generation == generation:
                percent = score_items(r.scores, settings).percent
                if percent is not None:
                    by_occasion.setdefault(r.occasion, []).append(percent)
        return [statistics.fmean(v) for v in by_occasion.values()]

    expected = statistics.fmean(occasion_means(2)) - statistics.fmean(occasion_means(1))
    assert abs(branch["difference"] - expected) < 1e-9
    lead = app.test_client()
    login(lead, "lead@example.org")
    page = lead.get(f"/fidelity?checklist={key[0]}@{key[1]}").get_data(as_text=True)
    assert "Drift by branch of the cascade" in page and "Alex Firstgen" in page
