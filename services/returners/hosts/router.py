"""Host council endpoints: places offered per cohort, and matching an applicant to one."""

import uuid

from services.common.app import service_router
from services.common.db import SessionDep
from services.common.pagination import Page, PageDep, page_of
from services.returners.dependencies import CONFLICT, CREATED, Admin, CouncilPath, Reader
from services.returners.hosts import service as hosts
from services.returners.hosts.schemas import (
    HostMatchCreate,
    HostOfferCreate,
    HostOfferPublic,
    HostOfferUpdate,
    HostPlacementPublic,
)

router = service_router("returners", "host councils")


@router.post(
    "/cohorts/{cohort_id}/host-offers",
    summary="Offer supervised-practice places in a cohort (a council's HR for its own council)",
    **CREATED,
)
def create_host_offer(
    cohort_id: uuid.UUID, body: HostOfferCreate, session: SessionDep, principal: Reader
) -> HostOfferPublic:
    return hosts.create_offer(session, principal, cohort_id, body)


@router.get("/cohorts/{cohort_id}/host-offers", summary="Places offered in a cohort (a council's HR sees its own)")
def list_host_offers(
    cohort_id: uuid.UUID, session: SessionDep, principal: Reader, page: PageDep
) -> Page[HostOfferPublic]:
    return page_of(hosts.list_offers(session, principal, cohort_id), page)


@router.put(
    "/cohorts/{cohort_id}/host-offers/{council}",
    summary="Change the number of places offered (never below those taken)",
    responses=CONFLICT,
)
def update_host_offer(
    cohort_id: uuid.UUID, council: CouncilPath, body: HostOfferUpdate, session: SessionDep, principal: Reader
) -> HostOfferPublic:
    return hosts.update_offer(session, principal, cohort_id, council, body)


@router.post(
    "/applicants/{applicant_id}/host-placement",
    summary="Match an applicant to a host council's place in their cohort",
    **CREATED,
)
def match_host(
    applicant_id: uuid.UUID, body: HostMatchCreate, session: SessionDep, principal: Admin
) -> HostPlacementPublic:
    return hosts.match(session, principal, applicant_id, body)
