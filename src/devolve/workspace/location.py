"""Where a workspace lives, and opening it: the database engine, brought up to date.

By default a SQLite file in the user's data folder (``platformdirs``), so every command works
with no flags; ``--workspace URL`` or ``DEVOLVE_WORKSPACE`` name another: a file path, a
``sqlite:///`` URL, or a team's PostgreSQL server (``postgresql://user@host/db``).
"""

from __future__ import annotations

import os
import sqlite3
import time
from importlib.resources import files
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

ENVIRONMENT = "DEVOLVE_WORKSPACE"
BUSY_SECONDS = 30
"""How long a write waits for another officer's write to the same SQLite file to finish."""


class WorkspaceError(Exception):
    """Something about the workspace a user can act on: the message says what and how."""


def default_location() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("devolve", appauthor=False)) / "workspace.sqlite"


def workspace_url(given: str | None = None) -> str:
    """The workspace to use: the one given, else ``DEVOLVE_WORKSPACE``, else the default file."""
    chosen = given or os.environ.get(ENVIRONMENT) or str(default_location())
    if "://" not in chosen:
        return "sqlite:///" + str(Path(chosen).expanduser().resolve())
    if chosen.startswith("postgresql://") or chosen.startswith("postgres://"):
        return "postgresql+psycopg://" + chosen.split("://", 1)[1]  # the driver devolve installs
    return chosen


def shown(url: str) -> str:
    """A workspace's URL as people may see it: a file's path, a server's URL as they would write
    it (without the driver devolve chose, or the password)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=True)


class NoWorkspace(WorkspaceError):
    pass


def engine_for(url: str, *, create: bool = True) -> Engine:
    """An engine on ``url``; a SQLite file (and its folder) is made if missing, unless ``create``
    is False (then a missing file is a :class:`NoWorkspace`: most likely a mistyped path).

    SQLite is set up so that every transaction really is one: SQLAlchemy emits BEGIN (IMMEDIATE
    for writes, so two writers queue instead of failing half-way), foreign keys are enforced
    and WAL lets officers read while another writes.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise WorkspaceError(f"'{url}' is not a workspace: give a file path, or a URL such as "
                             "postgresql://user@server/devolve") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            if not create and not Path(parsed.database).exists():
                raise NoWorkspace(f"there is no workspace at {parsed.database}: check the path, or make one there "
                                  "with devolve workspace init --workspace PATH")
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise WorkspaceError(f"the workspace folder {folder} cannot be made ({exc.strerror})") from exc
        engine = create_engine(parsed, poolclass=NullPool, connect_args={"timeout": BUSY_SECONDS})
        _sqlite_transactions(engine)
        return engine
    if backend == "postgresql":
        return create_engine(parsed, pool_pre_ping=True)
    raise WorkspaceError(f"devolve keeps workspaces in SQLite or PostgreSQL, not {backend}")


def _sqlite_transactions(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connected(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy, not the driver, begins transactions
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        _write_ahead(cursor)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        writing = connection.get_execution_options().get("writing", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def _write_ahead(cursor) -> None:
    """Turn on WAL, waiting for other openers: on a brand-new file the switch needs the file to
    itself and SQLite answers "locked" at once rather than through the busy timeout, so officers
    opening a new workspace together would otherwise fail."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def migration_config(connection: Connection):
    """Alembic's configuration for the migrations shipped in this package, on ``connection``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("devolve.workspace") / "migrations"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    config = migration_config(None)  # type: ignore[arg-type]
    return ScriptDirectory.from_config(config).get_current_head() or ""


def current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def bring_up_to_date(engine: Engine, target: str = "head") -> None:
    """Apply every migration the workspace lacks, in one transaction, one opener at a time.

    An up-to-date workspace is only read, so opening it never waits for another officer's write.
    """
    from alembic import command

    if target == "head":
        with engine.connect() as connection:
            if current_revision(connection) == head_revision():
                return
    with engine.connect().execution_options(writing=True) as connection:
        with connection.begin():
            if engine.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(2026112408)"))
            if target == "head" and current_revision(connection) == head_revision():
                return
            newer = current_revision(connection)
            if newer is not None and newer not in _known_revisions():
                raise WorkspaceError(
                    f"the workspace was made by a newer devolve (schema revision {newer}); upgrade devolve to open it")
            command.upgrade(migration_config(connection), target)


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(migration_config(None)).walk_revisions()}  # type: ignore[arg-type]
