"""The schema is made and changed only by the migrations, on both databases, keeping what is there."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from devolve.workspace import tables as t
from devolve.workspace.location import (
    WorkspaceError,
    bring_up_to_date,
    current_revision,
    engine_for,
    head_revision,
    migration_config,
)
from devolve.workspace.store import Workspace

PREVIOUS = "0001"
"""The schema before plans were kept."""


def differences_from_the_tables(engine) -> list:
    with engine.connect() as c:
        return compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}), t.METADATA)


def test_an_empty_database_is_brought_to_the_newest_schema_on_open(workspace_url):
    with Workspace(workspace_url) as workspace:
        with workspace.engine.connect() as c:
            assert current_revision(c) == head_revision() == "0002"
        assert differences_from_the_tables(workspace.engine) == []


def test_the_migrations_build_exactly_the_tables_the_code_uses(workspace_url):
    """A table or column changed in tables.py without a migration fails here."""
    engine = engine_for(workspace_url)
    bring_up_to_date(engine)
    assert differences_from_the_tables(engine) == []
    names = set(inspect(engine).get_table_names())
    assert {table.name for table in t.METADATA.sorted_tables} <= names
    engine.dispose()


def test_a_workspace_from_the_previous_schema_keeps_its_assessments(workspace_url, sample):
    engine = engine_for(workspace_url)
    bring_up_to_date(engine, PREVIOUS)
    with engine.connect() as c:
        assert current_revision(c) == PREVIOUS
        assert "plans" not in inspect(c).get_table_names()
    # what an older devolve wrote, through the tables it had
    with Workspace.__new__(Workspace) as older:
        older.url, older.engine, older._rubrics = workspace_url, engine, {}
        older.import_assessment(sample, "Calderbridge draft", by="KH")
    with Workspace(workspace_url) as newer:  # opening upgrades
        assert newer.open("Calderbridge draft").assessment == sample
        with newer.engine.connect() as c:
            assert current_revision(c) == head_revision()
            assert c.scalar(select(t.changes.c.action)) == "imported"
    engine.dispose()


def test_the_newest_migration_can_be_undone(workspace_url):
    engine = engine_for(workspace_url)
    bring_up_to_date(engine)
    with engine.begin() as c:
        command.downgrade(migration_config(c), PREVIOUS)
    with engine.connect() as c:
        assert current_revision(c) == PREVIOUS
        assert "plans" not in inspect(c).get_table_names()
    engine.dispose()


def test_a_workspace_from_a_newer_devolve_is_refused_in_words(workspace_url):
    engine = engine_for(workspace_url)
    bring_up_to_date(engine)
    with engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(WorkspaceError, match="made by a newer devolve .*9999.*upgrade devolve"):
        Workspace(workspace_url)


def test_two_openers_of_a_new_workspace_at_once_both_succeed(workspace_url):
    import threading

    failures: list[BaseException] = []

    def opener() -> None:
        try:
            Workspace(workspace_url).close()
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures
