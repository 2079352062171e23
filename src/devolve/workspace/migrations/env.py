"""Alembic's entry point: migrations run on the connection the workspace opened, never on a URL
from a config file, so a user's workspace is upgraded exactly where it is."""

from alembic import context

from devolve.workspace.tables import METADATA

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=METADATA, render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
