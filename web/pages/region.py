"""Academy staff's view of the region for a census year: the DfE's workforce measures for each member council,
the region and England, a council's turnover over time, retention, and moves between councils. Every table
also downloads as CSV, from the same JSON of the API the page shows."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.common import clock
from services.common.census_calendar import census_year_of
from web.api import Api, ApiProblem
from web.csv_tables import Column, Row, csv_download
from web.formats import words
from web.forms import FormErrors
from web.pages.dependencies import SignedInApi, council_names
from web.templating import render

router = APIRouter(prefix="/region")

ANALYTICS = "/v1/analytics"
FIRST_PUBLISHED_YEAR = 2017  # the DfE's published figures start here
CHART_YEARS = 10
# The chart is a picture: its own styles, nothing fetched, no script run (an <img> runs none anyway).
CHART_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


Table = tuple[list[Column], list[Row]]


def _source(row: Row) -> str:
    if row["source"] == "published":
        return "Published by the DfE"
    return "Computed from records held here" + (" (provisional)" if row.get("provisional") else "")


def _reasons(row: Row) -> str:
    return "; ".join(f"{field}: {reason}" for field, reason in sorted((row.get("reasons") or {}).items()))


def _rate(heading: str, field: str, on_page: bool = False) -> Column:
    return Column(heading, field, on_page=on_page)


def _count(heading: str, field: str) -> Column:
    return Column(heading, field, places=0, on_page=False)


def _fte_and_headcount(heading: str, stem: str, fte_on_page: bool = False, unit: str = "") -> list[Column]:
    """A figure the DfE gives both ways: in FTE (on the page when asked) and in headcount (in the CSV)."""
    in_headcount = Column(f"{heading} (headcount{unit})", f"{stem}_headcount", places=1 if unit else 0, on_page=False)
    return [Column(f"{heading} (FTE{unit})", f"{stem}_fte", on_page=fte_on_page), in_headcount]


AREA = Column("Area", "name", places=None)
YEAR = Column("Census year", "census_year", places=None, on_page=False)
CODE = Column("Code", "code", places=None, on_page=False)
WORKFORCE = [
    AREA,
    Column("Source", _source, places=None),
    YEAR,
    CODE,
    Column("Level", "level", places=None, on_page=False),
    *_fte_and_headcount("Social workers in post", "inpost", fte_on_page=True),
    *_fte_and_headcount("Starters", "starters"),
    *_fte_and_headcount("Leavers", "leavers"),
    *_fte_and_headcount("Turnover rate", "turnover_rate", fte_on_page=True, unit=", %"),
    *_fte_and_headcount("Agency workers", "agency"),
    *_fte_and_headcount("Agency rate", "agency_rate", fte_on_page=True, unit=", %"),
    Column("Agency workers covering vacancies (FTE)", "agency_cover_fte", on_page=False),
    _rate("Agency cover rate (FTE, %)", "agency_cover_rate_fte"),
    Column("Vacancies (FTE)", "vacancy_fte", on_page=False),
    _rate("Vacancy rate (FTE, %)", "vacancy_rate_fte", on_page=True),
    _rate("Vacancies covered by agency workers (FTE, %)", "vacancy_agency_cover_rate_fte"),
    Column("Case holders (FTE)", "case_holders_fte", on_page=False),
    _count("Cases", "cases"),
    Column("Cases per case holder (FTE)", "caseload_fte"),
    Column("Working days lost to sickness (FTE)", "working_days_lost_fte", on_page=False),
    _rate("Sickness absence rate (FTE, %)", "absence_rate_fte", on_page=True),
    Column("Why a figure is missing", _reasons, places=None, on_page=False),
]
RETENTION = [
    AREA,
    YEAR,
    CODE,
    _count("In post a year before (headcount)", "in_post_last_year_headcount"),
    _count("Still in post at the council (headcount)", "retained_headcount"),
    _rate("Retention rate (headcount, %)", "retention_rate_headcount", on_page=True),
    _rate("Retention rate (FTE, %)", "retention_rate_fte"),
    _count("Employed anywhere in the region (headcount)", "retained_employed_headcount"),
    _count("Agency workers in the region (headcount)", "retained_agency_headcount"),
    _rate("Regional retention rate (headcount, %)", "regional_retention_rate_headcount", on_page=True),
    _rate("Regional retention rate (FTE, %)", "regional_retention_rate_fte"),
    _count("In post (headcount)", "inpost_headcount"),
    _count("With a year's service or more (headcount)", "year_or_more_headcount"),
    _rate("Stability index (%)", "stability_index", on_page=True),
    Column("Leavers (headcount)", "leavers_headcount", places=0),
    Column("Why a figure is missing", _reasons, places=None, on_page=False),
]
HEADINGS = {column.field: column.heading for column in WORKFORCE if isinstance(column.field, str)}
FLOWS = [
    Column("Council", "name", places=None),
    CODE,
    Column("Moved in (headcount)", "moved_in_headcount", places=0),
    Column("Moved in (FTE)", "moved_in_fte", on_page=False),
    Column("Moved out (headcount)", "moved_out_headcount", places=0),
    Column("Moved out (FTE)", "moved_out_fte", on_page=False),
    Column("Net: in minus out (headcount)", "net_headcount", places=0),
    Column("Net: in minus out (FTE)", "net_fte", on_page=False),
]


def _part(key: str, kind: str, which: str, field: str) -> Callable[[Row], Any]:
    def read(row: Row) -> Any:
        return next((part[field] for part in row[key] if part[kind] == which), None)

    return read


def breakdown(areas: list[Row], key: str, kind: str) -> list[Column]:
    """An area's parts (`key`: its leaver destinations or its service bands, each named by `kind`) as
    columns: headcount on the page, FTE and share of the headcount too in the CSV."""
    columns = [AREA, YEAR, CODE]
    for part in areas[0][key] if areas else []:
        label, which = words(part["label"]), part[kind]
        columns += [
            Column(f"{label} (headcount)", _part(key, kind, which, "headcount"), places=0),
            Column(f"{label} (FTE)", _part(key, kind, which, "fte"), on_page=False),
            Column(f"{label} (% of headcount)", _part(key, kind, which, "share_headcount"), on_page=False),
        ]
    return columns


def matrix(report: Row) -> Table:
    """The origin-destination matrix: a row for each council people left, a column for each they joined."""
    names = {flow["code"]: flow["name"] for flow in report["councils"]}
    joined = sorted({move["to_council"] for move in report["moves"]}, key=lambda code: names.get(code, code))
    left = sorted({move["from_council"] for move in report["moves"]}, key=lambda code: names.get(code, code))
    cells = {(move["from_council"], move["to_council"]): move["headcount"] for move in report["moves"]}
    columns = [Column("From", "name", places=None), CODE]
    columns += [Column(f"To {names.get(code, code)}", code, places=0) for code in joined]
    rows = [
        {
            "name": names.get(code, code),
            "code": code,
            **{to: None if to == code else cells.get((code, to), 0) for to in joined},
        }
        for code in left
    ]
    return columns, rows


@dataclass
class Report:
    """One of the API's reports (`path`) of a census year, or why it has none."""

    path: str
    census_year: int
    body: dict[str, Any] | None = None
    no_records: str | None = None  # the API's words when the year holds no records


# Each table of a census year's pages by its name (its CSV is /region/<name>.csv): the API's report it
# comes from, and its columns and rows in that report.
TABLES: dict[str, tuple[str, Callable[[Row], Table]]] = {
    "workforce": ("/workforce", lambda report: (WORKFORCE, report["areas"])),
    "retention": ("/retention", lambda report: (RETENTION, report["areas"])),
    "leaver-destinations": (
        "/retention",
        lambda report: (breakdown(report["areas"], "leaver_destinations", "destination"), report["areas"]),
    ),
    "time-in-service": (
        "/retention",
        lambda report: (breakdown(report["areas"], "service_bands", "band"), report["areas"]),
    ),
    "moves-by-council": ("/movements", lambda report: (FLOWS, report["councils"])),
    "movement-matrix": ("/movements", matrix),
}


def tables_of(report: Report) -> dict[str, Table]:
    """The tables a page shows of the report it got (none when the year has no records)."""
    if report.body is None:
        return {}
    return {name: contents(report.body) for name, (path, contents) in TABLES.items() if path == report.path}


# --- the census year and the reports of it ---------------------------------------------------------------


def year_in_progress() -> int:
    return census_year_of(clock.today())


def year_choices(shown: int) -> list[int]:
    """The years the DfE published and the one in progress; and the year shown, should it be another."""
    return sorted({*range(FIRST_PUBLISHED_YEAR, year_in_progress() + 1), shown}, reverse=True)


def year_asked(census_year: str | None, errors: FormErrors) -> int | None:
    """The census year chosen (None: the latest whole year with records); one the form could not offer is an
    error."""
    if not census_year:
        return None
    if census_year.isdigit() and 2010 <= int(census_year) <= 2100:
        return int(census_year)
    errors.add("census-year", "Choose a census year from the list")
    return None


async def census_report(api: Api, path: str, asked: int | None) -> Report:
    """The API's report for the year asked, or when none was, for the latest whole year with records: the year
    in progress is provisional and has no published England to stand beside, so it is shown only when it is
    all there is (a 404 names the years there are). A year with no records is a message on the page."""
    year = asked or year_in_progress() - 1
    try:
        return Report(path, year, await api.get(ANALYTICS + path, census_year=year))
    except ApiProblem as refused:
        held = refused.problem.get("census_years_held")
        if refused.status != 404 or held is None:
            raise
        if asked is None and held:
            latest = ([held_year for held_year in held if held_year < year_in_progress()] or held)[-1]
            return Report(path, latest, await api.get(ANALYTICS + path, census_year=latest))
        return Report(path, year, no_records=str(refused))


def year_for_csv(census_year: str | None) -> int | None:
    """The year a file is asked for (None: the latest with records); one asked wrongly has no file (404)."""
    errors = FormErrors()
    year = year_asked(census_year, errors)
    if errors:
        raise ApiProblem(404, {})
    return year


async def report_for_csv(api: Api, path: str, census_year: str | None) -> Report:
    """The report as its page shows it; a year with no records has no file (404)."""
    report = await census_report(api, path, year_for_csv(census_year))
    if report.body is None:
        raise ApiProblem(404, {})
    return report


async def chosen_report(api: Api, path: str, census_year: str | None) -> tuple[Report, dict[str, Any]]:
    """The report of the year chosen, and what its page shows around it: the year form (with its error
    and a 400 when the year could not have come from it)."""
    errors = FormErrors()
    asked = year_asked(census_year, errors)
    if errors:
        report = Report(path, year_in_progress())
        return report, {"years": year_choices(report.census_year), "errors": errors, "status_code": 400}
    report = await census_report(api, path, asked)
    return report, {"years": year_choices(report.census_year)}


# --- the pages -------------------------------------------------------------------------------------------


@router.get("")
async def region(request: Request, api: SignedInApi, census_year: str | None = None, council: str | None = None):
    report, context = await chosen_report(api, "/workforce", census_year)
    chart: dict[str, Any] | None = None
    missing: list[str] = []
    if report.body:
        areas = report.body["areas"]
        members = [(area["code"], area["name"]) for area in areas if area["level"] == "council"]
        chosen = council if council in dict(members) else members[0][0] if members else None
        chart = await turnover_series(api, chosen, report.census_year) if chosen else None
        names = await council_names(api) if any(area.get("missing_councils") for area in areas) else {}
        missing = [names.get(code, code) for area in areas for code in area.get("missing_councils") or []]
        context.update(members=members, chosen=chosen)
    return render(
        request,
        "pages/region.html",
        report=report,
        tables=tables_of(report),
        headings=HEADINGS,
        chart=chart,
        missing=missing,
        **context,
    )


def chart_years(census_year: int) -> tuple[int, int]:
    return min(census_year, max(FIRST_PUBLISHED_YEAR, census_year - CHART_YEARS + 1)), census_year


async def turnover_series(api: Api, council: str, census_year: int) -> dict[str, Any]:
    """The figures the turnover chart draws, by year: the council's rate computed from its records, and its
    region's and England's as the DfE published them; with the columns of their table."""
    first, last = chart_years(census_year)
    body = await api.get(ANALYTICS + "/workforce", council=council, from_census_year=first, to_census_year=last)
    rows = {year: {"census_year": year} for year in range(first, last + 1)}
    names = {"council": council, "region": "Region"}
    for area in body["areas"]:
        if area["level"] == "council" or area["source"] == "published":
            rows[area["census_year"]][area["level"]] = area["turnover_rate_fte"]
            names[area["level"]] = area["name"]
    columns = [
        Column(YEAR.heading, YEAR.field, places=None),
        Column(f"{names['council']}, computed (%)", "council"),
        Column(f"{names['region']}, DfE (%)", "region"),
        Column("England, DfE (%)", "national"),
    ]
    return {
        **{"council": council, "council_name": names["council"], "region": names["region"]},
        **{"first": first, "last": last, "rows": list(rows.values()), "columns": columns},
    }


@router.get("/charts/turnover.svg")
async def turnover_chart(
    api: SignedInApi, council: str = "", from_census_year: str = "", to_census_year: str = ""
) -> Response:
    """The API's SVG, fetched with the signed-in person's token and served with a policy of its own. The API
    checks the council and the years (a 422 or 404 is an error page, which an <img> shows as its alt text)."""
    asked = {"council": council, "from_census_year": from_census_year, "to_census_year": to_census_year}
    return await api_chart(api, "turnover.svg", asked)


async def api_chart(api: Api, name: str, asked: dict[str, str]) -> Response:
    """The API's chart `name` for the parameters given (the empty ones left out), under CHART_POLICY."""
    params = {parameter: value for parameter, value in asked.items() if value}
    svg = {"accept": "image/svg+xml"}
    answer = await api.send("GET", f"{ANALYTICS}/charts/{name}", params=params, headers=svg)
    return Response(answer.content, media_type="image/svg+xml", headers={"content-security-policy": CHART_POLICY})


@router.get("/retention")
async def retention(request: Request, api: SignedInApi, census_year: str | None = None):
    report, context = await chosen_report(api, "/retention", census_year)
    return render(request, "pages/region_retention.html", report=report, tables=tables_of(report), **context)


@router.get("/movements")
async def movements(request: Request, api: SignedInApi, census_year: str | None = None):
    report, context = await chosen_report(api, "/movements", census_year)
    return render(request, "pages/region_movements.html", report=report, tables=tables_of(report), **context)


# --- the tables as CSV -----------------------------------------------------------------------------------


@router.get("/turnover.csv")
async def turnover_csv(api: SignedInApi, council: str = "", census_year: str = "") -> Response:
    if not re.fullmatch(r"[0-9]{3}", council):
        raise ApiProblem(404, {})
    series = await turnover_series(api, council, year_for_csv(census_year) or year_in_progress())
    filename = f"turnover-{council}-{series['first']}-to-{series['last']}.csv"
    return csv_download(filename, series["columns"], series["rows"])


@router.get("/{table}.csv")
async def table_csv(api: SignedInApi, table: str, census_year: str | None = None) -> Response:
    """One of the tables of a census year's pages (TABLES), as the page shows it from the API's report."""
    if table not in TABLES:
        raise ApiProblem(404, {})
    path, contents = TABLES[table]
    report = await report_for_csv(api, path, census_year)
    columns, rows = contents(report.body or {})
    return csv_download(f"{table}-{report.census_year}.csv", columns, rows)
