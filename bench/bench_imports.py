"""Census import benchmark: a Birmingham-sized return, its unchanged re-import, and large returns.

    .venv/bin/python bench/bench_imports.py                      # a fresh SQLite file in a temp dir
    .venv/bin/python bench/bench_imports.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

With a PostgreSQL URL the benchmark connects to that database only to create (and finally drop)
its own: one migrated template, and a fresh copy of it for every measured import. Files are
generated deterministically (seeded) with the product's own census XML writer.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from any directory

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402
from sqlmodel import Session  # noqa: E402

from services.common.auth import Principal, Role  # noqa: E402
from services.common.db import make_engine  # noqa: E402
from services.common.migrate import upgrade  # noqa: E402
from services.common.reference import load_councils  # noqa: E402
from services.placements.census.fields import CensusReturn, Vacancies  # noqa: E402
from services.placements.census.imports import ImportOutcome, check_census_file, import_census  # noqa: E402
from services.placements.census.writers import write_census_xml  # noqa: E402
from tests.placements.factory import census_records  # noqa: E402

YEAR = 2024
BIRMINGHAM = "330"
PRINCIPAL = Principal(subject="bench", role=Role.academy_admin)
SEED = 20261122

# --- Census files --------------------------------------------------------------------------------


def census_file(directory: Path, count: int) -> Path:
    path = directory / f"census_{BIRMINGHAM}_{YEAR}_{count}.xml"
    if not path.exists():
        census_return = CensusReturn(
            YEAR, BIRMINGHAM, Vacancies(Decimal("41.50"), Decimal("37.20"), 40), census_records(count, YEAR, SEED)
        )
        with path.open("wb") as out:
            write_census_xml(census_return, out, generated_at=datetime(YEAR, 10, 15, 9, 0, tzinfo=UTC))
    return path


# --- Databases -----------------------------------------------------------------------------------


class Databases:
    """A migrated template with reference councils, and fresh copies of it on demand."""

    def __init__(self, url: str | None, workdir: Path) -> None:
        self.workdir = workdir
        self.count = 0
        self.admin: Engine | None = None
        if url is None or url.startswith("sqlite"):
            self.kind = "sqlite"
            self.template = workdir / "template.db"
            self.template_url = f"sqlite:///{self.template}"
        else:
            self.kind = "postgresql"
            self.url = make_url(url)
            self.prefix = f"fs_bench_{os.getpid()}"
            self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
            self.created: list[str] = []
            self._create(f"{self.prefix}_template", None)
            self.template_url = self._url(f"{self.prefix}_template")
        try:
            upgrade(self.template_url)
            engine = make_engine(self.template_url)
            with Session(engine) as session:
                load_councils(session)
            engine.dispose()
        except BaseException:
            self.close()
            raise

    def _url(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def _create(self, name: str, template: str | None) -> None:
        assert self.admin is not None
        with self.admin.connect() as connection:
            suffix = f" TEMPLATE {template}" if template else ""
            connection.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
        self.created.append(name)

    def _drop(self, name: str) -> None:
        assert self.admin is not None
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.created.remove(name)

    @contextmanager
    def fresh(self) -> Iterator[Engine]:
        self.count += 1
        if self.kind == "sqlite":
            path = self.workdir / f"run{self.count}.db"
            shutil.copyfile(self.template, path)
            engine = make_engine(f"sqlite:///{path}")
        else:
            name = f"{self.prefix}_{self.count}"
            self._create(name, f"{self.prefix}_template")
            engine = make_engine(self._url(name))
        try:
            yield engine
        finally:
            engine.dispose()
            if self.kind == "sqlite":
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
            else:
                self._drop(name)

    def version(self) -> str:
        engine = make_engine(self.template_url)
        try:
            with engine.connect() as connection:
                if self.kind == "sqlite":
                    return "SQLite " + connection.exec_driver_sql("select sqlite_version()").scalar_one()
                return "PostgreSQL " + connection.exec_driver_sql("show server_version").scalar_one()
        finally:
            engine.dispose()

    def close(self) -> None:
        if self.admin is not None:
            for name in list(self.created):
                self._drop(name)
            self.admin.dispose()


# --- Measurements --------------------------------------------------------------------------------


def run_import(engine: Engine, data: bytes, dry_run: bool = False) -> ImportOutcome:
    """One import as the API does it: one session, one transaction, committed."""
    with Session(engine, expire_on_commit=False) as session:
        outcome = import_census(
            session, PRINCIPAL, data=data, file_name="bench.xml", kind="xml",
            census_year=YEAR, council=BIRMINGHAM, dry_run=dry_run,
        )  # fmt: skip
        session.commit()
    if outcome.errors:
        raise SystemExit(f"the generated file has errors: {outcome.problems[:3]}")
    return outcome


def timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def cpu_timed(action: Callable[[], object]) -> tuple[float, float, object]:
    """Wall and this process's CPU seconds (the machine may be shared; the CPU time says how much
    of the wall time was this process's own work)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - start, time.process_time() - cpu, result


def warm_up(engine: Engine, directory: Path) -> None:
    """A dry run of a small return: connections open and queries compiled, as in a running
    service, and the database still empty."""
    run_import(engine, census_file(directory, 50).read_bytes(), dry_run=True)


@dataclass
class Row:
    measure: str
    records: int
    value: str
    target: str = ""
    met: bool | None = None


def progress(message: str) -> None:
    print(f"  .. {message}", file=sys.stderr, flush=True)


def bench_first_import(dbs: Databases, directory: Path, repeat: int) -> list[Row]:
    data = census_file(directory, 1000).read_bytes()
    firsts, agains = [], []
    for run in range(repeat):
        progress(f"1,000 records, fresh database, run {run + 1} of {repeat}")
        with dbs.fresh() as engine:
            warm_up(engine, directory)
            seconds, outcome = timed(lambda: run_import(engine, data))
            assert outcome.status == "applied", outcome.status
            firsts.append(seconds)
            seconds, outcome = timed(lambda: run_import(engine, data))
            assert outcome.status == "unchanged", outcome.summary
            agains.append(seconds)
    first, again = min(firsts), min(agains)
    return [
        Row("import into an empty database (s, best of runs)", 1000, f"{first:.3f}", "< 2 s", first < 2),
        Row("re-import, unchanged (s, best of runs)", 1000, f"{again:.3f}"),
    ]


def bench_large(dbs: Databases, directory: Path, repeat: int, count: int) -> list[Row]:
    data = census_file(directory, count).read_bytes()
    checks = []
    for _ in range(repeat):
        seconds, (problems, _vacancies) = timed(
            lambda: check_census_file(data, kind="xml", census_year=YEAR, council=BIRMINGHAM)
        )
        assert not any(problem.is_error for problem in problems)
        checks.append(seconds)
    imports = []
    for run in range(repeat):
        progress(f"{count:,} records, fresh database, run {run + 1} of {repeat}")
        with dbs.fresh() as engine:
            warm_up(engine, directory)
            seconds, cpu, outcome = cpu_timed(lambda: run_import(engine, data))
            assert outcome.summary.records == count
            imports.append((seconds, cpu))
    best, cpu = min(imports)
    rate = count / best
    return [
        Row("validation pass alone (records/s)", count, f"{count / min(checks):,.0f}"),
        Row("import into an empty database (records/s)", count, f"{rate:,.0f}", ">= 10,000", rate >= 10_000),
        Row("  wall s, best of runs (this process's CPU s)", count, f"{best:.2f} ({cpu:.2f})"),
    ]


def bench_memory(dbs: Databases, directory: Path, counts: list[int]) -> list[Row]:
    rows = []
    for count in counts:
        path = census_file(directory, count)
        progress(f"{count:,} records, memory")
        with dbs.fresh() as engine:
            warm_up(engine, directory)
            gc.collect()
            tracemalloc.start()
            data = path.read_bytes()  # the upload, as the API holds it
            run_import(engine, data)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        extra = peak - len(data)
        value = f"{extra / 2**20:.1f} ({extra / len(data):.2f}x; file {len(data) / 2**20:.1f} MiB)"
        rows.append(Row("import peak memory minus the file (MiB, x file size)", count, value))
        del data
    return rows


def print_table(title: str, rows: list[Row]) -> None:
    headers = ("measure", "records", "value", "target", "met")
    cells = [
        (r.measure, f"{r.records:,}", r.value, r.target, "" if r.met is None else ("yes" if r.met else "NO"))
        for r in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    print(title)
    print(" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for c in cells:
        print(
            " | ".join(
                v.rjust(w) if i in (1, 2) else v.ljust(w) for i, (v, w) in enumerate(zip(c, widths, strict=True))
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL URL of a database to connect to (default: SQLite)")
    parser.add_argument("--repeat", type=int, default=3, help="fresh runs per timing (best is reported)")
    parser.add_argument("--large", type=int, default=40_000, help="records in the large return")
    parser.add_argument(
        "--memory", type=lambda s: [int(n) for n in s.split(",")], default=[10_000, 20_000, 40_000],
        help="record counts whose peak memory is measured",
    )  # fmt: skip
    parser.add_argument("--only", choices=("first", "large", "memory"), action="append")
    args = parser.parse_args()
    only = set(args.only or ("first", "large", "memory"))
    with tempfile.TemporaryDirectory(prefix="fs_bench_") as workdir:
        directory = Path(workdir)
        progress("generating files and the template database")
        dbs = Databases(args.database_url, directory)
        try:
            rows: list[Row] = []
            if "first" in only:
                rows += bench_first_import(dbs, directory, args.repeat)
            if "large" in only:
                rows += bench_large(dbs, directory, args.repeat, args.large)
            if "memory" in only:
                rows += bench_memory(dbs, directory, args.memory)
            load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
            title = (
                f"census import, {dbs.version()}, Python {sys.version.split()[0]}, {date.today()}"
                f" (load average at the end {load} on {os.cpu_count()} CPUs)"
            )
        finally:
            dbs.close()
    print_table(title, rows)


if __name__ == "__main__":
    main()
