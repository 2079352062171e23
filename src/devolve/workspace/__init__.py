"""The workspace: assessments, assessors' scores, scenarios and plans kept in a database.

Part of the imperative shell, beside ``io``: SQLite in the user's data folder by default, or a
team's PostgreSQL server; schema changes are Alembic migrations applied when a workspace opens.
"""
