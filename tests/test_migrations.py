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


def test_a_person_with_spells_at_two_councils_gets_a_record_at_each_and_back(fresh_database_url: str) -> None:
    """The tenancy migration: one shared worker becomes each council's own record, with that council's
    spells; downgrading merges them again."""
    import uuid
    from datetime import date, datetime

    from sqlalchemy import Boolean, Date, DateTime, Integer, String, Uuid, column, insert, table, text
    from sqlmodel import Session

    from services.common.reference import load_councils

    migrate.upgrade(fresh_database_url, "a5a7a1f71c05")
    engine = make_engine(fresh_database_url)
    now = datetime(2024, 1, 1)
    worker = table(
        "worker", column("id", Uuid), column("swe_number", String), column("birth_date", Date),
        column("version", Integer), column("created_at", DateTime), column("updated_at", DateTime),
    )  # fmt: skip
    employment = table(
        "employment", column("id", Uuid), column("worker_id", Uuid), column("council", String),
        column("agency", Boolean), column("start_date", Date), column("version", Integer),
        column("created_at", DateTime), column("updated_at", DateTime),
    )  # fmt: skip
    person, alone = uuid.uuid4(), uuid.uuid4()
    try:
        with Session(engine) as session:
            load_councils(session)
        with engine.begin() as connection:
            connection.execute(
                insert(worker),
                [
                    {"id": person, "swe_number": "SW1", "birth_date": date(1980, 1, 2), "version": 1,
                     "created_at": now, "updated_at": now},
                    {"id": alone, "swe_number": "SW2", "birth_date": None, "version": 1,
                     "created_at": now, "updated_at": now},
                ],
            )  # fmt: skip
            spells = [
                ("330", person, date(2020, 1, 6)),
                ("331", person, date(2023, 5, 1)),
                ("330", alone, date(2021, 3, 1)),
            ]
            connection.execute(
                insert(employment),
                [
                    {"id": uuid.uuid4(), "worker_id": worker_id, "council": council, "agency": False,
                     "start_date": start, "version": 1, "created_at": now, "updated_at": now}
                    for council, worker_id, start in spells
                ],
            )  # fmt: skip
        migrate.upgrade(fresh_database_url)
        with engine.connect() as connection:
            records = connection.execute(
                text(
                    "SELECT w.council, w.swe_number, w.birth_date, e.council FROM worker w "
                    "JOIN employment e ON e.worker_id = w.id ORDER BY w.swe_number, e.council"
                )
            ).all()
        assert [(council, swe, str(birth) if birth else None, spell) for council, swe, birth, spell in records] == [
            ("330", "SW1", "1980-01-02", "330"),
            ("331", "SW1", "1980-01-02", "331"),
            ("330", "SW2", None, "330"),
        ]
        migrate.downgrade(fresh_database_url, "a5a7a1f71c05")
        with engine.connect() as connection:
            people = connection.execute(text("SELECT swe_number, count(*) FROM worker GROUP BY swe_number")).all()
            spells_of_sw1 = connection.execute(
                text("SELECT count(*) FROM employment e JOIN worker w ON w.id = e.worker_id WHERE w.swe_number = 'SW1'")
            ).scalar_one()
        assert sorted(people) == [("SW1", 1), ("SW2", 1)]
        assert spells_of_sw1 == 2
    finally:
        engine.dispose()
