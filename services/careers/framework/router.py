"""The framework's endpoints (academy staff edit it) and the councils' local grades."""

import uuid
from typing import Annotated

from fastapi import Query, Request, Response
from fastapi.responses import JSONResponse

from services.careers.dependencies import CONFLICT, CREATED, Staff
from services.careers.fields import CODE_PATTERN, CouncilCode
from services.careers.framework import local_grades, service
from services.careers.framework.schemas import (
    Framework,
    KssStandardCreate,
    KssStandardPublic,
    KssStandardUpdate,
    LevelCreate,
    LevelPublic,
    LevelUpdate,
    LocalGradeCreate,
    LocalGradePublic,
    LocalGradeUpdate,
    PathwayCreate,
    PathwayPublic,
    PathwayUpdate,
    PcfDomainCreate,
    PcfDomainPublic,
    PcfDomainUpdate,
    RequirementCreate,
    RequirementPublic,
    RequirementUpdate,
)
from services.common.app import service_router
from services.common.auth import Role
from services.common.db import SessionDep
from services.common.idempotency import IdempotencyKey, create_once
from services.common.pagination import Page, PageDep, make_page

framework = service_router("careers", "framework")
editing = service_router("careers", "framework", roles=[Role.academy_admin])
grades = service_router("careers", "local grades")
routers = [framework, editing, grades]


@framework.get("/framework", summary="The whole career framework")
def read_framework(session: SessionDep) -> Framework:
    return service.read_framework(session)


@editing.post("/levels", summary="Add a level", **CREATED)
def create_level(body: LevelCreate, session: SessionDep) -> LevelPublic:
    return service.create_level(session, body)


@editing.patch("/levels/{level_id}", summary="Change a level")
def update_level(level_id: uuid.UUID, body: LevelUpdate, session: SessionDep) -> LevelPublic:
    return service.update_level(session, level_id, body)


@editing.post("/levels/{level_id}/pathways", summary="Add a pathway to a level", **CREATED)
def create_pathway(level_id: uuid.UUID, body: PathwayCreate, session: SessionDep) -> PathwayPublic:
    return service.create_pathway(session, level_id, body)


@editing.patch("/pathways/{pathway_id}", summary="Change a pathway")
def update_pathway(pathway_id: uuid.UUID, body: PathwayUpdate, session: SessionDep) -> PathwayPublic:
    return service.update_pathway(session, pathway_id, body)


@editing.post("/requirements", summary="Set what a level (or one of its pathways) needs", **CREATED)
def create_requirement(body: RequirementCreate, session: SessionDep) -> RequirementPublic:
    return service.create_requirement(session, body)


@editing.patch("/requirements/{requirement_id}", summary="Change what a level needs")
def update_requirement(requirement_id: uuid.UUID, body: RequirementUpdate, session: SessionDep) -> RequirementPublic:
    return service.update_requirement(session, requirement_id, body)


@editing.delete("/requirements/{requirement_id}", status_code=204, summary="Remove a requirement")
def delete_requirement(requirement_id: uuid.UUID, session: SessionDep) -> Response:
    service.delete_requirement(session, requirement_id)
    return Response(status_code=204)


@editing.post("/pcf-domains", summary="Add a PCF domain", **CREATED)
def create_pcf_domain(body: PcfDomainCreate, session: SessionDep) -> PcfDomainPublic:
    return service.create_pcf_domain(session, body)


@editing.patch("/pcf-domains/{domain_id}", summary="Change a PCF domain")
def update_pcf_domain(domain_id: uuid.UUID, body: PcfDomainUpdate, session: SessionDep) -> PcfDomainPublic:
    return service.update_pcf_domain(session, domain_id, body)


@editing.post("/kss-standards", summary="Add a KSS standard", **CREATED)
def create_kss_standard(body: KssStandardCreate, session: SessionDep) -> KssStandardPublic:
    return service.create_kss_standard(session, body)


@editing.patch("/kss-standards/{standard_id}", summary="Change a KSS standard")
def update_kss_standard(standard_id: uuid.UUID, body: KssStandardUpdate, session: SessionDep) -> KssStandardPublic:
    return service.update_kss_standard(session, standard_id, body)


# --- Local grades ------------------------------------------------------------------------------


@grades.get("/local-grades", summary="Councils' local grades and the levels they map to")
def list_local_grades(
    session: SessionDep,
    page: PageDep,
    council: Annotated[CouncilCode | None, Query(description="This council's grades")] = None,
    level: Annotated[
        str | None, Query(max_length=40, pattern=CODE_PATTERN, description="Grades mapped to this level")
    ] = None,
) -> Page[LocalGradePublic]:
    grades, total = local_grades.list_local_grades(session, page, council, level)
    return make_page(grades, total, page)


@grades.post(
    "/local-grades", response_model=LocalGradePublic, summary="Map one of your council's grades to a level", **CREATED
)
def create_local_grade(
    body: LocalGradeCreate, request: Request, session: SessionDep, principal: Staff, key: IdempotencyKey = None
) -> JSONResponse:
    def create() -> LocalGradePublic:
        return local_grades.create_local_grade(session, principal, body)

    return create_once(session, principal, key, request, body, create, "/v1/careers/local-grades/{id}")


@grades.patch("/local-grades/{grade_id}", summary="Change a local grade", responses=CONFLICT)
def update_local_grade(
    grade_id: uuid.UUID, body: LocalGradeUpdate, session: SessionDep, principal: Staff
) -> LocalGradePublic:
    return local_grades.update_local_grade(session, principal, grade_id, body)


@grades.delete("/local-grades/{grade_id}", status_code=204, summary="Remove a local grade")
def delete_local_grade(grade_id: uuid.UUID, session: SessionDep, principal: Staff) -> Response:
    local_grades.delete_local_grade(session, principal, grade_id)
    return Response(status_code=204)
