"""A throwaway PostgreSQL server for the tests, started by the tests themselves.

SQLite cannot stand in for a team's PostgreSQL (types, locking, transactional DDL), so the
workspace's PostgreSQL tests run against a real server: one cluster per test session, from
Debian's `postgresql` package, in its own temporary directory on a free port, so two test runs
at once never meet. Each test that asks for `postgres_url` gets a fresh, empty database.

Without PostgreSQL the tests are skipped, saying why, unless DEVOLVE_REQUIRE_POSTGRES=1 (as CI
sets), where a skip would hide that they never ran: then they fail.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

MISSING = ("PostgreSQL is not installed (Debian package postgresql); the workspace's PostgreSQL tests "
           "need it: apt-get install postgresql")
REQUIRE = "DEVOLVE_REQUIRE_POSTGRES"
OS_USER = "postgres"
"""Who runs the server when the tests run as root: initdb and postgres refuse to run as root."""


@dataclass(frozen=True)
class PostgresServer:
    """A running server: trust authentication for `user`, on `host`:`port`."""

    port: int
    host: str = "127.0.0.1"
    user: str = "devolve"

    def url(self, database: str = "devolve") -> str:
        """A SQLAlchemy URL for one of the server's databases."""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def create_database(self, name: str) -> None:
        self._admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop_database(self, name: str) -> None:
        """Drop a database, ending any connection a test left open to it (PostgreSQL 13+)."""
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def _admin(self, statement: sql.Composable) -> None:
        # CREATE/DROP DATABASE cannot run inside a transaction, hence autocommit.
        with psycopg.connect(host=self.host, port=self.port, user=self.user, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(statement)


def find_bin() -> Path | None:
    """The bin directory of the newest PostgreSQL under Debian's /usr/lib/postgresql/<version>/,
    else of an initdb on PATH (other systems), else None."""
    def version(bin_dir: Path) -> tuple[int, ...]:
        return tuple(int(p) for p in bin_dir.parent.name.split(".") if p.isdigit())

    found = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")]
    if found:
        return max(found, key=version)
    on_path = shutil.which("initdb")
    return Path(on_path).resolve().parent if on_path else None


def free_port() -> int:
    """A TCP port nobody is listening on just now (the kernel picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else "(no log)"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL cluster for the session, removed with its files afterwards."""
    bin_dir = find_bin()
    if bin_dir is None:
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(MISSING, pytrace=False)
        pytest.skip(MISSING)
    as_root = os.geteuid() == 0
    if as_root and not has_user(OS_USER):
        pytest.fail(f"the tests run as root, which PostgreSQL refuses, and there is no {OS_USER!r} user "
                    "to run it as", pytrace=False)
    prefix = ["runuser", "-u", OS_USER, "--"] if as_root else []
    root = Path(tempfile.mkdtemp(prefix="devolve-pg-"))  # 0700, so as root: chowned to OS_USER below
    data, sockets, log = root / "data", root / "sockets", root / "postgres.log"

    def run(*args: object, timeout: float) -> subprocess.CompletedProcess:
        # cwd is ours: as the postgres user, root's working directory may be unreadable
        return subprocess.run([*prefix, *map(str, args)], cwd=root, capture_output=True, text=True,
                              timeout=timeout)

    try:
        sockets.mkdir()
        if as_root:
            for path in (root, sockets):
                shutil.chown(path, OS_USER, OS_USER)
        # fsync=off and --no-sync: a crash could corrupt this cluster, which is thrown away anyway;
        # they spare the disk flushes.
        done = run(bin_dir / "initdb", "--auth=trust", "--username=devolve", "--encoding=UTF8", "--locale=C",
                   "--no-sync", "-D", data, timeout=120)
        if done.returncode != 0:
            pytest.fail(f"initdb failed:\n{done.stdout}\n{done.stderr}", pytrace=False)
        # The free port may be taken by someone else before the server binds it: then try another.
        for _ in range(3):
            port = free_port()
            options = (f"-p {port} -k {shlex.quote(str(sockets))} -c listen_addresses=127.0.0.1 "
                       "-c fsync=off")
            done = run(bin_dir / "pg_ctl", "-w", "-t", "60", "-D", data, "-l", log, "-o", options, "start",
                       timeout=90)
            if done.returncode == 0 or "already in use" not in tail(log, 5):
                break
        if done.returncode != 0:
            pytest.fail(f"PostgreSQL did not start:\n{done.stdout}{done.stderr}\nthe end of its log:\n{tail(log)}",
                        pytrace=False)
        server = PostgresServer(port)
        server.create_database("devolve")
        yield server
    finally:
        if (data / "postmaster.pid").exists():  # also a server still starting when pg_ctl gave up
            run(bin_dir / "pg_ctl", "-w", "-D", data, "stop", "-m", "immediate", timeout=60)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture()
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A SQLAlchemy URL to a fresh, empty database of this test's own, dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    postgres_server.create_database(name)
    try:
        yield postgres_server.url(name)
    finally:
        postgres_server.drop_database(name)
