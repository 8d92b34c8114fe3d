"""A DfE extract is asked for within its bounds: a census year that has ended, a member council for a return,
none for the region's retention summary; anything else is a 422 problem, and nothing is stored."""

from datetime import date

import httpx
import pytest
from prometheus_client import REGISTRY
from sqlmodel import func, select

from services.analytics.app import app as analytics_app
from services.analytics.extracts.models import ExtractRun
from services.analytics.extracts.schemas import last_ended_census_year
from services.analytics.placements_client import placements_client
from services.placements.app import app as placements_app
from tests.conftest import bearer
from tests.placements.factory import person, xml_return

COVENTRY = "331"
NOT_ENDED = last_ended_census_year(date.today()) + 1


@pytest.fixture
def placements(app_client):
    client = app_client(placements_app)
    client.headers.update(bearer("service"))
    answer = client.post(
        "/v1/placements/imports",
        params={"census_year": 2024, "council": COVENTRY},
        files={"file": ("r.xml", xml_return(2024, COVENTRY, [person(1), person(2)]))},
    )
    assert answer.status_code == 201, answer.text
    return client


@pytest.fixture
def analytics(app_client, placements):
    analytics_app.dependency_overrides[placements_client] = lambda: placements
    return app_client(analytics_app)


def run(analytics, **body) -> httpx.Response:
    return analytics.post("/v1/analytics/extracts", json=body, headers=bearer("academy_admin"))


def stored(session) -> int:
    return session.exec(select(func.count()).select_from(ExtractRun)).one()


def assert_invalid(answer: httpx.Response, field: str) -> None:
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert [error["loc"] for error in answer.json()["errors"]] == [["body", field]]


def test_a_census_year_ends_on_30_september():
    assert last_ended_census_year(date(2026, 9, 30)) == 2025
    assert last_ended_census_year(date(2026, 10, 1)) == 2026


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "retention", "census_year": 2068},
        {"kind": "retention", "census_year": 2030},
        {"kind": "retention", "census_year": NOT_ENDED},
        {"kind": "csww", "census_year": 2030, "council": COVENTRY},
        {"kind": "csww", "census_year": NOT_ENDED, "council": COVENTRY},
    ],
    ids=["retention-2068", "retention-2030", "retention-running-year", "csww-2030", "csww-running-year"],
)
def test_an_extract_of_a_census_year_that_has_not_ended_is_refused(analytics, session, body):
    assert_invalid(run(analytics, **body), "census_year")
    assert stored(session) == 0


@pytest.mark.parametrize(
    "council",
    ["999", "888", "३३१", "33", "3310", ""],
    ids=["unknown", "not-a-member", "non-ascii-digits", "two-digits", "four-digits", "empty"],
)
def test_a_census_return_is_only_of_a_member_council(analytics, session, council):
    assert_invalid(run(analytics, kind="csww", census_year=2024, council=council), "council")
    assert stored(session) == 0


def test_a_census_return_names_its_council(analytics, session):
    assert_invalid(run(analytics, kind="csww", census_year=2024), "council")
    assert stored(session) == 0


def test_the_retention_summary_is_the_regions_and_takes_no_council(analytics, session):
    assert_invalid(run(analytics, kind="retention", census_year=2024, council=COVENTRY), "council")
    assert stored(session) == 0


def refuse_the_file(placements) -> None:
    """Placements, for analytics, refusing every census file it is asked to check."""

    def refusing_the_file(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/imports"):  # a refusal of the request itself, not a report on the file
            problem = {"title": "Unprocessable Entity", "status": 422, "detail": "The file has no records."}
            return httpx.Response(422, json={**problem, "errors": [{"loc": ["query"], "code": "x", "message": "y"}]})
        answer = placements.get(request.url.path, params=request.url.params)
        return httpx.Response(answer.status_code, content=answer.content, headers=answer.headers)

    analytics_app.dependency_overrides[placements_client] = lambda: httpx.Client(
        transport=httpx.MockTransport(refusing_the_file), base_url="http://placements"
    )


def test_a_return_placements_refuses_as_a_whole_is_stored_as_failed_with_its_reason(analytics, placements):
    refuse_the_file(placements)
    answer = run(analytics, kind="csww", census_year=2024, council=COVENTRY)
    assert answer.status_code == 201, answer.text
    extract = answer.json()
    assert (extract["status"], extract["errors"]) == ("failed", ["The file has no records."])
    assert extract["delivery_status"] == "none"


def test_a_return_placements_cannot_give_now_is_a_503_problem_and_nothing_is_stored(analytics, session):
    analytics_app.dependency_overrides[placements_client] = lambda: httpx.Client(
        transport=httpx.MockTransport(lambda request: httpx.Response(500)), base_url="http://placements"
    )
    answer = run(analytics, kind="csww", census_year=2024, council=COVENTRY)
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["retry-after"]
    assert stored(session) == 0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("council", "३३०"),
        ("council", "33"),
        ("kind", "payroll"),
        ("status", "lost"),
        ("census_year", 2009),
        ("census_year", 2101),
    ],
)
def test_the_extract_list_filters_are_checked(analytics, name, value):
    answer = analytics.get("/v1/analytics/extracts", params={name: value}, headers=bearer("academy_admin"))
    assert answer.status_code == 422, answer.text
    assert [error["loc"] for error in answer.json()["errors"]] == [["query", name]]


@pytest.mark.parametrize("path", ["/v1/analytics/retention", "/v1/analytics/workforce", "/v1/analytics/benchmarks"])
@pytest.mark.parametrize("council", ["३३०", "33", "abc"])
def test_a_council_code_is_three_ascii_digits_in_every_analytics_query(analytics, path, council):
    answer = analytics.get(path, params={"census_year": 2024, "council": council}, headers=bearer("academy_admin"))
    assert answer.status_code == 422, answer.text
    assert ["query", "council"] in [error["loc"] for error in answer.json()["errors"]]


def extracts_counted(kind: str, status: str) -> float:
    return REGISTRY.get_sample_value("futuresocial_extracts_total", {"kind": kind, "status": status}) or 0.0


def test_extracts_produced_and_failed_are_counted_in_the_metrics(analytics, placements):
    succeeded, failed = extracts_counted("csww", "succeeded"), extracts_counted("csww", "failed")
    assert run(analytics, kind="csww", census_year=2024, council=COVENTRY).json()["status"] == "succeeded"

    refuse_the_file(placements)
    assert run(analytics, kind="csww", census_year=2024, council=COVENTRY).json()["status"] == "failed"

    assert extracts_counted("csww", "succeeded") == succeeded + 1
    assert extracts_counted("csww", "failed") == failed + 1
