"""Alembic environment: migrates the connection the app hands over, or the configured database."""

from alembic import context

from advocacy import (
    create_app,
    models,  # noqa: F401  (registers every table on the metadata)
)
from advocacy.extensions import db

config = context.config
connection = config.attributes.get("connection")


def run(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=db.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    with create_app().app_context(), db.engine.begin() as own_connection:
        run(own_connection)
