"""Analytics benchmark: the workforce endpoint over a national-size workforce, at 1x, 2x and 4x.

    .venv/bin/python bench/bench_analytics.py                      # SQLite files in a temp dir
    .venv/bin/python bench/bench_analytics.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/bench_analytics.py --scale 1            # one scale only

Every English council at its published size (inpost_headcount per council and year, from the DfE
data set shipped as reference data) for the nine census years 2017 to 2025: about 40,000 people in
post a year and 460,000 yearly census records at 1x. Leavers, starters and agency workers follow the
published figures too, and about a fifth of each year's starters move from another council of the
same region. The records are generated deterministically (seeded) and bulk-inserted straight into
placements' tables with SQLAlchemy core (a benchmark fixture, not product code: the product loads
them through the census import).

Measured, per scale: the bare SQL (workforce/totals.py council_totals) in-process, and the endpoint
GET /v1/analytics/workforce over real HTTP from a uvicorn process, for one year (all councils) and
for the 2017 to 2025 series; then the regional endpoints (retention, movements) and the planning ones (rankings,
retention curves, projections); medians of several runs after a warm-up. With a PostgreSQL URL the
benchmark connects to that database only to create (and finally drop) its own, one per scale.
`--index` also measures with an index on employment_year (census_year, council) created by hand;
`--without-statistics` measures a PostgreSQL database whose planner knows nothing of the columns.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # runnable from any directory
_RUN_DIR = Path(tempfile.mkdtemp(prefix="futuresocial-bench-analytics-"))
os.environ["FUTURESOCIAL_KEYS_DIR"] = str(_RUN_DIR / "keys")  # before any setting is read

import httpx  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import Session  # noqa: E402

from services.analytics.workforce.totals import council_totals  # noqa: E402
from services.common.db import make_engine  # noqa: E402
from services.common.jwt import ensure_development_keys, issue_token  # noqa: E402
from services.common.migrate import upgrade  # noqa: E402
from services.common.reference import load_councils, published_rows  # noqa: E402
from services.common.settings import get_settings  # noqa: E402
from services.placements.models import (  # noqa: E402
    CouncilVacancy,
    Employment,
    EmploymentYear,
    ImportBatch,
    Worker,
)
from tests.databases import scratch_postgres_database  # noqa: E402

YEARS = range(2017, 2026)
SEED = 20261122
BATCH = 20_000
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
INDEX = "ix_bench_employment_year_census_year_council"
RUNS = 7

# --- The national workforce ---------------------------------------------------------------------


def first_day(year: int) -> date:
    return date(year - 1, 10, 1)


def reference_day(year: int) -> date:
    return date(year, 9, 30)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None  # x, z, u, c, low or empty: not published


@dataclass
class Target:
    """What one council's return held in one year, as published (scaled), or filled in where not."""

    in_post: int
    leavers: int
    agency: int
    vacancies: Decimal


def published_targets(scale: int) -> dict[str, dict[str, dict[int, Target]]]:
    """region -> council -> year -> target, for every council the DfE published. A combined row
    ("940 / 941") is shared evenly; a year without a published headcount takes the nearest year's."""
    raw: dict[str, dict[str, dict[int, tuple]]] = defaultdict(lambda: defaultdict(dict))
    for row in published_rows():
        if row["geographic_level"] != "Local authority":
            continue
        codes = [code.strip() for code in row["old_la_code"].split("/")]
        share = 1 / len(codes)
        figures = tuple(
            None if (value := _number(row[name])) is None else value * share
            for name in ("inpost_headcount", "leavers_headcount", "agency_headcount", "vacancy_fte")
        )
        for code in codes:
            raw[row["region_code"]][code][int(row["time_period"])] = figures
    targets: dict[str, dict[str, dict[int, Target]]] = defaultdict(dict)
    for region, councils in raw.items():
        for code, by_year in councils.items():
            known = {year: f for year, f in by_year.items() if f[0]}
            if not known:
                continue
            targets[region][code] = {}
            for year in YEARS:
                nearest = min(known, key=lambda y: (abs(y - year), y))
                in_post, leavers, agency, vacancies = by_year.get(year) or known[nearest]
                in_post = in_post or known[nearest][0]
                targets[region][code][year] = Target(
                    in_post=max(1, round(in_post * scale)),
                    leavers=round((leavers if leavers is not None else 0.14 * in_post) * scale),
                    agency=round((agency if agency is not None else 0.15 * in_post) * scale),
                    vacancies=Decimal(str(round((vacancies if vacancies is not None else 0.16 * in_post) * scale, 2))),
                )
    return targets


@dataclass
class Spell:
    id: uuid.UUID
    worker: int
    council: str
    start: date
    agency: bool
    fte: Decimal
    end: date | None = None
    destination: int | None = None


class Workforce:
    """Spells for every council and year: people stay, leave (some to another council of the
    region within weeks), start; agency workers come and go. Year records are derived from them."""

    def __init__(self, scale: int, seed: int = SEED):
        self.rng = random.Random(seed)
        self.targets = published_targets(scale)
        self.spells: list[Spell] = []
        self.workers = 0

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def fte(self) -> Decimal:
        pick = self.rng.random()
        if pick < 0.75:
            return Decimal(1)
        if pick < 0.9:
            return self.rng.choice((Decimal("0.8"), Decimal("0.6"), Decimal("0.5")))
        return Decimal(self.rng.randint(300_000, 999_999)).scaleb(-6)

    def spell(self, council: str, start: date, agency: bool = False, worker: int | None = None) -> Spell:
        if worker is None:
            self.workers += 1
            worker = self.workers
        spell = Spell(self.uuid(), worker, council, start, agency, self.fte())
        self.spells.append(spell)
        return spell

    def build(self) -> None:
        rng = self.rng
        stock: dict[str, list[Spell]] = {}
        agency: dict[str, list[Spell]] = {}
        first_year = YEARS[0]
        for councils in self.targets.values():
            for code, by_year in councils.items():
                stock[code] = [
                    self.spell(code, self.day(date(1995, 1, 1), first_day(first_year) - timedelta(days=1)))
                    for _ in range(by_year[first_year].in_post)
                ]
                agency[code] = []
        for year in YEARS:
            first, last = first_day(year), reference_day(year)
            for councils in self.targets.values():
                movers: list[Spell] = []
                for code, by_year in councils.items():  # leavers first: some start elsewhere in the region
                    target, people = by_year[year], stock[code]
                    rng.shuffle(people)
                    leaving = min(len(people), target.leavers, max(0, len(people) - 1))
                    for spell in people[:leaving]:
                        spell.end = self.day(first, last)
                        moving = rng.random() < 0.2 and spell.end < last - timedelta(days=60)
                        spell.destination = 1 if moving else rng.choice((2, 3, 4, 5, 6, 6, 8))
                        if moving:
                            movers.append(spell)
                    stock[code] = people[leaving:]
                rng.shuffle(movers)
                for code, by_year in councils.items():
                    target, people = by_year[year], stock[code]
                    for _ in range(max(0, target.in_post - len(people))):
                        mover = movers.pop() if movers and rng.random() < 0.2 else None
                        if mover is not None and mover.council != code:
                            start = min(last, mover.end + timedelta(days=rng.randint(7, 90)))
                            people.append(self.spell(code, start, worker=mover.worker))
                        else:
                            people.append(self.spell(code, self.day(first, last)))
                    for _ in range(round(0.05 * target.leavers)):  # started and left within the year
                        start = self.day(first, last - timedelta(days=40))
                        left = self.spell(code, start)
                        left.end, left.destination = self.day(start + timedelta(days=7), last), 8
                    kept, gone = [], []
                    for spell in agency[code]:  # about 70% of agency workers stay another year
                        (kept if rng.random() < 0.7 and len(kept) < target.agency else gone).append(spell)
                    for spell in gone:
                        spell.end = self.day(first, last)
                    while len(kept) < target.agency:
                        kept.append(self.spell(code, self.day(first - timedelta(days=400), last), agency=True))
                    agency[code] = kept

    def year_rows(self, year: int) -> Iterator[dict]:
        """What census year N's returns hold: everyone employed at any time in the year (leavers with
        their end date), and agency workers in post on 30 September. Council by council, as the
        census import stores one council's return at a time."""
        rng, first, last = self.rng, first_day(year), reference_day(year)
        for spell in sorted(self.spells, key=lambda spell: spell.council):  # stable: spells keep their order
            if spell.start > last:
                continue
            if spell.agency:
                if spell.end is not None and spell.end <= last:
                    continue
            elif spell.end is not None and spell.end < first:
                continue
            left = spell.end if spell.end is not None and spell.end <= last else None
            cases = rng.randint(5, 25) if left is None and rng.random() < 0.6 else 0
            yield {
                "id": self.uuid(), "employment_id": spell.id, "council": spell.council, "census_year": year,
                "agency": spell.agency, "org_role": 5 if cases else rng.choice((1, 2, 3, 4, 6)),
                "end_date": left, "fte": spell.fte, "fte30": None if left else spell.fte,
                "cases30": None if left else cases,
                "working_days_lost": None if spell.agency or left or rng.random() < 0.6
                else Decimal(rng.randint(0, 4000)).scaleb(-2),
                "contract_weeks": Decimal(rng.randint(12, 52)) if spell.agency else None,
                "absent_30_sept": None, "reason_absence": None, "kss_status": None, "source": "import",
            }  # fmt: skip


def _batches(rows: Iterator[dict], size: int = BATCH) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def load_workforce(engine: Engine, workforce: Workforce) -> dict[str, int]:
    """Bulk-insert the workforce into placements' tables, in large executemany batches."""
    stamp = {"version": 1, "created_at": NOW, "updated_at": NOW}
    # Each council keeps its own record of a person (placements' tenancy): one row per person and council.
    record_ids = {(s.worker, s.council): None for s in workforce.spells}
    record_ids = {key: workforce.uuid() for key in record_ids}
    counts = {"worker": len(record_ids), "employment": len(workforce.spells), "employment_year": 0}
    with engine.begin() as connection:
        workers = (
            {"id": record_id, "council": council, "swe_number": f"SW{7_000_000_000 + person}", **stamp}
            for (person, council), record_id in record_ids.items()
        )
        for batch in _batches(workers):
            connection.execute(insert(Worker.__table__), batch)
        spells = (
            {
                "id": s.id,
                "worker_id": record_ids[(s.worker, s.council)],
                "council": s.council,
                "agency": s.agency,
                "org_role": 5,
                "start_date": s.start,
                "start_origin": None,
                "end_date": s.end,
                "leaver_destination": s.destination,
                "reason_leave": 1 if s.end else None,
                **stamp,
            }  # fmt: skip
            for s in workforce.spells
        )
        for batch in _batches(spells):
            connection.execute(insert(Employment.__table__), batch)
        for year in YEARS:
            for batch in _batches(workforce.year_rows(year)):
                connection.execute(insert(EmploymentYear.__table__), batch)
                counts["employment_year"] += len(batch)
        blocks, batches = [], []
        for councils in workforce.targets.values():
            for code, by_year in councils.items():
                for year in YEARS:
                    target = by_year[year]
                    cover = (Decimal(target.agency) * Decimal("0.7")).quantize(Decimal("0.01"))
                    blocks.append({
                        "id": workforce.uuid(), "council": code, "census_year": year,
                        "number_of_vacancies": target.vacancies, "agency_fte_covering": cover,
                        "agency_headcount": round(target.agency * 0.7),
                    })  # fmt: skip
                    batches.append({
                        "id": workforce.uuid(), "council": code, "census_year": year,
                        "file_name": f"bench-{code}-{year}.xml", "file_kind": "xml", "file_sha256": "0" * 64,
                        "record_count": 0, "dry_run": False, "status": "applied", "summary": "{}",
                        "problems": "[]", "principal": "bench", "created_at": NOW,
                    })  # fmt: skip
        connection.execute(insert(CouncilVacancy.__table__), blocks)
        connection.execute(insert(ImportBatch.__table__), batches)
    return counts


# --- Databases ----------------------------------------------------------------------------------


@contextmanager
def database(base_url: str | None, scale: int) -> Iterator[str]:
    """A fresh, migrated database for one scale: a SQLite file, or a PostgreSQL database of our own."""
    if base_url is None or base_url.startswith("sqlite"):
        path = _RUN_DIR / f"analytics-{scale}x.db"
        yield f"sqlite:///{path}"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    # Named by this run (pid and a random part): two runs at once never create, use or drop each other's.
    with scratch_postgres_database(base_url, f"fs_bench_analytics_{scale}x") as url:
        yield url


def analyse(engine: Engine, statistics: bool = True) -> None:
    """Planner statistics, as a database that has been in use for a while has them; or, without them, as
    `futuresocial seed --demo` used to leave PostgreSQL: the tables' sizes known (ANALYZE sets them in
    place) and nothing of their columns (the rest of the ANALYZE rolled back), so autovacuum does not
    analyse them again either."""
    if not statistics:
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:
                connection.execute(text("ANALYZE"))
                connection.rollback()
        return
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def create_candidate_index(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text(f"CREATE INDEX {INDEX} ON employment_year (census_year, council)"))
    analyse(engine)


# --- Timing -------------------------------------------------------------------------------------


def timed(action: Callable[[], object], runs: int = RUNS) -> tuple[float, float, float]:
    """(median, fastest, slowest) wall time in ms of `runs` runs after one warm-up run."""
    action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times), max(times)


def listening_socket() -> socket.socket:
    """A socket already bound to a port the kernel chose and listening: handed to uvicorn (--fd), so no
    other process can take the port between choosing it and serving on it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


@contextmanager
def analytics_server(database_url: str) -> Iterator[str]:
    """The analytics app in its own uvicorn process, as it runs in production (one worker)."""
    listener = listening_socket()
    port = listener.getsockname()[1]
    env = os.environ | {
        "FUTURESOCIAL_DATABASE_URL": database_url,
        "FUTURESOCIAL_LOG_LEVEL": "WARNING",
        "FUTURESOCIAL_API_RATE_LIMIT": "1000000/minute",
        "FUTURESOCIAL_SCHEDULER_ENABLED": "false",  # the DfE extract scheduler has nothing to do here
    }
    command = [sys.executable, "-m", "uvicorn", "services.analytics.app:app", "--fd", str(listener.fileno()),
               "--log-level", "warning", "--no-access-log"]  # fmt: skip
    with listener:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, pass_fds=(listener.fileno(),))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the analytics server did not start")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def measure(database_url: str, engine: Engine, label: str) -> list[tuple[str, tuple, tuple]]:
    token = issue_token(subject="bench", role="dfe", scopes=["analytics"])
    headers = {"Authorization": f"Bearer {token}"}
    cases = [
        ("one year, all councils", [2025], {"census_year": 2025}),
        ("series 2017-2025", list(YEARS), {"from_census_year": 2017, "to_census_year": 2025}),
    ]
    results = []
    with (
        analytics_server(database_url) as base,
        httpx.Client(base_url=base, headers=headers, timeout=120) as client,
    ):

        def endpoint(params):
            answer = client.get("/v1/analytics/workforce", params=params)
            assert answer.status_code == 200, answer.text
            return answer

        for name, years, params in cases:
            with Session(engine) as session:
                sql = timed(lambda years=years, session=session: council_totals(session, years))
            http = timed(lambda params=params: endpoint(params))
            areas = len(endpoint(params).json()["areas"])
            results.append((f"{name} ({areas} areas){label}", sql, http))
        as_of = timed(lambda: endpoint({"as_of": "2025-03-31"}))
        results.append((f"as_of 2025-03-31 (12 months to a date){label}", None, as_of))
        for path in ("retention", "movements"):  # the region's matched view: the 14 West Midlands councils

            def regional(path=path):
                answer = client.get(f"/v1/analytics/{path}", params={"census_year": 2025})
                assert answer.status_code == 200, answer.text

            results.append((f"/{path} 2025 (West Midlands){label}", None, timed(regional)))
        for name, path, params in PLANNING:

            def planning(path=path, params=params):
                answer = client.get(f"/v1/analytics/{path}", params=params)
                assert answer.status_code == 200, answer.text

            results.append((f"{name}{label}", None, timed(planning)))
    return results


# Workforce planning and national benchmarking (issue 15): rankings and curves aim at under 1 s, projections
# at under 2 s, on PostgreSQL at 1x.
PLANNING = (
    ("/rankings 2025, every council", "rankings", {"measure": "turnover_rate_fte", "census_year": 2025,
                                                   "level": "council"}),
    ("/rankings/series (West Midlands, 2017-2025)", "rankings/series", {"measure": "turnover_rate_fte"}),
    ("/retention-curve (West Midlands)", "retention-curve", {}),
    ("/retention-curve (Birmingham)", "retention-curve", {"council": "330"}),
    ("/projections (14 councils and the region, 3 years)", "projections", {"years": 3}),
    ("/projections (Birmingham, target vacancy rate 10%)", "projections", {"council": "330",
                                                                          "target_vacancy_rate": 10}),
    ("/charts/retention-curve.svg (West Midlands)", "charts/retention-curve.svg", {}),
)  # fmt: skip


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()[1].split()[1]
    return f"{os.cpu_count()} CPUs ({cpu}), {memory} memory, Python {platform.python_version()}"


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a killed run still stops its server
    try:
        run()
    finally:
        shutil.rmtree(_RUN_DIR, ignore_errors=True)


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL server to create the benchmark's databases on")
    parser.add_argument("--scale", type=int, nargs="+", choices=(1, 2, 4), default=[1, 2, 4])
    parser.add_argument("--index", action="store_true", help=f"also measure with {INDEX} made by hand")
    parser.add_argument(
        "--without-statistics", action="store_true", help="measure with no planner statistics of the columns"
    )
    args = parser.parse_args()
    ensure_development_keys(get_settings())
    kind = "SQLite" if not args.database_url or args.database_url.startswith("sqlite") else "PostgreSQL"
    print(f"analytics benchmark on {kind}; {machine()}; {datetime.now(UTC):%Y-%m-%d}")
    print("times in ms: median (fastest-slowest) of", RUNS, "runs after a warm-up\n")
    for scale in args.scale:
        with database(args.database_url, scale) as url:
            engine = make_engine(url)
            started = time.perf_counter()
            upgrade(url)
            with Session(engine) as session:
                load_councils(session)
            workforce = Workforce(scale)
            workforce.build()
            built = time.perf_counter()
            counts = load_workforce(engine, workforce)
            analyse(engine, statistics=not args.without_statistics)
            loaded = time.perf_counter()
            with Session(engine) as session:
                in_post = council_totals(session, [2025])
            people = sum(t.inpost_headcount for t in in_post.values())
            print(
                f"{scale}x: {counts['worker']:,} workers, {counts['employment']:,} spells, "
                f"{counts['employment_year']:,} yearly census records ({people:,} in post in 2025, "
                f"{len(in_post)} councils); built {built - started:.0f} s, loaded in {loaded - built:.0f} s"
            )
            results = measure(url, engine, "")
            if args.index:
                create_candidate_index(engine)
                results += measure(url, engine, f" + {INDEX}")
            for name, sql, http in results:
                bare = f"SQL {sql[0]:7.0f} ({sql[1]:.0f}-{sql[2]:.0f})" if sql else " " * 24
                print(f"  {name:<70} {bare}   endpoint {http[0]:7.0f} ({http[1]:.0f}-{http[2]:.0f})")
            print()
            engine.dispose()


if __name__ == "__main__":
    main()
