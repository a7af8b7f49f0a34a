"""Concurrent writes through the production server (gunicorn) lose nothing and duplicate nothing.

A small bounded run of the benchmark's load (bench/httpload.py): clients sign in, take the CSRF
token from the form and record contacts and fidelity checklists at once for a few seconds; then
every acknowledged write must be in the database exactly once, with its audit entry, and no
request may have failed with a server error. Timings are printed by the benchmark, never asserted.
"""

from __future__ import annotations

import pytest
from serving import bench, cascade_bin, database_url, env, synth

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_concurrent_writes_are_all_kept_once(backend, tmp_path):
    httpload, concurrency = bench()
    with database_url(backend, tmp_path) as url:
        synth(url, tmp_path)
        plan, marks = concurrency.plan_for(url, clients=6)
        assert plan.matches and plan.fidelity_contacts
        server = httpload.Server(cascade_bin(), env(url, tmp_path), workers=2, log_path=tmp_path / "server.log")
        try:
            server.wait_ready()
            run = httpload.run_load(server.port, plan, clients=6, seconds=3, fidelity_share=0.34)
        finally:
            server.stop()
        assert not run["problems"], run["problems"]
        summary = httpload.summarise(run["attempts"], run["seconds"])
        contacts, fidelity, audit = concurrency.rows_since(url, marks)
        check = httpload.verify(run["attempts"], contacts, fidelity)
    assert summary["server_errors_5xx"] == 0, summary
    assert summary["acknowledged"] > 0 and summary["by_kind"].get("contact") and summary["by_kind"].get("fidelity")
    assert summary["refused_or_other"] == 0, summary
    assert check["lost"] == 0 and check["duplicated"] == 0, check
    assert check["rows_nobody_wrote"] == 0, check
    assert audit == {"contacts_without_audit_entry": 0, "fidelity_without_audit_entry": 0}
