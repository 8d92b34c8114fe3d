"""Each kind of bad census file gets a clear problem-details answer and writes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from services.placements.app import app as placements_app
from services.placements.models import Employment, EmploymentYear, ImportBatch, Worker
from tests.placements.factory import csv_return, person, xml_return

BIRMINGHAM = "330"
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Message><Header>&lol3;</Header></Message>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Message><Header>&xxe;</Header></Message>"""


@pytest.fixture
def send(app_client, auth):
    client = app_client(placements_app)

    def _send(data: bytes, name: str = "return.xml", year: int = 2024, headers=None, **params):
        return client.post(
            "/v1/placements/imports",
            params={"census_year": year, **params},
            files={"file": (name, data)},
            headers=headers or auth("council_hr", council=BIRMINGHAM),
        )

    return _send


def nothing_written(session) -> bool:
    return all(
        session.scalar(select(func.count()).select_from(table)) == 0
        for table in (Worker, Employment, EmploymentYear, ImportBatch)
    )


def rejected_with(answer, code: str) -> dict:
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    matching = [e for e in answer.json()["errors"] if e["code"] == code]
    assert matching, answer.json()["errors"]
    return matching[0]


def test_malformed_xml_is_rejected_with_its_position(send, session):
    problem = rejected_with(send(b"<Message><Header></Message>"), "malformed_xml")
    assert "line 1" in problem["location"]
    assert nothing_written(session)


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion laughs", "external entity"])
def test_xml_with_a_dtd_or_entities_is_refused_without_expanding_anything(send, session, payload):
    answer = send(payload)
    rejected_with(answer, "forbidden_dtd")
    assert "lol" not in answer.text and "root:" not in answer.text
    assert nothing_written(session)


def test_a_file_over_the_size_limit_is_413(send, session, monkeypatch):
    from services.common.settings import get_settings

    small = get_settings().model_copy(update={"import_max_bytes": 1000})
    monkeypatch.setattr("services.placements.census.router.get_settings", lambda: small)
    answer = send(xml_return(2024, BIRMINGHAM, [person(n) for n in range(1, 20)]))
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/problem+json"
    assert nothing_written(session)


def test_a_file_not_in_utf8_is_rejected(send, session):
    latin1 = xml_return(2024, BIRMINGHAM, [person(1)]).replace(b'encoding="utf-8"', b'encoding="iso-8859-1"')
    rejected_with(send(latin1), "bad_encoding")
    raw_latin1 = csv_return([person(1, qual_inst="Universit\u00e9 de Paris")]).decode().encode("latin-1")
    rejected_with(send(raw_latin1, name="return.csv"), "bad_encoding")
    assert nothing_written(session)


def test_csv_with_missing_or_unknown_columns_is_rejected_naming_them(send, session):
    missing = b"AgencyWorker,FTE,RoleStartDate\n0,1,2020-01-01\n"
    assert rejected_with(send(missing, name="r.csv"), "missing_column")["field"] == "SWENo"
    unknown = csv_return([person(1)]).replace(b"CFKSSstatus", b"Salary", 1)
    assert rejected_with(send(unknown, name="r.csv"), "unknown_column")["field"] == "Salary"
    assert nothing_written(session)


@pytest.mark.parametrize(
    ("record", "code", "field"),
    [
        (person(1, org_role=9), "invalid_code", "OrgRole"),
        (person(1, ethnicity="XXXX"), "invalid_code", "Ethnicity"),
        (person(1, fte=Decimal("1.2")), "out_of_range", "FTE"),
        (person(1, fte30=Decimal("-0.5")), "out_of_range", "FTE30"),
        (person(1, cases30=99_999_999_999), "out_of_range", "Cases30"),
        (person(1, agency_worker=True, contract_weeks=Decimal("123456.0")), "out_of_range", "ContractWeeks"),
        (
            person(1, role_end_date=date(2024, 11, 1), reason_leave=1),
            "date_outside_census_year",
            "RoleEndDate",
        ),
        (person(1, role_start_date=date(2024, 10, 2)), "start_after_reference_date", "RoleStartDate"),
        (
            person(1, role_start_date=date(2024, 3, 1), role_end_date=date(2024, 2, 1), reason_leave=1),
            "end_before_start",
            "RoleEndDate",
        ),
    ],
    ids=[
        "role code",
        "ethnicity code",
        "FTE over 1",
        "FTE30 negative",
        "cases beyond a whole number column",
        "contract weeks beyond the column",
        "end after the year",
        "start after 30 Sep",
        "end before start",
    ],
)
def test_a_bad_value_is_reported_at_its_record_and_field(send, session, record, code, field):
    answer = send(xml_return(2024, BIRMINGHAM, [person(2), record]))
    problem = rejected_with(answer, code)
    assert problem["location"] == "/Message/CSWWWorker[2]" and problem["field"] == field
    assert problem["severity"] == "error" and problem["message"]
    assert nothing_written(session)


def test_two_records_for_the_same_person_and_start_date_are_rejected(send, session):
    answer = send(xml_return(2024, BIRMINGHAM, [person(1), person(2), person(1, fte=Decimal("0.5"))]))
    problem = rejected_with(answer, "duplicate_record")
    assert problem["location"] == "/Message/CSWWWorker[3]"
    assert "CSWWWorker[1]" in problem["message"]
    assert nothing_written(session)


def test_an_swe_number_that_cannot_be_normalised_is_rejected(send, session):
    data = xml_return(2024, BIRMINGHAM, [person(1)]).replace(b"SW0000000001", b"SWX12")
    assert rejected_with(send(data), "invalid_swe_number")["value"] == "SWX12"
    assert nothing_written(session)


def test_a_return_for_another_year_or_council_than_the_upload_says_is_rejected(send, session):
    rejected_with(send(xml_return(2023, BIRMINGHAM, [person(1)])), "wrong_year")
    rejected_with(send(xml_return(2024, "331", [person(1)])), "wrong_council")
    assert nothing_written(session)


def test_a_council_or_year_the_caller_may_not_write_is_refused(send, session, auth):
    other = send(xml_return(2024, "331", [person(1)]), council="331")
    assert other.status_code == 403
    unfinished = send(xml_return(2099, BIRMINGHAM, [person(1)]), year=2099)
    assert unfinished.status_code == 422
    assert unfinished.json()["errors"][0]["loc"] == ["query", "census_year"]
    worker = send(xml_return(2024, BIRMINGHAM, [person(1)]), headers=auth("social_worker", worker="SW1"))
    assert worker.status_code == 403
    unknown_council = send(xml_return(2024, "999", [person(1)]), headers=auth(), council="999")
    assert unknown_council.status_code == 422
    assert nothing_written(session)


def test_no_file_at_all_is_a_422_listing_the_field(send, app_client, auth):
    answer = app_client(placements_app).post(
        "/v1/placements/imports", params={"census_year": 2024}, headers=auth("council_hr", council=BIRMINGHAM)
    )
    assert answer.status_code == 422
    assert ["body", "file"] in [e["loc"] for e in answer.json()["errors"]]
