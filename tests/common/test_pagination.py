"""Every list takes the same limit and offset, each within its bounds: out of them is a 422 problem, never a 500."""

import pytest

from services.analytics.app import app as analytics_app
from services.careers.app import app as careers_app
from services.common.pagination import MAX_OFFSET
from services.placements.app import app as placements_app
from services.returners.app import app as returners_app
from tests.conftest import bearer

LISTS = [
    pytest.param(careers_app, "/v1/careers/opportunities", id="careers"),
    pytest.param(placements_app, "/v1/placements/employments", id="placements"),
    pytest.param(returners_app, "/v1/returners/cohorts", id="returners"),
    pytest.param(analytics_app, "/v1/analytics/extracts", id="analytics"),
]
ADMIN = bearer("academy_admin")


@pytest.mark.parametrize(("app", "path"), LISTS)
@pytest.mark.parametrize("offset", [MAX_OFFSET + 1, 2**63, 10**40])
def test_an_offset_past_the_bound_is_a_422_problem_on_every_list(app_client, app, path, offset):
    answer = app_client(app).get(path, params={"offset": offset}, headers=ADMIN)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert [error["loc"] for error in answer.json()["errors"]] == [["query", "offset"]]


@pytest.mark.parametrize(("app", "path"), LISTS)
def test_the_largest_offset_answers_an_empty_page(app_client, app, path):
    answer = app_client(app).get(path, params={"offset": MAX_OFFSET, "limit": 500}, headers=ADMIN)
    assert answer.status_code == 200, answer.text
    page = answer.json()
    assert (page["items"], page["offset"], page["next_offset"]) == ([], MAX_OFFSET, None)


@pytest.mark.parametrize("limit", [0, 501, 2**63])
def test_a_limit_outside_1_to_500_is_a_422_problem(app_client, limit):
    answer = app_client(returners_app).get("/v1/returners/cohorts", params={"limit": limit}, headers=ADMIN)
    assert answer.status_code == 422, answer.text
    assert [error["loc"] for error in answer.json()["errors"]] == [["query", "limit"]]
