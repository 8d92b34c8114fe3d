"""The takeover, step by step, through the gateway of the real platform: council B (332) knows only the SWE
number of a worker council A (331) employs, and tries everything the first version let it do. Nothing B does
changes a byte of what A reads, and no answer to B holds anything A recorded.

(On the first version: B's spell "took over" the worker; B then read the birth date and ethnicity A
recorded and the career record with its evidence, changed the birth date and the level, and changed the
SWE number so that A's own career record answered 404. POST /workers told B the number was held.)"""

import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest

from tests.e2e.harness import Platform, bearer_for, own_database, running_platform

A, B = "331", "332"  # Coventry, Dudley
SWE = "SW3310001"
BIRTH_DATE, ETHNICITY, INSTITUTION = "1981-07-14", "MWAS", "Coventry University"
TODAY = date.today()


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    folder = tmp_path_factory.mktemp("e2e-tenancy")
    with own_database(folder) as database_url, running_platform(database_url, folder) as platform:
        yield platform


def council_client(platform: Platform, council: str) -> httpx.Client:
    made = platform.cli("clients", "create", "--role", "council_hr", "--council", council)
    headers = bearer_for(
        platform.gateway,
        grant_type="client_credentials",
        client_id=made["client_id"],
        client_secret=made["client_secret"],
    )
    return httpx.Client(base_url=platform.gateway, headers=headers, timeout=30)


@pytest.fixture(scope="module")
def council_a(platform: Platform) -> Iterator[httpx.Client]:
    with council_client(platform, A) as client:
        yield client


@pytest.fixture(scope="module")
def council_b(platform: Platform) -> Iterator[httpx.Client]:
    with council_client(platform, B) as client:
        yield client


@pytest.fixture(scope="module")
def worker(platform: Platform, council_a: httpx.Client) -> Iterator[httpx.Client]:
    """A's worker: A's record with personal data, a permanent spell since 2019, a career record; the worker's
    own evidence and a draft application, made with their own account."""
    record = council_a.post(
        "/v1/placements/workers",
        json={"swe_number": SWE, "birth_date": BIRTH_DATE, "ethnicity": ETHNICITY, "qual_inst": INSTITUTION},
    )
    assert record.status_code == 201, record.text
    spell = {"swe_number": SWE, "council": A, "start_date": "2019-03-04", "org_role": 5, "fte": "1"}
    assert council_a.post("/v1/placements/employments", json=spell).status_code == 201
    career = {"swe_number": SWE, "level": "social_worker", "effective_on": "2020-03-01"}
    created = council_a.post("/v1/careers/workers", json=career)
    assert created.status_code == 201, created.text
    account = platform.cli("users", "create", "--username", "sw.3310001", "--role", "social_worker",
                           "--council", A, "--worker", SWE)  # fmt: skip
    headers = bearer_for(platform.gateway, grant_type="password", username=account["username"],
                         password=account["password"])  # fmt: skip
    with httpx.Client(base_url=platform.gateway, headers=headers, timeout=30) as own:
        evidence = own.post(
            "/v1/careers/me/evidence",
            json={"kind": "reflective_account", "title": "A hard case, looked back on", "dated_on": "2026-01-10"},
        )
        assert evidence.status_code == 201, evidence.text
        draft = own.post("/v1/careers/me/applications", json={"level": "experienced", "statement": "Ready."})
        assert draft.status_code == 201, draft.text
        yield own


def what_a_reads(council_a: httpx.Client) -> dict[str, object]:
    """Everything council A reads about its worker, as raw answers."""
    [record] = council_a.get("/v1/placements/workers", params={"swe_number": SWE}).json()["items"]
    paths = [
        f"/v1/placements/workers/{record['id']}",
        f"/v1/placements/employments?swe_number={SWE}",
        f"/v1/careers/workers/{SWE}",
        f"/v1/careers/workers/{SWE}/next-step",
        f"/v1/careers/workers/{SWE}/evidence",
        f"/v1/careers/workers/{SWE}/applications",
    ]
    answers = {}
    for path in paths:
        answer = council_a.get(path)
        assert answer.status_code == 200, (path, answer.text)
        answers[path] = answer.json()
    return answers


def test_nothing_council_b_does_changes_what_council_a_reads_or_shows_b_what_a_recorded(
    worker: httpx.Client, council_a: httpx.Client, council_b: httpx.Client
) -> None:
    before = what_a_reads(council_a)
    [a_record] = council_a.get("/v1/placements/workers", params={"swe_number": SWE}).json()["items"]
    a_record_id = a_record["id"]
    next_month = (TODAY + timedelta(days=31)).isoformat()
    missing = council_b.get(f"/v1/placements/workers/{uuid.uuid4()}")
    missing_career = council_b.get("/v1/careers/workers/SW999999999")
    answers: list[httpx.Response] = []

    def b(method: str, path: str, **kwargs) -> httpx.Response:
        answer = council_b.request(method, path, **kwargs)
        answers.append(answer)
        return answer

    # B records the number: its own record, exactly as for a number nobody holds.
    own = b("POST", "/v1/placements/workers", json={"swe_number": SWE})
    fresh = b("POST", "/v1/placements/workers", json={"swe_number": "SW3329999"})
    assert (own.status_code, fresh.status_code) == (201, 201)
    assert own.json().keys() == fresh.json().keys()
    assert own.json()["id"] != a_record_id
    # The spells the first version's takeover began with: agency from next month, then permanent from today.
    agency = {"swe_number": SWE, "council": B, "start_date": next_month, "agency": True, "org_role": 6}
    assert b("POST", "/v1/placements/employments", json=agency).status_code == 201
    permanent = {"swe_number": SWE, "council": B, "start_date": TODAY.isoformat(), "org_role": 5}
    assert b("POST", "/v1/placements/employments", json=permanent).status_code == 201

    # Reading what A recorded: a plain 404, the same as for nothing at all, or only B's own.
    assert b("GET", f"/v1/placements/workers/{a_record_id}").json() == missing.json()
    listed = b("GET", "/v1/placements/workers", params={"swe_number": SWE}).json()["items"]
    assert [item["id"] for item in listed] == [own.json()["id"]]
    spells = b("GET", "/v1/placements/employments", params={"swe_number": SWE}).json()["items"]
    assert {spell["council"] for spell in spells} == {B}
    for path in ("", "/next-step", "/evidence", "/applications", "/cpd"):
        answer = b("GET", f"/v1/careers/workers/{SWE}{path}")
        assert answer.status_code == 404, (path, answer.text)
        assert answer.json() == missing_career.json()

    # Changing what A recorded: 404 for A's record; B's own record and the career record stay apart.
    assert b("PATCH", f"/v1/placements/workers/{a_record_id}", json={"birth_date": "1990-01-01"}).status_code == 404
    assert b("POST", f"/v1/placements/workers/{a_record_id}/swe-number-corrections",
             json={"swe_number": "SW3329998"}).status_code == 404  # fmt: skip
    assert (
        b("PATCH", f"/v1/placements/workers/{own.json()['id']}", json={"birth_date": "1990-01-01"}).status_code == 200
    )
    corrected = b("POST", f"/v1/placements/workers/{own.json()['id']}/swe-number-corrections",
                  json={"swe_number": "SW3329997"})  # fmt: skip
    assert corrected.status_code == 200, corrected.text
    level = {"level": "strategic", "effective_on": TODAY.isoformat(), "reason": "recruitment"}
    assert b("POST", f"/v1/careers/workers/{SWE}/levels", json=level).status_code == 404
    start = {"swe_number": SWE, "level": "strategic", "effective_on": TODAY.isoformat()}
    assert b("POST", "/v1/careers/workers", json=start).status_code == 404

    assert what_a_reads(council_a) == before
    assert worker.get("/v1/careers/me").status_code == 200
    for answer in answers:
        assert answer.status_code < 500, answer.text
        for value in (BIRTH_DATE, ETHNICITY, INSTITUTION, a_record_id):
            assert value not in answer.text, (answer.request.url, value)
