"""Areas named for what they are, years that exist (issue 12): England and the region are the DfE's published
figures, a region computed from the councils held says which are missing, a year with no records is a 404 that
names the years there are, a year still in progress is provisional, and charts leave gaps."""

import csv
from datetime import date
from decimal import Decimal

import pytest
from defusedxml import ElementTree

from services.analytics.app import app as analytics_app
from services.analytics.measures.areas import workforce_areas
from services.common.auth import Principal, Role
from services.common.reference import INDICATORS_CSV
from tests.placements.factory import person

DUDLEY, WALSALL = "332", "335"
ENGLAND, WEST_MIDLANDS = "E92000001", "E12000005"
YEARS = range(2017, 2026)
INT_MEASURES = {"inpost_headcount", "starters_headcount", "leavers_headcount", "agency_headcount", "cases"}


def published(level: str, code_column: str, code: str) -> dict[int, dict[str, str]]:
    """The DfE's rows for one area, read straight from the shipped CSV."""
    with INDICATORS_CSV.open(newline="", encoding="utf-8") as handle:
        return {
            int(row["time_period"]): row
            for row in csv.DictReader(handle)
            if row["geographic_level"] == level and row[code_column] == code
        }


def as_published(value) -> str:
    """An API figure written as the DfE writes it (a number, or empty for none)."""
    return "" if value is None else str(value)


@pytest.fixture
def get(app_client, auth):
    client = app_client(analytics_app)
    return lambda path, **params: client.get(f"/v1/analytics/{path}", params=params, headers=auth())


@pytest.fixture
def dudley_every_year(load):
    for year in YEARS:
        load(DUDLEY, year, [person(1, role_start_date=date(2010, 1, 4)), person(2, role_start_date=date(2010, 1, 4))])


def test_england_is_the_published_england_in_every_year(dudley_every_year, get):
    answer = get("workforce", from_census_year=2017, to_census_year=2025)
    assert answer.status_code == 200, answer.text
    england = {a["census_year"]: a for a in answer.json()["areas"] if a["code"] == ENGLAND}
    assert sorted(england) == list(YEARS)
    for year, row in published("National", "country_code", ENGLAND).items():
        area = england[year]
        assert (area["source"], area["level"], area["name"]) == ("published", "national", "England")
        for measure, text in row.items():
            if measure in area and measure not in ("census_year", "code", "name", "level"):
                if text.strip() in {"x", "z", "u", "c", "low", ""}:
                    assert area[measure] is None and area["reasons"][measure].startswith(text.strip() or "not")
                elif measure in INT_MEASURES:
                    assert area[measure] == int(text), (year, measure)
                else:
                    assert Decimal(area[measure]) == Decimal(text), (year, measure)
    assert england[2025]["inpost_fte"] == "36186.3"  # what the issue asked for, and not Dudley's 2.0


def test_the_region_comes_twice_published_and_computed_from_the_councils_held(dudley_every_year, load, get):
    load(WALSALL, 2025, [person(11, role_start_date=date(2010, 1, 4))])
    areas = get("workforce", census_year=2025).json()["areas"]
    regions = {a["source"]: a for a in areas if a["code"] == WEST_MIDLANDS}
    row = published("Regional", "region_code", WEST_MIDLANDS)[2025]
    assert regions["published"]["name"] == "West Midlands"
    assert as_published(regions["published"]["inpost_fte"]) == row["inpost_fte"]
    assert regions["published"]["councils"] is None and regions["published"]["missing_councils"] is None
    computed = regions["computed"]
    assert computed["name"] == "West Midlands: 2 of its 14 councils"
    assert computed["councils"] == [DUDLEY, WALSALL] and len(computed["missing_councils"]) == 12
    assert computed["inpost_headcount"] == 3
    councils = [a for a in areas if a["level"] == "council"]
    assert [(a["code"], a["source"], a["councils"]) for a in councils] == [
        (DUDLEY, "computed", [DUDLEY]),
        (WALSALL, "computed", [WALSALL]),
    ]


def test_a_year_with_no_records_is_a_404_naming_the_years_there_are(load, get):
    load(DUDLEY, 2023, [person(1)])
    load(DUDLEY, 2024, [person(1)])
    load(WALSALL, 2021, [person(11, role_start_date=date(2010, 1, 4))])
    for path, params in [
        ("workforce", {"census_year": 2030}),
        ("workforce", {"from_census_year": 2026, "to_census_year": 2028}),
        ("retention", {"census_year": 2030}),
        ("movements", {"census_year": 2030}),
    ]:
        answer = get(path, **params)
        assert answer.status_code == 404, (path, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["census_years_held"] == [2021, 2023, 2024]
        assert "2021, 2023 to 2024" in answer.json()["detail"] or "2021 and 2023 to 2024" in answer.json()["detail"]
    for_dudley = get("workforce", census_year=2021, council=DUDLEY)
    assert for_dudley.status_code == 404 and for_dudley.json()["census_years_held"] == [2023, 2024]
    assert "Dudley" in for_dudley.json()["detail"]


def test_a_series_leaves_out_the_years_without_records_and_lists_them(load, get):
    load(DUDLEY, 2024, [person(1)])
    answer = get("workforce", from_census_year=2023, to_census_year=2027)
    assert answer.status_code == 200
    report = answer.json()
    assert report["census_years_without_records"] == [2023, 2025, 2026, 2027]
    computed_years = {a["census_year"] for a in report["areas"] if a["source"] == "computed"}
    assert computed_years == {2024}  # never a page of zeros for 2025 to 2027
    published_years = {a["census_year"] for a in report["areas"] if a["source"] == "published" and a["code"] == ENGLAND}
    assert published_years == {2023, 2024, 2025}  # England as published, where the DfE has published it


def test_a_census_year_still_in_progress_is_provisional(load, session):
    load(DUDLEY, 2024, [person(1)])
    admin = Principal(subject="admin", role=Role.academy_admin)

    def provisional(today: date) -> dict[tuple[str, str], bool]:
        areas = workforce_areas(session, admin, [2024], None, today=today)
        return {(a.code, a.source): a.provisional for a in areas}

    during = provisional(date(2024, 9, 30))  # census year 2024's last day
    assert during[(DUDLEY, "computed")] and during[(WEST_MIDLANDS, "computed")]
    assert not during[(ENGLAND, "published")]
    after = provisional(date(2024, 10, 1))
    assert not after[(DUDLEY, "computed")] and not after[(WEST_MIDLANDS, "computed")]


def test_the_chart_leaves_gaps_where_there_is_no_record_and_nothing_published(load, app_client, auth):
    load(DUDLEY, 2024, [person(1), person(2, role_end_date=date(2024, 5, 31), reason_leave=1)])
    answer = app_client(analytics_app).get(
        "/v1/analytics/charts/turnover.svg",
        params={"council": DUDLEY, "from_census_year": 2023, "to_census_year": 2027},
        headers=auth(),
    )
    assert answer.status_code == 200, answer.text
    root = ElementTree.fromstring(answer.content)
    text = " ".join(" ".join(" ".join(node.itertext()) for node in root.iter(f"{SVG}text")).split())
    assert "no figure for Dudley in 2023, 2025, 2026, 2027" in text
    assert "not yet published by the DfE: 2026, 2027" in text
    dudley, region, england = (points(root, serie) for serie in range(3))
    assert dudley == {"2024": "100.0%"}  # no year without records is drawn, as a zero or otherwise
    assert list(region) == list(england) == ["2023", "2024", "2025"]  # the DfE's lines stop where it has published


SVG = "{http://www.w3.org/2000/svg}"


def points(root, serie: int) -> dict[str, str | None]:
    """One line's dots: the year each is drawn at, and the value printed on it (pygal's desc elements)."""
    found: dict[str, str | None] = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == f"series serie-{serie} color-{serie}":
            for dots in group.iter(f"{SVG}g"):
                if dots.get("class") == "dots":
                    desc = {d.get("class"): d.text for d in dots.iter(f"{SVG}desc")}
                    found[desc["x_label"]] = desc.get("value")
    return found
