"""Export throughput and memory: each export runs in a fresh process (as `cascade export` does);
memory is the growth of the process's peak resident set over the export itself (Linux VmHWM,
reset just before the export starts; ru_maxrss would carry the parent's peak across exec)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from .common import REPO, Db, env_for, log

SCRIPT = r"""
import json, sys, time
from pathlib import Path
from trainer_tracker.app import create_app
from trainer_tracker.cli.export import _exports
from trainer_tracker.db import database
from trainer_tracker.exports.core import write


def status(field):  # kB from /proc/self/status (VmRSS now, VmHWM peak since the last reset)
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])


name, out = sys.argv[1], Path(sys.argv[2])
app = create_app()
with app.app_context():
    database.connect(reuse_if_open=True)
    export = _exports()[name]()
    with open("/proc/self/clear_refs", "w") as handle:  # reset the peak (VmHWM) to the current RSS
        handle.write("5")
    before = status("VmRSS")
    started = time.perf_counter()
    result = write(export, out)
    seconds = time.perf_counter() - started
    peak = status("VmHWM")
    database.close()
print(json.dumps({"rows": result["rows"], "seconds": seconds, "rss_before_mb": before / 1024,
                  "rss_peak_mb": peak / 1024, "growth_mb": (peak - before) / 1024,
                  "bytes": out.stat().st_size}))
"""


def run(db: Db, names: tuple[str, ...] = ("contacts",), timeout: float = 900) -> dict:
    results = {}
    with tempfile.TemporaryDirectory(prefix="cascade-export-") as tmp:
        for name in names:
            out = Path(tmp) / f"{name}.csv"
            try:
                done = subprocess.run([sys.executable, "-c", SCRIPT, name, str(out)], env=env_for(db.url), cwd=REPO,
                                      capture_output=True, text=True, timeout=timeout)
            except subprocess.TimeoutExpired:
                results[name] = {"error": f"did not finish within {timeout:.0f}s"}
                log(f"  export {name}: timed out after {timeout:.0f}s")
                continue
            if done.returncode != 0:
                results[name] = {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
                log(f"  export {name}: failed: {results[name]['error']}")
                continue
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            figures["rows_per_s"] = figures["rows"] / figures["seconds"] if figures["seconds"] else None
            results[name] = figures
            log(f"  export {name} ({db.label}, {db.backend}): {figures['rows']:,} rows in {figures['seconds']:.1f}s "
                f"= {figures['rows_per_s']:,.0f} rows/s, peak RSS growth {figures['growth_mb']:.1f} MB")
    return results
