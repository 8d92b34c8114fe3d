"""Cohort endpoints: open, list, read and change the programme's intakes."""

import uuid

from services.common.app import service_router
from services.common.db import SessionDep
from services.common.pagination import Page, PageDep, make_page
from services.returners.cohorts import service as cohorts
from services.returners.cohorts.schemas import CohortCreate, CohortPublic, CohortUpdate
from services.returners.dependencies import CONFLICT, CREATED, Admin, Reader

router = service_router("returners", "cohorts")


@router.post("/cohorts", summary="Open a cohort", **CREATED)
def create_cohort(body: CohortCreate, session: SessionDep, principal: Admin) -> CohortPublic:
    return cohorts.create_cohort(session, principal, body)


@router.get("/cohorts", summary="List cohorts, newest first")
def list_cohorts(session: SessionDep, principal: Reader, page: PageDep) -> Page[CohortPublic]:
    rows, total = cohorts.list_cohorts(session, page)
    return make_page(rows, total, page)


@router.get("/cohorts/{cohort_id}", summary="Read a cohort")
def get_cohort(cohort_id: uuid.UUID, session: SessionDep, principal: Reader) -> CohortPublic:
    return cohorts.get_cohort(session, cohort_id)


@router.patch("/cohorts/{cohort_id}", summary="Change a cohort", responses=CONFLICT)
def update_cohort(cohort_id: uuid.UUID, body: CohortUpdate, session: SessionDep, principal: Admin) -> CohortPublic:
    return cohorts.update_cohort(session, cohort_id, body)
