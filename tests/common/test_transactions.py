"""The transaction rules of services/common/db.py, on a real database of the test's own (SQLite, and
PostgreSQL when the run has one): writers queue instead of failing, a read request never writes in its
own transaction, no call to another service inside a transaction, retryable conflicts never reach the
caller, and the pools of every process fit in the database's connections."""

import contextlib
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlmodel import Session

from services.common.db import (
    APPS_PER_WORKER,
    RESERVED_CONNECTIONS,
    ReadOnlyRequest,
    RequestSessionsMiddleware,
    RetryingRoute,
    TransactionHeld,
    check_connection_budget,
    make_engine,
    pool_size,
    release_reads,
    server_max_connections,
    track_request_session,
)
from services.common.errors import install_problem_handlers
from services.common.models import Council
from services.common.service_client import call
from services.common.settings import Settings


@pytest.fixture
def engine(fresh_database_url: str) -> Iterator[Engine]:
    engine = make_engine(fresh_database_url, Settings(database_url=fresh_database_url))
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE tally (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"))
        connection.execute(text("INSERT INTO tally (id, n) VALUES (1, 0), (2, 0)"))
    yield engine
    engine.dispose()


def tally(engine: Engine, row: int = 1) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT n FROM tally WHERE id = :id"), {"id": row}).scalar_one()


def test_a_writer_that_reads_first_queues_behind_another_writer_instead_of_failing(engine: Engine) -> None:
    """Council HR writes read, then write. Begun deferred on SQLite, the first writer to commit makes the
    other's read snapshot stale and its write fails at once ("database is locked"); begun as writers,
    the second waits for the first and both land."""
    writers = engine.execution_options(writes=True)
    first_has_read = threading.Event()
    errors: list[BaseException] = []

    def increment(after_reading: float, wait_for: threading.Event | None) -> None:
        try:
            if wait_for is not None:
                wait_for.wait(5)
            with Session(writers) as session:
                n = session.execute(text("SELECT n FROM tally WHERE id = 1")).scalar_one()
                first_has_read.set()
                time.sleep(after_reading)
                session.execute(text("UPDATE tally SET n = :n WHERE id = 1"), {"n": n + 1})
                session.commit()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    slow = threading.Thread(target=increment, args=(0.3, None))
    quick = threading.Thread(target=increment, args=(0.0, first_has_read))
    slow.start()
    quick.start()
    slow.join(30)
    quick.join(30)
    assert errors == []
    if engine.dialect.name == "sqlite":  # serialised: neither increment is lost
        assert tally(engine) == 2


def test_a_read_request_cannot_write_in_its_own_transaction(engine: Engine) -> None:
    with Session(engine.execution_options(writes=False)) as session:
        untrack = track_request_session(session, writes=False)
        assert session.execute(text("SELECT n FROM tally WHERE id = 1")).scalar_one() == 0  # reads are fine
        with pytest.raises(ReadOnlyRequest):
            session.add(Council(code="999", ons_code="E99999999", name="x", region_code="x", region_name="x"))
            session.flush()
        untrack()


def test_another_service_is_never_called_inside_a_transaction(engine: Engine) -> None:
    calls: list[str] = []
    other_service = httpx.Client(
        transport=httpx.MockTransport(lambda request: calls.append(request.url.path) or httpx.Response(200)),
        base_url="http://placements",
    )
    app = FastAPI()
    app.add_middleware(RequestSessionsMiddleware)
    install_problem_handlers(app)

    def session_for(request: Request) -> Iterator[Session]:
        with Session(engine.execution_options(writes=False)) as session:
            untrack = track_request_session(session, writes=False)
            yield session
            untrack()

    @app.get("/inside")
    def inside(session: Session = Depends(session_for)) -> dict:
        session.execute(text("SELECT n FROM tally"))
        call(other_service, "GET", "/v1/placements/workers")
        return {}

    @app.get("/after")
    def after(session: Session = Depends(session_for)) -> dict:
        session.execute(text("SELECT n FROM tally"))
        release_reads(session)
        call(other_service, "GET", "/v1/placements/employments")
        return {}

    with TestClient(app) as client:
        assert client.get("/inside").status_code == 500  # a bug in the route, refused before the call
        assert client.get("/after").status_code == 200
    assert calls == ["/v1/placements/employments"]


def test_release_reads_refuses_a_transaction_that_has_written(engine: Engine) -> None:
    with Session(engine.execution_options(writes=True)) as session:
        session.execute(text("SELECT 1"))
        session.add(Council(code="998", ons_code="E99999998", name="x", region_code="x", region_name="x"))
        with pytest.raises(TransactionHeld):
            release_reads(session)


def test_a_deadlock_is_retried_and_both_callers_succeed(engine: Engine) -> None:
    """Two requests update the same two rows in opposite orders at the same moment. PostgreSQL aborts one
    as a deadlock; the route runs it again and both callers get 200. On SQLite the writers queue."""
    first_attempt = threading.Barrier(2, timeout=2)
    attempts: list[str] = []
    app = FastAPI()
    app.add_middleware(RequestSessionsMiddleware)
    install_problem_handlers(app)
    app.router.route_class = RetryingRoute

    def session_for(request: Request) -> Iterator[Session]:
        with Session(engine.execution_options(writes=True)) as session:
            untrack = track_request_session(session, writes=True)
            yield session
            session.commit()
            untrack()

    @app.post("/move/{first}/{second}")
    def move(first: int, second: int, session: Session = Depends(session_for)) -> dict:
        attempts.append(f"{first}->{second}")
        session.execute(text("UPDATE tally SET n = n + 1 WHERE id = :id"), {"id": first})
        if attempts.count(f"{first}->{second}") == 1:
            # On SQLite the other writer is queued behind us and never reaches the barrier.
            with contextlib.suppress(threading.BrokenBarrierError):
                first_attempt.wait()
        session.execute(text("UPDATE tally SET n = n + 1 WHERE id = :id"), {"id": second})
        return {"moved": True}

    answers: list[int] = []
    with TestClient(app) as client:
        threads = [
            threading.Thread(target=lambda path=path: answers.append(client.post(path).status_code))
            for path in ("/move/1/2", "/move/2/1")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert answers == [200, 200]
    assert tally(engine, 1) == 2 and tally(engine, 2) == 2
    if engine.dialect.name == "postgresql":
        assert len(attempts) >= 3  # the deadlock's victim ran again


@settings(deadline=None)  # building Settings reads the environment: slow on a loaded machine, never wrong
@given(workers=st.integers(1, 64), max_connections=st.integers(20, 5000))
def test_the_pools_of_every_process_fit_in_postgresqls_connections(workers: int, max_connections: int) -> None:
    settings = Settings(
        database_url="postgresql+psycopg://db/x", workers=workers, database_max_connections=max_connections
    )
    share = (max_connections - RESERVED_CONNECTIONS) // (APPS_PER_WORKER * workers)
    if share < 1:
        with pytest.raises(ValueError, match="max_connections"):
            check_connection_budget(settings)
        return
    check_connection_budget(settings)
    assert 1 <= pool_size(settings) <= settings.database_pool_size
    assert APPS_PER_WORKER * workers * pool_size(settings) <= max_connections - RESERVED_CONNECTIONS


def test_sqlite_pools_are_not_limited_by_process_count() -> None:
    assert pool_size(Settings(database_url="sqlite:///x.db", workers=8, database_pool_size=10)) == 10


def test_the_servers_own_max_connections_is_read_on_postgresql(engine: Engine) -> None:
    maximum = server_max_connections(engine)
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            assert maximum == int(
                connection.exec_driver_sql(
                    "SELECT setting FROM pg_settings WHERE name = 'max_connections'"
                ).scalar_one()
            )
    else:
        assert maximum is None
