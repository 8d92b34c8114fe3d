"""The one SQL database: the engine and its pool, sessions, and the transaction rules every process keeps.

The rules (docs/architecture.md, "Transactions"):

1. No request holds a transaction while it waits on another service: `check_no_transaction_held`,
   called by the service client before every call, refuses.
2. A request that may write (any method but GET and HEAD) begins as a writer: on SQLite with
   `BEGIN IMMEDIATE`, so concurrent writers queue on the busy timeout instead of failing when one
   of them read first. A read request never writes in its own transaction; its audit rows are
   written after it, in a short writer transaction of their own.
3. On PostgreSQL a conflict the database calls retryable (serialization failure, deadlock) is
   retried a bounded number of times (`RetryingRoute`); the caller never sees it.
4. Every process sizes its pool from the number of processes the platform runs, so the pools of all
   processes fit within PostgreSQL's max_connections, and a request waits a bounded time for a
   connection, then gets 503 with Retry-After (services/common/capacity.py keeps it from waiting).
"""

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from functools import lru_cache
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, SQLModel, create_engine

from services.common.metrics import watch_pool
from services.common.settings import Settings, get_settings

# Set before any table is defined so every constraint has a stable, portable name.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata

log = logging.getLogger("futuresocial.db")

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
APPS_PER_WORKER = 5  # the gateway and the four services each hold a pool
RESERVED_CONNECTIONS = 10  # migrations, the command line, an operator's psql, PostgreSQL's own reserve
RETRY_ATTEMPTS = 3
# SQLSTATEs PostgreSQL documents as "retry the transaction": serialization_failure, deadlock_detected
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


class TransactionHeld(RuntimeError):
    """A request tried to wait on another service while holding a database transaction (a bug)."""


class ReadOnlyRequest(RuntimeError):
    """A read request (GET) tried to write in its own transaction (a bug: reads audit after the fact)."""


# --- The engine and its pool ---------------------------------------------------------------------


def pool_size(settings: Settings) -> int:
    """Connections one process may hold: what its requests can use at once, and on PostgreSQL its share
    of max_connections among every process of the platform (APPS_PER_WORKER x workers)."""
    if settings.is_sqlite:
        return settings.database_pool_size
    share = (settings.database_max_connections - RESERVED_CONNECTIONS) // (APPS_PER_WORKER * settings.workers)
    return max(1, min(settings.database_pool_size, share))


def check_connection_budget(settings: Settings) -> None:
    """Refuse a process count whose pools cannot all fit in PostgreSQL's max_connections."""
    if settings.is_sqlite:
        return
    processes = APPS_PER_WORKER * settings.workers
    if (settings.database_max_connections - RESERVED_CONNECTIONS) // processes < 1:
        raise ValueError(
            f"{settings.workers} worker(s) per service is {processes} processes, more than PostgreSQL's "
            f"max_connections ({settings.database_max_connections}, {RESERVED_CONNECTIONS} kept in reserve) "
            "can give a connection each: run fewer workers or raise max_connections."
        )


def server_max_connections(engine: Engine) -> int | None:
    """PostgreSQL's own max_connections (None on SQLite, which has no such limit)."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        return int(connection.exec_driver_sql("SHOW max_connections").scalar_one())


def make_engine(url: str, settings: Settings | None = None) -> Engine:
    settings = settings or get_settings()
    size = pool_size(settings)
    pooling = {"pool_size": size, "max_overflow": 0, "pool_timeout": settings.database_pool_timeout_seconds}
    if url.startswith("sqlite"):
        if ":memory:" in url or url in ("sqlite://", "sqlite:///"):
            pooling = {}
        lock_wait = settings.database_lock_timeout_seconds
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": lock_wait}, hide_parameters=True, **pooling
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # The driver's own transaction handling breaks SAVEPOINT; SQLAlchemy emits BEGIN instead.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            # WAL lets every process read while one writes; foreign keys are off by default in SQLite.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(lock_wait * 1000)}")
            cursor.execute(f"PRAGMA cache_size=-{settings.sqlite_cache_kib}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection: Connection):
            # A writer takes the write lock at BEGIN, waiting on busy_timeout for it. Begun deferred, it
            # would read from a snapshot and then fail at once (SQLITE_BUSY) if another process wrote
            # before its first write: the busy timeout never applies to that upgrade.
            writes = connection.get_execution_options().get("writes", True)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

        return engine
    timeout_ms = int(settings.database_statement_timeout_seconds * 1000)
    idle_ms = int(settings.database_idle_transaction_timeout_seconds * 1000)
    return create_engine(
        url,
        pool_pre_ping=True,
        # An error's text (logged with its trace) shows the statement, never the values: SWE numbers, names.
        hide_parameters=True,
        connect_args={"options": f"-c statement_timeout={timeout_ms} -c idle_in_transaction_session_timeout={idle_ms}"},
        **pooling,
    )


@lru_cache
def get_engine() -> Engine:
    engine = make_engine(get_settings().database_url)
    watch_pool(engine.pool)
    return engine


@lru_cache
def _engine_for(writes: bool) -> Engine:
    # Both share one pool; the option tells the begin event which BEGIN to emit on SQLite. A connection
    # taken from the engine itself is a writer: a reader that wrote could fail, a writer that only
    # reads merely waits.
    return get_engine().execution_options(writes=writes)


def read_engine() -> Engine:
    """The engine for connections that only read (health checks, reports outside a request)."""
    return _engine_for(False)


# --- Sessions ------------------------------------------------------------------------------------


def new_session(*, writes: bool = True, background: bool = True) -> Session:
    """A session outside a request (the command line, the scheduler): a writer, and on PostgreSQL with
    the longer statement timeout that background work needs."""
    session = Session(_engine_for(writes), expire_on_commit=False)
    session.info["read_only"] = not writes
    if background:
        session.info["statement_timeout_seconds"] = get_settings().background_statement_timeout_seconds
    return session


@event.listens_for(OrmSession, "after_begin")
def _statement_timeout(session: OrmSession, _transaction, connection: Connection) -> None:
    seconds = session.info.get("statement_timeout_seconds")
    if seconds is not None and connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(seconds * 1000)}")


@event.listens_for(OrmSession, "before_flush")
def _refuse_flush_in_read(session: OrmSession, _context, _instances) -> None:
    if session.info.get("read_only") and (session.new or session.dirty or session.deleted):
        raise ReadOnlyRequest("A read request may not write; see services/common/db.py.")


@event.listens_for(OrmSession, "after_flush")
def _remember_flush(session: OrmSession, _context) -> None:
    session.info["wrote"] = True


@event.listens_for(OrmSession, "do_orm_execute")
def _watch_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        if state.session.info.get("read_only"):
            raise ReadOnlyRequest("A read request may not write; see services/common/db.py.")
        state.session.info["wrote"] = True


@event.listens_for(OrmSession, "after_begin")
def _forget_writes(session: OrmSession, _transaction, _connection) -> None:
    session.info.pop("wrote", None)


# --- The request's sessions ------------------------------------------------------------------------

# Set to a fresh list for each request by RequestSessionsMiddleware. The list itself is shared by every
# thread the request runs in (a copied context still refers to the same list).
_request_sessions: ContextVar[list[Session] | None] = ContextVar("futuresocial_request_sessions", default=None)


class RequestSessionsMiddleware:
    """Gives each request the list its sessions are tracked in (for the rules above)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        token = _request_sessions.set([])
        try:
            await self.app(scope, receive, send)
        finally:
            _request_sessions.reset(token)


def track_request_session(session: Session, *, writes: bool) -> Callable[[], None]:
    """Make `session` the current request's, in read or write mode; returns what undoes it."""
    earlier = session.info.get("read_only")
    session.info["read_only"] = not writes
    sessions = _request_sessions.get()
    if sessions is not None:
        sessions.append(session)

    def untrack() -> None:
        session.info["read_only"] = earlier
        if sessions is not None and session in sessions:
            sessions.remove(session)

    return untrack


def check_no_transaction_held() -> None:
    """Refuse to wait on another service while this request holds a transaction: on SQLite the other
    service could not write until we finished, and we would wait for it; on PostgreSQL we would keep
    locks and a pooled connection for as long as it takes."""
    for session in _request_sessions.get() or ():
        if session.in_transaction():
            raise TransactionHeld(
                "A request called another service inside a database transaction; end it first "
                "(see release_reads in services/common/db.py)."
            )


def release_reads(session: Session) -> None:
    """End a transaction that has only read, before waiting on another service. What was loaded stays
    usable; the next statement begins a new transaction."""
    if session.new or session.dirty or session.deleted or session.info.get("wrote"):
        raise TransactionHeld("This transaction has written; it cannot be ended before the call.")
    session.commit()


def _write_deferred_audit(session: Session) -> None:
    """A read request's audit rows, in a short writer transaction of their own once its reads are over."""
    rows = session.info.pop("deferred_audit", None)
    if rows:
        from services.common.audit import insert_audit_rows

        with Session(_engine_for(True)) as writer:
            insert_audit_rows(writer, rows)
            writer.commit()


def get_session(request: Request) -> Iterator[Session]:
    """One session per request: committed when the endpoint succeeds, rolled back when it raises."""
    writes = request.method not in READ_METHODS
    with Session(_engine_for(writes), expire_on_commit=False) as session:
        untrack = track_request_session(session, writes=writes)
        try:
            yield session
            session.commit()
            _write_deferred_audit(session)
        except Exception:
            session.rollback()
            raise
        finally:
            untrack()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


# --- Retrying what the database says to retry ------------------------------------------------------


def is_retryable(error: BaseException) -> bool:
    """A conflict PostgreSQL resolved by aborting us, which a second attempt will not meet."""
    return isinstance(error, DBAPIError) and getattr(error.orig, "sqlstate", None) in RETRYABLE_SQLSTATES


class RetryingRoute(APIRoute):
    """Runs the endpoint again, with fresh sessions, when the database aborted it for a retryable
    conflict: up to RETRY_ATTEMPTS times with a short random wait, then 503 with Retry-After."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            for attempt in range(1, RETRY_ATTEMPTS + 1):
                try:
                    return await handler(request)
                except DBAPIError as error:
                    if not is_retryable(error) or attempt == RETRY_ATTEMPTS:
                        raise
                    for session in _request_sessions.get() or ():
                        session.info.pop("deferred_audit", None)  # that attempt read nothing after all
                        session.close()  # the aborted transaction and its connection go back now
                    log.warning("retrying after a database conflict (attempt %d)", attempt)
                    await asyncio.sleep(random.uniform(0, 0.05 * 2**attempt))
            raise AssertionError("unreachable")

        return handle
