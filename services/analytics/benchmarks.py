"""A council's computed measures beside the DfE's published figures for it, its region and England."""

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from sqlmodel import Session

from services.analytics import workforce_sql
from services.analytics.measures import MEASURE_NAMES, measures
from services.analytics.schemas import BenchmarkReport, BenchmarkRow, Figure
from services.analytics.workforce import require_reader
from services.common.auth import Principal, Role
from services.common.errors import NotFound
from services.common.reference import ENGLAND, published_rows

# The published data set's symbols (its README): kept as the reason there is no number, never a zero.
SYMBOLS = {
    "x": "x: not available",
    "z": "z: not applicable",
    "u": "u: low reliability",
    "c": "c: confidential",
    "low": "low: too small to publish",
    "": "not collected that year",
}
NOT_PUBLISHED = "not published for this year"


def published_figure(text: str) -> Figure:
    text = text.strip()
    if text in SYMBOLS:
        return Figure(reason=SYMBOLS[text])
    try:
        return Figure(value=Decimal(text))
    except InvalidOperation:
        return Figure(reason=f"{text}: not a number in the published data")


@lru_cache
def published_index() -> dict[tuple[int, str], tuple[dict[str, str], str | None]]:
    """(year, area code) -> (published row, the combined area's codes when the DfE published the
    council only together with another, e.g. "940 / 941"). Councils by DfE code, regions and England
    by ONS code."""
    index: dict[tuple[int, str], tuple[dict[str, str], str | None]] = {}
    for row in published_rows():
        year, level = int(row["time_period"]), row["geographic_level"]
        if level == "National":
            index[(year, row["country_code"])] = (row, None)
        elif level == "Regional":
            index[(year, row["region_code"])] = (row, None)
        else:
            codes = [code.strip() for code in row["old_la_code"].split("/")]
            combined = row["old_la_code"] if len(codes) > 1 else None
            for code in codes:
                index.setdefault((year, code), (row, combined))
    return index


def _published(year: int, code: str, measure: str) -> Figure:
    found = published_index().get((year, code))
    if found is None:
        return Figure(reason=NOT_PUBLISHED)
    row, combined = found
    if combined:
        return Figure(reason=f"published only for {combined} together")
    return published_figure(row[measure])


def benchmark_report(session: Session, principal: Principal, year: int, council: str) -> BenchmarkReport:
    """A council's HR may ask for its own council only; another council answers 404, like a missing one."""
    require_reader(principal)
    known = workforce_sql.councils(session)
    if council not in known or (principal.role is Role.council_hr and council != principal.council):
        raise NotFound(f"No council {council}.")
    row = known[council]
    totals = workforce_sql.council_totals(session, [year], [council]).get((council, year))
    computed = measures(totals, year) if totals is not None else None
    rows = []
    for measure in MEASURE_NAMES:
        if computed is None:
            mine = Figure(reason=f"no records for census year {year}")
        else:
            value = computed.values[measure]
            mine = Figure(value=None if value is None else Decimal(value), reason=computed.reasons.get(measure))
        rows.append(
            BenchmarkRow(
                measure=measure,
                computed=mine,
                published=_published(year, council, measure),
                region=_published(year, row.region_code, measure),
                england=_published(year, ENGLAND, measure),
            )
        )
    return BenchmarkReport(
        census_year=year, code=council, name=row.name, region_code=row.region_code, region_name=row.region_name,
        measures=rows,
    )  # fmt: skip
