"""The retention measures' queries read each census record a bounded number of times on PostgreSQL, even
when the planner has no statistics for the records (a workforce just loaded, before any ANALYZE saw it:
`make run` on PostgreSQL took 3 to 4 minutes for one retention extract and the retention page ran past
the gateway's timeout, while the same queries took under a second with statistics).

The work is counted, not timed: EXPLAIN ANALYZE gives the rows every step of a plan produced, times
the number of times it ran. A plan that recomputes an aggregate for every row of another (a nested loop
over a subquery the planner took for one row) grows with the square of the workforce."""

import itertools
import json

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from services.analytics.workforce.matched import retention_counts, service_counts
from services.common.db import make_engine
from services.common.migrate import upgrade
from services.common.reference import ACADEMY_MEMBERS, load_councils
from services.placements.models import Employment, EmploymentYear, Worker
from tests.conftest import ON_POSTGRES, POSTGRES_BASE_URL
from tests.databases import scratch_postgres_database
from tests.placements.factory import census_records

COVENTRY, SOLIHULL = "331", "334"
ROWS_PER_RECORD = 40  # a plan linear in the records stays far below this; the quadratic ones went past 2,000


def _rows_produced(plan: dict) -> int:
    # A bitmap index scan counts the index entries of rows no longer there too (other tests' rolled-back
    # rows, until a vacuum): the bitmap heap scan above it counts the rows it found.
    own = 0 if plan["Node Type"] == "Bitmap Index Scan" else plan["Actual Rows"] * plan["Actual Loops"]
    return own + sum(_rows_produced(child) for child in plan.get("Plans", ()))


def _work_of(session, count) -> int:
    """Rows produced by every step of every query that `count` runs, as EXPLAIN ANALYZE measures them."""
    connection = session.connection()
    statements = []

    def capture(_connection, _cursor, statement, parameters, _context, _executemany):
        statements.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", capture)
    try:
        count()
    finally:
        event.remove(connection, "before_cursor_execute", capture)
    work = 0
    for statement, parameters in statements:
        explained = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters).scalar()
        plan = explained if isinstance(explained, list) else json.loads(explained)
        work += _rows_produced(plan[0]["Plan"])
    return work


def _records(session) -> int:
    return sum(
        session.execute(select(func.count()).select_from(table)).scalar()
        for table in (Worker, Employment, EmploymentYear)
    )


if ON_POSTGRES:  # EXPLAIN ANALYZE is PostgreSQL's; SQLite's nested loops never recompute a subquery

    @pytest.mark.parametrize(
        "measure",
        [
            lambda session, members: retention_counts(session, 2025, members),
            lambda session, members: service_counts(session, 2025, members),
        ],
        ids=["retention", "time_in_service"],
    )
    def test_retention_measures_read_each_record_a_bounded_number_of_times_without_planner_statistics(
        session, load, measure
    ):
        for council, seed in ((COVENTRY, 1), (SOLIHULL, 2)):
            for year in (2024, 2025):
                load(council, year, census_records(400, year, seed=seed))
        members = sorted(ACADEMY_MEMBERS)
        records = _records(session)

        work = _work_of(session, lambda: measure(session, members))

        assert work <= ROWS_PER_RECORD * records, f"{work:,} rows produced for {records:,} records"

    def test_the_demo_seed_leaves_postgresql_the_statistics_of_the_workforce_it_loaded(monkeypatch):
        """The seed's ANALYZE is committed: rolled back with the session, it had left PostgreSQL believing
        it knew the tables (autovacuum does not analyse them again) while knowing nothing of their columns."""
        from futuresocial import demo_workforce

        every_return = demo_workforce.demo_returns
        monkeypatch.setattr(demo_workforce, "demo_returns", lambda: itertools.islice(every_return(), 1))
        with scratch_postgres_database(POSTGRES_BASE_URL, f"{make_url(POSTGRES_BASE_URL).database}_seed") as url:
            upgrade(url)
            engine = make_engine(url)
            try:
                with Session(engine) as session:
                    load_councils(session)
                    demo_workforce.seed_demo_workforce(session)
                with engine.connect() as connection:
                    analysed = connection.execute(
                        text("SELECT DISTINCT tablename FROM pg_stats WHERE tablename IN ('worker', 'employment_year')")
                    ).scalars()
                    assert sorted(analysed) == ["employment_year", "worker"]
            finally:
                engine.dispose()
