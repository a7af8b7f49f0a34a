"""Exports of the pathway and the safety net (referrals, consent, concerns, supervision) with their
de-identified tiers, research exports that follow the consent, and `cascade report equity` with
small numbers suppressed."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from cascade.cli import cascade
from cascade.stats import equity
from trainer_tracker.accounts import roles
from trainer_tracker.concerns import services as concerns
from trainer_tracker.pathway import services as pathway
from trainer_tracker.pathway.equity import people
from trainer_tracker.supervision import services as supervision


def _export(name: str, out, *extra) -> list[dict]:
    result = CliRunner().invoke(cascade, ["export", name, "--out", str(out), *extra], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with open(out, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def cli(world, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("CASCADE_DATABASE_URL", database_url)
    monkeypatch.setenv("CASCADE_EXPORT_KEY", "a key for the tests of the exports")
    row = pathway.refer(None, world.el, source="ward-staff", referred_on=world.today, area="Hackney",
                        relationship="parent", name="Robin Example")
    pathway.save_demographics(None, referral=row, answers={"ethnicity": "black-caribbean", "age_band": "45-54"})
    concerns.raise_concern(world.users[roles.SUPPORTER], about="carer", category="carer-safety", urgency="today",
                           description="Secret words about the carer", carer=world.carer, person=world.gen2)
    supervision.record_session(None, world.el, kind="group", held_on=world.today, minutes=60, supervisor=world.founder,
                               attendees=[world.gen2, world.gen1], topics=["caseload"])
    world.ss.record_contact(None, world.match, world.today, "phone", 30, ["practical"])
    return tmp_path


def test_the_new_exports_and_their_deidentified_tiers(cli, world):
    referrals = _export("referrals", cli / "r.csv")
    assert referrals[0]["area"] == "Hackney" and referrals[0]["ethnic_group"].startswith("Black")
    deid = _export("referrals", cli / "r-deid.csv", "--deidentified")
    assert "area" not in deid[0] and "ethnicity" not in deid[0] and deid[0]["ethnic_group"].startswith("Black")
    assert deid[0]["referral_id"] != referrals[0]["referral_id"]  # hashed
    found = _export("concerns", cli / "c.csv")
    assert found[0]["description"] == "Secret words about the carer"
    assert "description" not in _export("concerns", cli / "c-deid.csv", "--deidentified")[0]
    sessions = _export("supervision", cli / "s.csv")
    assert len(sessions) == 2 and {r["attendees"] for r in sessions} == {"2"}
    consent = _export("consent", cli / "consent.csv")
    assert {r["item_share_anonymised_data"] for r in consent} == {"1"}
    assert (cli / "consent.codebook.csv").exists()


def test_deidentified_research_exports_follow_the_consent(cli, world):
    from trainer_tracker.pathway.models import ConsentRecord

    record = ConsentRecord.get(ConsentRecord.carer == world.carer.id)
    answers = json.loads(record.answers)
    answers["share-anonymised-data"] = False
    ConsentRecord.update(answers=json.dumps(answers)).where(ConsentRecord.id == record.id).execute()
    identifiable = _export("contacts", cli / "all.csv")
    assert any(r["carer_id"] == str(world.carer.id) for r in identifiable)  # the study team's own tier
    shared = _export("contacts", cli / "shared.csv", "--deidentified")
    assert shared == []  # the only contacts are this carer's, who did not agree to share


def test_equity_counts_by_group_with_small_numbers_suppressed(cli, world):
    rows = people()
    assert len(rows) >= 3  # the referral and the two carers registered directly
    report = equity.report(rows, pathway.settings()["relationships"])
    ethnicity = {g["group"]: g for g in report["items"]["ethnicity"]["groups"]}
    black = ethnicity["Black, Black British, Black Welsh, Caribbean or African"]["stages"]["referred"]
    assert black == {"count": None, "suppressed": True, "percent": None}
    many = [({"gender": "woman"}, {"referred", "eligible", "consented"})] * 6
    table = equity.reach(many, "gender")["woman"]
    assert table["consented"].count == 6 and table["consented"].percent == 100.0 and not table["matched"].suppressed
    assert "fewer than 5" in equity.to_markdown(report)


def test_the_equity_report_command(cli, world):
    result = CliRunner().invoke(cascade, ["report", "equity", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["suppress_below"] == 5 and set(data["items"]) >= {"age_band", "ethnicity", "gender"}
    markdown = CliRunner().invoke(cascade, ["report", "equity", "--site", "EL"], catch_exceptions=False)
    assert "# Equity of reach" in markdown.output and "fewer than 5" in markdown.output
    missing = CliRunner().invoke(cascade, ["report", "equity", "--site", "ZZ"])
    assert missing.exit_code == 2 and "no site with code" in missing.output
