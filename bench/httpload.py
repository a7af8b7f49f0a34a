"""Concurrent writes over real HTTP against the production server (gunicorn), then a check that
every acknowledged write is in the database exactly once.

Clients are threads, each with its own keep-alive connection and signed-in session (the CSRF
token comes from the form page, as in a browser). A write is acknowledged when the server
answers 302 (the redirect after a successful POST). Every write carries a unique key (match id
and length in minutes for contacts; contact id for fidelity checklists) so the check afterwards
can tell lost writes from duplicated ones.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
COOKIE_RE = re.compile(r"^\s*([^=;\s]+)=([^;]*)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`cascade tracker run --production` as a subprocess in its own process group."""

    def __init__(self, cascade_bin: str, env: dict, workers: int = 2, log_path: Path | None = None):
        self.port = free_port()
        self.log_path = log_path
        self.log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [cascade_bin, "tracker", "run", "--production", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(workers)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}: {self._tail()}")
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                conn.request("GET", "/login")
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            finally:
                conn.close()
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer within {timeout}s: {self._tail()}")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the server's processes (master and workers).

        Robust on a shared machine where wall-clock throughput depends on other jobs."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == self.process.pid:  # process group id (the server runs in its own session)
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def _tail(self) -> str:
        if self.log_path and self.log_path.exists():
            return self.log_path.read_text(errors="replace")[-2000:]
        return ""

    def kill(self) -> None:
        """SIGKILL the whole process group (master and workers): a crash, not a shutdown."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._close_log()

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close_log()

    def _close_log(self) -> None:
        if self.log not in (None, subprocess.DEVNULL):
            self.log.close()
            self.log = subprocess.DEVNULL


class Session:
    """One browser-like client: a keep-alive connection and its cookies."""

    def __init__(self, port: int, timeout: float = 30):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}
        self.frozen = False
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.answered = 0  # responses on the current connection
        self.last_headers: dict[str, str] = {}

    def reconnect(self) -> None:
        self.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        self.answered = 0

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()

    def request(self, method: str, path: str, form: dict | list | None = None) -> tuple[int, str, bytes]:
        headers = {"User-Agent": "cascade-bench/1", "Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        try:
            data = response.read()
        finally:
            response.close()
        self.answered += 1
        self.last_headers = {k: v for k, v in response.getheaders()}
        if not self.frozen:
            for value in response.headers.get_all("Set-Cookie") or []:
                found = COOKIE_RE.match(value)
                if found:
                    self.cookies[found.group(1)] = found.group(2)
        if response.getheader("Connection", "").lower() == "close":
            self.reconnect()
        return response.status, response.getheader("Location", ""), data

    def csrf(self, path: str) -> str:
        status, _, data = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        found = CSRF_RE.search(data.decode("utf-8", "replace"))
        if not found:
            raise RuntimeError(f"no CSRF token on {path}")
        return found.group(1) or found.group(2)

    def sign_in(self, email: str, password: str) -> None:
        token = self.csrf("/login")
        status, _, _ = self.request("POST", "/login", {"email": email, "password": password, "csrf_token": token})
        if status != 302:
            raise RuntimeError(f"sign-in as {email} answered {status}")


@dataclass
class Attempt:
    kind: str  # contact or fidelity
    key: tuple
    status: int | None  # None: no answer (connection error)
    ms: float
    error: str = ""  # the exception, when there was no answer
    retried: bool = False  # sent again on a new connection after the server closed an idle one


@dataclass
class Plan:
    """What the clients write: contacts on these matches; fidelity checklists on these contacts."""

    email: str
    password: str
    matches: list[int]  # active matches the account may record contacts for
    fidelity_contacts: list[int] = field(default_factory=list)  # contacts not yet rated by this account
    fidelity_items: int = 0  # items on the support-contact checklist
    modes: list[str] = field(default_factory=lambda: ["phone"])


def run_load(port: int, plan: Plan, *, clients: int, seconds: float, fidelity_share: float = 0.0,
             stop_event: threading.Event | None = None, acknowledged: list | None = None) -> dict:
    """Many clients writing for `seconds` (or until stop_event). Returns attempts and timing.

    `acknowledged`, if given, gets an item appended as each write is acknowledged (live progress).
    """
    today = dt.date.today().isoformat()
    attempts: list[Attempt] = []
    lock = threading.Lock()
    stop = stop_event or threading.Event()
    per_client_matches = [plan.matches[i::clients] for i in range(clients)]
    fidelity_pool = list(plan.fidelity_contacts)
    pool_lock = threading.Lock()
    ready = threading.Barrier(clients + 1)
    problems: list[str] = []

    def client(index: int) -> None:
        session = Session(port)
        try:
            _client(index, session)
        finally:
            session.close()

    def _client(index: int, session: Session) -> None:
        mine = per_client_matches[index] or plan.matches[:1]
        try:
            session.sign_in(plan.email, plan.password)
            token = session.csrf(f"/matches/{mine[0]}/contacts/new")
            session.frozen = True  # keep this session cookie (flash messages would otherwise pile up in it)
        except Exception as exc:  # noqa: BLE001 - reported below
            problems.append(f"client {index}: {exc}")
            with contextlib.suppress(threading.BrokenBarrierError):
                ready.wait(timeout=60)
            return
        with contextlib.suppress(threading.BrokenBarrierError):
            ready.wait(timeout=120)
        sequence = 0
        local: list[Attempt] = []
        write_fidelity = index < round(clients * fidelity_share)
        while not stop.is_set():
            if write_fidelity:
                with pool_lock:
                    if not fidelity_pool:
                        break
                    contact_id = fidelity_pool.pop()
                key = ("fidelity", contact_id)
                form = [("csrf_token", token), ("rater_role", "supervisor"), ("rater", ""), ("rated_on", today),
                        ("notes", "")] + [(f"item_{n}", "2") for n in range(plan.fidelity_items)]
                path = f"/contacts/{contact_id}/fidelity/new"
            else:
                match_id = mine[(sequence // 600) % len(mine)]
                minutes = sequence % 600 + 1
                if sequence >= 600 * len(mine):
                    break  # every unique key used
                key = ("contact", match_id, minutes)
                form = [("csrf_token", token), ("contact_date", today), ("mode", plan.modes[sequence % len(plan.modes)]),
                        ("duration_minutes", str(minutes)), ("topics", "emotional-support")]
                path = f"/matches/{match_id}/contacts/new"
            # Each write carries its own one-time key (web/once.py), as the form page would give:
            # a retry on a new connection sends the same key, so a write is never saved twice.
            form.append(("once", f"load-{index}-{sequence}-{os.getpid()}"))
            sequence += 1
            t0 = time.perf_counter()
            error, retried = "", False
            try:
                status, location, _ = session.request("POST", path, form)
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected) as exc:
                # As browsers do: a kept-alive connection the server had already closed (idle
                # timeout, worker restart) gets the request once more on a new connection.
                reused = session.answered > 0
                session.reconnect()
                status, error = None, f"{type(exc).__name__}: {exc}"[:120]
                if reused:
                    retried = True
                    try:
                        status, location, _ = session.request("POST", path, form)
                        error = ""
                    except (OSError, http.client.HTTPException) as again:
                        status, error = None, f"{type(again).__name__}: {again}"[:120]
                        session.reconnect()
            except (OSError, http.client.HTTPException) as exc:
                status, error = None, f"{type(exc).__name__}: {exc}"[:120]
                session.reconnect()
            local.append(Attempt(key[0], key, status, (time.perf_counter() - t0) * 1000, error, retried))
            if status == 302 and acknowledged is not None:
                acknowledged.append(key)
        with lock:
            attempts.extend(local)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):
        ready.wait(timeout=180)
    started = time.perf_counter()
    if stop_event is None:
        timer = threading.Timer(seconds, stop.set)
        timer.daemon = True
        timer.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    elapsed = time.perf_counter() - started
    return {"attempts": attempts, "seconds": elapsed, "problems": problems}


def summarise(attempts: list[Attempt], seconds: float) -> dict:
    statuses = Counter(a.status for a in attempts)
    acked = [a for a in attempts if a.status == 302]
    latencies = sorted(a.ms for a in acked)

    def pct(p):
        return latencies[max(0, min(len(latencies) - 1, int(round(p / 100 * len(latencies))) - 1))] if latencies else None

    return {
        "attempts": len(attempts), "acknowledged": len(acked), "seconds": round(seconds, 2),
        "writes_per_s": len(acked) / seconds if seconds else 0.0,
        "by_kind": dict(Counter(a.kind for a in acked)),
        "status_counts": {str(k): v for k, v in statuses.items()},
        "server_errors_5xx": sum(v for k, v in statuses.items() if k is not None and k >= 500),
        "connection_errors": statuses.get(None, 0),
        "refused_or_other": sum(v for k, v in statuses.items() if k is not None and k not in (302,) and k < 500),
        "latency_p50_ms": pct(50), "latency_p95_ms": pct(95),
        "connection_error_kinds": dict(Counter(a.error.split(":")[0] for a in attempts if a.status is None)),
        "retried_on_new_connection": sum(1 for a in attempts if a.retried),
    }


def verify(attempts: list[Attempt], contacts_after: list[tuple], fidelity_after: list[tuple]) -> dict:
    """Compare acknowledged writes with the rows written since the run began.

    contacts_after: (match_id, duration_minutes) of every contact with id above the pre-run maximum;
    fidelity_after: (contact_id,) of every fidelity record above the pre-run maximum by this account.
    """
    found = Counter([("contact", m, d) for m, d in contacts_after] + [("fidelity", c) for (c,) in fidelity_after])
    acked = {a.key for a in attempts if a.status == 302}
    tried = {a.key for a in attempts}
    lost = sorted(k for k in acked if found.get(k, 0) == 0)
    duplicated = sorted(k for k, n in found.items() if n > 1)
    unacked_present = sorted(k for k in tried - acked if found.get(k, 0) > 0)
    unknown = sorted(k for k in found if k not in tried)
    return {"acknowledged": len(acked), "rows_found": sum(found.values()), "lost": len(lost),
            "duplicated": len(duplicated), "unacknowledged_but_written": len(unacked_present),
            "rows_nobody_wrote": len(unknown), "lost_examples": lost[:5], "duplicated_examples": duplicated[:5]}
