"""Placements endpoints for councils, census imports and exports, movements and agency checks (thin)."""

import io
import json
import tempfile
import uuid
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from services.common import csv_cells
from services.common.app import service_router
from services.common.audit import audit
from services.common.auth import CurrentPrincipal
from services.common.census_calendar import census_reference_date, census_year_of
from services.common.db import SessionDep
from services.common.errors import PROBLEM_RESPONSES, InvalidInput, NotFound, PayloadTooLarge, problem_response
from services.common.models import Council
from services.common.pagination import Page, PageDep, make_page, paginate
from services.common.rounding import half_up
from services.common.settings import get_settings
from services.placements import councils, imports, movements
from services.placements.access import council_to_read, council_to_write
from services.placements.census import CensusReturn, write_census_csv, write_census_xml
from services.placements.metrics import measured_import
from services.placements.models import ImportBatch
from services.placements.rules import AgencyPolicy
from services.placements.schemas import (
    AgencyCheckRequest,
    AgencyCheckResult,
    CouncilPublic,
    Flow,
    ImportHistoryItem,
    ImportReport,
    MovementReport,
    MoveOut,
    ProblemItem,
    Removals,
)

router = service_router("placements")
CensusYear = Annotated[int, Query(ge=2010, le=2100, description="Census year N: 1 Oct N-1 to 30 Sep N")]
CouncilCode = Annotated[
    str | None, Query(pattern=r"^[0-9]{3}$", min_length=3, max_length=3, description="DfE code; academy staff only")
]


@router.get("/councils", response_model=Page[CouncilPublic], tags=["councils"])
def list_councils(
    session: SessionDep,
    page: PageDep,
    member: Annotated[bool | None, Query(description="Only the academy's members (true) or others")] = None,
    region: Annotated[str | None, Query(max_length=9, description="ONS region code, e.g. E12000005")] = None,
) -> Page[CouncilPublic]:
    rows, total = councils.list_councils(session, page, member, region)
    return make_page([CouncilPublic.model_validate(r, from_attributes=True) for r in rows], total, page)


def _finished_year(census_year: int) -> int:
    if census_year >= census_year_of(date.today()):
        ends = census_reference_date(census_year).isoformat()
        raise InvalidInput(
            f"Census year {census_year} has not ended yet (it ends {ends}).",
            errors=[{"loc": ["query", "census_year"], "code": "census_year_not_ended", "message": "not ended"}],
        )
    return census_year


def _read_upload(upload: UploadFile) -> bytes:
    limit = get_settings().import_max_bytes
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"The file is over the {limit // (1024 * 1024)} MiB limit.")
    return data


def _kind(upload: UploadFile) -> str | None:
    name = (upload.filename or "").lower()
    return "xml" if name.endswith(".xml") else "csv" if name.endswith(".csv") else None


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
    tags=["imports"],
    summary="Import a census return (CSWW XML, or CSV with the same fields)",
    responses={
        200: {"description": "Dry run, or a file that changes nothing"},
        413: {"description": "Too large"},
        **NOT_IMPORTED,
    },
)
def import_census_file(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    file: Annotated[UploadFile, File(description="The census file")],
    census_year: CensusYear,
    dry_run: bool = False,
    council: CouncilCode = None,
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
    if session.get(Council, target) is None:
        raise InvalidInput(f"Unknown council {target}.")
    data = _read_upload(file)
    with measured_import() as counted:
        outcome = imports.import_census(
            session, principal, data=data, file_name=file.filename or "upload", kind=_kind(file),
            census_year=_finished_year(census_year), council=target, dry_run=dry_run, confirm_removals=confirm_removals,
        )  # fmt: skip
        counted(outcome.status, outcome.summary.records, outcome.errors)
    if outcome.status == "rejected":
        return problem_response(
            422, f"The file has {outcome.errors} error(s); nothing was written.", slug="census-file-rejected",
            errors=[{"loc": [p.location, p.field] if p.field else [p.location], **asdict(p)}
                    for p in outcome.problems],
        )  # fmt: skip
    if outcome.batch_id:
        audit(session, principal, "import", "import_batch", str(outcome.batch_id), request.state.request_id)
    report = _report(outcome)
    return JSONResponse(report.model_dump(mode="json"), status_code=201 if outcome.status == "applied" else 200)


def _report(outcome: imports.ImportOutcome) -> ImportReport:
    messages = {
        "applied": "The return was applied.",
        "unchanged": "This file changes nothing: every record is already held as it says.",
        "dry_run": "Dry run: nothing was written.",
    }
    removals = outcome.removals  # held by every outcome but a rejected file's
    message = messages[outcome.status]
    if outcome.status == "dry_run":
        message += _what_applying_does(outcome, removals)
    return ImportReport(
        id=outcome.batch_id, status=outcome.status, message=message, council=outcome.council,
        census_year=outcome.census_year, file_sha256=outcome.file_sha256,
        removals=Removals(
            year_records_held=removals.held, year_records_removed=removals.removed,
            max_removed_share=removals.max_share, confirmation_required=removals.need_confirmation,
        ),
        would_be_refused=outcome.would_be_refused, summary=outcome.summary.as_dict(),
        warnings=[ProblemItem(**asdict(p)) for p in outcome.problems if not p.is_error],
    )  # fmt: skip


def _what_applying_does(outcome: imports.ImportOutcome, removals: imports.Removals) -> str:
    """The dry run's word on removals, first: they are what a wrong file destroys."""
    if outcome.summary.records == 0:
        return " The file holds no worker records: applying it would be refused."
    if not removals.removed:
        return ""
    removed = (
        f" Applying it would remove {removals.removed} of the {removals.held} records held for council "
        f"{outcome.council}'s census year {outcome.census_year}"
    )
    if outcome.would_be_refused:
        return f"{removed}, and would be refused unless sent with confirm_removals={removals.removed}."
    return f"{removed}."


def _history_item(batch: ImportBatch) -> ImportHistoryItem:
    return ImportHistoryItem.model_validate(
        batch.model_dump() | {"summary": json.loads(batch.summary), "problems": json.loads(batch.problems)}
    )


def _batch(session, principal, import_id: uuid.UUID) -> ImportBatch:
    batch = session.get(ImportBatch, import_id)
    allowed = council_to_read(principal, None)
    if batch is None or (allowed and batch.council != allowed):
        raise NotFound("No such import.")
    return batch


@router.get("/imports", response_model=Page[ImportHistoryItem], tags=["imports"])
def import_history(session: SessionDep, principal: CurrentPrincipal, page: PageDep, council: CouncilCode = None):
    rows, total = paginate(session, imports.newest_first(council_to_read(principal, council)), page)
    return make_page([_history_item(row) for row in rows], total, page)


@router.get("/imports/{import_id}", response_model=ImportHistoryItem, tags=["imports"])
def import_detail(import_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> ImportHistoryItem:
    return _history_item(_batch(session, principal, import_id))


@router.get("/imports/{import_id}/report.csv", tags=["imports"], response_class=Response)
def import_report_csv(import_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> Response:
    batch = _batch(session, principal, import_id)
    out = io.StringIO(newline="")
    columns = ["location", "field", "value", "code", "severity", "message"]
    writer = csv_cells.writer(out)  # a problem's value is the file's own text, formulas included
    writer.writerow(columns)
    writer.writerows([problem.get(name) for name in columns] for problem in json.loads(batch.problems))
    name = f"import-{batch.council}-{batch.census_year}-{batch.id}-report.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/exports/census.csv", tags=["imports"], response_class=Response, summary="A year's records as census CSV")
def export_census_csv(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    census_year: CensusYear,
    council: CouncilCode = None,
) -> Response:
    target = council_to_read(principal, council)
    if target is None:
        raise InvalidInput("Name the council (DfE code) with council=CODE.")
    records = list(imports.held_in_year(session, target, census_year))
    out = io.StringIO(newline="")
    write_census_csv(records, out)
    audit(
        session,
        principal,
        "export",
        "worker_swe",
        sorted({r.swe_number for r in records}),
        request.state.request_id,
    )
    name = f"csww-{target}-{census_year}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/exports/census.xml",
    tags=["imports"],
    response_class=StreamingResponse,
    summary="A year's return as CSWW XML",
)
def export_census_xml(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    census_year: CensusYear,
    council: CouncilCode = None,
) -> StreamingResponse:
    """The council's records for the year in the DfE's XML format, vacancy block included; written
    as a stream to a spooled file so memory stays flat however large the council."""
    target = council_to_read(principal, council)
    if target is None:
        raise InvalidInput("Name the council (DfE code) with council=CODE.")
    spooled = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - closed by the response

    def records():
        read: list[str] = []  # audited a thousand at a time, so memory does not grow with the council
        for record in imports.held_in_year(session, target, census_year):
            read.append(record.swe_number)
            if len(read) == 1000:
                audit(session, principal, "export", "worker_swe", read, request.state.request_id)
                read = []
            yield record
        audit(session, principal, "export", "worker_swe", read, request.state.request_id)

    census_return = CensusReturn(census_year, target, imports.vacancies_for(session, target, census_year), records())
    write_census_xml(census_return, spooled, generated_at=datetime.now(UTC))
    spooled.seek(0)
    name = f"csww-{target}-{census_year}.xml"
    return StreamingResponse(
        iter(lambda: spooled.read(64 * 1024), b""),
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
        background=BackgroundTask(spooled.close),
    )


@router.get("/movements", response_model=MovementReport, tags=["movements"])
def movements_in_year(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    census_year: CensusYear,
    window_days: Annotated[int | None, Query(ge=1, le=730, description="Days from an end to a start")] = None,
) -> MovementReport:
    own = council_to_read(principal, None)
    window = window_days or get_settings().movement_window_days
    moves, pairs = movements.moves_in_year(session, census_year, window)
    shown = [m for m in moves if own is None or own in (m.from_council, m.to_council)]
    audit(
        session,
        principal,
        "read",
        "worker_swe",
        sorted({m.swe_number for m in shown}),
        request.state.request_id,
    )
    return MovementReport(
        census_year=census_year,
        movement_window_days=window,
        moves=[MoveOut(**asdict(m), days_between=m.days_between) for m in shown],
        matrix=[Flow(**asdict(pair) | {"fte": half_up(pair.fte)}) for pair in pairs],
    )


@router.post("/agency-checks", response_model=AgencyCheckResult, tags=["movements"])
def agency_check(
    body: AgencyCheckRequest, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> AgencyCheckResult:
    council = council_to_write(principal, body.council)
    if session.get(Council, council) is None:
        raise InvalidInput(f"Unknown council {council}.")
    settings = get_settings()
    policy = AgencyPolicy(
        regional_months=settings.agency_regional_months,
        national_months=settings.agency_national_months,
        min_pq_years=settings.agency_min_pq_years,
    )
    decision, known = movements.agency_check(session, body.swe_number, council, body.proposed_start, policy)
    audit(session, principal, "read", "worker_swe", body.swe_number, request.state.request_id)
    return AgencyCheckResult(
        swe_number=body.swe_number, council=council, proposed_start=body.proposed_start,
        allowed=decision.allowed, known_to_region=known, rules=[asdict(rule) for rule in decision.rules],
    )  # fmt: skip
