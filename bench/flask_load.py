"""A bounded local load run of the generated Flask app under gunicorn.

Builds the flows of flows/ with `flowc build --target flask` into a temporary
directory, starts gunicorn on 127.0.0.1 (a free port) with the package's own
gunicorn_config.py, and sends requests signed with twilio's RequestValidator,
from a few client threads:

1. a step route (POST /ivr/start.xml), checking every answer byte for byte;
2. a branch step (POST /support/choice.xml with Digits), checking the step picked;
3. recording status callbacks (POST /recording-status), each RecordingSid
   once, then a share of them again (Twilio's retries), once per database:
   SQLite through sqlite3 (the default), SQLite through SQLAlchemy, and
   PostgreSQL (a throw-away server started for the run, fsync on, as
   tests/pg_server.py starts it).

It prints requests/s and latency percentiles per phase, and checks that
nothing was lost: stored rows == unique RecordingSids sent, and every
request answered 200/204. Every loop is bounded in count and in time; the
servers are stopped at the end. Only loopback is used.

    python bench/flask_load.py [--requests 2000] [--callbacks 1000] [--workers 2] [--threads 4]
                               [--database sqlite,sqlalchemy,postgresql]
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "b" * 32
HOST = "127.0.0.1"
DEADLINE_S = 120  # the whole run stops by then, whatever the counts


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def build(out: Path) -> None:
    command = [sys.executable, "-m", "flowc.cli", "build", "--target", "flask", str(ROOT / "flows")]
    subprocess.run([*command, "-o", str(out)], check=True, capture_output=True)


def start_server(directory: Path, port: int, workers: int, database_url: str, log: Path) -> subprocess.Popen:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("FLOWC_", "TWILIO_"))},
        "TWILIO_AUTH_TOKEN": TOKEN,
        "DATABASE_URL": database_url,
        "FLOWC_BIND": f"{HOST}:{port}",
        "FLOWC_WORKERS": str(workers),
    }
    config = directory / "voiceapp" / "gunicorn_config.py"
    with open(log, "ab") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(config)],
            cwd=directory,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,  # a file, not a pipe: the access lines never block the server
        )
    until = time.monotonic() + 30
    while time.monotonic() < until:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("gunicorn did not start within 30 s")


def warm_up(port: int, workers: int, stop_at: float) -> None:
    """Wait until every worker has booted and answers /healthz (their start-up, which
    imports the app and opens the database, is not part of the figures)."""
    healthy = 0
    while healthy < 10 * workers and time.monotonic() < stop_at:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            healthy = healthy + 1 if response.status == 200 else 0
        except OSError:
            healthy = 0
            time.sleep(0.1)
        finally:
            conn.close()
    time.sleep(1.0)  # the last worker to boot has finished opening the database


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def signed(path: str, params: dict[str, str], port: int) -> tuple[str, bytes, dict[str, str]]:
    url = f"http://{HOST}:{port}{path}"
    body = urlencode(params).encode()
    headers = {
        "X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(url, params),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return path, body, headers


def run_phase(port: int, requests: list, threads: int, stop_at: float):
    """Send the requests from `threads` threads; (latencies, answers, elapsed)."""
    latencies: list[float] = []
    answers: list[tuple[int, bytes, int]] = []  # (status, body, index)
    lock = threading.Lock()
    chunks = [list(enumerate(requests))[i::threads] for i in range(threads)]

    def worker(items):
        mine, got = [], []
        for index, (path, body, headers) in items:
            if time.monotonic() > stop_at:
                break
            conn = http.client.HTTPConnection(HOST, port, timeout=10)
            t0 = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                status = response.status
            except OSError:
                status, data = 0, b""
            mine.append(time.perf_counter() - t0)
            got.append((status, data, index))
            conn.close()
        with lock:
            latencies.extend(mine)
            answers.extend(got)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return latencies, answers, time.perf_counter() - started


def report(name: str, latencies: list[float], elapsed: float, sent: int, ok: int) -> None:
    ms = sorted(x * 1000 for x in latencies)
    p50 = statistics.median(ms) if ms else float("nan")
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))] if ms else float("nan")
    print(
        f"{name:<34} {len(ms):>6} requests  {len(ms) / elapsed:>8.1f} req/s  "
        f"p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  max {ms[-1] if ms else float('nan'):7.2f} ms  "
        f"ok {ok}/{sent}"
    )


DATABASES = ("sqlite", "sqlalchemy", "postgresql")


def callbacks_for(sids: list[str], replayed: list[str], port: int) -> list:
    return [
        signed(
            "/recording-status",
            {
                "AccountSid": "AC" + "0" * 32,
                "CallSid": "CA" + sid[2:],
                "RecordingSid": sid,
                "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/{sid}",
                "RecordingStatus": "completed",
                "RecordingDuration": "12",
                "RecordingChannels": "1",
                "RecordingSource": "RecordVerb",
            },
            port,
        )
        for sid in [*sids, *replayed]
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--requests", type=int, default=2000, help="requests to the step route (and to the branch)"
    )
    parser.add_argument("--callbacks", type=int, default=1000, help="unique recording callbacks")
    parser.add_argument("--replays", type=float, default=0.25, help="share of callbacks sent a second time")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument(
        "--database",
        default=",".join(DATABASES),
        help=f"the databases to store callbacks in, among {', '.join(DATABASES)} (comma-separated)",
    )
    args = parser.parse_args()
    chosen = [d.strip() for d in args.database.split(",") if d.strip()]
    unknown = sorted(set(chosen) - set(DATABASES))
    if unknown:
        parser.error(f"unknown database {unknown[0]!r}: choose among {', '.join(DATABASES)}")

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    from flowc.backends.twiml import render_step
    from flowc.project import load

    flows = {f.name: f for f in load([str(ROOT / "flows")]).flows}
    expected_start = render_step(flows["ivr"], flows["ivr"].step("start"))
    expected_billing = render_step(flows["support"], flows["support"].step("billing"))

    stop_at = time.monotonic() + DEADLINE_S * len(chosen)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="flowc-bench-") as tmp:
        tmp_path = Path(tmp)
        build(tmp_path / "voiceapp")
        print(
            f"gunicorn on {HOST}, {args.workers} sync workers (the package's gunicorn_config.py, "
            f"access lines at INFO to a file); {args.threads} client threads; "
            f"{os.cpu_count()} cores shared by server and client"
        )
        for n, database in enumerate(chosen):
            port = free_port()
            postgres = None
            if database == "postgresql":
                from pg_server import PostgresServer

                postgres = PostgresServer(fsync=True).start()
                url = postgres.create_database("bench")
            elif database == "sqlalchemy":
                url = f"sqlite+pysqlite:///{tmp_path / 'bench-sa.sqlite3'}"
            else:
                url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
            try:
                server = start_server(tmp_path, port, args.workers, url, tmp_path / f"server-{database}.log")
                try:
                    warm_up(port, args.workers, stop_at)
                    if n == 0:
                        step = [
                            signed("/ivr/start.xml", {"CallSid": f"CA{i:032d}"}, port)
                            for i in range(args.requests)
                        ]
                        lat, answers, elapsed = run_phase(port, step, args.threads, stop_at)
                        ok = sum(1 for status, body, _ in answers if status == 200 and body == expected_start)
                        report("step route /ivr/start.xml", lat, elapsed, len(step), ok)
                        failures += len(step) - ok

                        branch = [
                            signed("/support/choice.xml", {"Digits": "1"}, port) for _ in range(args.requests)
                        ]
                        lat, answers, elapsed = run_phase(port, branch, args.threads, stop_at)
                        ok = sum(
                            1 for status, body, _ in answers if status == 200 and body == expected_billing
                        )
                        report("branch step /support/choice.xml", lat, elapsed, len(branch), ok)
                        failures += len(branch) - ok

                        forged = [("/ivr/start.xml", b"CallSid=CA1", {"X-Twilio-Signature": "Zm9yZ2Vk"})] * 50
                        _, answers, _ = run_phase(port, forged, 2, stop_at)
                        refused = sum(1 for status, _, _ in answers if status == 403)
                        print(f"forged signatures refused: {refused}/{len(forged)}")
                        failures += len(forged) - refused

                    sids = [f"RE{n}{i:031x}" for i in range(args.callbacks)]
                    replayed = sids[: int(len(sids) * args.replays)]
                    callbacks = callbacks_for(sids, replayed, port)
                    lat, answers, elapsed = run_phase(port, callbacks, args.threads, stop_at)
                    ok = sum(1 for status, _, _ in answers if status == 204)
                    report(f"callbacks, {database}", lat, elapsed, len(callbacks), ok)
                    failures += len(callbacks) - ok
                finally:
                    stop_server(server)
                if postgres is not None:
                    rows, distinct = postgres.execute(
                        "SELECT COUNT(*), COUNT(DISTINCT recording_sid) FROM recordings", "bench"
                    )[0]
                else:
                    path = url.split(":///", 1)[1]
                    with sqlite3.connect(path) as conn:
                        rows, distinct = conn.execute(
                            "SELECT COUNT(*), COUNT(DISTINCT recording_sid) FROM recordings"
                        ).fetchone()
            finally:
                if postgres is not None:
                    postgres.stop()
            unique_sent = len(set(sids))
            print(
                f"  stored: {rows} rows ({distinct} distinct RecordingSid) for {unique_sent} unique "
                f"callbacks ({len(callbacks)} requests, {len(replayed)} replays): "
                f"{'nothing lost, nothing doubled' if rows == unique_sent == distinct else 'MISMATCH'}"
            )
            if not rows == unique_sent == distinct:
                failures += 1
    if time.monotonic() > stop_at:
        print(f"stopped at the {DEADLINE_S} s limit per database before sending everything")
        failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
