"""Returners endpoints: thin; the logic lives in the domain modules.

`public_router` holds the one endpoint anyone may call without a token (the enquiry form); everything
else hangs from `router`, which requires a token with the returners scope.
"""

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from services.common.app import service_router
from services.common.auth import Principal, Role, require_roles
from services.common.db import RetryingRoute, SessionDep
from services.common.errors import PROBLEM_MEDIA_TYPE, PROBLEM_RESPONSES, Problem
from services.common.pagination import Page, PageDep, make_page, page_of
from services.returners import applicants, cohorts, employment, hosts, outcomes, updating
from services.returners.enquiry_limits import client_address, enforce_enquiry_limits
from services.returners.placements_api import PlacementsClient
from services.returners.rules import Stage
from services.returners.schemas import (
    EARLIEST,
    ApplicantCreate,
    ApplicantPublic,
    ApplicationCreate,
    CohortCreate,
    CohortOutcomes,
    CohortPublic,
    CohortUpdate,
    EligibilityPublic,
    EmploymentCreate,
    EnquiryCreate,
    EnquiryReceived,
    HostMatchCreate,
    HostOfferCreate,
    HostOfferPublic,
    HostOfferUpdate,
    HostPlacementPublic,
    StageEventPublic,
    TalentPoolEntry,
    TransitionCreate,
    UpdatingActivityCreate,
    UpdatingActivityPublic,
    UpdatingProgressPublic,
)

router = service_router("returners")
# No token, so no 401, 403 or 404: the rest of what any request may get.
PUBLIC_PROBLEMS = {code: PROBLEM_RESPONSES[code] for code in (400, 422, 429, 503)}
public_router = APIRouter(prefix="/v1/returners", responses=PUBLIC_PROBLEMS, route_class=RetryingRoute)

Admin = Annotated[Principal, Depends(require_roles(Role.academy_admin))]
Reader = Annotated[Principal, Depends(require_roles(Role.academy_admin, Role.council_hr))]
CouncilPath = Annotated[str, Path(pattern=r"^[0-9]{3}$", description="DfE LA code")]
LATEST = date(2100, 12, 31)


def _problem(description: str) -> dict[str, Any]:
    return {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": description}


CONFLICT = {409: _problem("Conflict: not possible in the applicant's stage, or no capacity left")}
UNAVAILABLE = {503: _problem("Placements cannot be reached now; nothing was changed")}
TOO_MANY = {
    429: {
        **_problem("Too many enquiries from this address or for this email"),
        "headers": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
    }
}


def _in_range(day: date | None) -> date | None:
    if day is not None and not EARLIEST <= day <= LATEST:
        raise PydanticCustomError(
            "date_out_of_range",
            "the date must be between {low} and {high}",
            {"low": str(EARLIEST), "high": str(LATEST)},
        )
    return day


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


# --- The public enquiry ------------------------------------------------------------------------


@public_router.post(
    "/enquiries",
    status_code=202,
    response_model=EnquiryReceived,
    tags=["enquiries"],
    summary="Enquire about the programme (no token needed)",
    responses=TOO_MANY,
)
def submit_enquiry(body: EnquiryCreate, request: Request, session: SessionDep) -> EnquiryReceived:
    enforce_enquiry_limits(client_address(request), body.email)
    applicants.submit_enquiry(session, body, _request_id(request))
    return EnquiryReceived()


# --- Cohorts -----------------------------------------------------------------------------------


@router.post(
    "/cohorts",
    status_code=201,
    response_model=CohortPublic,
    tags=["cohorts"],
    summary="Open a cohort",
    responses=CONFLICT,
)
def create_cohort(body: CohortCreate, session: SessionDep, principal: Admin) -> CohortPublic:
    return cohorts.create_cohort(session, principal, body)


@router.get("/cohorts", response_model=Page[CohortPublic], tags=["cohorts"], summary="List cohorts, newest first")
def list_cohorts(session: SessionDep, principal: Reader, page: PageDep) -> Page[CohortPublic]:
    rows, total = cohorts.list_cohorts(session, page)
    return make_page(rows, total, page)


@router.get("/cohorts/{cohort_id}", response_model=CohortPublic, tags=["cohorts"], summary="Read a cohort")
def get_cohort(cohort_id: uuid.UUID, session: SessionDep, principal: Reader) -> CohortPublic:
    return cohorts.get_cohort(session, cohort_id)


@router.patch(
    "/cohorts/{cohort_id}",
    response_model=CohortPublic,
    tags=["cohorts"],
    summary="Change a cohort",
    responses=CONFLICT,
)
def update_cohort(cohort_id: uuid.UUID, body: CohortUpdate, session: SessionDep, principal: Admin) -> CohortPublic:
    return cohorts.update_cohort(session, cohort_id, body)


@router.get(
    "/cohorts/{cohort_id}/outcomes",
    response_model=CohortOutcomes,
    tags=["cohorts"],
    summary="Counts, conversion and median days between stages, and retention at 6 and 12 months",
    responses=UNAVAILABLE,
)
def cohort_outcomes(
    cohort_id: uuid.UUID,
    session: SessionDep,
    principal: Admin,
    placements: PlacementsClient,
    as_of: Annotated[
        date | None,
        Query(description="Retention as on this day (default today), 1950 to 2100"),
        AfterValidator(_in_range),
    ] = None,
) -> CohortOutcomes:
    return outcomes.cohort_outcomes(session, cohort_id, placements, as_of)


# --- Host councils -----------------------------------------------------------------------------


@router.post(
    "/cohorts/{cohort_id}/host-offers",
    status_code=201,
    response_model=HostOfferPublic,
    tags=["host councils"],
    summary="Offer supervised-practice places in a cohort (a council's HR for its own council)",
    responses=CONFLICT,
)
def create_host_offer(
    cohort_id: uuid.UUID, body: HostOfferCreate, session: SessionDep, principal: Reader
) -> HostOfferPublic:
    return hosts.create_offer(session, principal, cohort_id, body)


@router.get(
    "/cohorts/{cohort_id}/host-offers",
    response_model=Page[HostOfferPublic],
    tags=["host councils"],
    summary="Places offered in a cohort (a council's HR sees its own)",
)
def list_host_offers(
    cohort_id: uuid.UUID, session: SessionDep, principal: Reader, page: PageDep
) -> Page[HostOfferPublic]:
    return page_of(hosts.list_offers(session, principal, cohort_id), page)


@router.put(
    "/cohorts/{cohort_id}/host-offers/{council}",
    response_model=HostOfferPublic,
    tags=["host councils"],
    summary="Change the number of places offered (never below those taken)",
    responses=CONFLICT,
)
def update_host_offer(
    cohort_id: uuid.UUID,
    council: CouncilPath,
    body: HostOfferUpdate,
    session: SessionDep,
    principal: Reader,
) -> HostOfferPublic:
    return hosts.update_offer(session, principal, cohort_id, council, body)


@router.post(
    "/applicants/{applicant_id}/host-placement",
    status_code=201,
    response_model=HostPlacementPublic,
    tags=["host councils"],
    summary="Match an applicant to a host council's place in their cohort",
    responses=CONFLICT,
)
def match_host(
    applicant_id: uuid.UUID, body: HostMatchCreate, request: Request, session: SessionDep, principal: Admin
) -> HostPlacementPublic:
    return hosts.match(session, principal, applicant_id, body, _request_id(request))


# --- Applicants --------------------------------------------------------------------------------


@router.post(
    "/applicants",
    status_code=201,
    response_model=ApplicantPublic,
    tags=["applicants"],
    summary="Record an enquiry taken by academy staff",
    responses=CONFLICT,
)
def create_applicant(body: ApplicantCreate, request: Request, session: SessionDep, principal: Admin) -> ApplicantPublic:
    return applicants.create_applicant(session, principal, body, _request_id(request))


@router.get(
    "/applicants",
    response_model=Page[ApplicantPublic],
    tags=["applicants"],
    summary="List applicants (a council's HR: those placed with it and the talent pool)",
)
def list_applicants(
    request: Request,
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    cohort_id: Annotated[uuid.UUID | None, Query(description="In this cohort")] = None,
    stage: Annotated[Stage | None, Query(description="In this stage now")] = None,
) -> Page[ApplicantPublic]:
    rows, total = applicants.list_applicants(
        session, principal, page, cohort_id=cohort_id, stage=stage, request_id=_request_id(request)
    )
    return make_page(rows, total, page)


@router.get(
    "/applicants/{applicant_id}",
    response_model=ApplicantPublic,
    tags=["applicants"],
    summary="Read an applicant",
)
def get_applicant(applicant_id: uuid.UUID, request: Request, session: SessionDep, principal: Reader) -> ApplicantPublic:
    return applicants.get_applicant(session, principal, applicant_id, _request_id(request))


@router.post(
    "/applicants/{applicant_id}/application",
    response_model=ApplicantPublic,
    tags=["applicants"],
    summary="Submit the application: eligibility is decided and explained",
    responses=CONFLICT,
)
def submit_application(
    applicant_id: uuid.UUID, body: ApplicationCreate, request: Request, session: SessionDep, principal: Admin
) -> ApplicantPublic:
    return applicants.submit_application(session, principal, applicant_id, body, _request_id(request))


@router.get(
    "/applicants/{applicant_id}/eligibility",
    response_model=EligibilityPublic,
    tags=["applicants"],
    summary="The eligibility decision: which rule decided, with which dates, and the updating days",
)
def get_eligibility(
    applicant_id: uuid.UUID, request: Request, session: SessionDep, principal: Reader
) -> EligibilityPublic:
    return applicants.eligibility(session, principal, applicant_id, _request_id(request))


@router.post(
    "/applicants/{applicant_id}/transitions",
    response_model=ApplicantPublic,
    tags=["stages"],
    summary="Move an applicant along the funnel (or off it)",
    responses=CONFLICT,
)
def transition(
    applicant_id: uuid.UUID, body: TransitionCreate, request: Request, session: SessionDep, principal: Admin
) -> ApplicantPublic:
    return applicants.transition(session, principal, applicant_id, body, _request_id(request))


@router.get(
    "/applicants/{applicant_id}/stage-events",
    response_model=Page[StageEventPublic],
    tags=["stages"],
    summary="Every transition, with who and when",
)
def list_stage_events(
    applicant_id: uuid.UUID, request: Request, session: SessionDep, principal: Reader, page: PageDep
) -> Page[StageEventPublic]:
    return page_of(applicants.stage_events(session, principal, applicant_id, _request_id(request)), page)


@router.post(
    "/applicants/{applicant_id}/employment",
    response_model=ApplicantPublic,
    tags=["stages"],
    summary="Record that a restored returner is employed: placements records the worker and the spell",
    responses={**CONFLICT, **UNAVAILABLE},
)
def record_employed(
    applicant_id: uuid.UUID,
    body: EmploymentCreate,
    request: Request,
    session: SessionDep,
    principal: Admin,
    placements: PlacementsClient,
) -> ApplicantPublic:
    return employment.record_employed(session, principal, applicant_id, body, placements, _request_id(request))


@router.get(
    "/talent-pool",
    response_model=Page[TalentPoolEntry],
    tags=["applicants"],
    summary="Applicants not selected, whom member councils may recruit",
)
def talent_pool(
    request: Request,
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    region: Annotated[str | None, Query(max_length=60, description="In this region")] = None,
    cohort_id: Annotated[uuid.UUID | None, Query(description="From this cohort")] = None,
) -> Page[TalentPoolEntry]:
    rows, total = applicants.talent_pool(
        session, principal, page, region=region, cohort_id=cohort_id, request_id=_request_id(request)
    )
    return make_page(rows, total, page)


# --- Updating ----------------------------------------------------------------------------------


@router.post(
    "/applicants/{applicant_id}/updating-activities",
    status_code=201,
    response_model=UpdatingActivityPublic,
    tags=["updating"],
    summary="Log supervised practice, formal study or private study",
    responses=CONFLICT,
)
def log_activity(
    applicant_id: uuid.UUID,
    body: UpdatingActivityCreate,
    request: Request,
    session: SessionDep,
    principal: Admin,
) -> UpdatingActivityPublic:
    return updating.log_activity(session, principal, applicant_id, body, _request_id(request))


@router.get(
    "/applicants/{applicant_id}/updating-activities",
    response_model=Page[UpdatingActivityPublic],
    tags=["updating"],
    summary="The updating log",
)
def list_activities(
    applicant_id: uuid.UUID, request: Request, session: SessionDep, principal: Reader, page: PageDep
) -> Page[UpdatingActivityPublic]:
    return page_of(updating.list_activities(session, principal, applicant_id, _request_id(request)), page)


@router.get(
    "/applicants/{applicant_id}/updating-progress",
    response_model=UpdatingProgressPublic,
    tags=["updating"],
    summary="Days counted toward the required updating, and why any activity does not count",
    responses=CONFLICT,
)
def get_progress(
    applicant_id: uuid.UUID, request: Request, session: SessionDep, principal: Reader
) -> UpdatingProgressPublic:
    return updating.progress(session, principal, applicant_id, _request_id(request))
