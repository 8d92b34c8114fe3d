"""The DfE extracts: one council's census return (CSWW XML) and the region's retention summary (CSV),
built, checked and stored. An extract whose census year's returns are not in is not built at all
(NotReady says which are missing). Every extract is checked before it is stored; one that fails is
kept as failed, with its reasons, and never delivered. A new extract that succeeds supersedes the
earlier ones of the same kind, council and period: the DfE sees which one is current."""

import hashlib
import io
import uuid
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

import httpx
from sqlalchemy import case, update
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from services.analytics import placements_client
from services.analytics.extracts.metrics import EXTRACTS
from services.analytics.extracts.models import ExtractRun
from services.analytics.measures.areas import workforce_areas
from services.analytics.measures.rules import MEASURE_NAMES
from services.analytics.retention import report as retention
from services.analytics.workforce import tables
from services.analytics.workforce.totals import last_reference_year
from services.common import csv_cells
from services.common.audit import audit
from services.common.auth import Principal, Role
from services.common.db import release_reads
from services.common.errors import Forbidden, InvalidInput, NotFound
from services.common.reference import ACADEMY_MEMBERS
from services.common.settings import get_settings

KINDS = ("csww", "retention")
EXTRACT_READERS = (Role.academy_admin, Role.dfe, Role.council_hr, Role.service)
SYSTEM = Principal(subject="analytics-extracts", role=Role.service)


class ExtractError(Exception):
    """The extract could not be built now (e.g. placements unreachable); the run is retried."""


class NotReady(Exception):
    """The returns the extract is built from are not in yet: nothing is built; the schedule asks again."""


@dataclass(frozen=True)
class Period:
    """What an extract covers: census year N, or (retention) the 12 months to the end of a month."""

    key: str
    census_year: int
    as_of: date | None = None

    @classmethod
    def census(cls, year: int) -> "Period":
        return cls(str(year), year)

    @classmethod
    def month(cls, key: str) -> "Period":
        year, month = (int(part) for part in key.split("-"))
        end = date(year, month, monthrange(year, month)[1])
        return cls(key, end.year + (1 if end.month >= 10 else 0), end)


def visible_extracts(principal: Principal) -> SelectOfScalar[ExtractRun]:
    """The extracts this principal may read, newest first."""
    if principal.role not in EXTRACT_READERS:
        raise Forbidden("Your role has no access to extracts.")
    query = select(ExtractRun).order_by(ExtractRun.created_at.desc(), ExtractRun.id)
    if principal.role is Role.council_hr:  # a council sees its own returns only
        query = query.where(ExtractRun.council == principal.council)
    return query


def find_extract(session: Session, principal: Principal, extract_id: uuid.UUID) -> ExtractRun:
    extract = session.exec(visible_extracts(principal).where(ExtractRun.id == extract_id)).first()
    if extract is None:
        raise NotFound("No such extract.")
    return extract


def downloaded(session: Session, principal: Principal, extract_id: uuid.UUID) -> ExtractRun:
    """The extract whose file is handed over: every download is audited."""
    extract = find_extract(session, principal, extract_id)
    audit(session, principal, "download", "extract", str(extract.id))
    return extract


def retention_year(period: Period) -> int:
    """The census year whose retention a summary carries: the period's own, or for the 12 months to the end of
    a month, the last census year that has ended by then (30 September on or before it)."""
    return period.census_year if period.as_of is None else last_reference_year(period.as_of)


def missing_returns(census_year: int, expected: set[str], held: set[str], names: dict[str, str]) -> str | None:
    """Why an extract of `census_year` must wait, or None when it need not: the councils expected to send the
    year's return that have not, or that none of the year's returns is in."""
    if held and expected <= held:
        return None
    missing = sorted(expected - held)
    if not missing:
        return f"no return for {census_year} from any member council"
    return f"no return for {census_year} from " + ", ".join(f"{code} {names.get(code, '')}".strip() for code in missing)


def check_ready(session: Session, kind: str, period: Period, council: str | None) -> None:
    """Raise NotReady unless the returns the extract is built from are in. A council's census return needs the
    council's records of its year. The region's summary needs, for the census year of its retention and the one
    its 12 months fall in, the records of every member council that has records of the year before: else the
    people kept read as gone (a retention of 0.0%), and the months after the last return as months in which
    nobody started or left."""
    known = tables.councils(session)
    names = {code: row.name for code, row in known.items()}
    if kind == "csww":
        held = tables.councils_with_records(session, period.census_year, {council})
        reason = missing_returns(period.census_year, {council}, held, names)
        if reason:
            raise NotReady(reason)
        return
    members = sorted(ACADEMY_MEMBERS & set(known))
    for year in sorted({retention_year(period), period.census_year}):
        held = tables.councils_with_records(session, year, members)
        expected = tables.councils_with_records(session, year - 1, members)
        reason = missing_returns(year, expected, held, names)
        if reason:
            raise NotReady(reason)


# A council's HR system may record a change between the export and its check; the return is then built
# again from the records as they are now. Only a return that fails to read back every time is failed.
READ_BACK_ATTEMPTS = 3


def _csww(placements: httpx.Client, council: str, period: Period) -> tuple[bytes, list[str]]:
    for _attempt in range(READ_BACK_ATTEMPTS):
        answer = placements_client.census_return(placements, council, period.census_year)
        if answer.status_code != 200:
            raise ExtractError(f"placements answered {answer.status_code} for the census return")
        content = answer.content
        # Checked by placements' own census import, in a dry run: element order, code lists, required
        # elements, values inside the census year, and that it reads back as the records it came from.
        check = placements_client.check_return(placements, council, period.census_year, content)
        if check.status_code == 422:
            return content, _refusal_reasons(check.json())
        if check.status_code != 200:
            raise ExtractError(f"placements could not check the return ({check.status_code})")
        summary = check.json()["summary"]
        if summary["records"] == 0:
            return content, ["the return holds no worker"]
        if not (summary["workers"]["create"] or summary["spells"]["create"] or summary["year_records_removed"]):
            return content, []
    return content, ["the return does not read back as the records it was built from"]


def _refusal_reasons(problem: dict) -> list[str]:
    """Why placements' dry run refused the return: each error of its import report at its place in the file, or,
    when it refused the file as a whole (a return with no records, say), the problem's own detail."""
    reasons = [
        f"{error['location']} {error.get('field') or ''}: {error['message']}"
        for error in problem.get("errors") or []
        if "location" in error and error.get("severity", "error") == "error"
    ]
    return reasons or [problem.get("detail") or "placements refused the return"]


RETENTION_MEASURES = (
    "retention_rate_fte", "retention_rate_headcount", "regional_retention_rate_fte",
    "regional_retention_rate_headcount", "stability_index",
)  # fmt: skip


def _retention(session: Session, period: Period) -> tuple[bytes, list[str]]:
    """Each member council and the region computed from them with the DfE measures, the region and England as
    the DfE published them (`source`), and the councils and the computed region with the regional retention
    measures: the same figures as the analytics API. For the 12
    months to a date, the retention measures are those of the last census year ended by then."""
    as_of = {"as_of": period.as_of} if period.as_of else {}
    areas = workforce_areas(session, SYSTEM, [period.census_year], None, **as_of)
    kept_year = retention_year(period)
    kept = retention.retention_report(session, SYSTEM, kept_year, None, get_settings().movement_window_days)
    retained = {(area.level, area.code): area for area in kept.areas}
    out = io.StringIO(newline="")
    writer = csv_cells.writer(out)  # as every CSV the platform writes: no cell a spreadsheet would run
    writer.writerow(
        ["period", "level", "code", "name", "source", "councils", "missing_councils", *MEASURE_NAMES,
         "retention_census_year", *RETENTION_MEASURES]
    )  # fmt: skip
    for area in areas:
        row = area.model_dump()
        figures = ("" if row[name] is None else row[name] for name in MEASURE_NAMES)
        covered = (" ".join(codes) if codes is not None else "" for codes in (area.councils, area.missing_councils))
        other = retained.get((area.level, area.code)) if area.source == "computed" else None
        kept_figures = (
            "" if other is None or getattr(other, m) is None else getattr(other, m) for m in RETENTION_MEASURES
        )
        names = (period.key, area.level, area.code, area.name, area.source)
        writer.writerow([*names, *covered, *figures, kept_year, *kept_figures])
    return out.getvalue().encode(), []


def produce(
    session: Session,
    placements: httpx.Client,
    *,
    kind: str,
    period: Period,
    council: str | None,
    trigger: str,
    requested_by: str,
) -> ExtractRun:
    """Build, check and store one extract; raises NotReady when its returns are not in, ExtractError when it
    cannot be built now."""
    if kind == "csww" and not council:
        raise InvalidInput("A csww extract is one council's return: name the council.")
    if kind not in KINDS:
        raise InvalidInput(f"Unknown extract kind {kind!r}; one of {', '.join(KINDS)}.")
    check_ready(session, kind, period, council)
    release_reads(session)  # placements is called next: no transaction is held while it answers
    if kind == "csww":
        content, errors = _csww(placements, council, period)
        file_name, media_type = f"csww-{council}-{period.key}.xml", "application/xml"
    else:
        content, errors = _retention(session, period)
        council, file_name, media_type = None, f"retention-west-midlands-{period.key}.csv", "text/csv"
    settings = get_settings()
    deliver = not errors and bool(settings.dfe_endpoint_url or settings.extract_outbox_dir)
    extract = ExtractRun(
        id=uuid.uuid4(),
        kind=kind,
        period=period.key,
        census_year=period.census_year,
        as_of=period.as_of,
        council=council,
        status="failed" if errors else "succeeded",
        errors="\n".join(errors) or None,
        file_name=file_name,
        media_type=media_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        trigger=trigger,
        requested_by=requested_by,
        delivery_status="pending" if deliver else "none",
    )
    session.add(extract)
    session.flush()
    EXTRACTS.labels(kind, extract.status).inc()
    if extract.status == "succeeded":
        supersede_earlier(session, extract)
    return extract


def supersede_earlier(session: Session, extract: ExtractRun) -> None:
    """Mark every earlier extract of the same kind, council and period superseded by this one (a failed run
    supersedes nothing: the one before it stays current, and stays delivered)."""
    table = ExtractRun.__table__
    session.execute(
        update(table)
        .where(
            table.c.kind == extract.kind,
            table.c.council.is_not_distinct_from(extract.council),
            table.c.period == extract.period,
            table.c.id != extract.id,
            table.c.status != "superseded",
        )
        .values(
            status="superseded",
            superseded_by=extract.id,
            superseded_at=extract.created_at,
            # one not delivered yet never will be: the DfE gets the current one instead
            delivery_status=case(
                (table.c.delivery_status.in_(("pending", "retrying")), "none"), else_=table.c.delivery_status
            ),
            next_delivery_at=None,
        )  # fmt: skip
    )
