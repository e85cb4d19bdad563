"""A bounded local load run of the generated Flask app under gunicorn.

Builds the flows of flows/ with `flowc build --target flask` into a temporary
directory, starts gunicorn on 127.0.0.1 (a free port), and sends requests
signed with twilio's RequestValidator, from a few client threads:

1. a step route (POST /ivr/start.xml), checking every answer byte for byte;
2. a branch step (POST /support/choice.xml with Digits), checking the step picked;
3. recording status callbacks (POST /recording-status), each RecordingSid
   once, then a share of them again (Twilio's retries).

It prints requests/s and latency percentiles per phase, and checks that
nothing was lost: stored rows == unique RecordingSids sent, and every
request answered 200/204. Every loop is bounded in count and in time; the
server is stopped at the end. Only loopback is used.

    python bench/flask_load.py [--requests 2000] [--callbacks 1000] [--workers 2] [--threads 4]
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
    subprocess.run(
        [sys.executable, "-m", "flowc.cli", "build", "--target", "flask", str(ROOT / "flows"), "-o", str(out)],
        check=True,
        capture_output=True,
    )


def start_server(directory: Path, port: int, workers: int, db: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "DATABASE_URL": f"sqlite:///{db}",
    }
    env.pop("FLOWC_INSECURE_SKIP_SIGNATURE", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--chdir",
            str(directory),
            "--log-level",
            "warning",
            "voiceapp:create_app()",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    until = time.monotonic() + 30
    while time.monotonic() < until:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited: {proc.stderr.read().decode()}")
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("gunicorn did not start within 30 s")


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests to the step route (and to the branch)")
    parser.add_argument("--callbacks", type=int, default=1000, help="unique recording callbacks")
    parser.add_argument("--replays", type=float, default=0.25, help="share of callbacks sent a second time")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from flowc.backends.twiml import render_step
    from flowc.project import load

    flows = {f.name: f for f in load([str(ROOT / "flows")]).flows}
    expected_start = render_step(flows["ivr"], flows["ivr"].step("start"))
    expected_billing = render_step(flows["support"], flows["support"].step("billing"))

    stop_at = time.monotonic() + DEADLINE_S
    failures = 0
    with tempfile.TemporaryDirectory(prefix="flowc-bench-") as tmp:
        tmp_path = Path(tmp)
        build(tmp_path / "voiceapp")
        port = free_port()
        db = tmp_path / "bench.sqlite3"
        server = start_server(tmp_path, port, args.workers, db)
        try:
            print(
                f"gunicorn on {HOST}:{port}, {args.workers} sync workers; {args.threads} client threads; "
                f"{os.cpu_count()} cores shared by server and client"
            )
            step = [signed("/ivr/start.xml", {"CallSid": f"CA{i:032d}"}, port) for i in range(args.requests)]
            lat, answers, elapsed = run_phase(port, step, args.threads, stop_at)
            ok = sum(1 for status, body, _ in answers if status == 200 and body == expected_start)
            report("step route /ivr/start.xml", lat, elapsed, len(step), ok)
            failures += len(step) - ok

            branch = [signed("/support/choice.xml", {"Digits": "1"}, port) for _ in range(args.requests)]
            lat, answers, elapsed = run_phase(port, branch, args.threads, stop_at)
            ok = sum(1 for status, body, _ in answers if status == 200 and body == expected_billing)
            report("branch step /support/choice.xml", lat, elapsed, len(branch), ok)
            failures += len(branch) - ok

            sids = [f"RE{i:032x}" for i in range(args.callbacks)]
            replayed = sids[: int(len(sids) * args.replays)]
            callbacks = [
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
            lat, answers, elapsed = run_phase(port, callbacks, args.threads, stop_at)
            ok = sum(1 for status, _, _ in answers if status == 204)
            report("recording callback /recording-status", lat, elapsed, len(callbacks), ok)
            failures += len(callbacks) - ok

            forged = [("/ivr/start.xml", b"CallSid=CA1", {"X-Twilio-Signature": "Zm9yZ2Vk"})] * 50
            _, answers, _ = run_phase(port, forged, 2, stop_at)
            refused = sum(1 for status, _, _ in answers if status == 403)
            print(f"forged signatures refused: {refused}/{len(forged)}")
            failures += len(forged) - refused
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        with sqlite3.connect(db) as conn:
            rows = conn.execute("SELECT COUNT(*) FROM recordings").fetchone()[0]
            distinct = conn.execute("SELECT COUNT(DISTINCT recording_sid) FROM recordings").fetchone()[0]
    unique_sent = len(set(sids))
    print(
        f"recordings stored: {rows} rows ({distinct} distinct RecordingSid) for {unique_sent} unique callbacks "
        f"sent ({len(callbacks)} requests with {len(replayed)} replays): "
        f"{'nothing lost, nothing doubled' if rows == unique_sent == distinct else 'MISMATCH'}"
    )
    if rows != unique_sent:
        failures += 1
    if time.monotonic() > stop_at:
        print(f"stopped at the {DEADLINE_S} s limit before sending everything")
        failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
