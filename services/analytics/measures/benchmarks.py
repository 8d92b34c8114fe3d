"""A council's computed measures beside the DfE's published figures for it, its region and England."""

from decimal import Decimal

from sqlmodel import Session

from services.analytics.access import require_reader
from services.analytics.measures.published import figure as _published
from services.analytics.measures.rules import MEASURE_NAMES, measures
from services.analytics.measures.schemas import BenchmarkReport, BenchmarkRow, Figure
from services.analytics.workforce import tables
from services.analytics.workforce.totals import council_totals
from services.common.auth import Principal, Role
from services.common.errors import NotFound
from services.common.reference import ENGLAND


def benchmark_report(session: Session, principal: Principal, year: int, council: str) -> BenchmarkReport:
    """A council's HR may ask for its own council only; another council answers 404, like a missing one."""
    require_reader(principal)
    known = tables.councils(session)
    if council not in known or (principal.role is Role.council_hr and council != principal.council):
        raise NotFound(f"No council {council}.")
    row = known[council]
    totals = council_totals(session, [year], [council]).get((council, year))
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
