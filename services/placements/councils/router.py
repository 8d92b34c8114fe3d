"""Council endpoints: the reference table of councils, read-only (thin)."""

from typing import Annotated

from fastapi import Query

from services.common.app import service_router
from services.common.db import SessionDep
from services.common.pagination import Page, PageDep, make_page
from services.placements.councils import service
from services.placements.councils.schemas import CouncilPublic

router = service_router("placements", "councils")


@router.get("/councils")
def list_councils(
    session: SessionDep,
    page: PageDep,
    member: Annotated[bool | None, Query(description="Only the academy's members (true) or others")] = None,
    region: Annotated[str | None, Query(max_length=9, description="ONS region code, e.g. E12000005")] = None,
) -> Page[CouncilPublic]:
    rows, total = service.list_councils(session, page, member, region)
    return make_page([CouncilPublic.model_validate(r, from_attributes=True) for r in rows], total, page)
