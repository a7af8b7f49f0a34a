"""Run the benchmarks, print a table, write JSON to bench/results/.

    .venv/bin/python -m bench            # demo scale vs full scale (synth x1.0), SQLite and PostgreSQL
    .venv/bin/python -m bench --quick    # every measurement at reduced scale (synth x0.05), < 2 minutes
                                         # once the databases are cached in bench/.cache/

Options: --backend sqlite|postgres|both, --only pages,servers,export,writes,site,backup, --rebuild (cached databases),
--scale N (the "full" scale), --seconds N (length of the write test), --clients N, --workers N.
Targets (docs/benchmarks.md) are printed beside the figures; a missed target is marked, never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

from . import common
from .common import RESULTS, log, table

SECTIONS = ("pages", "servers", "export", "writes", "site", "backup")
TARGETS = {
    "p95_page_ms": 150, "first_visit_ms": 500, "export_seconds": 30, "export_growth_mb": 100,
    "writes_per_s_sqlite": 300, "site_pages_per_s": 20, "site_ratio_to_markdown": 4.0, "site_rebuild_s": 1.0,
}


def _args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="reduced scale and samples (under two minutes)")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated: " + ", ".join(SECTIONS))
    parser.add_argument("--scale", type=float, default=None, help="full scale (default 1.0; 0.05 with --quick)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached SQLite databases")
    parser.add_argument("--samples", type=int, default=None, help="requests per page kind (default 20; 6 quick)")
    parser.add_argument("--seconds", type=float, default=None, help="write test length (default 20; 4 quick)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: as production)")
    parser.add_argument("--site-modules", type=int, default=None, help="module pages (default 200; 60 quick)")
    parser.add_argument("--pg-pool", type=int, default=common.PG_POOL,
                        help="PostgreSQL connections pooled per process (?max_connections=N; 0 = none)")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = _args(argv)
    sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        sys.exit(f"unknown section(s): {', '.join(sorted(unknown))}")
    scale = args.scale or (0.05 if args.quick else 1.0)
    samples = args.samples or (6 if args.quick else 20)
    seconds = args.seconds or (4 if args.quick else 20)
    budget = 8 if args.quick else 60
    from trainer_tracker.serve import default_workers

    workers = args.workers or default_workers()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    if "postgres" in backends:
        problem = common.pg_available()
        if problem:
            log(f"PostgreSQL not reachable ({problem}): SQLite only")
            backends.remove("postgres")
    started = time.perf_counter()
    results: dict = {"mode": "quick" if args.quick else "full", "scale": scale, "started": dt.datetime.now(dt.UTC)
                     .isoformat(timespec="seconds"), "environment": common.environment(), "targets": TARGETS,
                     "backends": {}}
    try:
        for backend in backends if set(sections) & {"pages", "servers", "export", "writes", "backup"} else []:
            results["backends"][backend] = _run_backend(backend, sections, args, scale, samples, seconds, budget,
                                                        workers)
        if "site" in sections:
            from . import sitebuild

            log("site build ...")
            with tempfile.TemporaryDirectory(prefix="cascade-site-") as tmp:
                results["site"] = sitebuild.run(Path(tmp), args.site_modules or (60 if args.quick else 200))
            with tempfile.TemporaryDirectory(prefix="cascade-site-now-") as tmp:
                from cascade.content import load_curriculum

                current = len(load_curriculum(common.REPO / "curriculum").modules)
                results["site_now"] = sitebuild.run(Path(tmp), current)  # the curriculum as it is
            with tempfile.TemporaryDirectory(prefix="cascade-preview-") as tmp:
                results["site_preview"] = sitebuild.preview(Path(tmp), 3 if args.quick else 5)
    finally:
        common.drop_all()
    results["seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-{results['mode']}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print(report(results))
    print(f"\nJSON: {out.relative_to(common.REPO)}  ({results['seconds']:.0f}s)")


def _run_backend(backend, sections, args, scale, samples, seconds, budget, workers) -> dict:
    from . import crawl

    out: dict = {}
    if backend == "sqlite":
        small = common.sqlite_db("demo", rebuild=args.rebuild)
        big = common.sqlite_db("synth", scale, rebuild=args.rebuild)
    else:
        small = common.postgres_db("demo", pool=args.pg_pool, rebuild=args.rebuild)
        big = common.postgres_db("synth", scale, pool=args.pg_pool, rebuild=args.rebuild)
    out["databases"] = {"small": {"label": small.label, "build_seconds": small.build_seconds},
                        "large": {"label": big.label, "build_seconds": big.build_seconds,
                                  "summary": {k: v for k, v in big.summary.items() if k != "rows"}}}
    if "pages" in sections:
        out["pages"] = {}
        with tempfile.TemporaryDirectory(prefix="cascade-crawl-") as tmp:
            for size, db in (("small", small), ("large", big)):
                log(f"pages: crawling every role's pages ({db.label}, {backend}) ...")
                work = common.work_copy(db, tmp)
                out["pages"][size] = crawl.run(db, samples=samples, workers=workers, work_url=work, tmp=tmp)
    if "servers" in sections and backend == "postgres":
        log("two app servers on one database ...")
        with tempfile.TemporaryDirectory(prefix="cascade-servers-") as tmp:
            work = common.postgres_db("synth", scale, pool=args.pg_pool)
            out["servers"] = crawl.two_servers(work, workers=workers, tmp=tmp)
            common.drop(work)
    if "export" in sections:
        from . import exports

        log(f"export ({backend}) ...")
        out["export"] = exports.run(big, ("contacts",) if args.quick else ("contacts", "fidelity"))
    if "backup" in sections and backend == "sqlite":
        out["backup"] = backup_round_trip(big)
    if "writes" in sections:
        from . import concurrency

        log(f"concurrent writes ({backend}) ...")
        out["writes"] = concurrency.run(big, clients=args.clients, seconds=seconds, workers=workers,
                                        fidelity_share=0.0)
        out["writes_mixed"] = concurrency.run(big, clients=args.clients, seconds=seconds, workers=workers,
                                              fidelity_share=0.25)
    if backend == "postgres":
        common.drop(small)
        common.drop(big)
    return out


def backup_round_trip(db) -> dict:
    """`cascade tracker backup` then `restore` into a new file: integrity and every table's row count."""
    import sqlite3

    log("backup and restore ...")
    with tempfile.TemporaryDirectory(prefix="cascade-backup-") as tmp:
        backup = Path(tmp) / "backup.sqlite"
        t0 = time.perf_counter()
        common.cascade("tracker", "backup", "--out", str(backup), url=db.url)
        t1 = time.perf_counter()
        restored = Path(tmp) / "restored.sqlite"
        common.cascade("tracker", "restore", str(backup), "--yes", url=f"sqlite:///{restored}")
        t2 = time.perf_counter()

        def counts(path):
            with contextlib.closing(sqlite3.connect(path)) as conn:
                names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                                    "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
                return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}, \
                    conn.execute("PRAGMA integrity_check").fetchone()[0]

        source_counts, _ = counts(db.path)
        restored_counts, integrity = counts(restored)
        result = {"backup_seconds": t1 - t0, "restore_seconds": t2 - t1, "size_mb": backup.stat().st_size / 2**20,
                  "integrity": integrity, "tables_equal": source_counts == restored_counts,
                  "rows": sum(source_counts.values())}
    log(f"  backup {result['backup_seconds']:.1f}s, restore {result['restore_seconds']:.1f}s, "
        f"{result['size_mb']:.0f} MB, {result['rows']:,} rows, integrity {integrity}, "
        f"tables equal {result['tables_equal']}")
    return result


def pages_report(pages: dict, backend: str) -> str:
    """Every (role, page kind) with demo and full-scale p50/p95, the first visit after a restart and
    the trivial page measured in the same run; worst first. The slowest page is the figure that counts."""
    small, large = pages["small"]["roles"], pages["large"]["roles"]
    rows, worst, worst_first, grew = [], None, None, []
    for role, found in large.items():
        for kind, big in found["pages"].items():
            little = small.get(role, {}).get("pages", {}).get(kind)
            first = found.get("first_ms", {}).get(kind)
            ok = big["p95_ms"] <= TARGETS["p95_page_ms"] and (first is None or first <= TARGETS["first_visit_ms"])
            same_queries = little is None or little["queries"] == big["queries"]
            if not same_queries:
                grew.append(f"{role} {kind}")
            rows.append([role, kind, little and little["p50_ms"], little and little["p95_ms"], big["p50_ms"],
                         big["p95_ms"], first, f"{big['baseline_p50_ms']:.1f}/{big['baseline_p95_ms']:.1f}",
                         f"{little['queries'] if little else '-'}/{big['queries']}",
                         ",".join(str(s) for s in big["statuses"]), _mark(ok)])
            if worst is None or big["p95_ms"] > worst[2]:
                worst = (role, kind, big["p95_ms"])
            if first is not None and (worst_first is None or first > worst_first[2]):
                worst_first = (role, kind, first)
    rows.sort(key=lambda r: -(r[5] or 0))
    kinds = len(rows)
    over = sum(1 for r in rows if r[-1] == "MISSED")
    head = (f"\nPages, {backend}: {kinds} (role, page kind) pairs found by crawling from the home page "
            f"(ms over HTTP through gunicorn; full = {pages['large']['db']}; first = first visit after a restart; "
            f"/account = the trivial page in the same run). Slowest p95: {worst[2]:.0f} ms ({worst[0]} {worst[1]}); "
            f"slowest first visit: {worst_first[2]:.0f} ms ({worst_first[0]} {worst_first[1]}); over target: {over}; "
            f"queries that grew with the data: {len(grew)}" + (f" ({'; '.join(grew[:5])})" if grew else ""))
    return table(["role", "page kind", "demo p50", "demo p95", "full p50", "full p95", "full first",
                  "/account p50/p95", "queries demo/full", "status", ""], rows, head)


def _mark(ok: bool | None) -> str:
    return "" if ok is None else ("ok" if ok else "MISSED")


def report(results: dict) -> str:
    parts = [f"Benchmarks ({results['mode']}, full scale = synth x{results['scale']:g}) on "
             f"{results['environment'].get('cpus')} CPUs, Python {results['environment'].get('python')}, "
             f"SQLite {results['environment'].get('sqlite')}"]
    for backend, out in results["backends"].items():
        if "pages" in out:
            parts.append(pages_report(out["pages"], backend))
        if "servers" in out:
            sv = out["servers"]
            ok = all(sv["same_figures"].values()) and sv["write_seen_on_other_server"]
            parts.append(f"two app servers on one PostgreSQL database: same figures on both "
                         f"{sv['same_figures']}; a contact written through one counted on the other at once: "
                         f"{sv['write_seen_on_other_server']} (dashboard {sv['contacts_before_after_on_other_server']}) "
                         f"{_mark(ok)}")
        for name, figures in out.get("export", {}).items():
            if "error" in figures:
                parts.append(f"export {name} ({backend}): {figures['error']}")
                continue
            ok = figures["seconds"] < TARGETS["export_seconds"] and figures["growth_mb"] < TARGETS["export_growth_mb"]
            parts.append(f"export {name} ({backend}): {figures['rows']:,} rows in {figures['seconds']:.1f}s = "
                         f"{figures['rows_per_s']:,.0f} rows/s; peak RSS growth {figures['growth_mb']:.1f} MB "
                         f"{_mark(ok) if name == 'contacts' else '(info)'}")
        if "backup" in out:
            b = out["backup"]
            parts.append(f"backup/restore ({backend}, {b['rows']:,} rows, {b['size_mb']:.0f} MB): backup "
                         f"{b['backup_seconds']:.1f}s, restore {b['restore_seconds']:.1f}s, integrity {b['integrity']}, "
                         f"every table's rows equal: {b['tables_equal']}")
        for section, label in (("writes", "contacts"), ("writes_mixed", "contacts + fidelity checklists")):
            if section not in out:
                continue
            w = out[section]
            v = w["verify"]
            ok = v["lost"] == 0 and w["server_errors_5xx"] == 0 and v["duplicated"] == 0 and (
                backend != "sqlite" or section != "writes" or w["writes_per_s"] >= TARGETS["writes_per_s_sqlite"])
            parts.append(f"concurrent writes, {label} ({backend}, gunicorn {w['workers']}x{w['threads_per_worker']} "
                         f"threads, {w['clients']} clients, {w['seconds']:.0f}s): {w['writes_per_s']:.0f} writes/s "
                         f"({w['by_kind']}), p50 {w['latency_p50_ms'] or 0:.0f} ms, p95 {w['latency_p95_ms'] or 0:.0f} ms, "
                         f"server CPU {w['server_cpu_ms_per_write']:.1f} ms/write; "
                         f"5xx {w['server_errors_5xx']}, connection errors {w['connection_errors']} "
                         f"(retried on a new connection {w['retried_on_new_connection']}), other "
                         f"{w['refused_or_other']}; lost {v['lost']}, duplicated {v['duplicated']}, unacknowledged "
                         f"but written {v['unacknowledged_but_written']}, without audit entry "
                         f"{v['contacts_without_audit_entry'] + v['fidelity_without_audit_entry']}"
                         + (f", integrity {v['integrity_check']}" if "integrity_check" in v else "") + f" {_mark(ok)}")
            r = w.get("reads_after") or {}
            if r:
                parts.append(f"  then read at once: {r.get('pages', 0)} pages those writes change, p50 "
                             f"{r.get('p50_ms') or 0:.0f} ms, p95 {r.get('p95_ms') or 0:.0f} ms; dashboard shows "
                             f"{r.get('dashboard_contacts')} contacts, database holds {r.get('database_contacts')} "
                             f"{_mark(r.get('dashboard_up_to_date'))}" if "error" not in r else f"  reads after: {r['error']}")
    if "site" in results:
        rows = []
        for edition in ("supporter", "trainer"):
            s = results["site"][edition]
            ok = s["pages_per_cpu_s"] >= TARGETS["site_pages_per_s"] and s["ratio_to_markdown"] <= TARGETS[
                "site_ratio_to_markdown"]
            rows.append([edition, s["pages"], f"{s['seconds']:.1f}/{s['cpu_seconds']:.1f}", s["pages_per_cpu_s"],
                         s["markdown_pages_per_cpu_s"], s["ratio_to_markdown"],
                         s.get("ratio_to_markdown_sources_only"),
                         f"{s['rebuild_one_module_seconds']:.1f}/{s['rebuild_one_module_cpu_seconds']:.1f}", _mark(ok)])
        parts.append(table(["edition", "pages", "build s wall/CPU", "pages per CPU s", "Markdown alone",
                            "x Markdown", "(x sources only)", "one module changed s wall/CPU", ""], rows,
                           f"\nSite build ({results['site']['modules']} module pages, each edition from cold; "
                           "Markdown alone = Python-Markdown over the same pages' Markdown as the build "
                           "converted; sources only = over curriculum/'s files alone, shown, not a target)"))
    if "site_now" in results:
        rows = []
        for edition in ("supporter", "trainer"):
            s = results["site_now"][edition]
            rows.append([edition, s["pages"], f"{s['seconds']:.1f}/{s['cpu_seconds']:.1f}", s["markdown_cpu_seconds"],
                         s["ratio_to_markdown"], _mark(s["ratio_to_markdown"] <= TARGETS["site_ratio_to_markdown"])])
        parts.append(table(["edition", "pages", "full build s wall/CPU", "Markdown alone CPU s", "x Markdown", ""], rows,
                           f"\nSite build at the current curriculum's size ({results['site_now']['modules']} modules)"))
    if "site_preview" in results:
        for edition, p in results["site_preview"].items():
            parts.append(f"cascade site serve, {edition} edition ({p['modules']} modules): first build "
                         f"{p['first_build_seconds']:.1f}s; after a one-module edit median "
                         f"{p['rebuild_median_seconds']:.2f}s, slowest {p['rebuild_max_seconds']:.2f}s "
                         f"(target < {TARGETS['site_rebuild_s']:.0f}s) {_mark(p['rebuild_max_seconds'] < TARGETS['site_rebuild_s'])}")
    return "\n".join(parts)


if __name__ == "__main__":
    main()
