"""The generated app's storage against a real PostgreSQL server, which the tests start
themselves (a throw-away cluster on a loopback port, see pg_server.py)."""

from __future__ import annotations

import itertools
import multiprocessing
import random
import sys
import threading
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask_helpers import (
    FLOWS,
    TOKEN,
    Server,
    app_builder,
    environment,
    flowc_build,
    free_port,
    load_package,
    post,
    request,
    signature,
)
from pg_server import PostgresServer, wait_until

RECORDING = {
    "AccountSid": "AC" + "1" * 32,
    "CallSid": "CA" + "2" * 32,
    "RecordingSid": "RE" + "3" * 32,
    "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE3",
    "RecordingStatus": "completed",
    "RecordingDuration": "14",
    "RecordingChannels": "1",
    "RecordingSource": "RecordVerb",
}
_databases = itertools.count()


@pytest.fixture(scope="module")
def postgres():
    with PostgresServer() as server:
        yield server


@pytest.fixture
def database(postgres):
    """A new, empty database on the server: its SQLAlchemy URL."""
    return postgres.create_database(f"voice_{next(_databases)}")


@pytest.fixture
def build_app(tmp_path):
    return app_builder(tmp_path)


def test_callbacks_are_stored_once_and_move_forward_on_postgresql(build_app, database, postgres):
    app, _, _ = build_app(config={"DATABASE_URL": database})
    store = app.extensions["flowc_store"]
    assert type(store).__name__ == "SqlAlchemyStore" and store.engine.dialect.name == "postgresql"
    client = app.test_client()
    early = {**RECORDING, "RecordingStatus": "in-progress", "RecordingDuration": ""}
    for params in (early, RECORDING, early, RECORDING):
        assert post(client, "/recording-status", params).status_code == 204
    transcription = {"TranscriptionSid": "TR1", "TranscriptionText": "Call me.", "RecordingSid": "RE1"}
    for _ in range(2):
        assert post(client, "/transcribed", transcription).status_code == 204
    rows = store.recordings()
    assert [(r["recording_sid"], r["status"], r["duration"], r["path"]) for r in rows] == [
        (RECORDING["RecordingSid"], "completed", 14, "/recording-status")
    ]
    assert [(t["transcription_sid"], t["text"], t["mailbox"]) for t in store.transcriptions()] == [
        ("TR1", "Call me.", "message")
    ]
    # Values past PostgreSQL's INTEGER are stored as missing, not an error.
    huge = {**RECORDING, "RecordingSid": "RE9", "RecordingDuration": "2147483648"}
    assert post(client, "/recording-status", huge).status_code == 204
    assert postgres.execute(
        "SELECT duration FROM recordings WHERE recording_sid = 'RE9'", database.rsplit("/", 1)[1]
    ) == [(None,)]
    result = app.test_cli_runner().invoke(args=["recordings"])
    assert "2 recordings" in result.output and "Call me." in result.output
    assert client.get("/healthz").status_code == 200


def test_healthz_says_when_postgresql_stops_answering(build_app, database, postgres):
    app, _, _ = build_app(config={"DATABASE_URL": database})
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    name = database.rsplit("/", 1)[1]
    postgres.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    postgres.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
    try:
        response = client.get("/healthz")
        assert (response.status_code, response.data) == (503, b"database unavailable\n")
    finally:
        postgres.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    assert wait_until(lambda: client.get("/healthz").status_code == 200)


def _worker(out: str, url: str, barrier, sids: list[str], seed: int, results) -> None:
    """A process like a gunicorn worker: opens the store when all start at once, then
    stores each callback with its statuses in a random order."""
    try:
        package = load_package(Path(out))
        barrier.wait(30)
        db = package.store.open_store(url, out, 1)
        model = package.models.RecordingStatusRequest
        rng = random.Random(seed)
        events = [(sid, status) for sid in sids for status in ("in-progress", "completed", "completed")]
        rng.shuffle(events)
        for sid, status in events:
            duration = "30" if status == "completed" else None
            req = model.from_params(
                {"RecordingSid": sid, "RecordingStatus": status, "RecordingDuration": duration}
            )
            db.save_recording(req, path="/recording-status", mailbox=None)
        results.put(("ok", seed))
    except BaseException as exc:  # reported to the test
        results.put(("error", repr(exc)))


def test_concurrent_workers_create_the_schema_and_store_each_callback_once(tmp_path, database, postgres):
    out = tmp_path / "voiceapp"
    assert flowc_build([FLOWS], out).exit_code == 0
    context = multiprocessing.get_context("fork")
    n = 6
    barrier = context.Barrier(n)
    results = context.Queue()
    sids = [f"RE{i:032x}" for i in range(100)]
    procs = [
        context.Process(target=_worker, args=(str(out), database, barrier, sids, seed, results))
        for seed in range(n)
    ]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
    assert sorted(outcomes) == [("ok", seed) for seed in range(n)]
    name = database.rsplit("/", 1)[1]
    rows = postgres.execute(
        "SELECT recording_sid, status, duration FROM recordings ORDER BY recording_sid", name
    )
    assert rows == [(sid, "completed", 30) for sid in sids]  # one row each, never moved back
    assert postgres.execute("SELECT version FROM flowc_schema", name) == [(1,)]


def test_a_database_of_another_schema_version_is_refused(build_app, database, postgres):
    build_app(config={"DATABASE_URL": database})
    postgres.execute("UPDATE flowc_schema SET version = 2", database.rsplit("/", 1)[1])
    with pytest.raises(RuntimeError, match="has schema version 2, and this app knows version 1"):
        build_app(config={"DATABASE_URL": database})


def test_gunicorn_workers_on_postgresql_lose_and_double_nothing(tmp_path, database, postgres):
    out = tmp_path / "voiceapp"
    assert flowc_build([FLOWS], out).exit_code == 0
    port = free_port()
    env = environment(
        TWILIO_AUTH_TOKEN=TOKEN,
        DATABASE_URL=database,
        FLOWC_BIND=f"127.0.0.1:{port}",
        FLOWC_WORKERS="3",
        FLOWC_LOG_LEVEL="WARNING",
    )
    server = Server(
        [sys.executable, "-m", "gunicorn", "--config", str(out / "gunicorn_config.py")],
        cwd=tmp_path,
        env=env,
        port=port,
    )
    try:
        sids = [f"RE{i:032x}" for i in range(120)]
        sends = [*sids, *sids[:40]]  # Twilio's retries
        random.Random(7).shuffle(sends)
        statuses = []
        lock = threading.Lock()

        def send(chunk):
            for sid in chunk:
                params = {"RecordingSid": sid, "RecordingStatus": "completed", "CallSid": "CA1"}
                headers = {
                    "X-Twilio-Signature": signature(f"http://127.0.0.1:{port}/recording-status", params),
                    "Content-Type": "application/x-www-form-urlencoded",
                }
                status = request(port, "POST", "/recording-status", urlencode(params).encode(), headers)[0]
                with lock:
                    statuses.append(status)

        threads = [threading.Thread(target=send, args=(sends[i::6],)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert statuses.count(204) == len(sends)
        assert request(port, "GET", "/healthz")[0] == 200
    finally:
        server.stop()
    name = database.rsplit("/", 1)[1]
    assert postgres.execute("SELECT COUNT(*), COUNT(DISTINCT recording_sid) FROM recordings", name) == [
        (len(sids), len(sids))
    ]
