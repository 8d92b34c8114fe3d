"""Census endpoints: import a council's return, its history and report, and export a year as CSV or XML (thin)."""

import uuid
from dataclasses import asdict, dataclass
from typing import Annotated

from fastapi import Depends, File, Query, UploadFile
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from services.common.app import service_router
from services.common.auth import CurrentPrincipal
from services.common.clock import Today
from services.common.db import SessionDep
from services.common.errors import PROBLEM_RESPONSES, InvalidInput, PayloadTooLarge, problem_response
from services.common.pagination import Page, PageDep, make_page, paginate
from services.common.settings import get_settings
from services.placements.access import check_known_council, council_to_read, council_to_write
from services.placements.api import CensusYear, CouncilQuery
from services.placements.census import exports, imports
from services.placements.census.schemas import ImportHistoryItem, ImportReport

router = service_router("placements", "imports")


def _read_upload(upload: UploadFile) -> bytes:
    limit = get_settings().import_max_bytes
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"The file is over the {limit // (1024 * 1024)} MiB limit.")
    return data


def _kind(upload: UploadFile) -> str | None:
    name = (upload.filename or "").lower()
    return "xml" if name.endswith(".xml") else "csv" if name.endswith(".csv") else None


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


NOT_IMPORTED = {
    409: PROBLEM_RESPONSES[422]
    | {"description": "The file would remove all or too many of the year's records, and confirm_removals does not "
       "give their number; nothing was written"},
    422: PROBLEM_RESPONSES[422] | {"description": "The file has errors, or holds no records; nothing was written"},
}  # fmt: skip


@router.post(
    "/imports",
    status_code=201,
    response_model=ImportReport,
    summary="Import a census return (CSWW XML, or CSV with the same fields)",
    responses={
        200: {"description": "Dry run, or a file that changes nothing"},
        413: {"description": "Too large"},
        **NOT_IMPORTED,
    },
)
def import_census_file(
    today: Today,
    session: SessionDep,
    principal: CurrentPrincipal,
    file: Annotated[UploadFile, File(description="The census file")],
    census_year: CensusYear,
    dry_run: bool = False,
    council: CouncilQuery = None,
    confirm_removals: Annotated[
        int | None,
        Query(
            ge=0,
            le=2_147_483_647,
            description="The exact number of the year's records this file removes, as the dry run says: "
            "needed when it removes all of them or more than the allowed share",
        ),
    ] = None,
) -> JSONResponse:
    target = council_to_write(principal, council)
    check_known_council(session, target)
    data = _read_upload(file)
    outcome = imports.import_file(
        session, principal, today, data=data, file_name=file.filename or "upload", kind=_kind(file),
        census_year=census_year, council=target, dry_run=dry_run, confirm_removals=confirm_removals,
    )  # fmt: skip
    if outcome.status == "rejected":
        return problem_response(
            422, f"The file has {outcome.errors} error(s); nothing was written.", slug="census-file-rejected",
            errors=[{"loc": [p.location, p.field] if p.field else [p.location], **asdict(p)}
                    for p in outcome.problems],
        )  # fmt: skip
    report = imports.report(outcome)
    return JSONResponse(report.model_dump(mode="json"), status_code=201 if outcome.status == "applied" else 200)


@router.get("/imports", response_model=Page[ImportHistoryItem])
def import_history(session: SessionDep, principal: CurrentPrincipal, page: PageDep, council: CouncilQuery = None):
    rows, total = paginate(session, imports.newest_first(council_to_read(principal, council)), page)
    return make_page([imports.history_item(row) for row in rows], total, page)


@router.get("/imports/{import_id}")
def import_detail(import_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> ImportHistoryItem:
    return imports.history_item(imports.visible_batch(session, principal, import_id))


@router.get("/imports/{import_id}/report.csv", response_class=Response)
def import_report_csv(import_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> Response:
    batch = imports.visible_batch(session, principal, import_id)
    name = f"import-{batch.council}-{batch.census_year}-{batch.id}-report.csv"
    return Response(imports.report_csv(batch), media_type="text/csv", headers=_attachment(name))


@dataclass
class Export:
    """What an export is of: one council's census year."""

    council: str
    census_year: int


def census_export(principal: CurrentPrincipal, census_year: CensusYear, council: CouncilQuery = None) -> Export:
    """The council an export is of: the caller's own where its role fixes one, else the one named."""
    target = council_to_read(principal, council)
    if target is None:
        raise InvalidInput("Name the council (DfE code) with council=CODE.")
    return Export(target, census_year)


ExportOf = Annotated[Export, Depends(census_export)]


@router.get("/exports/census.csv", response_class=Response, summary="A year's records as census CSV")
def export_census_csv(session: SessionDep, principal: CurrentPrincipal, export: ExportOf) -> Response:
    text = exports.census_csv(session, principal, export.council, export.census_year)
    return Response(text, media_type="text/csv", headers=_attachment(f"csww-{export.council}-{export.census_year}.csv"))


@router.get("/exports/census.xml", response_class=StreamingResponse, summary="A year's return as CSWW XML")
def export_census_xml(session: SessionDep, principal: CurrentPrincipal, export: ExportOf) -> StreamingResponse:
    """The council's records for the year in the DfE's XML format, vacancy block included; written
    as a stream to a spooled file so memory stays flat however large the council."""
    spooled = exports.census_xml(session, principal, export.council, export.census_year)
    return StreamingResponse(
        iter(lambda: spooled.read(64 * 1024), b""),
        media_type="application/xml",
        headers=_attachment(f"csww-{export.council}-{export.census_year}.xml"),
        background=BackgroundTask(spooled.close),
    )
