"""Academy staff's planning page, through the real platform: the region's rank in England (the DfE's published
data, which the platform holds without records), how long people stay and the projected workforce, each table
also as the API's own CSV, each chart the API's SVG under the charts' policy."""

import csv
import html
import io
import re

import pytest

from tests.e2e.harness import Platform
from tests.e2e.journeys import Setup
from tests.web.test_region import COVENTRY, YEAR, figure, from_api, table_rows
from tests.web.visitor import Visitor, text_of, title_of
from web.formats import number

MEASURE = "agency_rate_fte"
PAGE = f"/region/planning?measure={MEASURE}&census_year={YEAR}"


@pytest.fixture
def admin(visitor: Visitor, platform: Platform, setup: Setup) -> Visitor:
    visitor.sign_in(platform.username, platform.password)
    return visitor


def link(page: str, text: str) -> str:
    found = re.search(rf'<a class="govuk-link" href="([^"]+)">{re.escape(text)}', html.unescape(page))
    assert found, f"no link {text!r}"
    return found.group(1)


def test_admin_sees_the_regions_ranked_as_the_api_ranks_them(admin: Visitor, platform: Platform):
    report = from_api(platform, "/rankings", measure=MEASURE, census_year=YEAR, level="region").json()
    page = admin.get(PAGE)

    assert page.status_code == 200
    assert title_of(page.text) == "Rankings, retention curves and projections – FutureSocial careers"
    assert "Where West Midlands ranks in England" in text_of(page.text)
    rows = table_rows(page.text, f"regions ranked on Agency rate (FTE, %), census year {YEAR}")
    assert len(report["rows"]) == len(rows) == 9
    for row in report["rows"]:
        assert rows[row["name"]][:3] == [number(row["rank"], 0), number(row["value"]), "Published by the DfE"]
    # The West Midlands' own figure, computed from the records held here, in the row after its published one.
    computed = next(row["computed"] for row in report["rows"] if row["computed"])
    table = page.text.split("regions ranked on", 1)[1].split("</table>", 1)[0]
    after = table.split("Published by the DfE", list(rows).index("West Midlands") + 1)[-1].split("</tr>", 2)[1]
    cells = [
        html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", after, re.S)
    ]
    assert cells[:4] == [
        "West Midlands",
        number(computed["rank"], 0),
        number(computed["value"]),
        "Computed from records held here",
    ]


def test_the_ranking_downloads_as_the_apis_csv(admin: Visitor, platform: Platform):
    report = from_api(platform, "/rankings", measure=MEASURE, census_year=YEAR, level="region").json()
    answer = admin.get(link(admin.get(PAGE).text, "Download the ranking of England's regions"))

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert re.fullmatch(r'attachment; filename="[a-z0-9_.-]+\.csv"', answer.headers["content-disposition"])
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert {row["code"]: (row["rank"], figure(row["value"])) for row in rows} == {
        row["code"]: (str(row["rank"] or ""), figure(row["value"])) for row in report["rows"]
    }


@pytest.mark.parametrize("chart", ["rank", "retention-curve", "projection"])
def test_each_chart_is_the_apis_svg_under_the_image_policy(admin: Visitor, chart: str):
    page = admin.get(PAGE).text
    image = re.search(
        rf'<img class="app-chart" src="(/region/planning/charts/{chart}\.svg[^"]*)"\s+alt="([^"]+)"', page
    )
    assert image, f"no {chart} chart"
    assert "table below" in html.unescape(image.group(2))

    answer = admin.get(html.unescape(image.group(1)))

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/svg+xml"
    assert "<svg" in answer.text
    policy = answer.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "style-src 'unsafe-inline'" in policy and "script-src" not in policy


def test_the_regions_retention_and_projection_are_the_apis_and_download_as_its_csv(admin: Visitor, platform: Platform):
    curves = from_api(platform, "/retention-curve").json()
    projections = from_api(platform, "/projections", years=3).json()
    page = admin.get(PAGE)

    assert page.status_code == 200
    rows = table_rows(page.text, f"Share still in post by time since starting: {curves['name']}")
    assert list(rows) == ["1 year", "2 years", "3 years", "5 years", "Median time in post (years)"]
    council_curve = next(curve for curve in curves["curves"] if curve["stay"] == "council")
    assert council_curve["subjects"] > 0
    at_one_year = [point for point in council_curve["points"] if point["years"] <= 1]
    if at_one_year:  # else: nobody had left or been counted out by a year
        assert rows["1 year"][0] == f"{at_one_year[-1]['survival'] * 100:.1f}"
    downloaded = admin.get(link(page.text, f"Download the retention curves of {curves['name']}"))
    assert downloaded.headers["content-type"].startswith("text/csv")
    points = list(csv.DictReader(io.StringIO(downloaded.text)))
    assert len(points) == sum(len(curve["points"]) for curve in curves["curves"])

    region = next(area for area in projections["areas"] if area["level"] == "region")
    rows = table_rows(page.text, f"Projected social workers in post: {region['name']}")
    assert list(rows) == [str(year["census_year"]) for year in region["years"]]
    for year in region["years"]:
        shown = rows[str(year["census_year"])]
        assert shown[0] == number(year["inpost_headcount"])
        assert shown[2] == number(year["starters_needed_to_hold_headcount"])
    downloaded = admin.get(link(page.text, "Download the projections"))
    assert re.fullmatch(r'attachment; filename="[a-z0-9_.-]+\.csv"', downloaded.headers["content-disposition"])
    in_file = [row for row in csv.DictReader(io.StringIO(downloaded.text)) if row["level"] == "region"]
    assert [figure(row["inpost_headcount"]) for row in in_file] == [
        figure(year["inpost_headcount"]) for year in region["years"]
    ]


def test_a_social_worker_cannot_see_the_planning_page(visitor: Visitor, social_worker):
    visitor.sign_in(social_worker.username, social_worker.password)

    for path in (PAGE, f"/region/planning/rankings.csv?measure={MEASURE}&census_year={YEAR}&level=region"):
        answer = visitor.get(path)
        assert answer.status_code == 403, path
        assert title_of(answer.text) == "You cannot see this page – FutureSocial careers"
    chart = visitor.get(f"/region/planning/charts/rank.svg?measure={MEASURE}")
    assert chart.status_code == 403 and not chart.headers["content-type"].startswith("image/")


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("measure=happiness", "measure", "Choose a measure from the list"),
        ("census_year=last-year", "census-year", "Choose a census year from the list"),
        ("council=999", "council", "Choose a council from the list"),
    ],
)
def test_a_choice_the_form_could_not_have_sent_shows_the_error_pattern(
    admin: Visitor, query: str, field: str, message: str
):
    page = admin.get(f"/region/planning?{query}")

    assert page.status_code == 400
    assert title_of(page.text) == "Error: Rankings, retention curves and projections – FutureSocial careers"
    assert f'href="#{field}"' in page.text and f'id="{field}"' in page.text
    assert message in text_of(page.text)
    assert "<table" not in page.text


def test_a_council_without_records_says_so_plainly(admin: Visitor, platform: Platform):
    """Coventry holds no records here (the set-up's social workers are at Birmingham)."""
    assert from_api(platform, "/retention-curve", council=COVENTRY).json()["curves"][0]["subjects"] == 0

    page = admin.get(f"{PAGE}&council={COVENTRY}")

    assert page.status_code == 200
    shown = text_of(page.text)
    assert "No social worker's start at Coventry since 1 October 2016 is on record yet" in shown
    assert re.search(r"No projection: Coventry has no records for census year \d{4}", shown)
    assert "Share still in post" not in shown and "Projected social workers in post:" not in shown
    assert "retention-curve.svg" not in page.text and "projection.svg" not in page.text


def test_the_region_pages_link_to_the_planning_page(admin: Visitor):
    page = admin.get(f"/region?census_year={YEAR}").text
    assert link(page, "Rankings, retention curves and projections").startswith("/region/planning")
