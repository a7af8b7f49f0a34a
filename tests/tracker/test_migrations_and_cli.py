"""Migrations build the schema the models describe; the tracker command line works end to end."""

from __future__ import annotations

import csv
import os

from click.testing import CliRunner

from cascade.cli import cascade


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def run(*args, input=None):
    result = CliRunner().invoke(cascade, list(args), input=input, catch_exceptions=False)
    return result


def test_migrations_match_the_models(cli_env):
    from playhouse.schema_diff import diff_models

    from trainer_tracker.db import database
    from trainer_tracker.models import ALL_MODELS

    assert run("tracker", "init").exit_code == 0
    again = run("tracker", "init")
    assert "up to date" in again.output
    database.connect(reuse_if_open=True)
    diff = diff_models(database.obj, ALL_MODELS)
    database.close()
    assert not diff, diff


def test_demo_create_user_export(cli_env, tmp_path):
    result = run("tracker", "demo")
    assert result.exit_code == 0, result.output
    assert "'people': 22" in result.output
    assert run("tracker", "demo").exit_code == 1  # refuses to load twice

    result = run("tracker", "create-user", "new.lead@example.org", "--role", "programme-lead", input="a fine long passphrase\n")
    assert result.exit_code == 0, result.output
    weak = run("tracker", "create-user", "weak@example.org", "--role", "admin", input="password\n")
    assert weak.exit_code == 1 and "at least 12 characters" in weak.output
    bad_role = run("tracker", "create-user", "x@example.org", "--role", "wizard", input="a fine long passphrase\n")
    assert bad_role.exit_code == 2 and "unknown role" in bad_role.output

    out = tmp_path / "lineage.csv"
    assert run("export", "lineage", "--out", str(out)).exit_code == 0
    rows = read_csv(out)
    assert len(rows) == 22
    generations = sorted(int(r["generation"]) for r in rows)
    assert generations.count(0) == 2 and generations.count(1) == 8 and generations.count(2) == 12
    codebook = read_csv(tmp_path / "lineage.codebook.csv")
    assert {r["variable"] for r in codebook} - {"(every text variable)"} == set(rows[0].keys())

    deid = tmp_path / "certs.csv"
    assert run("export", "certifications", "--deidentified", "--out", str(deid)).exit_code == 0
    header = list(read_csv(deid)[0].keys())
    assert "person_name" not in header and "certifier_name" not in header and "status_reason" not in header
    ident = tmp_path / "certs-ident.csv"
    run("export", "certifications", "--out", str(ident))
    plain = read_csv(ident)
    hashed = read_csv(deid)
    assert plain[0]["person_id"] != hashed[0]["person_id"]
    assert plain[0]["certified_on"] != hashed[0]["certified_on"]


def test_run_refuses_production_without_secret(monkeypatch):
    monkeypatch.delenv("CASCADE_SECRET_KEY", raising=False)
    result = run("tracker", "run", "--production")
    assert result.exit_code == 1 and "CASCADE_SECRET_KEY" in result.output
    assert os.environ.get("CASCADE_SECRET_KEY") is None
