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


def test_extracts_made_before_supersession_are_marked_current_superseded_or_failed(fresh_database_url: str) -> None:
    """Upgraded: the newest succeeded extract of each kind, council and period stays current and supersedes the
    earlier ones; a census return stored as succeeded with no worker is failed. Downgraded: what was superseded
    reads as succeeded (or failed, by its errors) again."""
    import uuid
    from datetime import datetime

    from sqlalchemy import DateTime, Integer, LargeBinary, String, Text, Uuid, column, insert, select, table

    migrate.upgrade(fresh_database_url, "b7d41c0e9a2f")
    engine = make_engine(fresh_database_url)
    extract = table(
        "extract_run", column("id", Uuid), column("kind", String), column("period", String),
        column("census_year", Integer), column("council", String), column("status", String), column("errors", Text),
        column("file_name", String), column("media_type", String), column("size", Integer), column("sha256", String),
        column("content", LargeBinary), column("trigger", String), column("requested_by", String),
        column("created_at", DateTime), column("delivery_status", String), column("delivery_attempts", Integer),
    )  # fmt: skip
    worker = b"<Message><CSWWWorker><SWENo>SW0000000001</SWENo></CSWWWorker></Message>"
    rows = {  # name: kind, council, period, status, content, created
        "first": ("csww", "330", "2025", "succeeded", worker, datetime(2025, 10, 15, 6)),
        "rerun": ("csww", "330", "2025", "succeeded", worker, datetime(2025, 11, 2, 9)),
        "empty": ("csww", "331", "2026", "succeeded", b"<Message></Message>", datetime(2026, 10, 15, 6)),
        "summary": ("retention", None, "2026-08", "succeeded", b"period,level\n", datetime(2026, 9, 1, 6)),
    }
    ids = {name: uuid.uuid4() for name in rows}
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(extract),
                [
                    {"id": ids[name], "kind": kind, "period": period, "census_year": int(period[:4]),
                     "council": council, "status": status, "errors": None, "file_name": f"{name}.xml",
                     "media_type": "application/xml", "size": len(content), "sha256": "0" * 64,
                     "content": content, "trigger": "schedule", "requested_by": "scheduler",
                     "created_at": created, "delivery_status": "delivered", "delivery_attempts": 1}
                    for name, (kind, council, period, status, content, created) in rows.items()
                ],
            )  # fmt: skip
        migrate.upgrade(fresh_database_url)
        after = table(
            "extract_run", column("id", Uuid), column("status", String), column("superseded_by", Uuid),
            column("errors", Text),
        )  # fmt: skip
        with engine.connect() as connection:
            found = {row.id: row for row in connection.execute(select(after))}
        by_name = {name: found[extract_id] for name, extract_id in ids.items()}
        assert (by_name["first"].status, by_name["first"].superseded_by) == ("superseded", ids["rerun"])
        assert (by_name["rerun"].status, by_name["rerun"].superseded_by) == ("succeeded", None)
        assert (by_name["empty"].status, by_name["empty"].errors) == ("failed", "the return holds no worker")
        assert by_name["summary"].status == "succeeded"
        migrate.downgrade(fresh_database_url, "b7d41c0e9a2f")
        with engine.connect() as connection:
            statuses = dict(connection.execute(select(after.c.id, after.c.status)).all())
        assert {name: statuses[extract_id] for name, extract_id in ids.items()} == {
            "first": "succeeded", "rerun": "succeeded", "empty": "failed", "summary": "succeeded",
        }  # fmt: skip
    finally:
        engine.dispose()
