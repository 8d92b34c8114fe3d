"""Test set-up: a real database (a temporary SQLite file, or PostgreSQL when
FUTURESOCIAL_TEST_DATABASE_URL is set), migrated with the real Alembic history; a key pair made
for the run; each test inside a transaction that is rolled back."""

import os
import tempfile
from pathlib import Path

_RUN_DIR = Path(tempfile.mkdtemp(prefix="futuresocial-tests-"))
os.environ["FUTURESOCIAL_KEYS_DIR"] = str(_RUN_DIR / "keys")


def _test_database_url() -> str:
    """SQLite in this run's folder, or a PostgreSQL database of this pytest worker's own."""
    base = os.environ.get("FUTURESOCIAL_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{_RUN_DIR / 'test.db'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return base
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(base)
    name = f"{url.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


os.environ["FUTURESOCIAL_DATABASE_URL"] = _test_database_url()
os.environ.setdefault("FUTURESOCIAL_TOKEN_RATE_LIMIT", "100000/minute")
os.environ.setdefault("FUTURESOCIAL_API_RATE_LIMIT", "100000/minute")
os.environ.setdefault("FUTURESOCIAL_SCHEDULER_ENABLED", "false")  # tests drive the scheduler with a clock

from collections.abc import Callable, Iterator  # noqa: E402

import httpx  # noqa: E402
import pytest  # noqa: E402
from fastapi import FastAPI, Request  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import Connection  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import Session  # noqa: E402

from gateway.app import create_gateway  # noqa: E402
from services.analytics.app import app as analytics_app  # noqa: E402
from services.careers.app import app as careers_app  # noqa: E402
from services.common import migrate  # noqa: E402
from services.common.audit import insert_audit_rows  # noqa: E402
from services.common.db import READ_METHODS, get_engine, get_session, track_request_session  # noqa: E402
from services.common.jwt import ensure_development_keys, issue_token  # noqa: E402
from services.common.reference import load_councils  # noqa: E402
from services.common.settings import get_settings  # noqa: E402
from services.placements.app import app as placements_app  # noqa: E402
from services.returners.app import app as returners_app  # noqa: E402
from tests.databases import scratch_postgres_database  # noqa: E402
from web.app import app as web_app  # noqa: E402

# the `browser` marker and the browser fixtures (tests/web/browser.py)
pytest_plugins = ["tests.web.browser_plugin"]

DATABASE_URL = os.environ["FUTURESOCIAL_DATABASE_URL"]
ensure_development_keys(get_settings())
ON_POSTGRES = DATABASE_URL.startswith("postgresql")


def pytest_report_header(config) -> str:
    return f"futuresocial database: {'PostgreSQL' if ON_POSTGRES else 'SQLite'} ({DATABASE_URL.split('@')[-1]})"


@pytest.fixture(scope="session", autouse=True)
def database() -> Iterator[str]:
    """The schema at head with reference data, once per run; emptied again at the end."""
    migrate.downgrade(DATABASE_URL, "base")  # a PostgreSQL database left by a killed run
    migrate.upgrade(DATABASE_URL)
    with Session(get_engine()) as session:
        load_councils(session)
    yield DATABASE_URL
    get_engine().dispose()
    migrate.downgrade(DATABASE_URL, "base")


@pytest.fixture
def connection(database: str) -> Iterator[Connection]:
    with get_engine().connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    """A session whose commits are savepoints inside the test's transaction."""
    with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as session:
        yield session


def _client_for(app: FastAPI, session: Session) -> Iterator[TestClient]:
    def _session_override(request: Request) -> Iterator[Session]:
        """The test's session as the request's, keeping the request rules of services/common/db.py: a
        read request may not write, and no request may call another service inside a transaction."""
        session.commit()  # what the test set up is there before the request, as it would be in production
        untrack = track_request_session(session, writes=request.method not in READ_METHODS)
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise
        finally:
            untrack()
        deferred = session.info.pop("deferred_audit", None)
        if deferred:  # a read request's audit rows, written after it as services/common/db.py does
            read_only = session.info.pop("read_only", None)
            insert_audit_rows(session, deferred)
            session.commit()
            session.info["read_only"] = read_only

    app.dependency_overrides[get_session] = _session_override
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    app.dependency_overrides.clear()


@pytest.fixture
def app_client(session: Session) -> Callable[[FastAPI], TestClient]:
    """Call any of our apps in-process against the test's session: `app_client(placements_app)`."""
    opened: list[Iterator[TestClient]] = []

    def _open(app: FastAPI) -> TestClient:
        generator = _client_for(app, session)
        opened.append(generator)
        return next(generator)

    yield _open
    for generator in opened:
        next(generator, None)


def bearer(
    role: str = "academy_admin",
    council: str | None = None,
    worker: str | None = None,
    scopes: list[str] | None = None,
    subject: str = "test",
) -> dict[str, str]:
    from services.common.auth import DEFAULT_SCOPES, Role

    token = issue_token(
        subject=subject,
        role=role,
        council=council,
        worker=worker,
        scopes=scopes if scopes is not None else DEFAULT_SCOPES[Role(role)],
    )
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def auth() -> Callable[..., dict[str, str]]:
    """Headers with a valid token: `auth("council_hr", council="330")`."""
    return bearer


SERVICE_APPS = {
    "careers": careers_app,
    "placements": placements_app,
    "returners": returners_app,
    "analytics": analytics_app,
}


@pytest.fixture
def gateway(app_client) -> Iterator[TestClient]:
    """The gateway in-process, forwarding to the four service apps in-process (same test session), and to the
    front end's app for its own paths (which calls the API over HTTP, so only its pages that need none work)."""
    for service_app in SERVICE_APPS.values():
        app_client(service_app)  # binds each service to the test's session
    client = app_client(create_gateway())
    upstreams = client.app.state.upstreams
    for name, service_app in SERVICE_APPS.items():
        upstreams.clients[name] = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=service_app), base_url=f"http://{name}"
        )
    upstreams.clients["web"] = httpx.AsyncClient(transport=httpx.ASGITransport(app=web_app), base_url="http://web")
    yield client


POSTGRES_BASE_URL = os.environ.get("FUTURESOCIAL_TEST_DATABASE_URL")
FRESH_BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_BASE_URL else [])


@pytest.fixture(params=FRESH_BACKENDS)
def fresh_database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A database nobody else uses, empty at the start and thrown away at the end."""
    if request.param == "sqlite":
        with tempfile.TemporaryDirectory(prefix="futuresocial-fresh-") as folder:
            yield f"sqlite:///{Path(folder) / 'fresh.db'}"
        return
    with scratch_postgres_database(POSTGRES_BASE_URL, f"{make_url(POSTGRES_BASE_URL).database}_fresh") as url:
        yield url
