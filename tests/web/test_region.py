"""Academy staff's region pages, through the real platform: the DfE's measures for each council beside the
region and England, the turnover chart, retention and moves, each table also as CSV with the API's numbers.
The set-up's social workers are in post at Birmingham (330) since 2019: the council has figures."""

import csv
import html
import io
import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest

from services.common.census_calendar import census_year_of
from tests.e2e import journeys
from tests.e2e.harness import Platform
from tests.e2e.journeys import Setup
from tests.web.visitor import Visitor, text_of, title_of
from web.csv_tables import Column, csv_download
from web.formats import number

YEAR = 2025  # the DfE has published England and the region for it; Birmingham holds records for it
NO_RECORDS_YEAR = 2012
BIRMINGHAM, COVENTRY = "330", "331"


@pytest.fixture
def admin(visitor: Visitor, platform: Platform, setup: Setup) -> Visitor:
    visitor.sign_in(platform.username, platform.password)
    return visitor


def from_api(platform: Platform, path: str, **params) -> httpx.Response:
    return httpx.get(
        f"{platform.gateway}/v1/analytics{path}", params=params, headers=journeys.admin_token(platform), timeout=30
    )


@pytest.fixture(scope="module")
def moved_this_year(platform: Platform, setup: Setup) -> int:
    """A social worker who left Birmingham this census year and started at Coventry: a move between member
    councils in the census year in progress (recorded through the API by academy staff, who may write any
    council's records). Its census year."""
    today = date.today()
    year = census_year_of(today)
    left = max(date(year - 1, 10, 1), today - timedelta(days=20))
    swe_number = journeys.new_swe(63)
    for spell in (
        {"council": BIRMINGHAM, "start_date": "2020-01-06", "end_date": str(left)},
        {"council": COVENTRY, "start_date": str(min(left + timedelta(days=1), today))},
    ):
        answer = httpx.post(
            f"{platform.gateway}/v1/placements/employments",
            json={"swe_number": swe_number, "org_role": 5, "fte": "1", **spell},
            headers={**journeys.admin_token(platform), "Idempotency-Key": str(uuid.uuid4())},
            timeout=30,
        )
        assert answer.status_code == 201, answer.text
    return year


def table_rows(page: str, caption: str) -> dict[str, list[str]]:
    """The rows of the table whose caption starts with `caption`: each row's header to its other cells' text."""
    tables = [table for table in page.split("<table")[1:] if caption in table.split("</caption>", 1)[0]]
    assert tables, f"no table captioned {caption!r}"
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", tables[0].split("</table>", 1)[0], re.S):
        cells = [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if 'scope="row"' in row:
            rows.setdefault(cells[0], cells[1:])
    return rows


def figure(value: str | int | None) -> Decimal | None:
    """A figure of the CSV (text) or the API (text, a number or null), to compare: empty is null."""
    return None if value in ("", None) else Decimal(str(value))


def area(report: dict, name: str, source: str = "computed") -> dict:
    return next(each for each in report["areas"] if each["name"] == name and each.get("source", source) == source)


def test_admin_sees_birminghams_measures_as_the_api_gives_them_beside_englands_published_ones(
    admin: Visitor, platform: Platform
):
    report = from_api(platform, "/workforce", census_year=YEAR).json()
    page = admin.get(f"/region?census_year={YEAR}")

    assert page.status_code == 200
    assert title_of(page.text) == "Workforce measures – FutureSocial careers"
    rows = table_rows(page.text, f"Workforce measures, census year {YEAR}")
    figures = ("inpost_fte", "turnover_rate_fte", "agency_rate_fte", "vacancy_rate_fte", "caseload_fte")
    for name, source, label in (
        ("Birmingham", "computed", "Computed from records held here"),
        ("England", "published", "Published by the DfE"),
    ):
        expected = area(report, name, source)
        shown = [number(expected[field]) for field in (*figures, "absence_rate_fte")]
        assert rows[name] == [label, *shown]
    assert rows["England"][2] == number(area(report, "England", "published")["turnover_rate_fte"]) != "–"


def test_the_page_opens_on_the_latest_whole_census_year_with_records(admin: Visitor, platform: Platform):
    held = from_api(platform, "/workforce", census_year=2010).json()["census_years_held"]
    in_progress = census_year_of(date.today())
    # The year in progress is provisional, with no published England beside it: shown only when it is all there is.
    expected = ([year for year in held if year < in_progress] or held)[-1]

    page = admin.get("/region")

    assert page.status_code == 200
    assert f"Census year {expected}: 1 October {expected - 1}" in text_of(page.text)
    assert f"Workforce measures, census year {expected}" in text_of(page.text)


def download(admin: Visitor, page: str, link: str) -> list[dict[str, str]]:
    """The CSV behind the link on `page` whose text starts with `link`: an attachment named with the year."""
    found = re.search(rf'<a class="govuk-link" href="([^"]+)">{re.escape(link)}', admin.get(page).text)
    assert found, f"no link {link!r} on {page}"
    answer = admin.get(html.unescape(found.group(1)))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert re.fullmatch(rf'attachment; filename="[a-z0-9-]+-{YEAR}\.csv"', answer.headers["content-disposition"])
    return list(csv.DictReader(io.StringIO(answer.text)))


def test_each_table_downloads_as_csv_with_the_apis_numbers(admin: Visitor, platform: Platform):
    workforce = from_api(platform, "/workforce", census_year=YEAR).json()
    birmingham, england = area(workforce, "Birmingham"), area(workforce, "England", "published")
    assert birmingham["inpost_headcount"] and england["turnover_rate_fte"]

    rows = download(admin, f"/region?census_year={YEAR}", "Download all the workforce measures")
    by_area = {(row["Area"], row["Source"]): row for row in rows}
    for row, expected in (
        (by_area[("Birmingham", "Computed from records held here")], birmingham),
        (by_area[("England", "Published by the DfE")], england),
    ):
        assert figure(row["Turnover rate (FTE, %)"]) == figure(expected["turnover_rate_fte"])
        assert figure(row["Social workers in post (FTE)"]) == figure(expected["inpost_fte"])
        assert figure(row["Social workers in post (headcount)"]) == expected["inpost_headcount"]

    rows = download(admin, f"/region?census_year={YEAR}", "Download the turnover figures of Birmingham")
    series = {int(row["Census year"]): row for row in rows}
    assert figure(series[YEAR]["Birmingham, computed (%)"]) == figure(birmingham["turnover_rate_fte"])
    assert figure(series[YEAR]["England, DfE (%)"]) == figure(england["turnover_rate_fte"])

    retention = area(from_api(platform, "/retention", census_year=YEAR).json(), "Birmingham")
    rows = download(admin, f"/region/retention?census_year={YEAR}", "Download all the retention figures")
    row = next(row for row in rows if row["Code"] == BIRMINGHAM)
    assert figure(row["In post a year before (headcount)"]) == retention["in_post_last_year_headcount"]
    assert figure(row["Retention rate (headcount, %)"]) == figure(retention["retention_rate_headcount"])

    moves = from_api(platform, "/movements", census_year=YEAR).json()
    rows = download(admin, f"/region/movements?census_year={YEAR}", "Download the moves in and out of each council")
    assert {row["Code"]: figure(row["Net: in minus out (headcount)"]) for row in rows} == {
        flow["code"]: flow["net_headcount"] for flow in moves["councils"]
    }


def test_the_movement_matrix_shows_and_downloads_the_apis_moves(
    admin: Visitor, platform: Platform, moved_this_year: int
):
    year = moved_this_year
    report = from_api(platform, "/movements", census_year=year).json()
    moves = {(move["from_council"], move["to_council"]): move["headcount"] for move in report["moves"]}
    assert moves.get((BIRMINGHAM, COVENTRY), 0) >= 1

    page = admin.get(f"/region/movements?census_year={year}")
    rows = table_rows(page.text, f"Movement matrix, census year {year}")
    head = re.search(r"<thead.*?</thead>", page.text.split("Movement matrix", 1)[1], re.S).group(0)
    columns = [html.unescape(text).strip() for text in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]
    assert rows["Birmingham"][columns.index("To Coventry") - 1] == str(moves[(BIRMINGHAM, COVENTRY)])

    found = re.search(r'href="(/region/movement-matrix\.csv[^"]*)"', page.text)
    assert found, "no download of the matrix"
    answer = admin.get(html.unescape(found.group(1)))
    assert answer.headers["content-disposition"] == f'attachment; filename="movement-matrix-{year}.csv"'
    codes = {f"To {council['name']}": council["code"] for council in report["councils"]}
    downloaded = {
        (row["Code"], codes[heading]): int(value)
        for row in csv.DictReader(io.StringIO(answer.text))
        for heading, value in row.items()
        if heading in codes and value not in ("", "0")
    }
    assert downloaded == moves


def test_the_turnover_chart_is_the_apis_svg_under_a_policy_of_its_own(admin: Visitor):
    page = admin.get(f"/region?census_year={YEAR}")
    image = re.search(r'<img class="app-chart"\s+src="([^"]+)"\s+alt="([^"]+)"', page.text)
    assert image, "no chart on the page"
    source, alt = html.unescape(image.group(1)), html.unescape(image.group(2))
    assert "Birmingham" in alt and "table below" in alt

    chart = admin.get(source)

    assert chart.status_code == 200
    assert chart.headers["content-type"] == "image/svg+xml"
    assert "<svg" in chart.text and "Birmingham" in chart.text
    policy = chart.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "style-src 'unsafe-inline'" in policy
    assert "script-src" not in policy  # the SVG's own script falls under default-src 'none'


def test_a_social_worker_cannot_see_the_region(visitor: Visitor, social_worker: journeys.SocialWorker):
    visitor.sign_in(social_worker.username, social_worker.password)

    for path in ("/region", "/region/retention", "/region/movements", f"/region/workforce.csv?census_year={YEAR}"):
        answer = visitor.get(path)
        assert answer.status_code == 403, path
        assert title_of(answer.text) == "You cannot see this page – FutureSocial careers"
    chart = visitor.get(f"/region/charts/turnover.svg?council={BIRMINGHAM}&from_census_year=2020&to_census_year={YEAR}")
    assert chart.status_code == 403 and not chart.headers["content-type"].startswith("image/")


def test_a_year_with_no_records_says_so_and_has_no_file(admin: Visitor):
    for path in ("/region", "/region/retention", "/region/movements"):
        page = admin.get(f"{path}?census_year={NO_RECORDS_YEAR}")
        assert page.status_code == 200, path
        shown = text_of(page.text)
        assert f"No records for census year {NO_RECORDS_YEAR}" in shown
        assert "records are held for" in shown  # the API's words: which years there are
        assert "<table" not in page.text
    assert admin.get(f"/region/workforce.csv?census_year={NO_RECORDS_YEAR}").status_code == 404


def test_a_census_year_the_form_could_not_have_sent_shows_the_error_pattern(admin: Visitor):
    page = admin.get("/region/retention?census_year=last-year")

    assert page.status_code == 400
    assert title_of(page.text) == "Error: Retention – FutureSocial careers"
    assert 'href="#census-year"' in page.text and 'id="census-year"' in page.text
    assert "Choose a census year from the list" in text_of(page.text)


def test_csv_text_a_spreadsheet_would_run_is_written_as_text_and_numbers_stay_numbers():
    columns = [Column("Area", "name", places=None), Column("Net (FTE)", "net_fte")]
    answer = csv_download("moves-2025.csv", columns, [{"name": '=HYPERLINK("http://x")', "net_fte": "-2.5"}])

    assert answer.headers["content-disposition"] == 'attachment; filename="moves-2025.csv"'
    assert answer.body.decode().splitlines()[1] == '"\'=HYPERLINK(""http://x"")",-2.5'
