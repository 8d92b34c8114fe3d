"""The hand-over into employment, decided: what placements is asked to record, what the applicant then
holds, and the day the stage changes. Plain functions of their inputs; `service.record_employed` acts on
them."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from services.returners.handover.schemas import EmploymentCreate


@dataclass(frozen=True)
class Handover:
    """What placements is asked to record: the worker (by SWE number, at the council) and the spell."""

    swe_number: str
    council: str
    start_date: date
    agency: bool
    fte: Decimal | None
    org_role: int | None

    def spell(self) -> dict[str, Any]:
        return {
            "council": self.council,
            "start_date": self.start_date,
            "agency": self.agency,
            "fte": self.fte,
            "org_role": self.org_role,
        }


def plan_handover(data: EmploymentCreate, registration_number: str | None) -> Handover:
    """The number given on restoration when it differs, else the one the applicant applied with."""
    return Handover(
        swe_number=data.swe_number or registration_number,
        council=data.council,
        start_date=data.start_date,
        agency=data.agency,
        fte=data.fte,
        org_role=data.org_role,
    )


def employed_fields(handover: Handover, worker_id: UUID, employment_id: UUID) -> dict[str, Any]:
    """What the applicant holds once placements has recorded the worker and the spell."""
    return {
        "employed_council": handover.council,
        "employed_from": handover.start_date,
        "employed_agency": handover.agency,
        "employed_fte": handover.fte,
        "employed_org_role": handover.org_role,
        "placements_worker_id": worker_id,
        "placements_employment_id": employment_id,
    }


def employed_on(stage_since: date, start_date: date, today: date) -> date:
    """The day it took effect: the start date, unless that is still to come (today) or before the current
    stage began (a transition never goes back in time)."""
    return max(stage_since, min(start_date, today))
