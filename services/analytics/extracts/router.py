"""Endpoints of the DfE extracts: list, read, download (audited), run by hand, and the schedule."""

import uuid
from typing import Annotated

from fastapi import Depends, Query
from fastapi.responses import Response
from sqlmodel import select

from services.analytics.extracts.models import ExtractRun, ScheduledRun
from services.analytics.extracts.schemas import (
    COUNCIL_PATTERN,
    FIRST_CENSUS_YEAR,
    PERIOD,
    PERIOD_PATTERN,
    ExtractKind,
    ExtractPublic,
    ExtractRequest,
    ExtractStatus,
    ScheduledRunPublic,
)
from services.analytics.extracts.service import (
    ExtractError,
    NotReady,
    Period,
    downloaded,
    find_extract,
    produce,
    visible_extracts,
)
from services.analytics.placements_client import Placements
from services.common.app import service_router
from services.common.auth import CurrentPrincipal, Role, require_roles
from services.common.db import SessionDep
from services.common.errors import Conflict, ServiceUnavailable, problem_response_doc
from services.common.pagination import Page, PageDep, make_page, paginate

router = service_router("analytics", "extracts")


def _public(extract: ExtractRun) -> ExtractPublic:
    fields = extract.model_dump(exclude={"content", "errors"})
    return ExtractPublic(**fields, errors=extract.errors.splitlines() if extract.errors else [])


@router.get("/extracts")
def list_extracts(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    kind: Annotated[ExtractKind | None, Query(description="csww or retention")] = None,
    census_year: Annotated[int | None, Query(ge=FIRST_CENSUS_YEAR, le=2100, description="Census year N")] = None,
    council: Annotated[str | None, Query(pattern=COUNCIL_PATTERN, description="DfE code")] = None,
    period: Annotated[
        str | None,
        Query(max_length=7, pattern=PERIOD_PATTERN, description=PERIOD),
    ] = None,
    status: Annotated[
        ExtractStatus | None, Query(description="succeeded, failed or superseded (succeeded: the current ones)")
    ] = None,
) -> Page[ExtractPublic]:
    query = visible_extracts(principal)
    for column, value in ((ExtractRun.kind, kind), (ExtractRun.census_year, census_year), (ExtractRun.council, council),
                          (ExtractRun.period, period), (ExtractRun.status, status)):  # fmt: skip
        if value is not None:
            query = query.where(column == value)
    rows, total = paginate(session, query, page)
    return make_page([_public(row) for row in rows], total, page)


@router.get("/extracts/{extract_id}")
def get_extract(extract_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> ExtractPublic:
    return _public(find_extract(session, principal, extract_id))


@router.get("/extracts/{extract_id}/content", response_class=Response)
def download_extract(extract_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> Response:
    """The file itself; every download is audited."""
    extract = downloaded(session, principal, extract_id)
    return Response(
        extract.content,
        media_type=extract.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{extract.file_name}"',
            "ETag": f'"{extract.sha256}"',
        },
    )


@router.post(
    "/extracts",
    status_code=201,
    responses={409: problem_response_doc(409, "The returns of that year are not in yet: nothing was stored")},
    dependencies=[Depends(require_roles(Role.academy_admin))],
)
def run_extract(
    body: ExtractRequest, session: SessionDep, principal: CurrentPrincipal, placements: Placements
) -> ExtractPublic:
    """Produce an extract now (academy staff): checked and stored like a scheduled one. Once it succeeds it
    supersedes the earlier extracts of the same kind, council and year. A year whose returns are not in
    answers 409 and stores nothing."""
    try:
        extract = produce(
            session, placements, kind=body.kind, period=Period.census(body.census_year), council=body.council,
            trigger="manual", requested_by=principal.subject,
        )  # fmt: skip
    except NotReady as reason:
        raise Conflict(f"Nothing to extract yet: {reason}; nothing was stored.")
    except ExtractError as exc:  # the scheduler retries these; a person is told to
        raise ServiceUnavailable(f"The extract cannot be built now: {exc}; nothing was stored.")
    return _public(extract)


@router.get("/extract-schedule", dependencies=[Depends(require_roles(Role.academy_admin, Role.dfe, Role.service))])
def extract_schedule(session: SessionDep, page: PageDep) -> Page[ScheduledRunPublic]:
    """Each scheduled job and period claimed so far: running, succeeded, or failed with its error."""
    query = select(ScheduledRun).order_by(ScheduledRun.period.desc(), ScheduledRun.job)
    rows, total = paginate(session, query, page)
    return make_page([ScheduledRunPublic.model_validate(row, from_attributes=True) for row in rows], total, page)
