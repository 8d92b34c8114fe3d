"""Careers' query values are held to their bounds: a level or pathway is a code, a registration year a year of
this century, a council three ASCII digits; out of them is a 422 problem naming the value."""

import pytest

from tests.careers.conftest import CAREERS, academy_admin, social_worker


def assert_invalid(answer, name: str) -> None:
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert [error["loc"] for error in answer.json()["errors"]] == [["query", name]]


@pytest.mark.parametrize("path", ["/opportunities", "/local-grades"])
@pytest.mark.parametrize("level", ["Social Worker", "social-worker", "0level", "lévél"])
def test_a_level_filter_is_a_code(careers, path, level):
    assert_invalid(careers.get(f"{CAREERS}{path}", params={"level": level}, headers=academy_admin()), "level")


def test_a_pathway_filter_is_a_code(careers):
    answer = careers.get(f"{CAREERS}/opportunities", params={"pathway": "Practice; DROP"}, headers=academy_admin())
    assert_invalid(answer, "pathway")


@pytest.mark.parametrize("year", [2019, 2101, 9999])
def test_a_registration_year_is_one_of_this_century(careers, year):
    assert_invalid(careers.get(f"{CAREERS}/me/cpd", params={"year": year}, headers=social_worker()), "year")


@pytest.mark.parametrize("council", ["३३०", "33", "3300"])
def test_a_council_filter_is_three_ascii_digits(careers, council):
    answer = careers.get(f"{CAREERS}/opportunities", params={"council": council}, headers=academy_admin())
    assert_invalid(answer, "council")


def test_a_level_code_filter_still_finds_the_level(careers):
    answer = careers.get(f"{CAREERS}/opportunities", params={"level": "social_worker"}, headers=academy_admin())
    assert answer.status_code == 200, answer.text
