"""Load benchmark: the mixed journeys of tests/e2e/journeys.py through the gateway of the real platform, at 1, 8,
32 and 64 clients for N seconds each.

    .venv/bin/python bench/bench_load.py                          # a SQLite file in a temporary directory
    .venv/bin/python bench/bench_load.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/bench_load.py --workers 2 --clients 1,8,32,64 --seconds 20   # Redis on 127.0.0.1:6379

The platform is `futuresocial up` on free loopback ports against a database of its own (a SQLite file in a
temporary directory, or a PostgreSQL database named fs_bench_load_<pid>_<random> that it creates and drops),
with the demo workforce seeded first as `make run` does (`futuresocial seed --demo`), then the journeys'
own set-up: a social worker per client (in post at Birmingham, with a career record and an account), a Return
to Social Work cohort with host places.

Each client owns one social worker and goes round the journeys, starting at its own place in the round:
a social worker's record and next step, council HR recording a starter and changes, logging CPD, an academy
admin reading a worker's career and the analytics, applying to progress (submitted, then withdrawn so it can
apply again), council HR again, the record again, a returner handed over to employment. A level runs for N
seconds: no request starts after that, and one in flight is awaited (30 s at most: then it counts as no answer).

Printed per level: requests/s (answered requests over the N seconds), p50 and p99 of the answered requests'
time, 5xx answers and requests without an answer (separately), other answers a journey could not go on from
(a 4xx it did not expect), journeys finished, and the load average; then the commonest failures. Rate limits
are lifted (one address and one HR client behind many clients would otherwise measure the limiter), and
the extract scheduler runs at its production interval (60 s, first tick after 10 s), as under `make run`.
With --workers above 1 the rate limits live in Redis (--redis-url), under a key prefix of this run's own.
"""

from __future__ import annotations

import argparse
import os
import platform as python_platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # runnable from any directory

import httpx  # noqa: E402

from tests.databases import scratch_postgres_database  # noqa: E402
from tests.e2e import journeys  # noqa: E402
from tests.e2e.harness import BIN, Platform, running_platform  # noqa: E402
from tests.e2e.journeys import Answer, Caller, Journey, Setup  # noqa: E402

LIFTED_LIMITS = {"FUTURESOCIAL_API_RATE_LIMIT": "100000000/minute", "FUTURESOCIAL_TOKEN_RATE_LIMIT": "1000000/minute"}
AS_MAKE_RUN = {"FUTURESOCIAL_SCHEDULER_INTERVAL_SECONDS": "60", "FUTURESOCIAL_SCHEDULER_START_DELAY_SECONDS": "10"}
YEAR = 2025
TOKEN_LIFE = 600.0  # seconds before tokens are fetched again (they live 900)


# --- The platform ------------------------------------------------------------------------------


@contextmanager
def own_database(base_url: str | None, folder: Path) -> Iterator[str]:
    """A SQLite file in `folder`, or a uniquely named PostgreSQL database created now and dropped at the end,
    so two runs at once never touch each other's."""
    if not base_url or base_url.startswith("sqlite"):
        yield f"sqlite:///{folder / 'futuresocial.db'}"
        return
    with scratch_postgres_database(base_url, "fs_bench_load") as url:
        yield url


def seed_demo_workforce(database_url: str, folder: Path) -> float:
    """`futuresocial seed --demo` into the empty database, as `make run` does on its first start."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("FUTURESOCIAL_")}
    env |= {"FUTURESOCIAL_DATABASE_URL": database_url, "FUTURESOCIAL_KEYS_DIR": str(folder / "keys")}
    started = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "futuresocial"), "seed", "--demo"], env=env, cwd=folder, capture_output=True, text=True, timeout=900
    )
    if done.returncode != 0:
        raise SystemExit(f"seeding the demo workforce failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def up_supports_workers() -> bool:
    done = subprocess.run([str(BIN / "futuresocial"), "up", "--help"], capture_output=True, text=True, timeout=60)
    return "--workers" in done.stdout


def wait_for_the_scheduler(setup: Setup, limit: float = 120.0) -> str:
    """Until the extract scheduler's first round is over (no claim running, none changed for 10 s), so its
    start-up work does not land on the first level; what it claimed, and any claim not succeeded (a claim
    left running past `limit` is reported, and the levels start anyway)."""
    started = time.monotonic()
    last, steady_since, claims = None, time.monotonic(), []
    with httpx.Client(base_url=setup.gateway, headers=setup.admin_headers, timeout=30) as admin:
        while time.monotonic() - started < limit:
            answer = admin.get("/v1/analytics/extract-schedule", params={"limit": 500})
            if answer.status_code == 200:
                claims = answer.json()["items"]
                now = sorted((claim["job"], claim["period"], claim["status"]) for claim in claims)
                if now != last:
                    last, steady_since = now, time.monotonic()
                elif claims and time.monotonic() - steady_since >= 10 and all(s != "running" for *_, s in now):
                    break
            time.sleep(1)
    statuses = dict(Counter(claim["status"] for claim in claims))
    odd = [f"{claim['job']} {claim['period']} {claim['status']} ({claim['last_error'] or 'no error'})"
           for claim in claims if claim["status"] != "succeeded"]  # fmt: skip
    return f"{len(claims)} scheduled extract runs {statuses}" + (f"; not succeeded: {odd[:3]}" if odd else "")


# --- The clients -------------------------------------------------------------------------------


@dataclass
class Client:
    """One simulated user session: its own social worker, the shared HR and admin tokens."""

    number: int
    setup: Setup
    worker: journeys.SocialWorker
    deadline: float
    done: list[Journey] = field(default_factory=list)

    def caller(self, headers: dict[str, str], who: str) -> Caller:
        return Caller(self.setup.gateway, headers, who, deadline=self.deadline)

    def as_worker(self, run: Callable[[Caller], Journey]) -> Journey:
        with self.caller(self.worker.headers, self.worker.username) as caller:
            return run(caller)

    def as_admin(self, run: Callable[[Caller], Journey]) -> Journey:
        with self.caller(self.setup.admin_headers, "academy admin") as caller:
            return run(caller)

    def as_hr(self, run: Callable[[Caller], Journey]) -> Journey:
        with self.caller(self.setup.hr_headers, "council HR") as caller:
            return run(caller)


def my_career(client: Client) -> Journey:
    return client.as_worker(lambda caller: journeys.my_career(caller, client.worker.swe_number))


def hr_writes(client: Client) -> Journey:
    return client.as_hr(journeys.recording_starters_and_changes)


def logging_cpd(client: Client) -> Journey:
    return client.as_worker(lambda caller: journeys.logging_cpd(caller, client.worker.swe_number))


def reading_a_career(client: Client) -> Journey:
    swe_number = client.worker.swe_number
    return client.as_admin(lambda caller: journeys.reading_a_workers_career(caller, swe_number, YEAR))


def applying(client: Client) -> Journey:
    setup, worker = client.setup, client.worker
    return client.as_worker(
        lambda caller: journeys.applying_to_progress(
            caller, worker.swe_number, setup.progression_level, setup.evidence_kinds, withdraw=True
        )
    )


def returner(client: Client) -> Journey:
    host = journeys.HOST_COUNCILS[client.number % len(journeys.HOST_COUNCILS)]
    setup = client.setup
    return client.as_admin(
        lambda caller: journeys.returner_into_employment(caller, setup.cohort_id, host, journeys.new_swe(63))
    )


ROUND = (my_career, hr_writes, logging_cpd, reading_a_career, applying, hr_writes, my_career, returner)


def drive(client: Client, start: threading.Barrier) -> None:
    start.wait()
    step = client.number
    while time.monotonic() < client.deadline:
        journey = ROUND[step % len(ROUND)](client)
        step += 1
        client.done.append(journey)
        if not journey.finished and journey.stopped_by is None:
            break  # the run is over (Stop before a request)


# --- A level -----------------------------------------------------------------------------------


@dataclass
class Level:
    clients: int
    seconds: float
    answers: list[Answer]
    journeys: list[Journey]
    load: tuple[float, float, float]

    def times_ms(self) -> list[float]:
        return sorted(answer.seconds * 1000 for answer in self.answers if not answer.unanswered)

    def percentile(self, percent: int) -> float:
        times = self.times_ms()
        if len(times) < 2:
            return times[0] if times else float("nan")
        return statistics.quantiles(times, n=100, method="inclusive")[percent - 1]

    @property
    def server_errors(self) -> int:
        return sum(answer.server_error for answer in self.answers)

    @property
    def unanswered(self) -> int:
        return sum(answer.unanswered for answer in self.answers)

    @property
    def other_failures(self) -> int:
        return sum(not a.expected and not a.server_error and not a.unanswered for a in self.answers)


def run_level(setup: Setup, count: int, seconds: float) -> Level:
    start = threading.Barrier(count + 1)
    deadline = 0.0  # set once every thread waits at the barrier
    clients = [Client(n, setup, setup.social_workers[n], deadline) for n in range(count)]
    threads = [threading.Thread(target=drive, args=(client, start), daemon=True) for client in clients]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + seconds
    for client in clients:
        client.deadline = deadline
    start.wait()
    for thread in threads:
        thread.join(timeout=seconds + journeys.REQUEST_TIMEOUT + 30)
    done = [journey for client in clients for journey in client.done]
    answers = [answer for journey in done for answer in journey.answers]
    return Level(count, seconds, answers, done, os.getloadavg())


def describe_failures(level: Level, shown: int = 4) -> list[str]:
    failed = Counter(
        (answer.step, "no answer" if answer.unanswered else str(answer.status), answer.detail[:140])
        for answer in level.answers
        if not answer.expected
    )
    return [f"      {n:5d} x {step} -> {status}: {detail}" for (step, status, detail), n in failed.most_common(shown)]


# --- The report --------------------------------------------------------------------------------


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        python_platform.processor(),
    )  # fmt: skip
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()[1].split()[1]
    return f"nproc {os.cpu_count()} ({cpu}), {memory} memory, Python {python_platform.python_version()}"


def print_level(level: Level) -> None:
    finished = sum(journey.finished for journey in level.journeys)
    stopped = sum(journey.stopped_by is not None for journey in level.journeys)
    print(
        f"{level.clients:7d} {len(level.answers):9d} {len(level.answers) / level.seconds:8.1f} "
        f"{level.percentile(50):8.0f} {level.percentile(99):8.0f} {level.server_errors:6d} "
        f"{level.unanswered:9d} {level.other_failures:6d} {finished:6d}/{stopped:<6d} "
        f"{' '.join(f'{n:.1f}' for n in level.load)}",
        flush=True,
    )
    for line in describe_failures(level):
        print(line, flush=True)


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a killed run still stops the platform
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL server to create the benchmark's own database on")
    parser.add_argument("--workers", type=int, default=1, help="processes per service (`futuresocial up --workers`)")
    parser.add_argument("--clients", default="1,8,32,64", help="client counts, one level each (default 1,8,32,64)")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds per level (default 20)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0", help="rate limits with --workers > 1")
    args = parser.parse_args()
    levels = [int(part) for part in args.clients.split(",") if part.strip()]
    up_args: tuple[str, ...] = ()
    env = LIFTED_LIMITS | AS_MAKE_RUN
    if args.workers != 1:
        if not up_supports_workers():
            raise SystemExit(
                f"`futuresocial up` has no --workers option yet; --workers {args.workers} is passed through to it as "
                "`futuresocial up --workers N` once it has one."
            )
        up_args = ("--workers", str(args.workers))
        prefix = f"bench-load-{os.getpid()}-{uuid.uuid4().hex[:6]}"  # two runs on one Redis keep apart
        env |= {"FUTURESOCIAL_RATE_LIMIT_STORAGE_URL": args.redis_url, "FUTURESOCIAL_RATE_LIMIT_KEY_PREFIX": prefix}

    kind = "SQLite" if not args.database_url or args.database_url.startswith("sqlite") else "PostgreSQL"
    print(f"load benchmark on {kind}, {args.workers} process(es) per service; {machine()}")
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    folder = Path(tempfile.mkdtemp(prefix="futuresocial-bench-load-"))
    try:
        with own_database(args.database_url, folder) as database_url:
            seeded = seed_demo_workforce(database_url, folder)
            print(f"demo workforce seeded in {seeded:.0f} s", flush=True)
            with running_platform(database_url, folder, *up_args, env=env) as platform:
                measure(platform, levels, args.seconds)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def measure(platform: Platform, levels: list[int], seconds: float) -> None:
    started = time.perf_counter()
    setup = journeys.prepare(platform, social_workers=max(levels))
    print(f"set-up ({max(levels)} social workers, a cohort) in {time.perf_counter() - started:.0f} s", flush=True)
    print(f"scheduler: {wait_for_the_scheduler(setup)}", flush=True)
    print(f"\n{seconds:g} s per level; times in ms; 'stopped': journeys a bad answer stopped")
    print("clients  requests    req/s      p50      p99    5xx no answer  other finished/stopped  load average")
    tokens_at = time.monotonic()
    for count in levels:
        if time.monotonic() - tokens_at > TOKEN_LIFE:
            setup.refresh_tokens(platform)
            tokens_at = time.monotonic()
        print_level(run_level(setup, count, seconds))
    if setup.retried:
        print(f"\nthe set-up retried {len(setup.retried)} 5xx; first: {setup.retried[0]}")


if __name__ == "__main__":
    main()
