"""Returners' HTTP client to placements (its API, with the service token): recording the worker and the
spell of a returner who got a job, and reading the spell back for retention."""

import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import httpx
from fastapi import Depends

from services.common.errors import Conflict, DomainError, InvalidInput, ServiceUnavailable
from services.common.service_client import call, service_client

WORKERS = "/v1/placements/workers"
EMPLOYMENTS = "/v1/placements/employments"


def placements_client() -> Iterator[httpx.Client]:
    """The HTTP connection to placements (tests override this dependency with one of their own)."""
    yield from service_client("placements")


def idempotency_key(applicant_id: uuid.UUID, what: str) -> str:
    """The same key on every attempt for one applicant, so a retry never records twice."""
    return f"returners-{applicant_id}-{what}"


def _body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _refused(response: httpx.Response, what: str) -> DomainError:
    """Placements' refusal as ours: its 422 and 409 are the caller's to fix; anything else (5xx, or our
    own credentials refused) means it cannot do this now."""
    body = _body(response)
    detail = body.get("detail") or "no detail"
    if response.status_code == 422:
        return InvalidInput(f"Placements refused the {what}: {detail}", errors=body.get("errors"))
    if response.status_code == 409:
        return Conflict(f"Placements refused the {what}: {detail}")
    return ServiceUnavailable(
        f"Placements could not record the {what} now (it answered {response.status_code}); nothing was "
        "changed here, retry later."
    )


class PlacementsClient:
    """What returners asks of placements, over one HTTP connection."""

    def __init__(self, http: httpx.Client):
        self.http = http

    def record_worker(self, applicant_id: uuid.UUID, swe_number: str, council: str) -> uuid.UUID:
        """The employing council's placements record of the returner: created, or the one that council
        already holds (it recorded the starter first, or employed them before)."""
        response = call(
            self.http,
            "POST",
            WORKERS,
            json={"swe_number": swe_number, "council": council},
            headers={"Idempotency-Key": idempotency_key(applicant_id, "worker")},
        )
        body = _body(response)
        if response.status_code == 201:
            return uuid.UUID(body["id"])
        if response.status_code == 409 and body.get("worker_id"):
            return uuid.UUID(body["worker_id"])
        raise _refused(response, "worker")

    def record_employment(
        self,
        applicant_id: uuid.UUID,
        worker_id: uuid.UUID,
        *,
        council: str,
        start_date: date,
        agency: bool,
        fte: Decimal | None,
        org_role: int | None,
    ) -> uuid.UUID:
        """The spell at `council` from `start_date`: created, or the same spell when the council's HR
        system recorded the starter first."""
        spell: dict[str, Any] = {
            "worker_id": str(worker_id),
            "council": council,
            "start_date": start_date.isoformat(),
            "agency": agency,
        }
        if fte is not None:
            spell["fte"] = str(fte)
        if org_role is not None:
            spell["org_role"] = org_role
        response = call(
            self.http,
            "POST",
            EMPLOYMENTS,
            json=spell,
            headers={"Idempotency-Key": idempotency_key(applicant_id, "employment")},
        )
        if response.status_code == 201:
            return uuid.UUID(_body(response)["id"])
        if response.status_code == 409:
            existing = self._existing_spell(worker_id, council, start_date)
            if existing is not None:
                return existing
        raise _refused(response, "employment")

    def _existing_spell(self, worker_id: uuid.UUID, council: str, start_date: date) -> uuid.UUID | None:
        response = call(
            self.http, "GET", EMPLOYMENTS, params={"worker_id": str(worker_id), "council": council, "limit": 500}
        )
        if response.status_code != 200:
            raise _refused(response, "employment")
        for spell in _body(response).get("items", []):
            if spell.get("start_date") == start_date.isoformat():
                return uuid.UUID(spell["id"])
        return None

    def employment_dates(self, employment_id: uuid.UUID) -> tuple[date, date | None] | None:
        """The start and end of a spell as placements holds them now (None: placements has no such spell)."""
        response = call(self.http, "GET", f"{EMPLOYMENTS}/{employment_id}")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ServiceUnavailable(
                f"Placements could not give the employment records now (it answered {response.status_code})."
            )
        body = _body(response)
        end = body.get("end_date")
        return date.fromisoformat(body["start_date"]), date.fromisoformat(end) if end else None


def _placements(http: Annotated[httpx.Client, Depends(placements_client)]) -> PlacementsClient:
    return PlacementsClient(http)


Placements = Annotated[PlacementsClient, Depends(_placements)]
