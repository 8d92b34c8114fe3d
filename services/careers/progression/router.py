"""Progression applications: the worker's drafts, the queues, and one endpoint for every transition
(`POST .../transitions`, the body's `action` choosing it). The old path of each action (/submit, /withdraw...)
still answers, deprecated, through the same function."""

import uuid
from typing import Annotated

from fastapi import Body, Query
from pydantic import BaseModel
from sqlmodel import Session

from services.careers.access import own_swe
from services.careers.dependencies import CONFLICT, UNAVAILABLE, Me, ReadableWorker, WorkerLookup
from services.careers.fields import CouncilCode, SweNumber
from services.careers.progression import service, transitions
from services.careers.progression.schemas import (
    TRANSITION_BODIES,
    ApplicationCreate,
    ApplicationPublic,
    ApplicationSummary,
    ApplicationTransition,
    ApplicationUpdate,
)
from services.careers.rules import TRANSITIONS, Action, ApplicationState
from services.common.app import service_router
from services.common.auth import CurrentPrincipal, Principal
from services.common.db import SessionDep
from services.common.pagination import Page, PageDep, make_page

mine = service_router("careers", "my career")
workers = service_router("careers", "workers", responses=UNAVAILABLE)
applications = service_router("careers", "applications")
routers = [mine, workers, applications]

TRANSITION_RESPONSES = {**CONFLICT, **UNAVAILABLE}


@mine.get("/me/applications", summary="My progression applications, newest first")
def my_applications(principal: CurrentPrincipal, session: SessionDep, page: PageDep) -> Page[ApplicationSummary]:
    items, total = service.list_worker_applications(session, own_swe(principal), page)
    return make_page(items, total, page)


@mine.post(
    "/me/applications",
    status_code=201,
    responses={**CONFLICT, **UNAVAILABLE},
    summary="Start a progression application (a draft) for my next level",
)
def create_my_application(
    body: ApplicationCreate, me: Me, principal: CurrentPrincipal, session: SessionDep
) -> ApplicationPublic:
    return service.create_draft(session, principal, me, body)


@workers.get("/workers/{swe_number}/applications", summary="A worker's progression applications, newest first")
def worker_applications(worker: ReadableWorker, session: SessionDep, page: PageDep) -> Page[ApplicationSummary]:
    items, total = service.list_worker_applications(session, worker.swe_number, page)
    return make_page(items, total, page)


@applications.get(
    "/applications",
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
    items, total = service.list_applications(session, principal, page, state, council, swe_number)
    return make_page(items, total, page)


@applications.get(
    "/applications/{application_id}",
    responses=UNAVAILABLE,
    summary="An application with its evidence and every transition",
)
def read_application(
    application_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep, lookup: WorkerLookup
) -> ApplicationPublic:
    return service.read_application(session, principal, application_id, lookup)


@applications.patch(
    "/applications/{application_id}",
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
    return service.update_draft(session, principal, application_id, lookup, body)


# --- Transitions -------------------------------------------------------------------------------


def _take(
    session: Session, principal: Principal, application_id: uuid.UUID, lookup: WorkerLookup, body: BaseModel
) -> ApplicationPublic:
    """Every transition endpoint's one way in: the action, and the details its body carries."""
    action = Action(body.action)
    details = body.model_dump(exclude={"action"})
    return transitions.transition_by_id(session, principal, application_id, lookup, action, **details)


@applications.post(
    "/applications/{application_id}/transitions",
    responses=TRANSITION_RESPONSES,
    summary="Take a step: submit, withdraw, endorse, return, approve or decline (the body's action)",
)
def transition_application(
    application_id: uuid.UUID,
    body: ApplicationTransition,
    principal: CurrentPrincipal,
    session: SessionDep,
    lookup: WorkerLookup,
) -> ApplicationPublic:
    return _take(session, principal, application_id, lookup, body.root)


def _old_path(action: Action, step: type[BaseModel]):
    """The endpoint of `action`'s own path: its old body (the step's without `action`), optional where every
    field is."""
    old_body = step.__base__
    optional = not any(field.is_required() for field in old_body.model_fields.values())
    OldBody = Annotated[old_body, Body(default_factory=old_body)] if optional else old_body

    def endpoint(
        application_id: uuid.UUID,
        body: OldBody,
        principal: CurrentPrincipal,
        session: SessionDep,
        lookup: WorkerLookup,
    ) -> ApplicationPublic:
        return _take(session, principal, application_id, lookup, step(action=action.value, **body.model_dump()))

    return endpoint


# The old paths: one for each action of the table (rules.TRANSITIONS), deprecated, each taking its old body.
for _action in dict.fromkeys(action for _, action in TRANSITIONS):
    _step = TRANSITION_BODIES[_action]
    applications.add_api_route(
        f"/applications/{{application_id}}/{_action.value}",
        _old_path(_action, _step),
        methods=["POST"],
        name=f"{_action.value}_application",
        response_model=ApplicationPublic,
        responses=TRANSITION_RESPONSES,
        summary=_step.__doc__,
        deprecated=True,
    )
