"""Careers endpoints, shaped for the career pathway front end (one call answers one screen): thin; the
logic lives in the domain modules."""

import uuid
from typing import Annotated, Any

from fastapi import Body, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from services.careers import cpd, framework, opportunities, progression, records
from services.careers.access import check_can_manage, check_can_read, own_swe
from services.careers.clock import Today
from services.careers.employment import PlacementsClient, WorkerEmployment
from services.careers.framework import invalid
from services.careers.rules import Action, ApplicationState
from services.careers.schemas import (
    ApplicationCreate,
    ApplicationPublic,
    ApplicationSummary,
    ApplicationUpdate,
    ApproveBody,
    AsyeReviewCreate,
    CareerRecordCreate,
    CareerRecordPublic,
    CareerRecordUpdate,
    CouncilCode,
    CpdCreate,
    CpdLog,
    CpdPublic,
    CpdUpdate,
    EvidenceCreate,
    EvidencePublic,
    FeedbackBody,
    Framework,
    InterestCreate,
    InterestPublic,
    KssStandardCreate,
    KssStandardPublic,
    KssStandardUpdate,
    LevelChangeCreate,
    LevelCreate,
    LevelPublic,
    LevelUpdate,
    LocalGradeCreate,
    LocalGradePublic,
    LocalGradeUpdate,
    NextStep,
    NoteBody,
    OpportunityCreate,
    OpportunityKind,
    OpportunityPublic,
    OpportunityUpdate,
    PathwayCreate,
    PathwayPublic,
    PathwayUpdate,
    PcfDomainCreate,
    PcfDomainPublic,
    PcfDomainUpdate,
    RequirementCreate,
    RequirementPublic,
    RequirementUpdate,
    SubmitBody,
    SweNumber,
)
from services.common.app import service_router
from services.common.audit import audit
from services.common.auth import CurrentPrincipal, Principal, Role, require_roles
from services.common.db import SessionDep
from services.common.errors import PROBLEM_MEDIA_TYPE, Problem
from services.common.idempotency import IdempotencyKey, fingerprint, idempotent
from services.common.pagination import Page, PageDep, make_page
from services.common.swe import normalise_swe

router = service_router("careers")

Admin = Annotated[Principal, Depends(require_roles(Role.academy_admin))]
Staff = Annotated[Principal, Depends(require_roles(Role.council_hr, Role.academy_admin))]
Worker = Annotated[Principal, Depends(require_roles(Role.social_worker))]


def _problem(description: str) -> dict[str, Any]:
    return {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": description}


CONFLICT = {409: _problem("Conflict: already recorded, or not allowed in the current state")}
UNAVAILABLE = {503: _problem("Placements, which holds the employment history, cannot be reached")}
IDEMPOTENCY = {409: _problem("Conflict: the Idempotency-Key was used for a different request")}
CODE_PATTERN = r"^[a-z][a-z0-9_]*$"  # a level's or pathway's code, as schemas.Code


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def _audit(session, principal: Principal, request: Request, action: str, entity: str, ids: list[str] | str) -> None:
    if ids:
        audit(session, principal, action, entity, ids, _request_id(request))


def _created(location: str):
    return lambda body: {"Location": location.format(**body)}


# --- The worker a request is about -------------------------------------------------------------


def _me(principal: CurrentPrincipal, client: PlacementsClient, today: Today) -> WorkerEmployment:
    return WorkerEmployment(client, own_swe(principal), today)


def _swe_in_path(
    swe_number: Annotated[str, Path(max_length=32, description="SWE number, any spelling")],
) -> str:
    try:
        return normalise_swe(swe_number)
    except ValueError as exc:
        raise invalid(["path", "swe_number"], "invalid_swe_number", str(exc))


def _readable_worker(
    principal: CurrentPrincipal,
    client: PlacementsClient,
    today: Today,
    swe_number: Annotated[str, Depends(_swe_in_path)],
) -> WorkerEmployment:
    worker = WorkerEmployment(client, swe_number, today)
    check_can_read(principal, worker)
    return worker


def _managed_worker(
    principal: CurrentPrincipal,
    client: PlacementsClient,
    today: Today,
    swe_number: Annotated[str, Depends(_swe_in_path)],
) -> WorkerEmployment:
    worker = WorkerEmployment(client, swe_number, today)
    check_can_manage(principal, worker)
    return worker


Me = Annotated[WorkerEmployment, Depends(_me)]
ReadableWorker = Annotated[WorkerEmployment, Depends(_readable_worker)]
ManagedWorker = Annotated[WorkerEmployment, Depends(_managed_worker)]


def _worker_lookup(principal: CurrentPrincipal, client: PlacementsClient, today: Today):
    return lambda swe_number: WorkerEmployment(client, swe_number, today)


WorkerLookup = Annotated[Any, Depends(_worker_lookup)]


# --- Framework ---------------------------------------------------------------------------------


@router.get("/framework", response_model=Framework, tags=["framework"], summary="The whole career framework")
def read_framework(session: SessionDep) -> Framework:
    return framework.read_framework(session)


@router.post(
    "/levels",
    status_code=201,
    response_model=LevelPublic,
    tags=["framework"],
    summary="Add a level",
    responses=CONFLICT,
)
def create_level(body: LevelCreate, session: SessionDep, principal: Admin) -> LevelPublic:
    return framework.create_level(session, body)


@router.patch("/levels/{level_id}", response_model=LevelPublic, tags=["framework"], summary="Change a level")
def update_level(level_id: uuid.UUID, body: LevelUpdate, session: SessionDep, principal: Admin) -> LevelPublic:
    return framework.update_level(session, level_id, body)


@router.post(
    "/levels/{level_id}/pathways",
    status_code=201,
    response_model=PathwayPublic,
    tags=["framework"],
    summary="Add a pathway to a level",
    responses=CONFLICT,
)
def create_pathway(level_id: uuid.UUID, body: PathwayCreate, session: SessionDep, principal: Admin) -> PathwayPublic:
    return framework.create_pathway(session, level_id, body)


@router.patch("/pathways/{pathway_id}", response_model=PathwayPublic, tags=["framework"], summary="Change a pathway")
def update_pathway(pathway_id: uuid.UUID, body: PathwayUpdate, session: SessionDep, principal: Admin) -> PathwayPublic:
    return framework.update_pathway(session, pathway_id, body)


@router.post(
    "/requirements",
    status_code=201,
    response_model=RequirementPublic,
    tags=["framework"],
    summary="Set what a level (or one of its pathways) needs",
    responses=CONFLICT,
)
def create_requirement(body: RequirementCreate, session: SessionDep, principal: Admin) -> RequirementPublic:
    return framework.create_requirement(session, body)


@router.patch(
    "/requirements/{requirement_id}",
    response_model=RequirementPublic,
    tags=["framework"],
    summary="Change what a level needs",
)
def update_requirement(
    requirement_id: uuid.UUID, body: RequirementUpdate, session: SessionDep, principal: Admin
) -> RequirementPublic:
    return framework.update_requirement(session, requirement_id, body)


@router.delete("/requirements/{requirement_id}", status_code=204, tags=["framework"], summary="Remove a requirement")
def delete_requirement(requirement_id: uuid.UUID, session: SessionDep, principal: Admin) -> Response:
    framework.delete_requirement(session, requirement_id)
    return Response(status_code=204)


@router.post(
    "/pcf-domains",
    status_code=201,
    response_model=PcfDomainPublic,
    tags=["framework"],
    summary="Add a PCF domain",
    responses=CONFLICT,
)
def create_pcf_domain(body: PcfDomainCreate, session: SessionDep, principal: Admin) -> PcfDomainPublic:
    return framework.create_pcf_domain(session, body)


@router.patch(
    "/pcf-domains/{domain_id}",
    response_model=PcfDomainPublic,
    tags=["framework"],
    summary="Change a PCF domain",
)
def update_pcf_domain(
    domain_id: uuid.UUID, body: PcfDomainUpdate, session: SessionDep, principal: Admin
) -> PcfDomainPublic:
    return framework.update_pcf_domain(session, domain_id, body)


@router.post(
    "/kss-standards",
    status_code=201,
    response_model=KssStandardPublic,
    tags=["framework"],
    summary="Add a KSS standard",
    responses=CONFLICT,
)
def create_kss_standard(body: KssStandardCreate, session: SessionDep, principal: Admin) -> KssStandardPublic:
    return framework.create_kss_standard(session, body)


@router.patch(
    "/kss-standards/{standard_id}",
    response_model=KssStandardPublic,
    tags=["framework"],
    summary="Change a KSS standard",
)
def update_kss_standard(
    standard_id: uuid.UUID, body: KssStandardUpdate, session: SessionDep, principal: Admin
) -> KssStandardPublic:
    return framework.update_kss_standard(session, standard_id, body)


# --- Local grades ------------------------------------------------------------------------------


@router.get(
    "/local-grades",
    response_model=Page[LocalGradePublic],
    tags=["local grades"],
    summary="Councils' local grades and the levels they map to",
)
def list_local_grades(
    session: SessionDep,
    page: PageDep,
    council: Annotated[CouncilCode | None, Query(description="This council's grades")] = None,
    level: Annotated[
        str | None, Query(max_length=40, pattern=CODE_PATTERN, description="Grades mapped to this level")
    ] = None,
) -> Page[LocalGradePublic]:
    grades, total = framework.list_local_grades(session, page, council, level)
    return make_page(grades, total, page)


@router.post(
    "/local-grades",
    status_code=201,
    response_model=LocalGradePublic,
    tags=["local grades"],
    summary="Map one of your council's grades to a level",
    responses=CONFLICT,
)
def create_local_grade(
    body: LocalGradeCreate,
    request: Request,
    session: SessionDep,
    principal: Staff,
    key: IdempotencyKey = None,
) -> JSONResponse:
    return idempotent(
        session,
        principal,
        key,
        fingerprint("POST", request.url.path, body),
        lambda: (201, framework.create_local_grade(session, principal, body).model_dump(mode="json")),
        headers=_created("/v1/careers/local-grades/{id}"),
    )


@router.patch(
    "/local-grades/{grade_id}",
    response_model=LocalGradePublic,
    tags=["local grades"],
    summary="Change a local grade",
    responses=CONFLICT,
)
def update_local_grade(
    grade_id: uuid.UUID, body: LocalGradeUpdate, session: SessionDep, principal: Staff
) -> LocalGradePublic:
    return framework.update_local_grade(session, principal, grade_id, body)


@router.delete("/local-grades/{grade_id}", status_code=204, tags=["local grades"], summary="Remove a local grade")
def delete_local_grade(grade_id: uuid.UUID, session: SessionDep, principal: Staff) -> Response:
    framework.delete_local_grade(session, principal, grade_id)
    return Response(status_code=204)


# --- My career (the social worker's own screens) -----------------------------------------------


@router.get(
    "/me",
    response_model=CareerRecordPublic,
    tags=["my career"],
    responses=UNAVAILABLE,
    summary="My career: level, local grade, experience, ASYE progress and history",
)
def my_record(me: Me, request: Request, session: SessionDep, principal: CurrentPrincipal) -> CareerRecordPublic:
    view = records.record_view(session, me)
    _audit(session, principal, request, "read", "career_record", str(view.id))
    return view


@router.get(
    "/me/next-step",
    response_model=NextStep,
    tags=["my career"],
    responses=UNAVAILABLE,
    summary="What my next level needs: each requirement met or not, and what is missing",
)
def my_next_step(me: Me, session: SessionDep) -> NextStep:
    return records.next_step(session, me)


RegistrationYear = Annotated[
    int | None,
    Query(ge=2020, le=2100, description="Registration year, named by the year it ends (default: this one)"),
]


@router.get(
    "/me/cpd",
    response_model=CpdLog,
    tags=["my CPD"],
    summary="My CPD for a registration year, with the SWE check: days left and what is missing",
)
def my_cpd(
    principal: CurrentPrincipal,
    session: SessionDep,
    page: PageDep,
    today: Today,
    year: RegistrationYear = None,
) -> CpdLog:
    return cpd.cpd_log(session, own_swe(principal), page, today, year)


@router.post(
    "/me/cpd", status_code=201, response_model=CpdPublic, tags=["my CPD"], summary="Log CPD", responses=IDEMPOTENCY
)
def create_my_cpd(
    body: CpdCreate,
    request: Request,
    principal: Worker,
    session: SessionDep,
    today: Today,
    key: IdempotencyKey = None,
) -> JSONResponse:
    swe_number = own_swe(principal)
    return idempotent(
        session,
        principal,
        key,
        fingerprint("POST", request.url.path, body),
        lambda: (201, cpd.create_cpd(session, swe_number, body, today).model_dump(mode="json")),
        headers=_created("/v1/careers/me/cpd/{id}"),
    )


@router.get("/me/cpd/{cpd_id}", response_model=CpdPublic, tags=["my CPD"], summary="One of my CPD records")
def my_cpd_record(cpd_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> CpdPublic:
    return cpd.get_cpd(session, own_swe(principal), cpd_id)


@router.patch("/me/cpd/{cpd_id}", response_model=CpdPublic, tags=["my CPD"], summary="Change a CPD record")
def update_my_cpd(
    cpd_id: uuid.UUID, body: CpdUpdate, principal: CurrentPrincipal, session: SessionDep, today: Today
) -> CpdPublic:
    return cpd.update_cpd(session, own_swe(principal), cpd_id, body, today)


@router.delete("/me/cpd/{cpd_id}", status_code=204, tags=["my CPD"], summary="Delete a CPD record")
def delete_my_cpd(cpd_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> Response:
    cpd.delete_cpd(session, own_swe(principal), cpd_id)
    return Response(status_code=204)


@router.get("/me/evidence", response_model=Page[EvidencePublic], tags=["my evidence"], summary="My evidence portfolio")
def my_evidence(principal: CurrentPrincipal, session: SessionDep, page: PageDep) -> Page[EvidencePublic]:
    items, total = cpd.list_evidence(session, own_swe(principal), page)
    return make_page(items, total, page)


@router.post(
    "/me/evidence",
    status_code=201,
    response_model=EvidencePublic,
    tags=["my evidence"],
    summary="Add evidence (its metadata: where the document is)",
)
def create_my_evidence(
    body: EvidenceCreate, principal: CurrentPrincipal, session: SessionDep, today: Today
) -> EvidencePublic:
    return cpd.create_evidence(session, own_swe(principal), body, today)


@router.delete(
    "/me/evidence/{evidence_id}",
    status_code=204,
    tags=["my evidence"],
    responses=CONFLICT,
    summary="Remove evidence not attached to an application",
)
def delete_my_evidence(evidence_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> Response:
    cpd.delete_evidence(session, own_swe(principal), evidence_id)
    return Response(status_code=204)


@router.get(
    "/me/applications",
    response_model=Page[ApplicationSummary],
    tags=["my career"],
    summary="My progression applications, newest first",
)
def my_applications(principal: CurrentPrincipal, session: SessionDep, page: PageDep) -> Page[ApplicationSummary]:
    items, total = progression.list_worker_applications(session, own_swe(principal), page)
    return make_page(items, total, page)


@router.post(
    "/me/applications",
    status_code=201,
    response_model=ApplicationPublic,
    tags=["my career"],
    responses={**CONFLICT, **UNAVAILABLE},
    summary="Start a progression application (a draft) for my next level",
)
def create_my_application(
    body: ApplicationCreate, me: Me, request: Request, principal: CurrentPrincipal, session: SessionDep
) -> ApplicationPublic:
    application = progression.create_draft(session, principal, me, body)
    _audit(session, principal, request, "create", "progression_application", str(application.id))
    return application


# --- Workers (council HR for workers in post at their council; academy staff any) -------------


@router.post(
    "/workers",
    status_code=201,
    response_model=CareerRecordPublic,
    tags=["workers"],
    responses={**CONFLICT, **UNAVAILABLE},
    summary="Start a worker's career record at the level they hold",
)
def create_record(
    body: CareerRecordCreate,
    request: Request,
    principal: Staff,
    client: PlacementsClient,
    today: Today,
    session: SessionDep,
    key: IdempotencyKey = None,
) -> JSONResponse:
    worker = WorkerEmployment(client, body.swe_number, today)
    check_can_manage(principal, worker)

    def write() -> tuple[int, Any]:
        view = records.create_record(session, principal, worker, body)
        _audit(session, principal, request, "create", "career_record", str(view.id))
        return 201, view.model_dump(mode="json")

    return idempotent(
        session,
        principal,
        key,
        fingerprint("POST", request.url.path, body),
        write,
        headers=_created("/v1/careers/workers/{swe_number}"),
    )


@router.get(
    "/workers/{swe_number}",
    response_model=CareerRecordPublic,
    tags=["workers"],
    responses=UNAVAILABLE,
    summary="A worker's career record",
)
def worker_record(
    worker: ReadableWorker, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> CareerRecordPublic:
    view = records.record_view(session, worker)
    _audit(session, principal, request, "read", "career_record", str(view.id))
    return view


@router.patch(
    "/workers/{swe_number}",
    response_model=CareerRecordPublic,
    tags=["workers"],
    responses=UNAVAILABLE,
    summary="Change a worker's qualification and ASYE start dates",
)
def update_worker_record(
    body: CareerRecordUpdate, worker: ManagedWorker, request: Request, session: SessionDep, principal: Staff
) -> CareerRecordPublic:
    view = records.update_record(session, worker, body)
    _audit(session, principal, request, "update", "career_record", str(view.id))
    return view


@router.post(
    "/workers/{swe_number}/levels",
    status_code=201,
    response_model=CareerRecordPublic,
    tags=["workers"],
    responses=UNAVAILABLE,
    summary="Record a level reached by recruitment, or a correction",
)
def record_level(
    body: LevelChangeCreate, worker: ManagedWorker, request: Request, session: SessionDep, principal: Staff
) -> CareerRecordPublic:
    view = records.record_level_change(session, principal, worker, body)
    _audit(session, principal, request, "update", "career_record", str(view.id))
    return view


@router.post(
    "/workers/{swe_number}/asye-reviews",
    status_code=201,
    response_model=CareerRecordPublic,
    tags=["workers"],
    responses={**CONFLICT, **UNAVAILABLE},
    summary="Record an ASYE review (a passed 12-month review moves the worker up)",
)
def record_asye_review(
    body: AsyeReviewCreate, worker: ManagedWorker, request: Request, session: SessionDep, principal: Staff
) -> CareerRecordPublic:
    view = records.record_asye_review(session, principal, worker, body)
    _audit(session, principal, request, "update", "career_record", str(view.id))
    return view


@router.get(
    "/workers/{swe_number}/next-step",
    response_model=NextStep,
    tags=["workers"],
    responses=UNAVAILABLE,
    summary="What a worker's next level needs",
)
def worker_next_step(worker: ReadableWorker, session: SessionDep) -> NextStep:
    return records.next_step(session, worker)


@router.get(
    "/workers/{swe_number}/cpd",
    response_model=CpdLog,
    tags=["workers"],
    responses=UNAVAILABLE,
    summary="A worker's CPD for a registration year, with the SWE check",
)
def worker_cpd(
    worker: ReadableWorker,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    year: RegistrationYear = None,
) -> CpdLog:
    log = cpd.cpd_log(session, worker.swe_number, page, worker.today, year)
    _audit(session, principal, request, "read", "cpd_record", [str(item.id) for item in log.items])
    return log


@router.get(
    "/workers/{swe_number}/evidence",
    response_model=Page[EvidencePublic],
    tags=["workers"],
    responses=UNAVAILABLE,
    summary="A worker's evidence portfolio",
)
def worker_evidence(
    worker: ReadableWorker, request: Request, session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> Page[EvidencePublic]:
    items, total = cpd.list_evidence(session, worker.swe_number, page)
    _audit(session, principal, request, "read", "evidence_item", [str(item.id) for item in items])
    return make_page(items, total, page)


@router.get(
    "/workers/{swe_number}/applications",
    response_model=Page[ApplicationSummary],
    tags=["workers"],
    responses=UNAVAILABLE,
    summary="A worker's progression applications, newest first",
)
def worker_applications(worker: ReadableWorker, session: SessionDep, page: PageDep) -> Page[ApplicationSummary]:
    items, total = progression.list_worker_applications(session, worker.swe_number, page)
    return make_page(items, total, page)


# --- Progression applications ------------------------------------------------------------------


@router.get(
    "/applications",
    response_model=Page[ApplicationSummary],
    tags=["applications"],
    summary="Applications: your own, your council's queue, or (academy staff) all",
)
def list_applications(
    principal: CurrentPrincipal,
    session: SessionDep,
    page: PageDep,
    state: Annotated[ApplicationState | None, Query(description="In this state")] = None,
    council: Annotated[CouncilCode | None, Query(description="Handled by this council")] = None,
    swe_number: Annotated[SweNumber | None, Query(description="For this worker")] = None,
) -> Page[ApplicationSummary]:
    items, total = progression.list_applications(session, principal, page, state, council, swe_number)
    return make_page(items, total, page)


@router.get(
    "/applications/{application_id}",
    response_model=ApplicationPublic,
    tags=["applications"],
    responses=UNAVAILABLE,
    summary="An application with its evidence and every transition",
)
def read_application(
    application_id: uuid.UUID,
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    lookup: WorkerLookup,
) -> ApplicationPublic:
    application, worker = progression.visible_application(session, principal, application_id, lookup)
    _audit(session, principal, request, "read", "progression_application", str(application.id))
    return progression.application_public(session, principal, application, worker)


@router.patch(
    "/applications/{application_id}",
    response_model=ApplicationPublic,
    tags=["applications"],
    responses={**CONFLICT, **UNAVAILABLE},
    summary="Change the statement or evidence of a draft or returned application",
)
def update_application(
    application_id: uuid.UUID,
    body: ApplicationUpdate,
    principal: CurrentPrincipal,
    session: SessionDep,
    lookup: WorkerLookup,
) -> ApplicationPublic:
    application, worker = progression.visible_application(session, principal, application_id, lookup, for_update=True)
    return progression.update_draft(session, principal, application, worker, body)


def _act(session, principal, application_id, lookup, request: Request, action: Action, **details) -> ApplicationPublic:
    application, worker = progression.visible_application(session, principal, application_id, lookup, for_update=True)
    result = progression.transition(session, principal, application, worker, action, **details)
    _audit(session, principal, request, "update", "progression_application", str(application.id))
    return result


TRANSITION_RESPONSES = {**CONFLICT, **UNAVAILABLE}


@router.post(
    "/applications/{application_id}/submit",
    response_model=ApplicationPublic,
    tags=["applications"],
    responses=TRANSITION_RESPONSES,
    summary="The worker submits, with evidence of each kind the level needs",
)
def submit_application(
    application_id: uuid.UUID,
    body: Annotated[SubmitBody, Body(default_factory=SubmitBody)],
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    lookup: WorkerLookup,
) -> ApplicationPublic:
    return _act(
        session,
        principal,
        application_id,
        lookup,
        request,
        Action.submit,
        note=body.note,
        evidence_ids=body.evidence_ids,
    )


@router.post(
    "/applications/{application_id}/withdraw",
    response_model=ApplicationPublic,
    tags=["applications"],
    responses=TRANSITION_RESPONSES,
    summary="The worker withdraws it before the panel decides",
)
def withdraw_application(
    application_id: uuid.UUID,
    body: Annotated[NoteBody, Body(default_factory=NoteBody)],
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    lookup: WorkerLookup,
) -> ApplicationPublic:
    return _act(session, principal, application_id, lookup, request, Action.withdraw, note=body.note)


@router.post(
    "/applications/{application_id}/endorse",
    response_model=ApplicationPublic,
    tags=["applications"],
    responses=TRANSITION_RESPONSES,
    summary="The worker's council endorses it for the panel",
)
def endorse_application(
    application_id: uuid.UUID,
    body: Annotated[NoteBody, Body(default_factory=NoteBody)],
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    lookup: WorkerLookup,
) -> ApplicationPublic:
    return _act(session, principal, application_id, lookup, request, Action.endorse, note=body.note)


@router.post(
    "/applications/{application_id}/return",
    response_model=ApplicationPublic,
    tags=["applications"],
    responses=TRANSITION_RESPONSES,
    summary="The worker's council returns it with feedback",
)
def return_application(
    application_id: uuid.UUID,
    body: FeedbackBody,
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    lookup: WorkerLookup,
) -> ApplicationPublic:
    return _act(session, principal, application_id, lookup, request, Action.return_, feedback=body.feedback)


@router.post(
    "/applications/{application_id}/approve",
    response_model=ApplicationPublic,
    tags=["applications"],
    responses=TRANSITION_RESPONSES,
    summary="The panel approves it: the worker holds the level from the effective date",
)
def approve_application(
    application_id: uuid.UUID,
    body: ApproveBody,
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    lookup: WorkerLookup,
) -> ApplicationPublic:
    return _act(
        session,
        principal,
        application_id,
        lookup,
        request,
        Action.approve,
        effective_on=body.effective_on,
        note=body.note,
    )


@router.post(
    "/applications/{application_id}/decline",
    response_model=ApplicationPublic,
    tags=["applications"],
    responses=TRANSITION_RESPONSES,
    summary="The panel declines it, with feedback",
)
def decline_application(
    application_id: uuid.UUID,
    body: FeedbackBody,
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    lookup: WorkerLookup,
) -> ApplicationPublic:
    return _act(session, principal, application_id, lookup, request, Action.decline, feedback=body.feedback)


# --- Regional opportunities --------------------------------------------------------------------


@router.get(
    "/opportunities",
    response_model=Page[OpportunityPublic],
    tags=["opportunities"],
    summary="Browse the region's opportunities, closing soonest first",
)
def list_opportunities(
    principal: CurrentPrincipal,
    session: SessionDep,
    page: PageDep,
    today: Today,
    level: Annotated[
        str | None, Query(max_length=40, pattern=CODE_PATTERN, description="For this level (code)")
    ] = None,
    pathway: Annotated[
        str | None, Query(max_length=40, pattern=CODE_PATTERN, description="On this pathway (code)")
    ] = None,
    council: Annotated[CouncilCode | None, Query(description="Posted by this council")] = None,
    kind: Annotated[OpportunityKind | None, Query(description="Development post, secondment or vacancy")] = None,
    open_only: Annotated[bool, Query(description="Only those whose closing date has not passed")] = True,
) -> Page[OpportunityPublic]:
    items, total = opportunities.list_opportunities(
        session,
        principal,
        page,
        today,
        level=level,
        pathway=pathway,
        council=council,
        kind=kind,
        open_only=open_only,
    )
    return make_page(items, total, page)


@router.post(
    "/opportunities",
    status_code=201,
    response_model=OpportunityPublic,
    tags=["opportunities"],
    summary="Post an opportunity for your council",
    responses=IDEMPOTENCY,
)
def create_opportunity(
    body: OpportunityCreate,
    request: Request,
    principal: Staff,
    session: SessionDep,
    today: Today,
    key: IdempotencyKey = None,
) -> JSONResponse:
    return idempotent(
        session,
        principal,
        key,
        fingerprint("POST", request.url.path, body),
        lambda: (
            201,
            opportunities.create_opportunity(session, principal, body, today).model_dump(mode="json"),
        ),
        headers=_created("/v1/careers/opportunities/{id}"),
    )


@router.get(
    "/opportunities/{opportunity_id}",
    response_model=OpportunityPublic,
    tags=["opportunities"],
    summary="One opportunity",
)
def read_opportunity(
    opportunity_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep, today: Today
) -> OpportunityPublic:
    return opportunities.get_opportunity(session, principal, opportunity_id, today)


@router.patch(
    "/opportunities/{opportunity_id}",
    response_model=OpportunityPublic,
    tags=["opportunities"],
    summary="Change your council's opportunity",
)
def update_opportunity(
    opportunity_id: uuid.UUID, body: OpportunityUpdate, principal: Staff, session: SessionDep, today: Today
) -> OpportunityPublic:
    return opportunities.update_opportunity(session, principal, opportunity_id, body, today)


@router.post(
    "/opportunities/{opportunity_id}/interest",
    status_code=201,
    response_model=InterestPublic,
    tags=["opportunities"],
    responses=CONFLICT,
    summary="Register my interest",
)
def register_interest(
    opportunity_id: uuid.UUID,
    body: Annotated[InterestCreate, Body(default_factory=InterestCreate)],
    request: Request,
    principal: Worker,
    session: SessionDep,
    today: Today,
) -> InterestPublic:
    interest = opportunities.register_interest(session, principal, opportunity_id, body, today)
    _audit(session, principal, request, "create", "opportunity_interest", str(interest.id))
    return interest


@router.delete(
    "/opportunities/{opportunity_id}/interest",
    status_code=204,
    tags=["opportunities"],
    summary="Withdraw my interest",
)
def withdraw_interest(opportunity_id: uuid.UUID, principal: Worker, session: SessionDep) -> Response:
    opportunities.withdraw_interest(session, principal, opportunity_id)
    return Response(status_code=204)


@router.get(
    "/opportunities/{opportunity_id}/registrations",
    response_model=Page[InterestPublic],
    tags=["opportunities"],
    summary="Who registered interest in your council's opportunity",
)
def list_registrations(
    opportunity_id: uuid.UUID,
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    page: PageDep,
    today: Today,
) -> Page[InterestPublic]:
    items, total = opportunities.list_interest(session, principal, opportunity_id, page, today)
    _audit(session, principal, request, "read", "opportunity_interest", [str(item.id) for item in items])
    return make_page(items, total, page)
