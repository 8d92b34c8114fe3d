"""The DfE's published workforce figures (services/common/reference), read as figures: England, every region
and every council, 2017 onwards. The platform never computes England or a whole region it does not hold:
those areas are always the DfE's own numbers, marked as published."""

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from services.analytics.measures.rules import MEASURE_NAMES
from services.analytics.measures.schemas import Figure, Level, WorkforceArea
from services.common.reference import ENGLAND, published_rows

ENGLAND_NAME = "England"
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
COUNTS = {"inpost_headcount", "starters_headcount", "leavers_headcount", "agency_headcount", "cases"}


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


def published_years() -> list[int]:
    return sorted({year for year, _ in published_index()})


def figure(year: int, code: str, measure: str) -> Figure:
    """One published figure for an area, or why there is none."""
    found = published_index().get((year, code))
    if found is None:
        return Figure(reason=NOT_PUBLISHED)
    row, combined = found
    if combined:
        return Figure(reason=f"published only for {combined} together")
    return published_figure(row[measure])


def published_area(year: int, code: str, name: str, level: Level) -> WorkforceArea | None:
    """England or a region as the DfE published it for census year `year`; None when it has not (yet)."""
    if (year, code) not in published_index():
        return None
    values: dict[str, Decimal | int | None] = {}
    reasons: dict[str, str] = {}
    for measure in MEASURE_NAMES:
        found = figure(year, code, measure)
        if found.value is None:
            values[measure], reasons[measure] = None, found.reason or NOT_PUBLISHED
        else:
            values[measure] = int(found.value) if measure in COUNTS else found.value
    return WorkforceArea(
        code=code, name=name, level=level, census_year=year, source="published", reasons=reasons, **values
    )  # fmt: skip


def england(year: int) -> WorkforceArea | None:
    return published_area(year, ENGLAND, ENGLAND_NAME, "national")
