"""The SQLite database survives the server being killed mid-burst, and backups restore exactly.

Crash: the production server (gunicorn, its workers in the same process group) is sent SIGKILL
while clients are writing. Afterwards the database must pass PRAGMA integrity_check and hold
every write the server acknowledged (a 302 reached the client), exactly once.

Backup: `cascade tracker backup` of a synthetic programme, `cascade tracker restore` into a new
file: same rows in every table, integrity ok. (The benchmark does the same at full scale.)
"""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import closing

import pytest
from click.testing import CliRunner
from serving import bench, cascade_bin, database_url, env, synth

from cascade.cli import cascade

pytestmark = pytest.mark.slow


def _counts(path) -> tuple[dict, str]:
    with closing(sqlite3.connect(path)) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        counts = {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608
        return counts, conn.execute("PRAGMA integrity_check").fetchone()[0]


def test_sigkill_mid_burst_loses_no_acknowledged_write(tmp_path):
    httpload, concurrency = bench()
    with database_url("sqlite", tmp_path) as url:
        synth(url, tmp_path)
        plan, marks = concurrency.plan_for(url, clients=6)
        server = httpload.Server(cascade_bin(), env(url, tmp_path), workers=2, log_path=tmp_path / "server.log")
        stop = threading.Event()
        outcome: dict = {}
        acknowledged: list = []
        try:
            server.wait_ready()

            def load():
                outcome.update(httpload.run_load(server.port, plan, clients=6, seconds=60, fidelity_share=0.34,
                                                 stop_event=stop, acknowledged=acknowledged))

            worker = threading.Thread(target=load)
            worker.start()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and len(acknowledged) < 40:  # writes are flowing
                time.sleep(0.02)
            time.sleep(0.3)
            server.kill()  # SIGKILL to master and workers while requests are in flight
            time.sleep(0.5)
            stop.set()
            worker.join(timeout=120)
        finally:
            stop.set()
            server.stop()
        attempts = outcome["attempts"]
        summary = httpload.summarise(attempts, outcome["seconds"])
        assert summary["acknowledged"] > 20, summary  # the burst was under way
        assert summary["connection_errors"] > 0, summary  # and cut short by the kill
        counts, integrity = _counts(tmp_path / "serving.sqlite")
        assert integrity == "ok"
        contacts, fidelity, audit = concurrency.rows_since(url, marks)
        check = httpload.verify(attempts, contacts, fidelity)
    assert check["lost"] == 0, check
    assert check["duplicated"] == 0, check
    assert audit == {"contacts_without_audit_entry": 0, "fidelity_without_audit_entry": 0}
    assert summary["server_errors_5xx"] == 0


def test_backup_restore_round_trip_of_a_synthetic_programme(tmp_path, monkeypatch):
    with database_url("sqlite", tmp_path) as url:
        synth(url, tmp_path)
        for key, value in env(url, tmp_path).items():
            if key.startswith("CASCADE_"):
                monkeypatch.setenv(key, value)
        backup = tmp_path / "backup.sqlite"
        result = CliRunner().invoke(cascade, ["tracker", "backup", "--out", str(backup)])
        assert result.exit_code == 0, result.output
        restored = tmp_path / "restored.sqlite"
        monkeypatch.setenv("CASCADE_DATABASE_URL", f"sqlite:///{restored}")
        result = CliRunner().invoke(cascade, ["tracker", "restore", str(backup), "--yes"])
        assert result.exit_code == 0, result.output
        source, _ = _counts(tmp_path / "serving.sqlite")
        copy, integrity = _counts(restored)
    assert integrity == "ok"
    assert copy == source
    assert source["contact"] > 1000 and source["fidelity_item_score"] > 1000 and source["assessment_answer"] > 100
