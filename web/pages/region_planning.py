"""Academy staff's planning page: where the region ranks in England on a DfE rate (published, and its own
figure computed from the records held here), how long social workers stay (retention curves) and the projected
workforce. Each table downloads as the API's own CSV of it (the API answers CSV when asked with Accept)."""

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.api import Api, ApiProblem
from web.csv_tables import Column, Row
from web.forms import FormErrors
from web.pages.dependencies import SignedInApi, member_councils
from web.pages.region import ANALYTICS, HEADINGS, api_chart, year_asked, year_choices, year_in_progress
from web.templating import render

router = APIRouter(prefix="/region/planning")

# The rates the API ranks (its `measure` enum in openapi/analytics.json): for each, lower is better.
MEASURES = (
    "turnover_rate_fte",
    "turnover_rate_headcount",
    "agency_rate_fte",
    "agency_rate_headcount",
    "vacancy_rate_fte",
    "absence_rate_fte",
    "caseload_fte",
)
MEASURE_NAMES = {measure: HEADINGS[measure] for measure in MEASURES}
CURVE_YEARS = (1, 2, 3, 5)  # the times in post the retention table reads the curves at
STAYS = {"council": "With the council", "region": "In the region"}  # each curve: staying where
PROJECTED_YEARS = 3

# Each table's CSV (/region/planning/<name>.csv): the API's report it is, and the parameters passed on.
DOWNLOADS = {
    "rankings": ("/rankings", ("measure", "census_year", "level")),
    "rank-over-time": ("/rankings/series", ("measure",)),
    "retention-curve": ("/retention-curve", ("council",)),
    "projections": ("/projections", ("council", "years")),
}
CHARTS = {
    "rank.svg": ("measure", "to_census_year"),
    "retention-curve.svg": ("council",),
    "projection.svg": ("council", "years", "measure"),
}


def _source(row: Row) -> str:
    return "Published by the DfE" if row["source"] == "published" else "Computed from records held here"


RANKING = [
    Column("Region", "name", places=None),
    Column("Rank (1 is the lowest)", "rank", places=0),
    Column("Value", "value"),
    Column("Source", _source, places=None),
    Column("Note", "reason", places=None),
]
RANK_OVER_TIME = [
    Column("Census year", "census_year", places=None),
    Column("Published rank", "rank", places=0),
    Column("Regions ranked", "out_of", places=0),
    Column("Rank of the figure computed here", lambda point: (point.get("computed") or {}).get("rank"), places=0),
]
PROJECTION = [
    Column("Census year (to 30 September)", "census_year", places=None),
    Column("Projected social workers in post (headcount)", "inpost_headcount"),
    Column("Band (headcount)", lambda year: f"{year['inpost_headcount_lower']} to {year['inpost_headcount_upper']}"),
    Column("Starters needed to hold today's headcount", "starters_needed_to_hold_headcount"),
    Column("Of them, from outside the region", "starters_from_outside_needed_to_hold_headcount"),
]


def ranking_rows(report: dict[str, Any]) -> list[Row]:
    """The published rows, each academy area's computed figure in the row after its published one."""
    rows: list[Row] = []
    for row in report["rows"]:
        rows.append(row)
        if row.get("computed"):
            rows.append({**row["computed"], "name": row["name"], "source": "computed"})
    return rows


def survival_at(curve: dict[str, Any], years: float) -> dict[str, Any] | None:
    """The curve's point in force `years` after starting (None: beyond the time the records follow)."""
    points = curve["points"]
    if not points or points[-1]["years"] < years:
        return None
    before = [point for point in points if point["years"] <= years]
    return before[-1] if before else {"survival": 1.0, "lower": 1.0, "upper": 1.0}


def _percent(share: float | None) -> str | None:
    return None if share is None else f"{share * 100:.1f}"


def curve_table(report: dict[str, Any]) -> tuple[list[Column], list[Row]]:
    """Each curve's share still in post (with its band) at CURVE_YEARS, and its median time in post."""
    columns = [Column("Time since starting", "time", places=None)]
    rows: list[dict[str, Any]] = [{"time": f"{t} year{'s' if t > 1 else ''}"} for t in CURVE_YEARS]
    median: dict[str, Any] = {"time": "Median time in post (years)"}
    for curve in report["curves"]:
        stay = curve["stay"]
        columns += [
            Column(f"{STAYS.get(stay, stay)}: still in post (%)", stay),
            Column(f"{STAYS.get(stay, stay)}: 95% band (%)", f"{stay}_band", places=None),
        ]
        for row, t in zip(rows, CURVE_YEARS, strict=True):
            point = survival_at(curve, t)
            row[stay] = _percent(point and point["survival"])
            row[f"{stay}_band"] = point and f"{_percent(point['lower'])} to {_percent(point['upper'])}"
        median[stay] = curve["median_years"]
        median[f"{stay}_band"] = curve["median_reason"]
    return columns, [*rows, median]


async def section(api: Api, path: str, **params: Any) -> tuple[dict[str, Any] | None, str | None]:
    """The API's report, or (a 404: no records, nothing published) its words saying why there is none."""
    try:
        return await api.get(ANALYTICS + path, **params), None
    except ApiProblem as refused:
        if refused.status != 404:
            raise
        return None, str(refused)


async def rankings(api: Api, measure: str, asked: int | None) -> tuple[int, dict[str, Any] | None, str | None]:
    """The ranking of the year asked, or with none asked, of the latest year the DfE published."""
    year = asked or year_in_progress() - 1
    try:
        return year, await api.get(ANALYTICS + "/rankings", measure=measure, census_year=year, level="region"), None
    except ApiProblem as refused:
        published = refused.problem.get("census_years_published")
        if refused.status != 404 or published is None:
            raise
        if asked is None and published:
            return await rankings(api, measure, published[-1])
        return year, None, str(refused)


@router.get("")
async def planning(
    request: Request, api: SignedInApi, measure: str = "turnover_rate_fte", census_year: str = "", council: str = ""
):
    errors = FormErrors()
    if measure not in MEASURES:
        errors.add("measure", "Choose a measure from the list")
    asked = year_asked(census_year, errors)
    choices = sorted((await member_councils(api)).items(), key=lambda member: member[1])
    if council and council not in dict(choices):
        errors.add("council", "Choose a council from the list")
    context: dict[str, Any] = {"measures": MEASURE_NAMES, "measure": measure, "council": council, "councils": choices}
    context["region_name"] = "the region"
    if errors:
        year = year_in_progress() - 1
        context.update(census_year=year, years=year_choices(year))
        return render(request, "pages/region_planning.html", 400, errors=errors, **context)
    year, ranking, not_ranked = await rankings(api, measure, asked)
    series, _ = await section(api, "/rankings/series", measure=measure, to_census_year=year)
    curves, no_curves = await section(api, "/retention-curve", council=council)  # none chosen: the region's
    projection, not_projected = await section(api, "/projections", council=council, years=PROJECTED_YEARS)
    level = "council" if council else "region"
    area = next((each for each in (projection or {}).get("areas", []) if each["level"] == level), None)
    context.update(
        census_year=year,
        years=year_choices(year),
        ranking=ranking and (RANKING, ranking_rows(ranking)),
        region_name=next(
            (row["name"] for row in (ranking or {}).get("rows", []) if row.get("computed")), context["region_name"]
        ),
        not_ranked=not_ranked,
        series=series and (RANK_OVER_TIME, series["points"]),
        curves=curves,
        curve_table=curves and curve_table(curves),
        no_curves=no_curves,
        projection=projection,
        area=area,
        projection_table=area and (PROJECTION, area["years"]),
        not_projected=not_projected,
    )
    return render(request, "pages/region_planning.html", **context)


@router.get("/charts/{name}")
async def chart(api: SignedInApi, request: Request, name: str) -> Response:
    """The API's chart, fetched with the signed-in person's token, under the charts' policy (region.py)."""
    if name not in CHARTS:
        raise ApiProblem(404, {})
    return await api_chart(api, name, {key: request.query_params.get(key, "") for key in CHARTS[name]})


@router.get("/{table}.csv")
async def table_csv(api: SignedInApi, request: Request, table: str) -> Response:
    """The API's own CSV of the table (asked for with Accept), passed on as the attachment it names."""
    if table not in DOWNLOADS:
        raise ApiProblem(404, {})
    path, passed = DOWNLOADS[table]
    params = {key: request.query_params[key] for key in passed if request.query_params.get(key)}
    answer = await api.send("GET", ANALYTICS + path, params=params, headers={"accept": "text/csv"})
    disposition = answer.headers.get("content-disposition", "")
    if not re.fullmatch(r'attachment; filename="[A-Za-z0-9._-]+\.csv"', disposition):
        disposition = f'attachment; filename="{table}.csv"'
    return Response(answer.content, media_type="text/csv; charset=utf-8", headers={"content-disposition": disposition})
