"""The DfE extracts: one council's census return (CSWW XML) and the region's retention summary (CSV),
built, checked and stored. Every extract is checked before it is stored; one that fails is kept as
failed, with its reasons, and never delivered."""

import hashlib
import io
import uuid
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

import httpx
from sqlmodel import Session

from services.analytics import retention, workforce
from services.analytics.measures import MEASURE_NAMES
from services.analytics.metrics import EXTRACTS
from services.analytics.models import ExtractRun
from services.common import csv_cells
from services.common.auth import Principal, Role
from services.common.census_calendar import census_reference_date
from services.common.errors import InvalidInput
from services.common.service_client import call
from services.common.settings import get_settings

KINDS = ("csww", "retention")
SYSTEM = Principal(subject="analytics-extracts", role=Role.service)


class ExtractError(Exception):
    """The extract could not be built now (e.g. placements unreachable); the run is retried."""


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


# A council's HR system may record a change between the export and its check; the return is then built
# again from the records as they are now. Only a return that fails to read back every time is failed.
READ_BACK_ATTEMPTS = 3


def _csww(placements: httpx.Client, council: str, period: Period) -> tuple[bytes, list[str]]:
    params = {"census_year": period.census_year, "council": council}
    for _attempt in range(READ_BACK_ATTEMPTS):
        answer = call(placements, "GET", "/v1/placements/exports/census.xml", params=params)
        if answer.status_code != 200:
            raise ExtractError(f"placements answered {answer.status_code} for the census return")
        content = answer.content
        # Checked by placements' own census import, in a dry run: element order, code lists, required
        # elements, values inside the census year, and that it reads back as the records it came from.
        check = call(
            placements, "POST", "/v1/placements/imports", params={**params, "dry_run": "true"},
            files={"file": (f"csww-{council}-{period.census_year}.xml", content, "application/xml")},
        )  # fmt: skip
        if check.status_code == 422:
            return content, _refusal_reasons(check.json())
        if check.status_code != 200:
            raise ExtractError(f"placements could not check the return ({check.status_code})")
        summary = check.json()["summary"]
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
    areas = workforce.workforce_areas(session, SYSTEM, [period.census_year], None, **as_of)
    retention_year = period.census_year if period.as_of is None or period.as_of.month == 9 else period.census_year - 1
    if period.as_of is not None and period.as_of < census_reference_date(retention_year):
        retention_year -= 1
    kept = retention.retention_report(session, SYSTEM, retention_year, None, get_settings().movement_window_days)
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
        writer.writerow([*names, *covered, *figures, retention_year, *kept_figures])
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
    """Build, check and store one extract; raises ExtractError when it cannot be built now."""
    if kind == "csww":
        if not council:
            raise InvalidInput("A csww extract is one council's return: name the council.")
        content, errors = _csww(placements, council, period)
        file_name, media_type = f"csww-{council}-{period.key}.xml", "application/xml"
    elif kind == "retention":
        content, errors = _retention(session, period)
        council, file_name, media_type = None, f"retention-west-midlands-{period.key}.csv", "text/csv"
    else:
        raise InvalidInput(f"Unknown extract kind {kind!r}; one of {', '.join(KINDS)}.")
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
    return extract
