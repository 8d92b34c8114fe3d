"""Through the gateway, with the real processes: a header-only census file leaves a council's year as it was,
and what comes back out as CSV holds no live formula."""

import csv
import io
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.harness import COUNCIL, Platform, assert_problem, get_token, own_database, running_platform
from tests.placements.factory import csv_return, person, xml_return

YEAR = 2024
FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    folder = tmp_path_factory.mktemp("e2e-import-safety")
    with own_database(folder) as database_url, running_platform(database_url, folder) as platform:
        yield platform


@pytest.fixture(scope="module")
def hr(platform: Platform) -> Iterator[httpx.Client]:
    token = get_token(
        platform.gateway,
        grant_type="client_credentials",
        client_id=platform.client_id,
        client_secret=platform.client_secret,
    )
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    with httpx.Client(base_url=platform.gateway, headers=headers, timeout=60) as client:
        yield client


def send(hr: httpx.Client, data: bytes, name: str, **params) -> httpx.Response:
    return hr.post("/v1/placements/imports", params={"census_year": YEAR, **params}, files={"file": (name, data)})


def export(hr: httpx.Client) -> list[dict[str, str]]:
    answer = hr.get("/v1/placements/exports/census.csv", params={"census_year": YEAR})
    assert answer.status_code == 200, answer.text
    return list(csv.DictReader(io.StringIO(answer.text, newline="")))


def test_a_header_only_file_leaves_the_councils_year_untouched(hr: httpx.Client) -> None:
    records = [person(n, qual_inst=FORMULA if n == 1 else None) for n in range(1, 26)]
    applied = send(hr, xml_return(YEAR, COUNCIL, records), "return.xml")
    assert applied.status_code == 201, applied.text
    history = hr.get("/v1/placements/imports").json()["total"]

    dry_run = send(hr, csv_return([]), "return.csv", dry_run="true")
    assert dry_run.status_code == 200, dry_run.text
    assert dry_run.json()["removals"]["year_records_removed"] == 25
    assert "would be refused" in dry_run.json()["message"]

    refused = send(hr, csv_return([]), "return.csv")
    assert_problem(refused, 422)
    assert [error["code"] for error in refused.json()["errors"]] == ["no_records"]
    assert "25 of the 25" in refused.json()["detail"]

    held = export(hr)
    assert len(held) == 25
    assert hr.get("/v1/placements/imports").json()["total"] == history
    workforce = hr.get("/v1/analytics/workforce", params={"census_year": YEAR, "council": COUNCIL})
    assert workforce.status_code == 200, workforce.text
    (area,) = [area for area in workforce.json()["areas"] if area["code"] == COUNCIL]
    assert area["inpost_headcount"] == 25


def test_the_census_csv_export_holds_the_formula_as_text(hr: httpx.Client) -> None:
    held = export(hr)
    assert {row["QualInst"] for row in held} == {"'" + FORMULA, ""}


def test_england_is_the_dfes_and_a_year_without_records_is_a_404(hr: httpx.Client) -> None:
    """Issue 12, through the gateway, with the council's year above held: England is the DfE's England (never
    the councils that happen to have data), the region computed from one council says so, and a year with no
    records is a 404 naming the year there is."""
    areas = hr.get("/v1/analytics/workforce", params={"census_year": YEAR}).json()["areas"]
    (england,) = [area for area in areas if area["code"] == "E92000001"]
    assert (england["source"], england["inpost_fte"], england["inpost_headcount"]) == ("published", "34328.2", 36402)
    (computed,) = [area for area in areas if area["level"] == "region" and area["source"] == "computed"]
    assert computed["councils"] == [COUNCIL] and len(computed["missing_councils"]) == 13
    assert computed["name"] == "West Midlands: 1 of its 14 councils"
    later = hr.get("/v1/analytics/workforce", params={"census_year": 2030})
    assert_problem(later, 404)
    assert later.json()["census_years_held"] == [YEAR]
