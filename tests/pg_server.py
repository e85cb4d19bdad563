"""A throw-away PostgreSQL server: initdb in a temporary folder, listening on a
loopback port, stopped and deleted at the end.

Uses Debian's `postgresql` package (installed by scripts/system-deps.sh), whose
programs live in /usr/lib/postgresql/<version>/bin. PostgreSQL refuses to run
as root, so under root the cluster belongs to an unprivileged user (`nobody`)
and its programs run through `runuser`. Used by the test suite's fixtures and
by bench/flask_load.py.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

USER = "flowc"  # the database superuser the cluster is made with (trust auth on loopback)
UNPRIVILEGED = "nobody"


class PostgresUnavailable(RuntimeError):
    pass


def find_program(name: str) -> str:
    """The newest Debian PostgreSQL's ``name``, or one on PATH."""

    def version(path: str) -> float:
        try:
            return float(Path(path).parts[-3])
        except ValueError:
            return 0.0

    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    if found:
        return found[-1]
    on_path = shutil.which(name)
    if on_path:
        return on_path
    raise PostgresUnavailable(
        f"PostgreSQL's {name} is not installed: run `make system-deps` (Debian's postgresql package)"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """``with PostgresServer() as pg: pg.create_database("x") -> URL``."""

    def __init__(self, *, fsync: bool = False):
        self.fsync = fsync
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="flowc-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            entry = pwd.getpwnam(UNPRIVILEGED)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            self.root.chmod(0o700)
            self.as_user = ["runuser", "-u", UNPRIVILEGED, "--"]
        self.started = False

    def _run(self, *argv: str, timeout: float = 120) -> None:
        result = subprocess.run(
            [*self.as_user, *argv], capture_output=True, text=True, timeout=timeout, cwd=self.root
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise PostgresUnavailable(f"{' '.join(argv)} failed:\n{result.stdout}{result.stderr}{log}")

    def start(self) -> PostgresServer:
        self._run(
            find_program("initdb"),
            "-D", str(self.data),
            "-U", USER,
            "--auth=trust",
            "-E", "UTF8",
            "--locale=C",
            "--no-sync",
        )  # fmt: skip
        options = [
            "-c listen_addresses=127.0.0.1",
            f"-c port={self.port}",
            f"-c unix_socket_directories={self.root}",
            "-c max_connections=200",
            f"-c fsync={'on' if self.fsync else 'off'}",
        ]
        if not self.fsync:
            options += ["-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(
            find_program("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
            "-o", " ".join(options), "start",
        )  # fmt: skip
        self.started = True
        return self

    def url(self, database: str = "postgres", driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://{USER}@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str, database: str = "postgres") -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(database, "postgresql"), autocommit=True) as conn:
            cur = conn.execute(sql)
            return cur.fetchall() if cur.description else []

    def create_database(self, name: str) -> str:
        self.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            if self.started:
                self._run(find_program("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
                self.started = False
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()


def wait_until(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
