"""Rankings against all of England: the published data ranked here, independently, straight from the shipped
CSV, and compared with what the API answers."""

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation

import pytest
from defusedxml import ElementTree
from hypothesis import given
from hypothesis import strategies as st

from services.analytics.app import app as analytics_app
from services.analytics.measures.rankings import competition_ranks
from services.common.reference import INDICATORS_CSV
from tests.placements.factory import person

WEST_MIDLANDS, COVENTRY, SOLIHULL = "E12000005", "331", "334"
SVG_NS = "{http://www.w3.org/2000/svg}"


def published(year: int, level: str, measure: str) -> dict[str, str]:
    """code -> the published cell, for England's nine regions or every council row of that year."""
    with INDICATORS_CSV.open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["time_period"] == str(year)]
    if level == "region":
        return {r["region_code"]: r[measure] for r in rows if r["geographic_level"] == "Regional"
                and r["region_code"] not in ("E13000001", "E13000002")}  # fmt: skip
    return {r["old_la_code"]: r[measure] for r in rows if r["geographic_level"] == "Local authority"}


def expected_ranks(cells: dict[str, str]) -> dict[str, int | None]:
    """Lowest first; a tie shares the best place and the next place skips; a symbol has no rank."""
    values = {}
    for code, cell in cells.items():
        try:
            values[code] = Decimal(cell)
        except InvalidOperation:
            values[code] = None
    numbers = [v for v in values.values() if v is not None]
    return {code: None if v is None else 1 + sum(1 for other in numbers if other < v) for code, v in values.items()}


@pytest.fixture
def rankings(analytics_get):
    return analytics_get("rankings")


@pytest.mark.parametrize(
    ("year", "level", "measure"),
    [
        (2024, "region", "turnover_rate_fte"),
        (2019, "region", "absence_rate_fte"),
        (2025, "council", "turnover_rate_fte"),  # two x and one z among the councils
        (2023, "council", "agency_rate_fte"),  # low, u and x
        (2017, "council", "absence_rate_fte"),  # c and low
        (2024, "council", "caseload_fte"),
    ],
)
def test_rankings_equal_a_ranking_of_the_published_data(rankings, year, level, measure):
    cells = published(year, level, measure)
    ranks = expected_ranks(cells)
    report = rankings({"measure": measure, "census_year": year, "level": level})

    assert report["better"] == "lower" and report["level"] == level
    got = {row["code"]: row["rank"] for row in report["rows"]}
    assert got == ranks
    for row in report["rows"]:
        if ranks[row["code"]] is None:
            assert row["value"] is None and row["reason"].startswith(cells[row["code"]] or "not collected")
        else:
            assert Decimal(row["value"]) == Decimal(cells[row["code"]])
    assert report["ranked"] == sum(1 for rank in ranks.values() if rank is not None)
    listed = [row["rank"] for row in report["rows"]]
    assert listed[: report["ranked"]] == sorted(listed[: report["ranked"]])  # best first, the unranked last
    assert listed[report["ranked"] :] == [None] * report["unranked"]


def test_council_rankings_have_ties_and_suppressed_values_to_prove(rankings):
    """The data the tests above use does hold ties and symbols, so they prove the rules for both."""
    ranks = expected_ranks(published(2025, "council", "turnover_rate_fte"))
    given = [rank for rank in ranks.values() if rank is not None]
    assert len(given) > len(set(given))  # ties
    assert None in ranks.values()  # suppressed
    report = rankings({"measure": "turnover_rate_fte", "census_year": 2025, "level": "council"})
    reasons = {row["reason"] for row in report["rows"] if row["rank"] is None}
    assert "x: not available" in reasons and "z: not applicable" in reasons


def test_ties_share_the_better_rank_and_the_next_rank_skips(rankings):
    report = rankings({"measure": "turnover_rate_fte", "census_year": 2025, "level": "council"})
    by_value: dict[str, set[int]] = {}
    for row in report["rows"]:
        if row["rank"] is not None:
            by_value.setdefault(row["value"], set()).add(row["rank"])
    assert all(len(ranks) == 1 for ranks in by_value.values())
    ordered = sorted((next(iter(ranks)), sum(1 for r in report["rows"] if r["value"] == v))
                     for v, ranks in by_value.items())  # fmt: skip
    for (rank, tied), (next_rank, _) in zip(ordered, ordered[1:], strict=False):
        assert next_rank == rank + tied


def test_the_academys_computed_figures_stand_beside_the_published_ones(load, rankings):
    left = {"role_end_date": date(2024, 6, 30), "reason_leave": 1, "fte30": None,
            "cases30": None, "working_days_lost": None}  # fmt: skip
    load(COVENTRY, 2024, [person(1), person(2), person(3), person(4, **left)])

    councils = rankings({"measure": "turnover_rate_fte", "census_year": 2024, "level": "council"})
    coventry = next(row for row in councils["rows"] if row["code"] == COVENTRY)
    assert coventry["source"] == "published" and coventry["computed"]["source"] == "computed"
    assert Decimal(coventry["computed"]["value"]) == Decimal("33.3")  # 1 leaver for 3 FTE in post
    values = [Decimal(row["value"]) for row in councils["rows"] if row["value"] is not None]
    assert coventry["computed"]["rank"] == 1 + sum(1 for v in values if v < Decimal("33.3"))
    solihull = next(row for row in councils["rows"] if row["code"] == SOLIHULL)
    assert solihull["computed"]["value"] is None and solihull["computed"]["reason"] == "no records for census year 2024"
    assert next(row for row in councils["rows"] if row["code"] == "201")["computed"] is None  # not a member

    regions = rankings({"measure": "turnover_rate_fte", "census_year": 2024, "level": "region"})
    region = next(row for row in regions["rows"] if row["code"] == WEST_MIDLANDS)
    assert Decimal(region["computed"]["value"]) == Decimal("33.3")
    assert region["computed"]["councils"] == [COVENTRY] and len(region["computed"]["missing_councils"]) == 13


def test_the_west_midlands_rank_over_the_years_is_each_years_rank(app_client, auth):
    answer = app_client(analytics_app).get(
        "/v1/analytics/rankings/series", params={"measure": "vacancy_rate_fte"}, headers=auth("council_hr", "331")
    )
    assert answer.status_code == 200, answer.text
    series = answer.json()
    assert series["code"] == WEST_MIDLANDS and series["name"] == "West Midlands"
    assert [p["census_year"] for p in series["points"]] == list(range(2017, 2026))
    for point in series["points"]:
        ranks = expected_ranks(published(point["census_year"], "region", "vacancy_rate_fte"))
        assert point["rank"] == ranks[WEST_MIDLANDS]
        assert point["out_of"] == sum(1 for rank in ranks.values() if rank is not None)


def test_the_rank_chart_draws_the_series(app_client, auth):
    answer = app_client(analytics_app).get(
        "/v1/analytics/charts/rank.svg",
        params={"measure": "turnover_rate_fte", "from_census_year": 2020, "to_census_year": 2025},
        headers=auth(),
    )
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("image/svg+xml")
    text = " ".join(" ".join(n.itertext()) for n in ElementTree.fromstring(answer.content).iter(f"{SVG_NS}text"))
    text = " ".join(text.split())
    assert "West Midlands: rank among England's regions on turnover_rate_fte (1 = lowest), 2020 to 2025" in text
    ranks = [expected_ranks(published(y, "region", "turnover_rate_fte"))[WEST_MIDLANDS] for y in range(2020, 2026)]
    assert all(str(rank) in text.split() for rank in ranks)


def test_rankings_come_as_csv_to_a_client_that_asks(app_client, auth):
    answer = app_client(analytics_app).get(
        "/v1/analytics/rankings",
        params={"measure": "agency_rate_fte", "census_year": 2023, "level": "council"},
        headers={**auth(), "Accept": "text/csv"},
    )
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text, newline="")))
    ranks = expected_ranks(published(2023, "council", "agency_rate_fte"))
    assert {row["code"]: (int(row["rank"]) if row["rank"] else None) for row in rows} == ranks
    assert {row["measure"] for row in rows} == {"agency_rate_fte"}


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"measure": "turnover_rate_fte", "census_year": 2030}, 404),  # not published yet
        ({"measure": "inpost_fte", "census_year": 2024}, 422),  # not a rate
        ({"measure": "turnover_rate_fte", "census_year": 2024, "level": "country"}, 422),
        ({"census_year": 2024}, 422),
    ],
)
def test_a_ranking_that_cannot_be_made_is_a_problem(rankings, params, status):
    problem = rankings(params, status=status)
    assert problem["status"] == status


def test_social_workers_see_no_rankings(rankings, auth):
    rankings({"measure": "turnover_rate_fte", "census_year": 2024}, auth("social_worker", worker="SW1"), 403)


def test_rankings_and_their_csv_come_through_the_gateway(gateway, auth):
    params = {"measure": "turnover_rate_fte", "census_year": 2024}
    as_json = gateway.get("/v1/analytics/rankings", params=params, headers=auth())
    as_csv = gateway.get("/v1/analytics/rankings", params=params, headers={**auth(), "Accept": "text/csv"})
    assert as_json.status_code == as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text, newline="")))
    assert [row["code"] for row in rows] == [row["code"] for row in as_json.json()["rows"]]


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.none() | st.decimals(0, 60, places=1), max_size=30))
def test_any_values_rank_lowest_first_with_ties_sharing_and_symbols_unranked(values):
    ranks = competition_ranks(values)
    expected = expected_ranks({code: "x" if v is None else str(v) for code, v in values.items()})
    assert ranks == {code: rank for code, rank in expected.items() if rank is not None}
