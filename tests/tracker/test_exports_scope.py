"""Exports: every one honours --site; a withdrawn carer's data after withdrawal leaves only when the
programme keeps it; cells that a spreadsheet would run as formulas are escaped (and the codebook
says so); de-identified dates never lie after today."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from click.testing import CliRunner

from cascade.cli import cascade

EXPORT_NAMES = ["certifications", "lineage", "contacts", "fidelity", "assessments", "adverse-events", "referrals",
                "consent", "concerns", "supervision"]


def _export(name: str, out, *extra) -> list[dict]:
    result = CliRunner().invoke(cascade, ["export", name, "--out", str(out), *extra], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with open(out, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def cli(world, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("CASCADE_DATABASE_URL", database_url)
    monkeypatch.setenv("CASCADE_EXPORT_KEY", "a key for the tests of the exports")
    world.ss.record_contact(None, world.match, world.today, "phone", 30, ["practical"])
    return tmp_path


@pytest.mark.parametrize("name", EXPORT_NAMES)
def test_every_export_honours_site(cli, world, name):
    rows = _export(name, cli / f"{name}-dv.csv", "--site", "DV")
    sites = {r["site"] for r in rows if r.get("site")}
    assert sites <= {"DV"}, sites
    everything = _export(name, cli / f"{name}-all.csv")
    if name in ("certifications", "lineage", "contacts"):
        assert "EL" in {r["site"] for r in everything}


def test_site_must_exist(cli):
    result = CliRunner().invoke(cascade, ["export", "contacts", "--site", "ZZ", "--out", str(cli / "x.csv")])
    assert result.exit_code == 2 and "no site with code" in result.output


def test_withdrawal_keeps_or_cuts_the_carer_data(cli, world, monkeypatch, tmp_path):
    from trainer_tracker.support import corrections

    later = world.ss.record_contact(None, world.match, world.today, "video", 20, [])
    corrections.withdraw(None, world.carer, world.today - dt.timedelta(days=1), "no-longer-wants")
    kept = {int(r["contact_id"]) for r in _export("contacts", cli / "kept.csv")}
    assert later.id in kept  # withdrawal_data: keep (the default)
    config = tmp_path / "programme.yml"
    from cascade.config import DEFAULT_PROGRAMME_FILE

    config.write_text(DEFAULT_PROGRAMME_FILE.read_text() + "\nwithdrawal_data: before-withdrawal\n")
    monkeypatch.setenv("CASCADE_PROGRAMME_CONFIG", str(config))
    cut = {int(r["contact_id"]) for r in _export("contacts", cli / "cut.csv")}
    assert later.id not in cut


def test_formula_cells_are_escaped_and_the_codebook_says_so(cli, world):
    from trainer_tracker.cascade import services

    services.revoke(None, world.cert2, "=HYPERLINK(\"http://evil.example\",\"click\")")
    rows = _export("certifications", cli / "certs.csv")
    reason = next(r["status_reason"] for r in rows if r["status_reason"])
    assert reason.startswith("'=")
    with open(cli / "certs.codebook.csv", encoding="utf-8") as handle:
        assert "OWASP CSV injection" in handle.read()


def test_deidentified_dates_never_lie_after_today(cli, world):
    rows = _export("certifications", cli / "deid.csv", "--deidentified")
    today = dt.date.today().isoformat()
    assert rows and all(r["certified_on"] < today and (r["expires_on"] or "") < "9999" for r in rows)
    contacts = _export("contacts", cli / "deid-contacts.csv", "--deidentified")
    assert contacts and all(r["contact_date"] < today for r in contacts)
