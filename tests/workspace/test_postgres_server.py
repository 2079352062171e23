"""The throwaway PostgreSQL server of tests/postgres.py: it answers, and each test's database is
its own and starts empty."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, make_url, text


def run(url: str, statement: str):
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            return conn.execute(text(statement))
    finally:
        engine.dispose()


def tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return inspect(conn).get_table_names()
    finally:
        engine.dispose()


def test_the_server_is_postgresql(postgres_url):
    assert "PostgreSQL" in run(postgres_url, "select version()").scalar_one()


def test_each_database_is_distinct_and_empty(postgres_server, postgres_url):
    other = "another_" + make_url(postgres_url).database
    postgres_server.create_database(other)
    try:
        assert postgres_server.url(other) != postgres_url
        assert tables(postgres_url) == [] and tables(postgres_server.url(other)) == []
        run(postgres_url, "create table kept (id integer primary key)")
        assert tables(postgres_url) == ["kept"] and tables(postgres_server.url(other)) == []
    finally:
        postgres_server.drop_database(other)
