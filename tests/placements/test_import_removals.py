"""A return cannot destroy a year by accident: no records is refused, and removing all or many of the
year's records needs their exact number in confirm_removals; the dry run shows that number first."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from services.common.settings import get_settings
from services.placements.app import app as placements_app
from services.placements.models import Employment, EmploymentYear, ImportBatch, Worker
from tests.placements.factory import csv_return, person, xml_return

BIRMINGHAM = "330"
HEADER_ONLY_CSV = csv_return([])
NO_WORKERS_XML = xml_return(2024, BIRMINGHAM, [])


@pytest.fixture
def placements(app_client):
    return app_client(placements_app)


@pytest.fixture
def hr(auth):
    return auth("council_hr", council=BIRMINGHAM)


def upload(client, headers, data: bytes, name="return.xml", **params):
    return client.post(
        "/v1/placements/imports",
        params={"census_year": 2024, **params},
        files={"file": (name, data)},
        headers=headers,
    )


def held(session) -> tuple[int, int]:
    """The year's records held for Birmingham, and the import history's length."""
    years = select(func.count()).select_from(EmploymentYear).where(EmploymentYear.council == BIRMINGHAM)
    return session.scalar(years), session.scalar(select(func.count()).select_from(ImportBatch))


def fte_of(session, swe_number: str) -> Decimal:
    return session.scalar(
        select(EmploymentYear.fte)
        .join(Employment, Employment.id == EmploymentYear.employment_id)
        .join(Worker, Worker.id == Employment.worker_id)
        .where(Worker.swe_number == swe_number)
    )


@pytest.fixture
def year_of_twenty(placements, hr, session):
    """Birmingham's 2024 return of 20 people, applied."""
    answer = upload(placements, hr, xml_return(2024, BIRMINGHAM, [person(n) for n in range(1, 21)]))
    assert answer.status_code == 201, answer.text
    assert held(session) == (20, 1)


@pytest.mark.parametrize(
    ("data", "name"),
    [(HEADER_ONLY_CSV, "return.csv"), (NO_WORKERS_XML, "return.xml")],
    ids=["csv-with-only-a-header", "xml-without-workers"],
)
def test_a_file_with_no_records_is_refused_and_leaves_the_year_untouched(
    placements, hr, session, year_of_twenty, data, name
):
    answer = upload(placements, hr, data, name=name)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"].endswith("/census-file-has-no-records")
    assert [error["code"] for error in problem["errors"]] == ["no_records"]
    assert "no worker records" in problem["detail"] and "20 of the 20" in problem["detail"]
    assert held(session) == (20, 1)  # not a record gone, and no history row for the refusal


def test_a_file_with_no_records_is_refused_even_with_a_confirmation(placements, hr, session, year_of_twenty):
    answer = upload(placements, hr, HEADER_ONLY_CSV, name="return.csv", confirm_removals=20)
    assert answer.status_code == 422, answer.text
    assert held(session) == (20, 1)


@pytest.mark.parametrize(("data", "name"), [(b"", "return.csv"), (b"", "return.xml"), (b"\r\n\r\n", "return.csv")])
def test_an_empty_file_is_refused(placements, hr, session, year_of_twenty, data, name):
    answer = upload(placements, hr, data, name=name)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert held(session) == (20, 1)


def test_the_dry_run_of_a_file_with_no_records_says_applying_it_would_be_refused(
    placements, hr, session, year_of_twenty
):
    answer = upload(placements, hr, HEADER_ONLY_CSV, name="return.csv", dry_run="true")
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["removals"] == {
        "year_records_held": 20,
        "year_records_removed": 20,
        "max_removed_share": 0.05,
        "confirmation_required": True,
    }
    assert "no worker records" in report["would_be_refused"]
    assert "would be refused" in report["message"]
    assert held(session) == (20, 1)


def test_a_return_removing_more_than_the_share_is_refused_naming_the_count(placements, hr, session, year_of_twenty):
    # 18 of the 20, one of them changed: the refusal must undo the change as well as keep the two
    eighteen = [person(n) for n in range(1, 19)]
    eighteen[0] = person(1, fte=Decimal("0.5"))
    answer = upload(placements, hr, xml_return(2024, BIRMINGHAM, eighteen))
    assert answer.status_code == 409, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"].endswith("/removals-not-confirmed")
    assert problem["year_records_removed"] == 2 and problem["year_records_held"] == 20
    assert problem["confirm_removals"] == 2
    assert "remove 2 of the 20 records" in problem["detail"] and "confirm_removals=2" in problem["detail"]
    assert [(e["loc"], e["code"]) for e in problem["errors"]] == [
        (["query", "confirm_removals"], "confirmation_required")
    ]
    assert held(session) == (20, 1)
    assert fte_of(session, "SW1") == Decimal("1")


def test_the_dry_run_shows_the_removals_and_the_confirmation_they_need(placements, hr, session, year_of_twenty):
    answer = upload(placements, hr, xml_return(2024, BIRMINGHAM, [person(n) for n in range(1, 19)]), dry_run="true")
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["removals"]["year_records_removed"] == 2 and report["removals"]["confirmation_required"] is True
    assert "would remove 2 of the 20 records" in report["message"]
    assert "confirm_removals=2" in report["message"] and "confirm_removals=2" in report["would_be_refused"]
    assert held(session) == (20, 1)


def test_the_exact_number_confirms_the_removals(placements, hr, session, year_of_twenty):
    answer = upload(placements, hr, xml_return(2024, BIRMINGHAM, [person(n) for n in range(1, 19)]), confirm_removals=2)
    assert answer.status_code == 201, answer.text
    assert answer.json()["summary"]["year_records_removed"] == 2
    assert held(session) == (18, 2)


@pytest.mark.parametrize("confirmed", [1, 3, 20])
def test_a_confirmation_of_another_number_is_refused(placements, hr, session, year_of_twenty, confirmed):
    data = xml_return(2024, BIRMINGHAM, [person(n) for n in range(1, 19)])
    answer = upload(placements, hr, data, confirm_removals=confirmed)
    assert answer.status_code == 409, answer.text
    problem = answer.json()
    assert [e["code"] for e in problem["errors"]] == ["confirmation_mismatch"]
    assert f"confirm_removals={confirmed}, but this return would remove 2" in problem["detail"]
    assert held(session) == (20, 1)


def test_removing_up_to_the_share_needs_no_confirmation(placements, hr, session, year_of_twenty):
    answer = upload(placements, hr, xml_return(2024, BIRMINGHAM, [person(n) for n in range(1, 20)]))  # 1 of 20: 5%
    assert answer.status_code == 201, answer.text
    assert answer.json()["removals"] == {
        "year_records_held": 20,
        "year_records_removed": 1,
        "max_removed_share": 0.05,
        "confirmation_required": False,
    }
    assert held(session) == (19, 2)


def test_removing_every_record_needs_confirmation_whatever_the_share(
    placements, hr, session, year_of_twenty, monkeypatch
):
    anything_goes = get_settings().model_copy(update={"import_max_removed_share": 1.0})
    monkeypatch.setattr("services.placements.census.imports.get_settings", lambda: anything_goes)
    others = xml_return(2024, BIRMINGHAM, [person(n) for n in range(101, 104)])  # none of the 20
    refused = upload(placements, hr, others)
    assert refused.status_code == 409, refused.text
    assert refused.json()["confirm_removals"] == 20
    assert held(session) == (20, 1)
    assert upload(placements, hr, others, confirm_removals=20).status_code == 201
    assert held(session) == (3, 2)
