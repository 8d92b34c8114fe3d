"""The one Alembic history, on a fresh database of its own (SQLite, and PostgreSQL when configured):
upgrade, downgrade to base and upgrade again; the models match the migrations; one head."""

import pprint

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from futuresocial.schema import metadata
from services.common import migrate
from services.common.db import make_engine

FOUNDATION_TABLES = {"council", "audit_event", "api_client", "user_account"}


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_history_upgrades_downgrades_to_base_and_upgrades_again(fresh_database_url: str) -> None:
    assert _tables(fresh_database_url) == set(), "the fresh database is not empty"

    migrate.upgrade(fresh_database_url)
    first = _tables(fresh_database_url)
    missing = (FOUNDATION_TABLES | set(metadata.tables)) - first
    assert not missing, f"tables missing after the first upgrade: {sorted(missing)}"

    migrate.downgrade(fresh_database_url, "base")
    assert _tables(fresh_database_url) - {"alembic_version"} == set(), "downgrade to base left tables"

    migrate.upgrade(fresh_database_url)
    again = _tables(fresh_database_url)
    missing = (FOUNDATION_TABLES | set(metadata.tables)) - again
    assert not missing, f"tables missing after upgrading again: {sorted(missing)}"
    assert again == first


def test_the_models_match_the_migrations(fresh_database_url: str) -> None:
    migrate.upgrade(fresh_database_url)
    engine = make_engine(fresh_database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
            diff = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert diff == [], (
        "the models and the migrations differ; write a migration "
        "(alembic revision --autogenerate) for:\n" + pprint.pformat(diff)
    )


def test_the_migrations_form_one_history_with_one_head() -> None:
    scripts = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    heads = scripts.get_heads()
    assert len(heads) == 1, f"more than one head revision, merge them: {heads}"
    bases = scripts.get_bases()
    assert len(bases) == 1, f"more than one base revision: {bases}"
