"""The extract schedule on a database of its own, with real commits: exactly once however many
schedulers race, missed periods caught up, dead runs taken over (a live one never), failures retried
with backoff, and a period whose returns are not in waits, producing and delivering nothing."""

import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import delete, func, select
from sqlmodel import Session

from services.analytics.extracts import scheduler
from services.analytics.extracts.delivery import deliver_due
from services.analytics.extracts.models import ExtractRun, ScheduledRun
from services.common import migrate
from services.common.db import get_session, make_engine
from services.common.reference import load_councils
from services.common.settings import get_settings
from services.placements.app import app as placements_app
from tests.conftest import bearer
from tests.placements.factory import person, xml_return

FIRST_DUE = datetime(2025, 10, 15, 6, 0, tzinfo=UTC)  # year 2025's returns are due on 15 October 2025
COUNCILS = 14
COVENTRY, SOLIHULL = "331", "334"
DFE = "https://dfe.example/csww/uploads"


def at(moment: datetime):
    return lambda: moment


@pytest.fixture
def world(fresh_database_url, monkeypatch) -> Iterator[dict]:
    """A migrated database of its own, placements in-process on it, and the schedule's settings."""
    migrate.upgrade(fresh_database_url)
    engine = make_engine(fresh_database_url)
    with Session(engine) as session:
        load_councils(session)

    def new_session() -> Session:
        return Session(engine, expire_on_commit=False)

    def placements_session() -> Iterator[Session]:
        with new_session() as session:
            yield session
            session.commit()

    placements_app.dependency_overrides[get_session] = placements_session
    settings = get_settings().model_copy(
        update={"extract_first_year": 2025, "extract_first_month": "2026-01", "extract_takeover_seconds": 900,
                "extract_heartbeat_seconds": 30, "extract_retry_base_seconds": 60, "dfe_endpoint_url": "",
                "extract_outbox_dir": ""}
    )  # fmt: skip
    for module in (
        "services.analytics.extracts.scheduler",
        "services.analytics.extracts.service",
        "services.analytics.extracts.delivery",
    ):
        monkeypatch.setattr(f"{module}.get_settings", lambda: settings)

    def placements_client() -> TestClient:
        client = TestClient(placements_app)
        client.headers["Authorization"] = bearer("service")["Authorization"]
        return client

    def send_return(council: str, year: int, people: int = 2) -> None:
        with placements_client() as placements:
            answer = placements.post(
                "/v1/placements/imports",
                params={"census_year": year, "council": council},
                files={"file": ("r.xml", xml_return(year, council, [person(n) for n in range(1, people + 1)]))},
            )
        assert answer.status_code == 201, answer.text

    def use(**changes) -> None:
        changed = settings.model_copy(update=changes)
        for module in (
            "services.analytics.extracts.scheduler",
            "services.analytics.extracts.service",
            "services.analytics.extracts.delivery",
        ):
            monkeypatch.setattr(f"{module}.get_settings", lambda: changed)

    yield {"new_session": new_session, "placements": placements_client, "engine": engine,
           "send_return": send_return, "use": use}  # fmt: skip
    placements_app.dependency_overrides.clear()
    engine.dispose()


def counts(world) -> tuple[int, int]:
    with world["new_session"]() as session:
        extracts = session.scalar(select(func.count()).select_from(ExtractRun))
        claims = session.scalar(select(func.count()).select_from(ScheduledRun))
    return extracts, claims


def test_due_periods_follow_the_schedule_and_include_missed_ones():
    settings = get_settings().model_copy(update={"extract_first_year": 2024, "extract_first_month": "2026-08"})
    csww = scheduler.Job("csww", "330")
    assert [p.key for p in scheduler.due_periods(csww, datetime(2025, 10, 14, tzinfo=UTC), settings)] == ["2024"]
    assert [p.key for p in scheduler.due_periods(csww, datetime(2026, 10, 15, tzinfo=UTC), settings)] == [
        "2024",
        "2025",
        "2026",
    ]
    monthly = [
        p for p in scheduler.due_periods(scheduler.Job("retention", None), datetime(2026, 11, 2, tzinfo=UTC), settings)
    ]
    assert [(p.key, p.as_of) for p in monthly] == [
        ("2026-08", date(2026, 8, 31)),
        ("2026-09", date(2026, 9, 30)),
        ("2026-10", date(2026, 10, 31)),
    ]
    assert monthly[2].census_year == 2027  # October 2026 falls in census year 2027


def schedule(world) -> dict[tuple[str, str], ScheduledRun]:
    with world["new_session"]() as session:
        return {(run.job, run.period): run for run in session.scalars(select(ScheduledRun))}


def test_two_schedulers_racing_produce_each_extract_exactly_once(world):
    world["send_return"](COVENTRY, 2025)
    world["send_return"](SOLIHULL, 2025)
    for race in range(8):
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def scheduler_instance(name: str, barrier=barrier, errors=errors) -> None:
            try:
                with world["placements"]() as placements:
                    barrier.wait()
                    scheduler.tick(world["new_session"], placements, at(FIRST_DUE), name)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=scheduler_instance, args=(f"instance-{i}",)) for i in (1, 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []
        with world["new_session"]() as session:
            claims = session.execute(select(ScheduledRun.job, ScheduledRun.status)).all()
            extracts = session.execute(select(ExtractRun.council, ExtractRun.period, ExtractRun.status)).all()
            assert len(claims) == COUNCILS, (race, claims)
            assert sorted(job for job, status in claims if status == "succeeded") == ["csww:331", "csww:334"]
            assert {status for job, status in claims if job not in ("csww:331", "csww:334")} == {"waiting"}
            assert sorted(extracts) == [(COVENTRY, "2025", "succeeded"), (SOLIHULL, "2025", "succeeded")]
            session.execute(delete(ScheduledRun))
            session.execute(delete(ExtractRun))
            session.commit()


def test_a_period_missed_while_the_service_was_down_is_produced_when_it_comes_back(world):
    world["send_return"](COVENTRY, 2025)
    world["send_return"](COVENTRY, 2026)
    back_up = datetime(2027, 1, 5, tzinfo=UTC)  # down since before 15 Oct 2025; 2025 and 2026 are due
    with world["placements"]() as placements:
        runs = scheduler.tick(world["new_session"], placements, at(back_up), "solo")
    produced = {(run.job, run.period) for run in runs if run.status == "succeeded"}
    assert {("csww:331", "2025"), ("csww:331", "2026"), ("retention:region", "2026-09")} <= produced
    summaries = {run.period: run for run in runs if run.job == "retention:region"}
    assert [month for month, run in summaries.items() if run.status == "succeeded"] == [
        f"2026-{month:02d}" for month in range(1, 10)
    ]  # January to September 2026; October to December fall in census year 2027, whose returns are not in
    assert {run.waiting_for for month, run in summaries.items() if month >= "2026-10"} == {
        "no return for 2027 from 331 Coventry"
    }
    with world["placements"]() as placements:
        again = scheduler.tick(world["new_session"], placements, at(back_up), "solo")
    assert [run for run in again if run.status != "waiting"] == []  # nothing produced twice


def test_a_year_without_a_return_is_neither_produced_nor_delivered_and_the_schedule_says_why(world):
    world["use"](dfe_endpoint_url=DFE)
    received: list[httpx.Request] = []

    def dfe_endpoint(request: httpx.Request) -> httpx.Response:  # the DfE's side, outside the platform
        received.append(request)
        return httpx.Response(201)

    dfe = httpx.Client(transport=httpx.MockTransport(dfe_endpoint))
    with world["placements"]() as placements:
        runs = scheduler.tick(world["new_session"], placements, at(FIRST_DUE), "one")
    with world["new_session"]() as session:
        deliver_due(session, dfe, FIRST_DUE)
    assert len(runs) == COUNCILS and {run.status for run in runs} == {"waiting"}
    assert counts(world) == (0, COUNCILS)
    assert received == []
    waiting = schedule(world)[("csww:331", "2025")]
    assert waiting.status == "waiting" and waiting.extract_id is None
    assert waiting.waiting_for == "no return for 2025 from 331 Coventry"

    world["send_return"](COVENTRY, 2025)  # the return arrives: the next tick produces it, and it is delivered
    later = FIRST_DUE + timedelta(minutes=1)
    with world["placements"]() as placements:
        runs = scheduler.tick(world["new_session"], placements, at(later), "one")
    with world["new_session"]() as session:
        deliver_due(session, dfe, later)
    assert [(run.job, run.status) for run in runs if run.status != "waiting"] == [("csww:331", "succeeded")]
    assert [request.headers["content-disposition"] for request in received] == [
        'attachment; filename="csww-331-2025.xml"'
    ]
    assert b"<SWENo>SW0000000001</SWENo>" in received[0].content
    assert schedule(world)[("csww:334", "2025")].waiting_for == "no return for 2025 from 334 Solihull"


def test_a_run_that_died_part_way_is_taken_over_after_the_timeout(world):
    world["send_return"](COVENTRY, 2025)
    with world["new_session"]() as session:
        session.add(ScheduledRun(job="csww:331", period="2025", status="running", claimed_by="dead-instance",
                                 claimed_at=FIRST_DUE, heartbeat_at=FIRST_DUE))  # fmt: skip
        session.commit()
    with world["placements"]() as placements:
        soon = scheduler.tick(world["new_session"], placements, at(FIRST_DUE + timedelta(minutes=5)), "alive")
        assert "csww:331" not in {run.job for run in soon}  # still within the timeout: left alone
        later = scheduler.tick(world["new_session"], placements, at(FIRST_DUE + timedelta(minutes=16)), "alive")
    taken = [run for run in later if run.job == "csww:331"]
    assert len(taken) == 1 and taken[0].status == "succeeded" and taken[0].claimed_by == "alive"
    assert taken[0].attempts == 2
    assert counts(world) == (1, COUNCILS)


class SlowPlacements:
    """Placements whose census export takes `seconds`: a council with a large return."""

    def __init__(self, placements, seconds: float):
        self.placements, self.seconds = placements, seconds

    def request(self, method, path, **kwargs):
        if path.endswith("/exports/census.xml"):
            time.sleep(self.seconds)
        return self.placements.request(method, path, **kwargs)


def test_a_slow_run_keeps_its_claim_alive_and_a_second_scheduler_never_takes_it_over(world):
    world["send_return"](COVENTRY, 2025)
    world["use"](extract_takeover_seconds=2, extract_heartbeat_seconds=0.2)
    started = time.monotonic()

    def clock() -> datetime:  # the schedule's time, moving as fast as the real one
        return FIRST_DUE + timedelta(seconds=time.monotonic() - started)

    first_done = threading.Event()

    def first_instance() -> None:
        with world["placements"]() as placements:
            scheduler.tick(world["new_session"], SlowPlacements(placements, 5), clock, "first")
        first_done.set()

    first = threading.Thread(target=first_instance)
    first.start()
    while (claimed := schedule(world).get(("csww:331", "2025"))) is None or claimed.status != "running":
        assert first.is_alive()  # the first instance has claimed Coventry's return and is producing it
        time.sleep(0.05)
    second_runs = []
    with world["placements"]() as placements:
        while not first_done.is_set():  # the second instance ticks all along, past the takeover timeout
            second_runs += scheduler.tick(world["new_session"], placements, clock, "second")
            time.sleep(0.25)
    first.join(timeout=60)
    assert time.monotonic() - started > 5  # more than twice the takeover timeout
    assert [run.job for run in second_runs if run.claimed_by == "second" and run.job == "csww:331"] == []
    with world["new_session"]() as session:
        extracts = session.execute(select(ExtractRun.council, ExtractRun.requested_by)).all()
    assert extracts == [(COVENTRY, "scheduler:first")]
    run = schedule(world)[("csww:331", "2025")]
    assert (run.status, run.claimed_by, run.attempts) == ("succeeded", "first", 1)


def test_a_failed_run_is_retried_with_backoff_and_its_error_is_visible(world):
    world["send_return"](COVENTRY, 2025)
    down = httpx.Client(base_url="http://127.0.0.1:9")  # placements unreachable
    runs = scheduler.tick(world["new_session"], down, at(FIRST_DUE), "one")
    failed = [run for run in runs if run.status != "waiting"]
    assert [(run.job, run.status) for run in failed] == [("csww:331", "failed")]
    assert "cannot be reached" in failed[0].last_error
    assert failed[0].next_attempt_at == FIRST_DUE + timedelta(seconds=60)
    soon = scheduler.tick(world["new_session"], down, at(FIRST_DUE + timedelta(seconds=30)), "one")
    assert "csww:331" not in {run.job for run in soon}
    with world["placements"]() as placements:
        retried = scheduler.tick(world["new_session"], placements, at(FIRST_DUE + timedelta(seconds=61)), "one")
    retried = [run for run in retried if run.status != "waiting"]
    assert [(run.job, run.status, run.attempts) for run in retried] == [("csww:331", "succeeded", 2)]
    assert counts(world) == (1, COUNCILS)


def test_claims_won_are_counted_in_the_metrics(world):
    world["send_return"](COVENTRY, 2025)
    claimed = REGISTRY.get_sample_value("futuresocial_scheduler_claims_total", {"kind": "csww"}) or 0.0
    with world["placements"]() as placements:
        runs = scheduler.tick(world["new_session"], placements, at(FIRST_DUE), "solo")
    csww = [run for run in runs if run.job.startswith("csww:")]
    assert csww
    assert REGISTRY.get_sample_value("futuresocial_scheduler_claims_total", {"kind": "csww"}) == claimed + len(csww)
