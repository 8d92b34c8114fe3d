"""A council's computed measures beside the DfE's published figures, symbols kept as reasons."""

from datetime import date

import pytest

from services.analytics.app import app as analytics_app
from services.analytics.measures.published import published_figure
from services.placements.app import app as placements_app
from tests.placements.factory import person, xml_return

BIRMINGHAM, COVENTRY = "330", "331"


@pytest.fixture
def birmingham_2024(app_client, auth):
    records = [person(1), person(2), person(3, role_end_date=date(2024, 5, 31), reason_leave=1, fte30=None,
                                                cases30=None, working_days_lost=None)]  # fmt: skip
    answer = app_client(placements_app).post(
        "/v1/placements/imports",
        params={"census_year": 2024, "council": BIRMINGHAM},
        files={"file": ("r.xml", xml_return(2024, BIRMINGHAM, records))},
        headers=auth(),
    )
    assert answer.status_code == 201, answer.text


@pytest.fixture
def benchmarks(app_client, auth):
    client = app_client(analytics_app)

    def _get(year, council, headers=None, status=200):
        answer = client.get(
            "/v1/analytics/benchmarks", params={"census_year": year, "council": council}, headers=headers or auth()
        )
        assert answer.status_code == status, answer.text
        return answer.json()

    return _get


def by_measure(report):
    return {row["measure"]: row for row in report["measures"]}


def test_published_symbols_are_kept_as_reasons_never_zeros():
    assert published_figure("u").model_dump() == {"value": None, "reason": "u: low reliability"}
    assert published_figure("x").reason == "x: not available" and published_figure("z").value is None
    assert published_figure("c").reason == "c: confidential"
    assert published_figure("low").reason == "low: too small to publish"
    assert published_figure("").reason == "not collected that year"
    assert str(published_figure("17.7").value) == "17.7"


def test_a_councils_figures_sit_beside_the_published_ones_for_it_its_region_and_england(birmingham_2024, benchmarks):
    report = benchmarks(2024, BIRMINGHAM)
    assert (report["name"], report["region_code"], report["region_name"]) == (
        "Birmingham", "E12000005", "West Midlands",
    )  # fmt: skip
    rows = by_measure(report)
    turnover = rows["turnover_rate_headcount"]
    assert turnover["computed"] == {"value": "50.0", "reason": None}  # 1 leaver, 2 in post
    assert turnover["region"]["value"] == "12" and turnover["england"]["value"] == "13.9"
    assert rows["inpost_headcount"]["computed"]["value"] == "2"
    # Birmingham's 2024 agency figures were published as "u"
    assert rows["agency_fte"]["published"] == {"value": None, "reason": "u: low reliability"}
    assert rows["agency_rate_fte"]["region"]["value"] == "13.9"


def test_a_zero_denominator_and_a_year_without_records_are_reasons_too(birmingham_2024, benchmarks):
    rows = by_measure(benchmarks(2024, BIRMINGHAM))
    assert rows["agency_cover_rate_fte"]["computed"] == {"value": None, "reason": "zero denominator"}
    later = by_measure(benchmarks(2026, BIRMINGHAM))
    assert later["inpost_fte"]["computed"] == {"value": None, "reason": "no records for census year 2026"}
    assert later["inpost_fte"]["england"] == {"value": None, "reason": "not published for this year"}


def test_a_council_benchmarks_only_itself(birmingham_2024, benchmarks, auth):
    own = benchmarks(2024, BIRMINGHAM, headers=auth("council_hr", council=BIRMINGHAM))
    assert by_measure(own)["inpost_headcount"]["computed"]["value"] == "2"
    benchmarks(2024, BIRMINGHAM, headers=auth("council_hr", council=COVENTRY), status=404)
    benchmarks(2024, BIRMINGHAM, headers=auth("social_worker", worker="SW1"), status=403)
    benchmarks(2024, "999", status=404)


def test_the_dfe_benchmarks_a_council_through_the_gateway(birmingham_2024, gateway, auth):
    answer = gateway.get(
        "/v1/analytics/benchmarks", params={"census_year": 2024, "council": BIRMINGHAM}, headers=auth("dfe")
    )
    assert answer.status_code == 200, answer.text
    assert by_measure(answer.json())["inpost_headcount"]["published"]["value"] is not None
