"""DfE extract benchmark: the census XML of all 14 member councils for one year, the region's retention
CSV, and the memory of one council's XML as the number of workers grows (the XML is written as a stream).

    .venv/bin/python bench/bench_extracts.py                      # a fresh SQLite file in a temp dir
    .venv/bin/python bench/bench_extracts.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

With a PostgreSQL URL it creates its own database there and drops it at the end.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from any directory

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

YEAR = 2025


class Sink(io.RawIOBase):
    """Counts what is written and keeps none of it."""

    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.size += len(data)
        return len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="futuresocial-bench-extracts-"))
    admin, name = None, None
    if args.database_url:
        base = make_url(args.database_url)
        name = f"futuresocial_bench_extracts_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{folder / 'bench.db'}"
    os.environ.update(FUTURESOCIAL_DATABASE_URL=url, FUTURESOCIAL_KEYS_DIR=str(folder / "keys"),
                      FUTURESOCIAL_SCHEDULER_ENABLED="false")  # fmt: skip
    try:
        run(url)
    finally:
        if admin is not None:
            from services.common.db import get_engine

            get_engine().dispose()
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def run(url: str) -> None:
    from fastapi.testclient import TestClient

    from futuresocial.demo_workforce import seed_demo_workforce
    from services.analytics.extracts import Period, produce
    from services.common import migrate
    from services.common.auth import Principal, Role
    from services.common.db import new_session
    from services.common.jwt import ensure_development_keys, issue_token
    from services.common.reference import ACADEMY_MEMBERS, load_councils
    from services.common.settings import get_settings
    from services.placements.app import app as placements_app
    from services.placements.census.exports import held_in_year
    from services.placements.census.fields import CensusReturn
    from services.placements.census.imports import import_census
    from services.placements.census.writers import write_census_xml
    from tests.placements.factory import person, xml_return

    ensure_development_keys(get_settings())
    migrate.upgrade(url)
    with new_session() as session:
        load_councils(session)
        print("loading the demo workforce (14 councils, 2017-2025) ...", flush=True)
        seed_demo_workforce(session)
    token = issue_token(subject="bench", role="service", scopes=["placements", "analytics"])
    placements = TestClient(placements_app, headers={"Authorization": f"Bearer {token}"})
    councils = sorted(ACADEMY_MEMBERS)

    def export(council: str) -> bytes:
        answer = placements.get("/v1/placements/exports/census.xml", params={"census_year": YEAR, "council": council})
        assert answer.status_code == 200
        return answer.content

    export(councils[0])  # warm up
    best_export, best_produce, records = float("inf"), float("inf"), 0
    for _ in range(3):
        started = time.perf_counter()
        sizes = [len(export(c)) for c in councils]
        best_export = min(best_export, time.perf_counter() - started)
        started = time.perf_counter()
        with new_session() as session:
            for council in councils:
                extract = produce(session, placements, kind="csww", period=Period.census(YEAR), council=council,
                                  trigger="manual", requested_by="bench")  # fmt: skip
                assert extract.status == "succeeded"
                session.commit()  # as the schedule does: stored, and the write lock let go
        best_produce = min(best_produce, time.perf_counter() - started)
    with new_session() as session:
        records = session.execute(
            text("SELECT count(*) FROM employment_year WHERE census_year = :y"), {"y": YEAR}
        ).scalar()
    print(f"\ncensus XML, 14 councils, census year {YEAR} ({records} records, {sum(sizes) / 1e6:.1f} MB), best of 3:")
    print(f"  export only (placements' streaming XML)      {best_export:6.2f} s   target < 5 s")
    print(f"  build + check + store (analytics extracts)   {best_produce:6.2f} s")

    # the region's retention summary, as the schedule produces it: census year N, the 12 months to its end, and
    # to the end of a month inside it (its retention that of year N-1, its workforce figures the 12 months to then)
    print("\nretention summary CSV (the region), each built, checked and stored, best of 3:")
    for period in (Period.census(YEAR), Period.month(f"{YEAR}-09"), Period.month(f"{YEAR}-03")):
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            with new_session() as session:
                extract = produce(session, placements, kind="retention", period=period, council=None,
                                  trigger="manual", requested_by="bench")  # fmt: skip
                assert extract.status == "succeeded"
                session.commit()
            best = min(best, time.perf_counter() - started)
        print(f"  period {period.key:<8} ({extract.size / 1e3:.1f} kB)                  {best:6.2f} s   target a few s")

    # memory as one council grows: Coventry's 2025 return replaced by synthetic returns of n workers
    principal = Principal(subject="bench", role=Role.academy_admin)
    print("\nmemory of one council's census XML as it grows (tracemalloc peak of placements' export path:")
    print("the records read in batches from the database and written as a stream to a discarding sink):")
    print(f"  {'workers':>8} {'XML size':>10} {'peak':>10}")
    for count in (1000, 4000, 16000):
        data = xml_return(YEAR, "331", [person(9_100_000_000 + n) for n in range(count)])
        with new_session() as session:
            arguments = {"data": data, "file_name": "big.xml", "kind": "xml", "census_year": YEAR, "council": "331"}
            # replacing every record held needs their number confirmed, as read from a dry run
            removed = import_census(session, principal, **arguments, dry_run=True).summary.year_records_removed
            outcome = import_census(session, principal, **arguments, dry_run=False, confirm_removals=removed)
            assert outcome.status in ("applied", "unchanged"), outcome.problems[:3]
            session.commit()
        del data
        with new_session() as session:
            sink = Sink()
            tracemalloc.start()
            held = held_in_year(session, "331", YEAR)
            write_census_xml(CensusReturn(YEAR, "331", None, held), sink, generated_at=datetime.now(UTC))
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        print(f"  {count:>8} {sink.size / 1e6:>8.1f} MB {peak / 1e6:>7.1f} MB")
    print(f"\n{datetime.now(UTC):%Y-%m-%d}, {os.cpu_count()} cores, database {make_url(url).get_backend_name()}")


if __name__ == "__main__":
    main()
