"""Returners' query values are held to their bounds: out of them is a 422 problem naming the value."""

import pytest

from tests.returners.conftest import BASE


@pytest.mark.parametrize("as_of", ["1949-12-31", "2101-01-01", "9999-12-31", "0001-01-01"])
def test_cohort_outcomes_are_asked_for_a_day_between_1950_and_2100(client, admin, cohort, as_of):
    answer = client.get(f"{BASE}/cohorts/{cohort['id']}/outcomes", params={"as_of": as_of}, headers=admin)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert [error["loc"] for error in answer.json()["errors"]] == [["query", "as_of"]]


def test_a_talent_pool_region_is_at_most_60_characters(client, admin):
    answer = client.get(f"{BASE}/talent-pool", params={"region": "x" * 61}, headers=admin)
    assert answer.status_code == 422, answer.text
    assert [error["loc"] for error in answer.json()["errors"]] == [["query", "region"]]
