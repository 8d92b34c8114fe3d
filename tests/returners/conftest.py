"""Returners test set-up: the app in-process, placements answering in-process (or down), and helpers
that create cohorts and put applicants where a test needs them."""

import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from services.common.models import utcnow
from services.common.rate_limits import limiter
from services.placements.app import app as placements_app
from services.returners.app import app as returners_app
from services.returners.models import Applicant, Cohort, StageEvent
from services.returners.placements_client import placements_client
from tests.conftest import bearer

TODAY = date.today()
BIRMINGHAM, COVENTRY, WOLVERHAMPTON, LANCASHIRE = "330", "331", "336", "888"
BASE = "/v1/returners"


@pytest.fixture(autouse=True)
def _fresh_enquiry_limits() -> Iterator[None]:
    """Each test starts with no enquiries counted against its address or emails."""
    limiter.cache_clear()
    yield
    limiter.cache_clear()


@pytest.fixture
def client(app_client) -> TestClient:
    return app_client(returners_app)


@pytest.fixture
def admin() -> dict[str, str]:
    return bearer("academy_admin", subject="academy-admin")


@pytest.fixture
def birmingham() -> dict[str, str]:
    return bearer("council_hr", council=BIRMINGHAM, subject="birmingham-hr")


@pytest.fixture
def coventry() -> dict[str, str]:
    return bearer("council_hr", council=COVENTRY, subject="coventry-hr")


@pytest.fixture
def placements(app_client) -> TestClient:
    """Placements answering in-process, called by returners with a service token."""
    placements = app_client(placements_app)
    placements.headers.update(bearer("service", subject="returners-service"))
    returners_app.dependency_overrides[placements_client] = lambda: placements
    return placements


@pytest.fixture
def placements_down() -> Iterator[httpx.Client]:
    """Placements not listening: nothing answers on the discard port of loopback."""
    down = httpx.Client(base_url="http://127.0.0.1:9", timeout=2)
    returners_app.dependency_overrides[placements_client] = lambda: down
    yield down
    down.close()


def cohort_body(**fields) -> dict:
    return {
        "name": f"Cohort {uuid.uuid4().hex[:8]}",
        "intake_opens": str(TODAY - timedelta(days=60)),
        "intake_closes": str(TODAY + timedelta(days=60)),
        "capacity": 20,
        "min_years_away": 2,
        "max_years_away": 10,
        "min_statutory_practice_years": "2",
        **fields,
    }


@pytest.fixture
def new_cohort(client, admin) -> Callable[..., dict]:
    def make(**fields) -> dict:
        response = client.post(f"{BASE}/cohorts", json=cohort_body(**fields), headers=admin)
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest.fixture
def cohort(new_cohort) -> dict:
    return new_cohort()


def years_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return date(on.year - years, 3, 1)


def application_body(cohort_id: str, years_away: int = 4, **fields) -> dict:
    left = years_before(TODAY, years_away)
    return {
        "cohort_id": cohort_id,
        "registration_number": "SW000123",
        "date_last_practised": str(left - timedelta(days=30)),
        "date_left_register": str(left),
        "years_statutory_practice": "3",
        **fields,
    }


@pytest.fixture
def new_applicant(client, admin) -> Callable[..., dict]:
    """An enquiry keyed in by academy staff, applied to `cohort` when one is given."""

    def make(cohort: dict | None = None, email: str | None = None, **application) -> dict:
        email = email or f"returner-{uuid.uuid4().hex[:10]}@example.org"
        response = client.post(
            f"{BASE}/applicants",
            json={"name": "Ada Returner", "email": email, "region": "West Midlands"},
            headers=admin,
        )
        assert response.status_code == 201, response.text
        applicant = response.json()
        if cohort is not None:
            response = client.post(
                f"{BASE}/applicants/{applicant['id']}/application",
                json=application_body(cohort["id"], **application),
                headers=admin,
            )
            assert response.status_code == 200, response.text
            applicant = response.json()
        return applicant

    return make


def move(client: TestClient, headers: dict, applicant_id: str, *actions: str, expect: int = 200) -> dict:
    answer = {}
    for action in actions:
        response = client.post(
            f"{BASE}/applicants/{applicant_id}/transitions", json={"action": action}, headers=headers
        )
        assert response.status_code == expect, response.text
        answer = response.json()
    return answer


def put_in_stage(session: Session, cohort_id: str | None, stage: str, **fields) -> Applicant:
    """An applicant placed straight into `stage` (set-up for tests about what that stage allows)."""
    applicant = Applicant(
        name="Staged Returner",
        email=f"staged-{uuid.uuid4().hex[:10]}@example.org",
        consent_at=utcnow(),
        stage=stage,
        stage_since=TODAY - timedelta(days=400),
        cohort_id=uuid.UUID(cohort_id) if cohort_id else None,
        registration_number="SW4242",
        updating_days_required=fields.pop("updating_days_required", 30),
        eligible=True,
        **fields,
    )
    session.add(applicant)
    session.flush()
    session.add(
        StageEvent(
            applicant_id=applicant.id,
            to_stage=stage,
            action="test-setup",
            effective_on=applicant.stage_since,
            actor="test",
            actor_role="academy_admin",
        )
    )
    session.commit()  # a savepoint: a request that fails later rolls back only its own work
    return applicant


def cohort_row(session: Session, cohort_id: str) -> Cohort:
    return session.get(Cohort, uuid.UUID(cohort_id))


HOURS_PER_DAY = Decimal(7)
