"""Careers in-process, with placements in-process behind it (called over HTTP with a service token, as in
production) and a fixed today, so every date rule is judged on a known day."""

from collections.abc import Callable
from datetime import date

import httpx
import pytest
from fastapi.testclient import TestClient

from services.careers.app import app as careers_app
from services.careers.placements_client import placements_client
from services.common.clock import today
from services.placements.app import app as placements_app
from tests.conftest import bearer

TODAY = date(2026, 6, 15)  # registration year 2026: 1 Dec 2025 to 30 Nov 2026
BIRMINGHAM, COVENTRY, DUDLEY = "330", "331", "332"
CAREERS = "/v1/careers"
EMPLOYMENTS = "/v1/placements/employments"


def social_worker(swe_number: str = "SW900001") -> dict[str, str]:
    return bearer("social_worker", worker=swe_number, subject=f"worker-{swe_number}")


def council_hr(council: str = BIRMINGHAM) -> dict[str, str]:
    return bearer("council_hr", council=council, subject=f"hr-{council}")


def academy_admin() -> dict[str, str]:
    return bearer("academy_admin", subject="academy-admin")


def _bind(placements: TestClient) -> None:
    placements.headers.update(bearer("service", subject="careers-service"))
    careers_app.dependency_overrides[placements_client] = lambda: placements
    careers_app.dependency_overrides[today] = lambda: TODAY


@pytest.fixture
def placements(app_client) -> TestClient:
    """Placements in-process, for tests to record spells as a council HR system would."""
    return app_client(placements_app)


@pytest.fixture
def careers(app_client, placements) -> TestClient:
    client = app_client(careers_app)
    _bind(app_client(placements_app))
    return client


@pytest.fixture
def through_gateway(gateway, app_client) -> TestClient:
    """The gateway in-process, with careers reaching placements in-process too."""
    _bind(app_client(placements_app))
    return gateway


@pytest.fixture
def employ(placements) -> Callable[..., dict]:
    """Record a spell in placements: `employ("SW900001", BIRMINGHAM, "2020-01-06", end="2023-03-31")`."""

    def _employ(swe_number: str, council: str, start: str, end: str | None = None, agency: bool = False) -> dict:
        body = {"swe_number": swe_number, "council": council, "start_date": start, "agency": agency}
        if end:
            body["end_date"] = end
        response = placements.post(EMPLOYMENTS, json=body, headers=academy_admin())
        assert response.status_code == 201, response.text
        return response.json()

    return _employ


@pytest.fixture
def start_record(careers) -> Callable[..., dict]:
    """Start a worker's career record as their council's HR."""

    def _start(
        swe_number: str = "SW900001",
        level: str = "social_worker",
        council: str = BIRMINGHAM,
        effective_on: str = "2022-01-01",
        **fields,
    ) -> dict:
        body = {"swe_number": swe_number, "level": level, "effective_on": effective_on, **fields}
        response = careers.post(f"{CAREERS}/workers", json=body, headers=council_hr(council))
        assert response.status_code == 201, response.text
        return response.json()

    return _start


def unreachable_placements() -> httpx.Client:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    return httpx.Client(transport=httpx.MockTransport(refuse), base_url="http://placements")
