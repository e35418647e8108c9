from alembic import context

from server.db import make_engine
from server.models import metadata

config = context.config


def run_migrations_online() -> None:
    url = config.attributes["database_url"]
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `aftercare db upgrade`")
run_migrations_online()
