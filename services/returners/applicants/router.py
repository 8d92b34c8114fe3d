"""Applicant endpoints: the public enquiry, applicants, the application and its eligibility, the stage
funnel's transitions and history, and the talent pool."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.common.app import service_router
from services.common.clock import Today
from services.common.db import RetryingRoute, SessionDep
from services.common.errors import PROBLEM_RESPONSES
from services.common.pagination import Page, PageDep, make_page, page_of
from services.returners.applicants import application, enquiry, stages
from services.returners.applicants import service as applicants
from services.returners.applicants.enquiry_limits import client_address, enforce_enquiry_limits
from services.returners.applicants.schemas import (
    ApplicantCreate,
    ApplicantPublic,
    ApplicationCreate,
    EligibilityPublic,
    EnquiryCreate,
    EnquiryReceived,
    StageEventPublic,
    TalentPoolEntry,
    TransitionCreate,
)
from services.returners.dependencies import CONFLICT, CREATED, TOO_MANY, Admin, Reader
from services.returners.rules import Stage

router = service_router("returners", "applicants")
stages_router = service_router("returners", "stages")
# No token, so no 401, 403 or 404: the rest of what any request may get.
PUBLIC_PROBLEMS = {code: PROBLEM_RESPONSES[code] for code in (400, 422, 429, 503)}
public_router = APIRouter(
    prefix="/v1/returners", tags=["enquiries"], responses=PUBLIC_PROBLEMS, route_class=RetryingRoute
)


@public_router.post(
    "/enquiries",
    status_code=202,
    summary="Enquire about the programme (no token needed)",
    responses=TOO_MANY,
)
def submit_enquiry(body: EnquiryCreate, request: Request, session: SessionDep, today: Today) -> EnquiryReceived:
    enforce_enquiry_limits(client_address(request), body.email)
    enquiry.submit_enquiry(session, body, today)
    return EnquiryReceived()


@router.post("/applicants", summary="Record an enquiry taken by academy staff", **CREATED)
def create_applicant(body: ApplicantCreate, session: SessionDep, principal: Admin, today: Today) -> ApplicantPublic:
    return enquiry.create_applicant(session, principal, body, today)


@router.get("/applicants", summary="List applicants (a council's HR: those placed with it and the talent pool)")
def list_applicants(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    cohort_id: Annotated[uuid.UUID | None, Query(description="In this cohort")] = None,
    stage: Annotated[Stage | None, Query(description="In this stage now")] = None,
) -> Page[ApplicantPublic]:
    rows, total = applicants.list_applicants(session, principal, page, cohort_id=cohort_id, stage=stage)
    return make_page(rows, total, page)


@router.get("/applicants/{applicant_id}", summary="Read an applicant")
def get_applicant(applicant_id: uuid.UUID, session: SessionDep, principal: Reader) -> ApplicantPublic:
    return applicants.get_applicant(session, principal, applicant_id)


@router.post(
    "/applicants/{applicant_id}/application",
    summary="Submit the application: eligibility is decided and explained",
    responses=CONFLICT,
)
def submit_application(
    applicant_id: uuid.UUID, body: ApplicationCreate, session: SessionDep, principal: Admin, today: Today
) -> ApplicantPublic:
    return application.submit_application(session, principal, applicant_id, body, today)


@router.get(
    "/applicants/{applicant_id}/eligibility",
    summary="The eligibility decision: which rule decided, with which dates, and the updating days",
)
def get_eligibility(applicant_id: uuid.UUID, session: SessionDep, principal: Reader) -> EligibilityPublic:
    return application.eligibility(session, principal, applicant_id)


@router.get("/talent-pool", summary="Applicants not selected, whom member councils may recruit")
def talent_pool(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    region: Annotated[str | None, Query(max_length=60, description="In this region")] = None,
    cohort_id: Annotated[uuid.UUID | None, Query(description="From this cohort")] = None,
) -> Page[TalentPoolEntry]:
    rows, total = applicants.talent_pool(session, principal, page, region=region, cohort_id=cohort_id)
    return make_page(rows, total, page)


@stages_router.post(
    "/applicants/{applicant_id}/transitions",
    summary="Move an applicant along the funnel (or off it)",
    responses=CONFLICT,
)
def transition(
    applicant_id: uuid.UUID, body: TransitionCreate, session: SessionDep, principal: Admin, today: Today
) -> ApplicantPublic:
    return stages.transition(session, principal, applicant_id, body, today)


@stages_router.get("/applicants/{applicant_id}/stage-events", summary="Every transition, with who and when")
def list_stage_events(
    applicant_id: uuid.UUID, session: SessionDep, principal: Reader, page: PageDep
) -> Page[StageEventPublic]:
    return page_of(applicants.stage_events(session, principal, applicant_id), page)
