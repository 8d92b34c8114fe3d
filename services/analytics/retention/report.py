"""Retention, stability, leaver destinations and time in service: what only the region's matched view shows.

People are matched across the academy's member councils (placements keys each person by SWE number),
so someone who leaves Coventry for Solihull is Coventry's turnover but the region's retention.
Counts come from the read model (workforce/matched.py) in a few set-based queries; here they become
rates, once per council and for the region (sums of the councils' numerators and denominators, except the regional
retention rate's, which counts each person of the region once).
"""

from decimal import Decimal

from sqlmodel import Session

from services.analytics.access import RATES_ONLY, require_reader
from services.analytics.measures.rules import ZERO_DENOMINATOR, rate
from services.analytics.retention.schemas import LeaverDestination, RetentionArea, RetentionReport, ServiceBand
from services.analytics.workforce import tables
from services.analytics.workforce.matched import destination_counts, retention_counts, service_counts
from services.analytics.workforce.tables import as_decimal
from services.common.auth import Principal, Role
from services.common.errors import NotFound
from services.common.rounding import half_up

DESTINATION_LABELS = {
    "moved_in_region": "moved to another council in the region (matched)",
    "agency_in_region": "became an agency worker in the region (matched)",
    "moved_elsewhere": "moved elsewhere (LeaverDestination 1 to 4)",
    "left_social_work": "left social work (LeaverDestination 5, 6)",
    "not_known": "not known (LeaverDestination 7 to 9, or none)",
}
BAND_LABELS = {
    "under_2": "under 2 years",
    "2_to_5": "2 to under 5 years",
    "5_to_10": "5 to under 10 years",
    "10_to_20": "10 to under 20 years",
    "20_and_over": "20 years and over",
}
RATES = (
    "retention_rate_fte", "retention_rate_headcount", "regional_retention_rate_fte",
    "regional_retention_rate_headcount", "stability_index",
)  # fmt: skip
COUNTS = (
    "in_post_last_year_fte", "in_post_last_year_headcount", "retained_fte", "retained_headcount",
    "regional_base_fte", "regional_base_headcount", "retained_employed_fte", "retained_employed_headcount",
    "retained_agency_fte", "retained_agency_headcount", "inpost_fte", "inpost_headcount",
    "year_or_more_headcount", "leavers_fte", "leavers_headcount",
)  # fmt: skip


def _add(into: dict[str, object], row: dict[str, object]) -> None:
    for name, value in row.items():
        if name != "council":
            into[name] = into.get(name, 0) + (as_decimal(value) if isinstance(value, float) else value)


def _rate_into(values: dict, reasons: dict, name: str, numerator, denominator) -> None:
    values[name], reason = rate(numerator, denominator)
    if reason:
        reasons[name] = reason


def _area(
    code: str,
    name: str,
    level: str,
    year: int,
    retained: dict,
    regional: dict,
    service: dict,
    destinations: dict[str, tuple[int, Decimal]],
    rates_only: bool,
) -> RetentionArea:
    values: dict[str, object] = {}
    reasons: dict[str, str] = {}
    before_hc, before_fte = retained.get("headcount", 0), as_decimal(retained.get("fte"))
    stayed_hc, stayed_fte = retained.get("stayed_headcount", 0), as_decimal(retained.get("stayed_fte"))
    values.update(
        in_post_last_year_headcount=before_hc, in_post_last_year_fte=before_fte,
        retained_headcount=stayed_hc, retained_fte=stayed_fte,
    )  # fmt: skip
    _rate_into(values, reasons, "retention_rate_headcount", stayed_hc, before_hc)
    _rate_into(values, reasons, "retention_rate_fte", stayed_fte, before_fte)

    base_hc, base_fte = regional.get("headcount", 0), as_decimal(regional.get("fte"))
    employed_hc, employed_fte = regional.get("employed_headcount", 0), as_decimal(regional.get("employed_fte"))
    agency_hc, agency_fte = regional.get("agency_headcount", 0), as_decimal(regional.get("agency_fte"))
    values.update(
        regional_base_headcount=base_hc, regional_base_fte=base_fte,
        retained_employed_headcount=employed_hc, retained_employed_fte=employed_fte,
        retained_agency_headcount=agency_hc, retained_agency_fte=agency_fte,
    )  # fmt: skip
    _rate_into(values, reasons, "regional_retention_rate_headcount", employed_hc + agency_hc, base_hc)
    _rate_into(values, reasons, "regional_retention_rate_fte", employed_fte + agency_fte, base_fte)

    in_post_hc, in_post_fte = service.get("headcount", 0), as_decimal(service.get("fte"))
    year_or_more = service.get("year_or_more_headcount", 0)
    values.update(inpost_headcount=in_post_hc, inpost_fte=in_post_fte, year_or_more_headcount=year_or_more)
    _rate_into(values, reasons, "stability_index", year_or_more, in_post_hc)
    bands = []
    for band, label in BAND_LABELS.items():
        people = service.get(f"{band}_headcount", 0)
        share, reason = rate(people, in_post_hc)
        bands.append(
            ServiceBand(
                band=band, label=label, headcount=people, fte=half_up(as_decimal(service.get(f"{band}_fte"))),
                share_headcount=share,
            )
        )  # fmt: skip
    if in_post_hc == 0:
        reasons["service_bands"] = f"share_headcount: {ZERO_DENOMINATOR}"

    leavers_hc = sum(people for people, _ in destinations.values())
    leavers_fte = sum((fte for _, fte in destinations.values()), Decimal(0))
    values.update(leavers_headcount=leavers_hc, leavers_fte=leavers_fte)
    gone = []
    for destination, label in DESTINATION_LABELS.items():
        people, fte = destinations.get(destination, (0, Decimal(0)))
        share, _ = rate(people, leavers_hc)
        gone.append(
            LeaverDestination(
                destination=destination,
                label=label,
                headcount=people,
                fte=half_up(fte),
                share_headcount=share,
            )
        )
    if leavers_hc == 0:
        reasons["leaver_destinations"] = f"share_headcount: {ZERO_DENOMINATOR}"

    for figure in COUNTS:
        if figure.endswith("_fte"):
            values[figure] = half_up(values[figure])
    if rates_only:
        for figure in COUNTS:
            values[figure] = None
            reasons[figure] = RATES_ONLY
        for item in (*bands, *gone):
            item.headcount = item.fte = None
        reasons["service_bands"] = reasons["leaver_destinations"] = f"headcount, fte: {RATES_ONLY}"
    return RetentionArea(
        code=code, name=name, level=level, census_year=year, service_bands=bands, leaver_destinations=gone,
        reasons=reasons, **values,
    )  # fmt: skip


def retention_report(
    session: Session, principal: Principal, year: int, council: str | None, window_days: int
) -> RetentionReport:
    """Each member council with records for N-1 or N (or just `council`), then the region.

    A council's HR sees its own council in full and the other councils' rates only."""
    require_reader(principal)
    known = tables.councils(session)
    members = tables.member_codes(known)
    if council is not None and council not in members:
        raise NotFound(f"No member council {council}.")
    retained, region_retained = retention_counts(session, year, members)
    service = service_counts(session, year, members)
    destinations: dict[str, dict[str, tuple[int, Decimal]]] = {}
    for (code, destination), counts in destination_counts(session, year, members, window_days).items():
        destinations.setdefault(code, {})[destination] = counts

    areas = []
    shown = [council] if council else sorted(set(retained) | set(service) | set(destinations))
    for code in shown:
        hidden = principal.role is Role.council_hr and code != principal.council
        own = retained.get(code, {})
        regional = {k: v for k, v in own.items() if not k.startswith("stayed_")}
        areas.append(
            _area(
                code, known[code].name, "council", year, own, regional, service.get(code, {}),
                destinations.get(code, {}), hidden,
            )
        )  # fmt: skip
    if members:
        region_code, region_name = known[members[0]].region_code, known[members[0]].region_name
        summed_retained: dict[str, object] = {}
        summed_service: dict[str, object] = {}
        summed_destinations: dict[str, tuple[int, Decimal]] = {}
        for row in retained.values():
            _add(summed_retained, row)
        for row in service.values():
            _add(summed_service, row)
        for per_council in destinations.values():
            for destination, (people, fte) in per_council.items():
                held = summed_destinations.get(destination, (0, Decimal(0)))
                summed_destinations[destination] = (held[0] + people, held[1] + fte)
        areas.append(
            _area(
                region_code, region_name, "region", year, summed_retained, region_retained, summed_service,
                summed_destinations, False,
            )
        )  # fmt: skip
    return RetentionReport(census_year=year, movement_window_days=window_days, areas=areas)
