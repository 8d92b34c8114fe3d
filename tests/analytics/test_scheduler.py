"""The extract schedule on a database of its own, with real commits: exactly once however many
schedulers race, missed periods caught up, dead runs taken over, failures retried with backoff."""

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import delete, func, select
from sqlmodel import Session

from services.analytics import scheduler
from services.analytics.models import ExtractRun, ScheduledRun
from services.common import migrate
from services.common.db import get_session, make_engine
from services.common.reference import load_councils
from services.common.settings import get_settings
from services.placements.app import app as placements_app
from tests.conftest import bearer

FIRST_DUE = datetime(2025, 10, 15, 6, 0, tzinfo=UTC)  # year 2025's returns are due on 15 October 2025
COUNCILS = 14


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
                "extract_retry_base_seconds": 60, "dfe_endpoint_url": "", "extract_outbox_dir": ""}
    )  # fmt: skip
    for module in ("services.analytics.scheduler", "services.analytics.extracts"):
        monkeypatch.setattr(f"{module}.get_settings", lambda: settings)

    def placements_client() -> TestClient:
        client = TestClient(placements_app)
        client.headers["Authorization"] = bearer("service")["Authorization"]
        return client

    yield {"new_session": new_session, "placements": placements_client, "engine": engine}
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


def test_two_schedulers_racing_produce_each_extract_exactly_once(world):
    for race in range(8):
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def scheduler_instance(name: str, barrier=barrier, errors=errors) -> None:
            try:
                with world["placements"]() as placements:
                    barrier.wait()
                    scheduler.tick(world["new_session"], placements, FIRST_DUE, name)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=scheduler_instance, args=(f"instance-{i}",)) for i in (1, 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []
        with world["new_session"]() as session:
            claims = session.execute(select(ScheduledRun.job, ScheduledRun.period, ScheduledRun.status)).all()
            extracts = session.execute(select(ExtractRun.council, ExtractRun.period, ExtractRun.status)).all()
            assert len(claims) == COUNCILS and {c.status for c in claims} == {"succeeded"}, (race, claims)
            assert sorted(extracts) == sorted((c, "2025", "succeeded") for c in scheduler.ACADEMY_MEMBERS)
            session.execute(delete(ScheduledRun))
            session.execute(delete(ExtractRun))
            session.commit()


def test_a_period_missed_while_the_service_was_down_is_produced_when_it_comes_back(world):
    back_up = datetime(2027, 1, 5, tzinfo=UTC)  # down since before 15 Oct 2025; 2025 and 2026 are due
    with world["placements"]() as placements:
        runs = scheduler.tick(world["new_session"], placements, back_up, "solo")
    produced = {(run.job, run.period) for run in runs if run.status == "succeeded"}
    assert {("csww:330", "2025"), ("csww:330", "2026"), ("retention:region", "2026-12")} <= produced
    assert len([r for r in runs if r.job == "retention:region"]) == 12  # Jan to Dec 2026
    with world["placements"]() as placements:
        assert scheduler.tick(world["new_session"], placements, back_up, "solo") == []  # nothing twice


def test_a_run_that_died_part_way_is_taken_over_after_the_timeout(world):
    with world["new_session"]() as session:
        session.add(ScheduledRun(job="csww:330", period="2025", status="running", claimed_by="dead-instance",
                                 claimed_at=FIRST_DUE, heartbeat_at=FIRST_DUE))  # fmt: skip
        session.commit()
    with world["placements"]() as placements:
        soon = scheduler.tick(world["new_session"], placements, FIRST_DUE + timedelta(minutes=5), "alive")
        assert "csww:330" not in {run.job for run in soon}  # still within the timeout: left alone
        later = scheduler.tick(world["new_session"], placements, FIRST_DUE + timedelta(minutes=16), "alive")
    taken = [run for run in later if run.job == "csww:330"]
    assert len(taken) == 1 and taken[0].status == "succeeded" and taken[0].claimed_by == "alive"
    assert taken[0].attempts == 2
    assert counts(world)[0] == COUNCILS


def test_a_failed_run_is_retried_with_backoff_and_its_error_is_visible(world):
    down = httpx.Client(base_url="http://127.0.0.1:9")  # placements unreachable
    runs = scheduler.tick(world["new_session"], down, FIRST_DUE, "one")
    assert {run.status for run in runs} == {"failed"}
    failed = runs[0]
    assert "cannot be reached" in failed.last_error
    assert failed.next_attempt_at == FIRST_DUE + timedelta(seconds=60)
    assert scheduler.tick(world["new_session"], down, FIRST_DUE + timedelta(seconds=30), "one") == []
    with world["placements"]() as placements:
        retried = scheduler.tick(world["new_session"], placements, FIRST_DUE + timedelta(seconds=61), "one")
    assert {run.status for run in retried} == {"succeeded"} and len(retried) == COUNCILS
    assert {run.attempts for run in retried} == {2}
    assert counts(world) == (COUNCILS, COUNCILS)


def test_claims_won_are_counted_in_the_metrics(world):
    claimed = REGISTRY.get_sample_value("futuresocial_scheduler_claims_total", {"kind": "csww"}) or 0.0
    with world["placements"]() as placements:
        runs = scheduler.tick(world["new_session"], placements, FIRST_DUE, "solo")
        assert scheduler.tick(world["new_session"], placements, FIRST_DUE, "other") == []  # nothing left to claim
    assert len(runs) == COUNCILS
    assert REGISTRY.get_sample_value("futuresocial_scheduler_claims_total", {"kind": "csww"}) == claimed + COUNCILS
