"""How an analytics answer is given: JSON, or its table as CSV, or a chart as SVG, by what the client accepts;
and the query parameters the reports share."""

from typing import Annotated

from fastapi import Header, Query, Response
from pydantic import BaseModel

from services.analytics import tables
from services.analytics.census_years import CENSUS_YEAR, FIRST, LAST, CensusYears

# --- Tables as CSV: the same answer as text/csv to a client that accepts that and not JSON ------------------

CSV, JSON = "text/csv", "application/json"
CSV_TABLE = {200: {"content": {CSV: {"schema": {"type": "string"}}}, "description": "The answer, or its table as CSV"}}
Accept = Annotated[str | None, Header(include_in_schema=False)]


def answer(report: BaseModel, accept: str | None, file_name: str, table: str, *inner: str):
    """The report as JSON, or as a CSV file of its table (`tables.rows_of`) when asked for with Accept."""
    if accept is None or CSV not in accept or JSON in accept:
        return report
    return Response(
        tables.to_csv(tables.rows_of(report, table, *inner)),
        media_type=f"{CSV}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{file_name}.csv"'},
    )


CensusYear = Annotated[int | None, Query(ge=FIRST, le=LAST, description=CENSUS_YEAR)]
CouncilCode = Annotated[str | None, Query(pattern=r"^[0-9]{3}$", description="DfE code of one council")]
RequiredCensusYear = Annotated[int, Query(ge=FIRST, le=LAST, description=CENSUS_YEAR)]
CensusYearSeries = Annotated[CensusYears, Query()]  # from_census_year and to_census_year
ALL_YEARS = CensusYears()  # neither given: the report's default series
Council = Annotated[str, Query(pattern=r"^[0-9]{3}$", description="DfE code of one council")]


SVG, BYTES = "image/svg+xml", "application/octet-stream"
SVG_FILE = {"schema": {"type": "string", "format": "binary"}}


def svg(picture: bytes, accept: str | None) -> Response:
    """SVG, or the same bytes as application/octet-stream to a client that accepts that and not SVG."""
    as_bytes = accept is not None and BYTES in accept and SVG not in accept
    return Response(content=picture, media_type=BYTES if as_bytes else SVG)


SVG_CHART = {200: {"content": {SVG: SVG_FILE, BYTES: SVG_FILE}, "description": "An SVG chart"}}
