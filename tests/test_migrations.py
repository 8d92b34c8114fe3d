"""The one Alembic history, on a fresh database of its own (SQLite, and PostgreSQL when configured):
upgrade, downgrade to base and upgrade again; the models match the migrations; one head."""

import os
import pprint
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from futuresocial.schema import metadata
from services.common import migrate
from services.common.db import make_engine

FOUNDATION_TABLES = {"council", "audit_event", "api_client", "user_account"}
POSTGRES_BASE_URL = os.environ.get("FUTURESOCIAL_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_BASE_URL else [])


@pytest.fixture(params=BACKENDS)
def fresh_database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A database nobody else uses, empty at the start and thrown away at the end."""
    if request.param == "sqlite":
        with tempfile.TemporaryDirectory(prefix="futuresocial-migrations-") as folder:
            yield f"sqlite:///{Path(folder) / 'fresh.db'}"
        return
    base = make_url(POSTGRES_BASE_URL)
    name = f"{base.database}_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_BASE_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
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
