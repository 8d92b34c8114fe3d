"""Workers and employment spells through the API: access by council, ETags, idempotent POSTs, the census
years a spell is held in, leavers, audit of personal data, and bad input."""

import uuid
from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from services.common.census_calendar import census_year_of
from services.common.models import AuditEvent, IdempotentRequest
from services.placements.app import app as placements_app
from services.placements.employments.service import api_census_years
from services.placements.models import Employment, EmploymentYear, Worker
from services.placements.versions import if_match_allows

BIRMINGHAM, COVENTRY, LANCASHIRE = "330", "331", "888"
CURRENT_YEAR = census_year_of(date.today())
WORKERS = "/v1/placements/workers"
EMPLOYMENTS = "/v1/placements/employments"
PLACEMENTS_SOCIAL_WORKER_SCOPES = ["careers", "placements"]


@pytest.fixture
def client(app_client):
    return app_client(placements_app)


@pytest.fixture
def admin(auth):
    return auth("academy_admin", subject="academy-admin")


@pytest.fixture
def birmingham(auth):
    return auth("council_hr", council=BIRMINGHAM, subject="birmingham-hr")


@pytest.fixture
def coventry(auth):
    return auth("council_hr", council=COVENTRY, subject="coventry-hr")


def count(session: Session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def new_worker(client, headers, swe_number="SW1001", council=BIRMINGHAM, **fields) -> dict:
    response = client.post(WORKERS, json={"swe_number": swe_number, "council": council, **fields}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def new_employment(client, headers, swe_number="SW1001", council=BIRMINGHAM, start="2022-11-01", **fields) -> dict:
    body = {"swe_number": swe_number, "council": council, "start_date": start, **fields}
    response = client.post(EMPLOYMENTS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def field_errors(response) -> dict[str, str]:
    """A 422 problem's errors as {"body.field": code}."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return {".".join(str(part) for part in error["loc"]): error["code"] for error in response.json()["errors"]}


# --- Happy paths -------------------------------------------------------------------------------


def test_a_worker_is_recorded_with_a_normalised_swe_number_and_read_back_with_its_etag(client, admin):
    response = client.post(
        WORKERS,
        json={"swe_number": "sw 000123", "council": BIRMINGHAM, "birth_date": "1985-04-02", "gender": 2},
        headers=admin,
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["swe_number"] == "SW123"
    assert created["council"] == BIRMINGHAM
    assert created["version"] == 1
    assert response.headers["etag"] == '"1"'
    assert response.headers["location"] == f"{WORKERS}/{created['id']}"

    read = client.get(f"{WORKERS}/{created['id']}", headers=admin)
    assert read.status_code == 200
    assert read.headers["etag"] == '"1"'
    assert read.json() == created


def test_an_open_spell_is_held_in_every_census_year_from_its_start_to_now_with_its_figures(client, admin):
    employment = new_employment(
        client,
        admin,
        start="2022-11-01",
        agency=False,
        org_role=5,
        fte="0.5",
        fte30=0.5,
        cases30=14,
        working_days_lost="3.5",
        kss_status=1,
        start_origin=1,
    )
    assert employment["council"] == BIRMINGHAM
    assert employment["end_date"] is None
    years = employment["years"]
    assert [year["census_year"] for year in years] == list(range(2023, CURRENT_YEAR + 1))
    assert all(year["source"] == "api" and year["end_date"] is None for year in years)
    assert {
        (year["fte"], year["fte30"], year["cases30"], year["working_days_lost"], year["org_role"]) for year in years
    } == {("0.500000", "0.500000", 14, "3.50", 5)}
    assert client.get(f"{EMPLOYMENTS}/{employment['id']}", headers=admin).json() == employment


def test_a_spell_created_with_an_end_date_carries_the_end_on_that_years_row_only(client, admin):
    employment = new_employment(
        client, admin, start="2021-05-01", end_date="2023-03-31", reason_leave=1, leaver_destination=1
    )
    assert [(y["census_year"], y["end_date"]) for y in employment["years"]] == [
        (2021, None),
        (2022, None),
        (2023, "2023-03-31"),
    ]
    assert employment["end_date"] == "2023-03-31"
    assert employment["reason_leave"] == 1


def test_a_spell_named_by_swe_number_uses_the_councils_own_record_of_the_worker(client, admin, session):
    employment = new_employment(client, admin, swe_number="SW 0777")
    again = new_employment(client, admin, swe_number="SW777", start="2024-01-08")
    [birmingham_record] = session.exec(select(Worker).where(Worker.council == BIRMINGHAM)).all()
    assert employment["worker_id"] == again["worker_id"] == str(birmingham_record.id)
    elsewhere = new_employment(client, admin, swe_number="SW777", council=COVENTRY, start="2024-01-08")
    [coventry_record] = session.exec(select(Worker).where(Worker.council == COVENTRY)).all()
    assert elsewhere["worker_id"] == str(coventry_record.id)
    assert {record.swe_number for record in (birmingham_record, coventry_record)} == {"SW777"}
    assert count(session, Worker) == 2


def test_a_spell_can_name_its_worker_by_id(client, birmingham):
    worker = new_worker(client, birmingham, "SW4242")
    response = client.post(
        EMPLOYMENTS,
        json={"worker_id": worker["id"], "council": BIRMINGHAM, "start_date": "2024-02-01"},
        headers=birmingham,
    )
    assert response.status_code == 201, response.text
    assert response.json()["worker_id"] == worker["id"]
    # the worker now has a spell at Birmingham, so Birmingham sees them
    assert client.get(f"{WORKERS}/{worker['id']}", headers=birmingham).status_code == 200


def test_a_second_spell_with_the_same_worker_council_and_start_is_a_conflict(client, admin, session):
    new_employment(client, admin)
    again = client.post(
        EMPLOYMENTS,
        json={"swe_number": "SW1001", "council": BIRMINGHAM, "start_date": "2022-11-01"},
        headers=admin,
    )
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert count(session, Employment) == 1


def test_a_council_recording_an_swe_number_it_already_holds_is_a_conflict(client, birmingham, session):
    first = new_worker(client, birmingham, "SW55")
    again = client.post(WORKERS, json={"swe_number": "SW0055"}, headers=birmingham)
    assert again.status_code == 409
    assert again.json()["worker_id"] == first["id"]
    assert count(session, Worker) == 1


def test_a_council_recording_a_worker_another_council_holds_gets_its_own_record_and_learns_nothing(
    client, birmingham, coventry, session
):
    """The answer is the same whether or not another council holds the number: no 409, no id, none of the
    other council's fields."""
    held = new_worker(client, birmingham, "SW56", birth_date="1980-02-03", ethnicity="WBRI")
    mine = client.post(WORKERS, json={"swe_number": "SW56", "council": COVENTRY}, headers=coventry)
    fresh = client.post(WORKERS, json={"swe_number": "SW57", "council": COVENTRY}, headers=coventry)
    assert (mine.status_code, fresh.status_code) == (201, 201)
    assert mine.json().keys() == fresh.json().keys()
    assert mine.json()["id"] != held["id"]
    assert (mine.json()["birth_date"], mine.json()["ethnicity"], mine.json()["council"]) == (None, None, COVENTRY)
    assert client.get(f"{WORKERS}/{held['id']}", headers=birmingham).json() == held
    assert count(session, Worker) == 3


def test_academy_staff_name_the_council_whose_record_they_make(client, admin, session):
    response = client.post(WORKERS, json={"swe_number": "SW58"}, headers=admin)
    assert field_errors(response) == {"body.council": "missing"}
    assert count(session, Worker) == 0


def test_updating_a_worker_changes_the_fields_sent_and_bumps_the_etag(client, admin):
    worker = new_worker(client, admin, gender=1, qual_inst="University of Birmingham")
    response = client.patch(
        f"{WORKERS}/{worker['id']}",
        json={"gender": 2, "ethnicity": None, "qual_level": 2},
        headers={**admin, "If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["gender"], updated["qual_level"], updated["qual_inst"]) == (
        2,
        2,
        "University of Birmingham",
    )
    assert updated["version"] == 2
    assert response.headers["etag"] == '"2"'
    assert client.get(f"{WORKERS}/{worker['id']}", headers=admin).headers["etag"] == '"2"'


def test_updating_a_spell_changes_the_figures_of_the_census_year_named(client, admin):
    employment = new_employment(client, admin, start="2022-11-01", fte="1", org_role=5)
    response = client.patch(
        f"{EMPLOYMENTS}/{employment['id']}",
        json={"census_year": 2024, "fte": "0.8", "cases30": 20},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    by_year = {year["census_year"]: year for year in response.json()["years"]}
    assert (by_year[2024]["fte"], by_year[2024]["cases30"]) == ("0.800000", 20)
    assert (by_year[2023]["fte"], by_year[2023]["cases30"]) == ("1.000000", None)
    assert response.json()["version"] == 2
    assert response.headers["etag"] == '"2"'


def test_updating_a_spell_without_a_census_year_changes_the_current_year_and_the_spells_role(client, admin):
    employment = new_employment(client, admin, start="2022-11-01", org_role=5)
    response = client.patch(f"{EMPLOYMENTS}/{employment['id']}", json={"org_role": 3}, headers=admin)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["org_role"] == 3
    assert {y["census_year"]: y["org_role"] for y in updated["years"]}[CURRENT_YEAR] == 3
    assert {y["census_year"]: y["org_role"] for y in updated["years"]}[2023] == 5


def test_updating_a_year_the_spell_was_not_in_post_is_refused(client, admin):
    employment = new_employment(client, admin, start="2022-11-01")
    response = client.patch(f"{EMPLOYMENTS}/{employment['id']}", json={"census_year": 2021, "fte": "1"}, headers=admin)
    assert field_errors(response) == {"body.census_year": "not_in_post"}
    assert client.get(f"{EMPLOYMENTS}/{employment['id']}", headers=admin).json() == employment


# --- Leavers -----------------------------------------------------------------------------------


def test_recording_a_leaver_ends_the_spell_and_drops_the_later_api_years(client, admin):
    employment = new_employment(client, admin, start="2020-01-06", fte="1")
    assert employment["years"][0]["census_year"] == 2020
    response = client.post(
        f"{EMPLOYMENTS}/{employment['id']}/leaver",
        json={"end_date": "2022-06-30", "reason_leave": 1, "leaver_destination": 1},
        headers={**admin, "If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    ended = response.json()
    assert (ended["end_date"], ended["reason_leave"], ended["leaver_destination"]) == ("2022-06-30", 1, 1)
    assert [(y["census_year"], y["end_date"]) for y in ended["years"]] == [
        (2020, None),
        (2021, None),
        (2022, "2022-06-30"),
    ]
    assert ended["version"] == 2
    assert response.headers["etag"] == '"2"'
    assert client.get(f"{EMPLOYMENTS}/{employment['id']}", headers=admin).json() == ended


def test_a_leaver_is_refused_when_a_census_return_holds_the_spell_in_post_later(client, admin, session):
    employment = new_employment(client, admin, start="2020-01-06")
    held = session.exec(
        select(EmploymentYear).where(
            EmploymentYear.employment_id == uuid.UUID(employment["id"]), EmploymentYear.census_year == 2024
        )
    ).one()
    session.delete(held)
    session.flush()
    session.add(
        EmploymentYear(employment_id=uuid.UUID(employment["id"]), council=BIRMINGHAM, census_year=2024, source="import")
    )
    session.commit()
    before = client.get(f"{EMPLOYMENTS}/{employment['id']}", headers=admin).json()

    response = client.post(f"{EMPLOYMENTS}/{employment['id']}/leaver", json={"end_date": "2022-06-30"}, headers=admin)
    assert response.status_code == 409
    assert "Census year 2024's return holds this spell in post" in response.json()["detail"]
    assert client.get(f"{EMPLOYMENTS}/{employment['id']}", headers=admin).json() == before


def test_a_leaver_fills_in_the_years_between_the_spells_last_year_and_its_end(client, admin, session):
    employment = new_employment(client, admin, start="2020-01-06", fte="0.6", cases30=9)
    for row in session.exec(
        select(EmploymentYear).where(
            EmploymentYear.employment_id == uuid.UUID(employment["id"]), EmploymentYear.census_year > 2021
        )
    ):
        session.delete(row)
    session.commit()
    response = client.post(f"{EMPLOYMENTS}/{employment['id']}/leaver", json={"end_date": "2023-05-01"}, headers=admin)
    assert response.status_code == 200, response.text
    years = response.json()["years"]
    assert [(y["census_year"], y["end_date"], y["fte"], y["cases30"]) for y in years] == [
        (2020, None, "0.600000", 9),
        (2021, None, "0.600000", 9),
        (2022, None, "0.600000", None),  # the standing FTE carries on; the 30 September count does not
        (2023, "2023-05-01", "0.600000", None),
    ]


def test_a_leaver_ending_before_the_start_is_refused_and_changes_nothing(client, admin):
    employment = new_employment(client, admin, start="2022-11-01")
    response = client.post(f"{EMPLOYMENTS}/{employment['id']}/leaver", json={"end_date": "2022-10-31"}, headers=admin)
    assert field_errors(response) == {"body.end_date": "end_before_start"}
    assert client.get(f"{EMPLOYMENTS}/{employment['id']}", headers=admin).json() == employment


def test_a_spell_that_already_ended_cannot_be_ended_again(client, admin):
    employment = new_employment(client, admin, start="2022-11-01", end_date="2023-03-31")
    response = client.post(f"{EMPLOYMENTS}/{employment['id']}/leaver", json={"end_date": "2023-06-30"}, headers=admin)
    assert response.status_code == 409
    assert "already ended on 2023-03-31" in response.json()["detail"]


# --- Access ------------------------------------------------------------------------------------


def test_a_council_cannot_read_or_change_another_councils_worker_and_sees_a_plain_404(client, birmingham, coventry):
    worker = new_worker(client, birmingham, "SW901")
    new_employment(client, birmingham, swe_number="SW901")
    missing = client.get(f"{WORKERS}/{uuid.uuid4()}", headers=coventry)
    assert missing.status_code == 404

    read = client.get(f"{WORKERS}/{worker['id']}", headers=coventry)
    assert read.status_code == 404
    assert read.json() == missing.json()
    change = client.patch(f"{WORKERS}/{worker['id']}", json={"gender": 1}, headers=coventry)
    assert change.status_code == 404
    assert change.json() == missing.json()
    assert client.get(f"{WORKERS}/{worker['id']}", headers=birmingham).json()["gender"] is None
    assert client.get(WORKERS, headers=coventry).json()["items"] == []


def test_a_council_cannot_read_or_change_another_councils_employment_and_sees_a_plain_404(client, birmingham, coventry):
    employment = new_employment(client, birmingham)
    missing = client.get(f"{EMPLOYMENTS}/{uuid.uuid4()}", headers=coventry)
    assert missing.status_code == 404
    for response in (
        client.get(f"{EMPLOYMENTS}/{employment['id']}", headers=coventry),
        client.patch(f"{EMPLOYMENTS}/{employment['id']}", json={"fte": "1"}, headers=coventry),
        client.post(f"{EMPLOYMENTS}/{employment['id']}/leaver", json={"end_date": "2024-01-01"}, headers=coventry),
    ):
        assert response.status_code == 404
        assert response.json() == missing.json()
    assert client.get(f"{EMPLOYMENTS}/{employment['id']}", headers=birmingham).json() == employment
    assert client.get(EMPLOYMENTS, headers=coventry).json()["total"] == 0
    assert client.get(EMPLOYMENTS, params={"council": BIRMINGHAM}, headers=coventry).status_code == 404
    assert client.get(WORKERS, params={"council": BIRMINGHAM}, headers=coventry).status_code == 404


def test_a_council_may_not_create_a_spell_at_another_council(client, coventry, session):
    response = client.post(
        EMPLOYMENTS,
        json={"swe_number": "SW1", "council": BIRMINGHAM, "start_date": "2024-01-01"},
        headers=coventry,
    )
    assert response.status_code == 403
    assert response.json()["detail"].lower() == "you may write only your own council's records."
    assert count(session, Employment) == count(session, Worker) == 0


def test_a_council_sees_only_its_own_spells_of_a_worker_who_moved(client, birmingham, coventry):
    new_employment(client, birmingham, swe_number="SW31", start="2020-01-06", end_date="2023-03-31")
    at_coventry = new_employment(client, coventry, swe_number="SW31", council=COVENTRY, start="2023-05-01")
    listed = client.get(EMPLOYMENTS, headers=coventry).json()
    assert [item["id"] for item in listed["items"]] == [at_coventry["id"]]
    workers = client.get(WORKERS, headers=coventry).json()["items"]
    assert [worker["swe_number"] for worker in workers] == ["SW31"]


def test_a_social_worker_sees_only_their_own_record_and_spells_and_cannot_write(client, admin, auth):
    mine = new_employment(client, admin, swe_number="SW5001")
    other = new_employment(client, admin, swe_number="SW5002")
    me = auth("social_worker", worker="SW5001", scopes=PLACEMENTS_SOCIAL_WORKER_SCOPES, subject="sw-5001")

    workers = client.get(WORKERS, headers=me).json()
    assert [worker["swe_number"] for worker in workers["items"]] == ["SW5001"]
    assert client.get(f"{WORKERS}/{mine['worker_id']}", headers=me).status_code == 200
    assert client.get(f"{WORKERS}/{other['worker_id']}", headers=me).status_code == 404
    assert [item["id"] for item in client.get(EMPLOYMENTS, headers=me).json()["items"]] == [mine["id"]]
    assert client.get(f"{EMPLOYMENTS}/{other['id']}", headers=me).status_code == 404

    assert client.patch(f"{WORKERS}/{mine['worker_id']}", json={"gender": 1}, headers=me).status_code == 403
    created = client.post(
        EMPLOYMENTS,
        json={"swe_number": "SW5001", "council": BIRMINGHAM, "start_date": "2025-01-06"},
        headers=me,
    )
    assert created.status_code == 403


def test_the_dfe_has_no_access_to_workers_or_employments(client, admin, auth):
    worker = new_worker(client, admin)
    dfe = auth("dfe", scopes=["analytics", "placements"], subject="dfe")
    assert client.get(WORKERS, headers=dfe).status_code == 403
    assert client.get(f"{WORKERS}/{worker['id']}", headers=dfe).status_code == 403
    assert client.get(EMPLOYMENTS, headers=dfe).status_code == 403


# --- ETags and idempotency ---------------------------------------------------------------------


def test_a_stale_if_match_on_a_worker_is_412_and_changes_nothing(client, admin, session):
    worker = new_worker(client, admin, gender=1)
    assert client.patch(f"{WORKERS}/{worker['id']}", json={"gender": 2}, headers=admin).status_code == 200
    audits_before = count(session, AuditEvent)

    stale = client.patch(f"{WORKERS}/{worker['id']}", json={"gender": 9}, headers={**admin, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert stale.json()["status"] == 412
    assert stale.headers["etag"] == '"2"'
    current = client.get(f"{WORKERS}/{worker['id']}", headers=admin).json()
    assert (current["gender"], current["version"]) == (2, 2)
    assert count(session, AuditEvent) == audits_before + 1  # only the read just made


def test_a_change_to_a_spell_may_clear_its_figures_but_not_whether_it_is_agency_work(client, admin):
    employment = new_employment(client, admin, fte="1")
    path = f"{EMPLOYMENTS}/{employment['id']}"
    refused = client.patch(path, json={"agency": None}, headers={**admin, "If-Match": '"1"'})
    assert refused.status_code == 422
    assert [(e["loc"], e["code"]) for e in refused.json()["errors"]] == [(["body", "agency"], "null_not_allowed")]
    cleared = client.patch(path, json={"fte": None}, headers={**admin, "If-Match": '"1"'})
    assert cleared.status_code == 200
    years = cleared.json()["years"]  # the change is to the current census year's figures, the newest
    assert (years[-1]["fte"], years[0]["fte"], cleared.json()["agency"]) == (None, "1.000000", False)


def test_a_stale_if_match_on_a_spell_or_its_leaver_is_412_and_changes_nothing(client, admin):
    employment = new_employment(client, admin, fte="1")
    path = f"{EMPLOYMENTS}/{employment['id']}"
    assert client.patch(path, json={"fte": "0.5"}, headers={**admin, "If-Match": '"1"'}).status_code == 200
    after_first = client.get(path, headers=admin).json()

    assert client.patch(path, json={"fte": "0.2"}, headers={**admin, "If-Match": '"1"'}).status_code == 412
    leaver = client.post(f"{path}/leaver", json={"end_date": "2024-01-01"}, headers={**admin, "If-Match": '"1"'})
    assert leaver.status_code == 412
    assert client.get(path, headers=admin).json() == after_first


def test_a_retried_employment_post_returns_the_first_answer_and_writes_one_spell(client, birmingham, session):
    body = {"swe_number": "SW8080", "council": BIRMINGHAM, "start_date": "2024-04-01", "fte": "1"}
    headers = {**birmingham, "Idempotency-Key": "starter-8080"}
    first = client.post(EMPLOYMENTS, json=body, headers=headers)
    retry = client.post(EMPLOYMENTS, json=body, headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    assert count(session, Employment) == 1
    assert count(session, Worker) == 1


def test_a_retried_worker_post_returns_the_first_answer_and_writes_one_worker(client, admin, session):
    headers = {**admin, "Idempotency-Key": "worker-1"}
    first = client.post(WORKERS, json={"swe_number": "SW9", "council": BIRMINGHAM}, headers=headers)
    retry = client.post(WORKERS, json={"swe_number": "SW0009", "council": BIRMINGHAM}, headers=headers)
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json()["id"] == first.json()["id"]
    assert first.headers["etag"] == retry.headers["etag"] == '"1"'  # the replay carries the record's ETag too
    assert count(session, Worker) == 1


def test_the_same_idempotency_key_with_a_different_body_is_a_conflict(client, birmingham, session):
    headers = {**birmingham, "Idempotency-Key": "starter-1"}
    body = {"swe_number": "SW8080", "council": BIRMINGHAM, "start_date": "2024-04-01"}
    assert client.post(EMPLOYMENTS, json=body, headers=headers).status_code == 201
    other = client.post(EMPLOYMENTS, json={**body, "start_date": "2024-05-01"}, headers=headers)
    assert other.status_code == 409
    assert "Idempotency-Key" in other.json()["detail"]
    assert count(session, Employment) == 1
    assert count(session, IdempotentRequest) == 1


def test_a_retried_leaver_returns_the_first_answer_and_ends_the_spell_once(client, admin):
    employment = new_employment(client, admin)
    headers = {**admin, "Idempotency-Key": "leaver-1", "If-Match": '"1"'}
    first = client.post(f"{EMPLOYMENTS}/{employment['id']}/leaver", json={"end_date": "2024-01-31"}, headers=headers)
    retry = client.post(f"{EMPLOYMENTS}/{employment['id']}/leaver", json={"end_date": "2024-01-31"}, headers=headers)
    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry.json() == first.json()
    assert first.headers["etag"] == retry.headers["etag"] == '"2"'
    assert client.get(f"{EMPLOYMENTS}/{employment['id']}", headers=admin).json()["version"] == 2


# --- Audit -------------------------------------------------------------------------------------


def _audits(session: Session, action: str) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action, AuditEvent.entity == "worker")))


def test_reading_a_worker_writes_an_audit_event_with_the_request_id(client, birmingham, session):
    worker = new_worker(client, birmingham, "SW700")
    new_employment(client, birmingham, swe_number="SW700")
    response = client.get(f"{WORKERS}/{worker['id']}", headers={**birmingham, "X-Request-ID": "read-700"})
    assert response.status_code == 200
    [event] = _audits(session, "read")
    assert (event.entity_id, event.principal, event.council, event.request_id) == (
        worker["id"],
        "birmingham-hr",
        BIRMINGHAM,
        "read-700",
    )


def test_listing_workers_audits_every_worker_returned(client, admin, session):
    ids = {new_worker(client, admin, f"SW{n}")["id"] for n in (11, 12, 13)}
    listed = client.get(WORKERS, params={"limit": 2}, headers=admin).json()
    assert len(listed["items"]) == 2
    assert {event.entity_id for event in _audits(session, "read")} == {item["id"] for item in listed["items"]}
    assert {item["id"] for item in listed["items"]} < ids


def test_creating_and_changing_a_worker_are_audited(client, admin, session):
    worker = new_worker(client, admin, "SW701")
    client.patch(f"{WORKERS}/{worker['id']}", json={"birth_date": "1990-01-01"}, headers=admin)
    employment = new_employment(client, admin, swe_number="SW702")
    assert [event.entity_id for event in _audits(session, "create")] == [
        worker["id"],
        employment["worker_id"],
    ]
    assert [event.entity_id for event in _audits(session, "update")] == [worker["id"]]


# --- Lists -------------------------------------------------------------------------------------


@pytest.fixture
def spells(client, admin) -> dict[str, dict]:
    """Four spells at Birmingham and one at Coventry."""
    return {
        "left_2022": new_employment(client, admin, "SW1", start="2019-01-07", end_date="2022-03-31", org_role=5),
        "manager": new_employment(client, admin, "SW2", start="2020-06-01", org_role=2),
        "agency": new_employment(client, admin, "SW3", start="2023-01-09", agency=True, org_role=5),
        "starter_2025": new_employment(client, admin, "SW4", start="2025-02-03", org_role=5),
        "coventry": new_employment(client, admin, "SW5", council=COVENTRY, start="2021-09-01", org_role=5),
    }


def _ids(client, headers, **params) -> list[str]:
    response = client.get(EMPLOYMENTS, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_employments_filter_by_the_date_in_post(client, admin, spells):
    in_post = _ids(client, admin, in_post_on="2023-06-30", council=BIRMINGHAM)
    assert in_post == [spells["manager"]["id"], spells["agency"]["id"]]
    assert _ids(client, admin, in_post_on="2022-03-31", council=BIRMINGHAM) == [
        spells["left_2022"]["id"],
        spells["manager"]["id"],
    ]


def test_employments_filter_by_agency_role_and_census_year(client, admin, spells):
    assert _ids(client, admin, agency=True) == [spells["agency"]["id"]]
    assert _ids(client, admin, role=2) == [spells["manager"]["id"]]
    assert _ids(client, admin, census_year=2022, council=BIRMINGHAM) == [
        spells["left_2022"]["id"],
        spells["manager"]["id"],
    ]
    # with a census year, agency and role are those that year held
    manager = spells["manager"]["id"]
    changed = client.patch(f"{EMPLOYMENTS}/{manager}", json={"census_year": 2025, "org_role": 5}, headers=admin)
    assert changed.status_code == 200, changed.text
    assert _ids(client, admin, census_year=2025, role=5, agency=False, council=BIRMINGHAM) == [
        manager,
        spells["starter_2025"]["id"],
    ]
    assert _ids(client, admin, census_year=2024, role=5, council=BIRMINGHAM) == [spells["agency"]["id"]]
    assert _ids(client, admin, role=2) == [manager]  # the spell's own role is its latest year's


def test_workers_filter_by_council_and_census_year(client, admin, spells):
    def swe_numbers(**params) -> list[str]:
        return [w["swe_number"] for w in client.get(WORKERS, params=params, headers=admin).json()["items"]]

    assert swe_numbers(council=COVENTRY) == ["SW5"]
    assert swe_numbers(census_year=2022) == ["SW1", "SW2", "SW5"]
    assert swe_numbers(census_year=2022, council=BIRMINGHAM) == ["SW1", "SW2"]
    assert swe_numbers(swe_number="sw 0004") == ["SW4"]


def test_employment_pages_follow_a_stable_order(client, admin, spells):
    everything = _ids(client, admin)
    assert len(everything) == 5
    first = client.get(EMPLOYMENTS, params={"limit": 2}, headers=admin).json()
    assert (first["total"], first["next_offset"]) == (5, 2)
    pages = [item["id"] for item in first["items"]]
    offset = first["next_offset"]
    while offset is not None:
        page = client.get(EMPLOYMENTS, params={"limit": 2, "offset": offset}, headers=admin).json()
        pages += [item["id"] for item in page["items"]]
        offset = page["next_offset"]
    assert pages == everything
    assert everything[0] == spells["left_2022"]["id"]


# --- Bad input ---------------------------------------------------------------------------------


def test_an_swe_number_that_cannot_be_normalised_is_refused_and_nothing_written(client, admin, session):
    assert field_errors(client.post(WORKERS, json={"swe_number": "XY123"}, headers=admin)) == {
        "body.swe_number": "invalid_swe_number"
    }
    response = client.post(
        EMPLOYMENTS,
        json={"swe_number": "SW00", "council": BIRMINGHAM, "start_date": "2024-01-01"},
        headers=admin,
    )
    assert field_errors(response) == {"body.swe_number": "invalid_swe_number"}
    assert count(session, Worker) == 0


def test_an_fte_outside_0_to_1_or_with_more_than_6_places_is_refused(client, admin, session):
    body = {
        "swe_number": "SW1",
        "council": BIRMINGHAM,
        "start_date": "2024-01-01",
        "fte": 1.5,
        "fte30": "0.1234567",
    }
    assert field_errors(client.post(EMPLOYMENTS, json=body, headers=admin)) == {
        "body.fte": "less_than_equal",
        "body.fte30": "decimal_max_places",
    }
    assert count(session, Employment) == count(session, Worker) == 0


def test_an_end_before_the_start_is_refused_naming_the_end_date(client, admin, session):
    body = {"swe_number": "SW1", "council": BIRMINGHAM, "start_date": "2024-01-01", "end_date": "2023-12-31"}
    assert field_errors(client.post(EMPLOYMENTS, json=body, headers=admin)) == {"body.end_date": "end_before_start"}
    assert count(session, Employment) == 0


def test_codes_outside_the_census_lists_are_each_refused(client, admin, session):
    worker = {"swe_number": "SW1", "gender": 5, "ethnicity": "WXYZ", "qual_level": 4}
    assert field_errors(client.post(WORKERS, json=worker, headers=admin)) == {
        "body.gender": "invalid_code",
        "body.ethnicity": "invalid_code",
        "body.qual_level": "invalid_code",
    }
    spell = {
        "swe_number": "SW1",
        "council": BIRMINGHAM,
        "start_date": "2024-01-01",
        "org_role": 7,
        "start_origin": 0,
        "reason_absence": "XXX",
        "kss_status": 5,
    }
    assert field_errors(client.post(EMPLOYMENTS, json=spell, headers=admin)) == {
        "body.org_role": "invalid_code",
        "body.start_origin": "invalid_code",
        "body.reason_absence": "invalid_code",
        "body.kss_status": "invalid_code",
    }
    assert field_errors(client.get(EMPLOYMENTS, params={"role": 9}, headers=admin)) == {"query.role": "invalid_code"}
    assert count(session, Worker) == count(session, Employment) == 0


def test_leaver_fields_without_an_end_date_are_refused(client, admin):
    body = {"swe_number": "SW1", "council": BIRMINGHAM, "start_date": "2024-01-01", "reason_leave": 1}
    assert field_errors(client.post(EMPLOYMENTS, json=body, headers=admin)) == {
        "body.reason_leave": "leaver_fields_without_end_date"
    }


def test_a_council_outside_the_academy_is_refused(client, admin, session):
    body = {"swe_number": "SW1", "council": LANCASHIRE, "start_date": "2024-01-01"}
    assert field_errors(client.post(EMPLOYMENTS, json=body, headers=admin)) == {"body.council": "unknown_council"}
    assert field_errors(client.post(EMPLOYMENTS, json={**body, "council": "33"}, headers=admin)) == {
        "body.council": "string_too_short"
    }
    assert count(session, Worker) == 0


def test_unknown_ids_answer_404_and_malformed_ids_422(client, admin):
    assert client.get(f"{WORKERS}/{uuid.uuid4()}", headers=admin).status_code == 404
    assert client.patch(f"{EMPLOYMENTS}/{uuid.uuid4()}", json={"fte": "1"}, headers=admin).status_code == 404
    unknown_worker = client.post(
        EMPLOYMENTS,
        json={"worker_id": str(uuid.uuid4()), "council": BIRMINGHAM, "start_date": "2024-01-01"},
        headers=admin,
    )
    assert unknown_worker.status_code == 404
    assert field_errors(client.get(f"{WORKERS}/not-a-uuid", headers=admin)) == {"path.worker_id": "uuid_parsing"}


def test_unknown_fields_and_the_swe_number_are_refused_in_a_change(client, admin):
    worker = new_worker(client, admin)
    assert field_errors(client.patch(f"{WORKERS}/{worker['id']}", json={"swe_number": "SW2"}, headers=admin)) == {
        "body.swe_number": "extra_forbidden"
    }
    assert field_errors(client.patch(f"{WORKERS}/{worker['id']}", json={"shoe_size": 9}, headers=admin)) == {
        "body.shoe_size": "extra_forbidden"
    }


def test_dates_outside_a_working_life_are_refused(client, admin, session):
    spell = {"swe_number": "SW1", "council": BIRMINGHAM, "start_date": "1900-01-01", "end_date": "2999-01-01"}
    assert field_errors(client.post(EMPLOYMENTS, json=spell, headers=admin)) == {
        "body.start_date": "date_out_of_range",
        "body.end_date": "date_out_of_range",
    }
    future_birth = {"swe_number": "SW1", "council": BIRMINGHAM, "birth_date": f"{date.today().year + 1}-01-01"}
    assert field_errors(client.post(WORKERS, json=future_birth, headers=admin)) == {
        "body.birth_date": "date_out_of_range"
    }
    assert count(session, Worker) == count(session, Employment) == 0


# --- Pure rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "allowed"),
    [
        (None, True),
        ('"3"', True),
        ('"2", "3"', True),
        ("*", True),
        ('"2"', False),
        ('W/"3"', False),
        ("3", False),
    ],
)
def test_if_match_compares_strongly_against_the_current_version(header, allowed):
    assert if_match_allows(3, header) is allowed


@pytest.mark.parametrize(
    ("start", "end", "today", "years"),
    [
        (date(2022, 11, 1), None, date(2024, 5, 1), [2023, 2024]),
        (date(2022, 9, 30), None, date(2022, 10, 1), [2022, 2023]),
        (date(2021, 5, 1), date(2023, 3, 31), date(2026, 1, 1), [2021, 2022, 2023]),
        (date(2025, 11, 3), None, date(2025, 5, 1), [2026]),  # a starter agreed for next census year
    ],
)
def test_an_api_spell_is_held_from_its_start_year_to_its_end_or_todays_year(start, end, today, years):
    assert list(api_census_years(start, end, today)) == years


def test_an_api_spell_is_not_written_into_a_year_whose_census_return_was_imported(client, admin, auth):
    from tests.placements.factory import person, xml_return

    imported = client.post(
        "/v1/placements/imports",
        params={"census_year": 2024, "council": BIRMINGHAM},
        files={"file": ("r.xml", xml_return(2024, BIRMINGHAM, [person(1)]))},
        headers=admin,
    )
    assert imported.status_code == 201
    employment = new_employment(client, admin, swe_number="SW2002", start="2022-11-01")
    years = [year["census_year"] for year in employment["years"]]
    assert 2024 not in years  # the DfE has taken 2024's figures from that return: they stay as they were
    assert years == [y for y in range(2023, CURRENT_YEAR + 1) if y != 2024]
