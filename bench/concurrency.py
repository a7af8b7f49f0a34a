"""Concurrent writes against `cascade tracker run --production` on a copy of a benchmark database."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import tempfile
from pathlib import Path

from .common import BIN, PASSWORD, Db, env_for, log
from .httpload import Plan, Server, run_load, summarise, verify

LEAD = "lead@example.org"


def plan_for(url: str, clients: int) -> tuple[Plan, dict]:
    """Active matches to write contacts on, contacts to rate, and the high-water marks before the run."""
    from peewee import fn

    from cascade.assessments.checklists import load_checklists
    from cascade.config import programme
    from trainer_tracker.accounts.models import User
    from trainer_tracker.db import bind, database
    from trainer_tracker.fidelity.models import FidelityRecord
    from trainer_tracker.support.models import Contact, Match

    from .common import REPO

    bind(url)
    database.connect(reuse_if_open=True)
    try:
        today = dt.date.today()
        matches = [m for (m,) in Match.select(Match.id).where(Match.ended_on.is_null() & (Match.matched_on <= today))
                   .order_by(Match.id).limit(clients * 4).tuples()]
        rated = FidelityRecord.select(FidelityRecord.contact).where(FidelityRecord.contact.is_null(False))
        contacts = [c for (c,) in Contact.select(Contact.id).where(~Contact.id.in_(rated) & (Contact.contact_date <= today))
                    .order_by(Contact.id.desc()).limit(50_000).tuples()]
        lead = User.get(User.email == LEAD)
        marks = {"contact": Contact.select(fn.MAX(Contact.id)).scalar() or 0,
                 "fidelity": FidelityRecord.select(fn.MAX(FidelityRecord.id)).scalar() or 0, "lead_id": lead.id}
        items = len(load_checklists(REPO / "assessments" / "checklists").get("support-contact").items)
    finally:
        database.close()
    plan = Plan(LEAD, PASSWORD, matches, contacts, items, list(programme().get("contact_modes", {"phone": ""})))
    return plan, marks


def rows_since(url: str, marks: dict) -> tuple[list, list, dict]:
    from trainer_tracker.audit.models import AuditEntry
    from trainer_tracker.db import bind, database
    from trainer_tracker.fidelity.models import FidelityRecord
    from trainer_tracker.support.models import Contact

    bind(url)
    database.connect(reuse_if_open=True)
    try:
        contacts = list(Contact.select(Contact.id, Contact.match, Contact.duration_minutes)
                        .where(Contact.id > marks["contact"]).tuples())
        fidelity = list(FidelityRecord.select(FidelityRecord.id, FidelityRecord.contact)
                        .where((FidelityRecord.id > marks["fidelity"])
                               & (FidelityRecord.recorded_by_user_id == marks["lead_id"])).tuples())
        audited = {e for (e,) in AuditEntry.select(AuditEntry.entity_id).where(
            (AuditEntry.action == "contact.record") & (AuditEntry.entity_id > marks["contact"])).tuples()}
        audited_fidelity = {e for (e,) in AuditEntry.select(AuditEntry.entity_id).where(
            (AuditEntry.action == "fidelity.record") & (AuditEntry.entity_id > marks["fidelity"])).tuples()}
    finally:
        database.close()
    audit = {"contacts_without_audit_entry": sum(1 for cid, _, _ in contacts if cid not in audited),
             "fidelity_without_audit_entry": sum(1 for rid, _ in fidelity if rid not in audited_fidelity)}
    return [(m, d) for _, m, d in contacts], [(c,) for _, c in fidelity], audit


def reads_after(port: int, url: str, plan: Plan) -> dict:
    """Right after the burst: the pages those writes change, read at once, show them (the dashboard
    counts every contact in the database; each carer's page answers), with their times."""
    import re
    import time

    from .common import percentile
    from .httpload import Session

    session = Session(port)
    session.sign_in(plan.email, plan.password)
    times: list[float] = []
    try:
        t0 = time.perf_counter()
        body = session.request("GET", "/dashboard")[2].decode("utf-8", "replace")
        times.append((time.perf_counter() - t0) * 1000)
        shown = re.search(r"Contacts recorded</dt><dd[^>]*>([\d,]+)", body)
        carers = _carers_of(url, plan.matches[:20])
        for carer in carers:
            t0 = time.perf_counter()
            status = session.request("GET", f"/carers/{carer}")[0]
            times.append((time.perf_counter() - t0) * 1000)
            if status != 200:
                return {"error": f"/carers/{carer} answered {status}"}
    finally:
        session.close()
    in_database = _contact_count(url)
    dashboard = int(shown.group(1).replace(",", "")) if shown else None
    return {"dashboard_contacts": dashboard, "database_contacts": in_database,
            "dashboard_up_to_date": dashboard == in_database, "pages": len(times),
            "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95)}


def _carers_of(url: str, matches: list[int]) -> list[int]:
    from trainer_tracker.db import bind, database
    from trainer_tracker.support.models import Match

    bind(url)
    database.connect(reuse_if_open=True)
    try:
        return [c for (c,) in Match.select(Match.carer).where(Match.id.in_(matches or [0])).tuples()]
    finally:
        database.close()


def _contact_count(url: str) -> int:
    from trainer_tracker.db import bind, database
    from trainer_tracker.support.models import Contact

    bind(url)
    database.connect(reuse_if_open=True)
    try:
        return Contact.select().where(Contact.voided_at.is_null()).count()
    finally:
        database.close()


def _sqlite_copy(source: Path, target: Path) -> None:
    with contextlib.closing(sqlite3.connect(source)) as src, contextlib.closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def run(db: Db, *, clients: int, seconds: float, workers: int, fidelity_share: float = 0.0) -> dict:
    with tempfile.TemporaryDirectory(prefix="cascade-load-") as tmp:
        url = db.url
        if db.backend == "sqlite":
            copy = Path(tmp) / "load.sqlite"
            _sqlite_copy(db.path, copy)  # the cached database stays as built
            url = f"sqlite:///{copy}"
        plan, marks = plan_for(url, clients)
        server = Server(str(BIN / "cascade"), env_for(url), workers=workers, log_path=Path(tmp) / "server.log")
        try:
            server.wait_ready()
            cpu_before = server.cpu_seconds()
            run = run_load(server.port, plan, clients=clients, seconds=seconds, fidelity_share=fidelity_share)
            server_cpu = server.cpu_seconds() - cpu_before
            reads = reads_after(server.port, url, plan)
        finally:
            server.stop()
        contacts, fidelity, audit = rows_since(url, marks)
        result = summarise(run["attempts"], run["seconds"])
        result.update({"backend": db.backend, "db": db.label, "clients": clients, "workers": workers,
                       "threads_per_worker": 4, "client_problems": run["problems"][:5],
                       "server_cpu_seconds": server_cpu,
                       "server_cpu_ms_per_write": 1000 * server_cpu / max(1, result["acknowledged"])})
        result["reads_after"] = reads
        result["verify"] = verify(run["attempts"], contacts, fidelity)
        result["verify"].update(audit)
        if db.backend == "sqlite":
            with contextlib.closing(sqlite3.connect(Path(url.removeprefix("sqlite:///")))) as conn:
                result["verify"]["integrity_check"] = conn.execute("PRAGMA integrity_check").fetchone()[0]
    v = result["verify"]
    log(f"  writes ({db.label}, {db.backend}, {workers} workers, {clients} clients, fidelity share "
        f"{fidelity_share:.2f}): {result['writes_per_s']:.0f}/s "
        f"acknowledged {result['acknowledged']} ({result['by_kind']}), 5xx {result['server_errors_5xx']}, "
        f"connection errors {result['connection_errors']}, lost {v['lost']}, duplicated {v['duplicated']}, "
        f"p95 {result['latency_p95_ms'] or 0:.0f} ms, server CPU {result['server_cpu_ms_per_write']:.1f} ms per write")
    return result
