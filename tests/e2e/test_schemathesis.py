"""schemathesis over the whole platform's OpenAPI, through the gateway of the real processes (`futuresocial up`),
as an academy admin and as council HR: no request gets a server error, and every answer is one its operation
documents (status, content type and body schema). Then the probes that once answered 5xx, one by one.

The document is the one the gateway serves at /openapi.json (each app's own document merged by gateway.docs),
built here from the apps so the operations are known when pytest collects. Bounded for CI: a few examples per
operation on top of schemathesis' boundary cases, no shrinking (a failure shows the first input that failed),
no example database, no deadline (schemathesis sets none), and a fixed seed so a run can be repeated;
FUTURESOCIAL_SCHEMATHESIS_SEED picks another to explore further.
"""

import itertools
import json
import os
import uuid
from collections.abc import Iterator
from datetime import date

import httpx
import pytest
import requests
import schemathesis
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from futuresocial.cli import openapi_documents
from gateway.docs import merge_openapi
from services.analytics.extracts.schemas import last_ended_census_year
from services.common.settings import SERVICE_NAMES
from tests.e2e.harness import COUNCIL, Platform, assert_problem, own_database, running_platform
from tests.e2e.journeys import applying_to_progress, hr_token, logging_cpd, prepare
from tests.placements.factory import census_records, xml_return

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 5
SEED = int(os.environ.get("FUTURESOCIAL_SCHEMATHESIS_SEED", "20261202"))
ENDED_YEAR = last_ended_census_year(date.today())
ROLES = ("academy_admin", "council_hr")
# uvicorn answers a request whose framing headers are garbage (a generated Transfer-Encoding, say) itself, in
# plain text, before any code of ours runs: that answer is HTTP's, not the API's, so such headers are not sent.
FRAMING_HEADERS = frozenset({"connection", "content-length", "expect", "host", "te", "transfer-encoding", "upgrade"})


def platform_document() -> dict:
    documents = {name: json.loads(text) for name, text in openapi_documents().items()}
    return merge_openapi(documents["gateway"], {name: documents[name] for name in SERVICE_NAMES})


CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "request-timeout": 30,  # a hang fails the case instead of the run
        "generation": {"max-examples": MAX_EXAMPLES, "no-shrink": True, "database": "none"},
        "phases": {"stateful": {"enabled": False}},  # each operation on its own: bounded, and a failure names one
    }
)
# The gateway's /health and /ready answer 503 by design whenever a service is slow to answer its own probe,
# which is what they are for; tests/e2e/test_platform.py checks them, and a busy CI machine must not fail here.
schema = schemathesis.openapi.from_dict(platform_document(), config=CONFIG).exclude(path=["/health", "/ready"])

KNOWN: dict[str, str] = {}  # a path parameter's name -> the id of something the set-up made
_turn = itertools.count()


def _ids_under(node, key: str) -> list[str]:
    """Every "id" of the objects listed under `key`, anywhere in a JSON answer."""
    found = []
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key and isinstance(value, list):
                found += [item["id"] for item in value if isinstance(item, dict) and "id" in item]
            found += _ids_under(value, key)
    elif isinstance(node, list):
        for item in node:
            found += _ids_under(item, key)
    return found


def _expect(answer: httpx.Response, *statuses: int) -> dict:
    assert answer.status_code in statuses, f"setting up: {answer.request.method} {answer.request.url}: {answer.text}"
    return answer.json()


def _seed(platform: Platform) -> dict[str, dict[str, str]]:
    """Something of each kind for the cases to find (a worker in post with a career record, an application, CPD,
    evidence, a census import, a cohort and an applicant, an opportunity, a local grade, an extract), and a token
    for each role, fetched now: the cases send the token endpoint enough to be refused for a while."""
    census = xml_return(ENDED_YEAR, COUNCIL, census_records(5, ENDED_YEAR))
    upload = {"file": (f"csww-{COUNCIL}-{ENDED_YEAR}.xml", census, "application/xml")}
    # Before the set-up records a spell at the council: a return without it would remove it (and be refused).
    imported = httpx.post(
        f"{platform.gateway}/v1/placements/imports", params={"census_year": ENDED_YEAR}, files=upload,
        headers=hr_token(platform), timeout=60,
    )  # fmt: skip
    imported = _expect(imported, 201)
    setup = prepare(platform, social_workers=1, host_places=5)
    worker = setup.social_workers[0]
    with setup.caller(worker.headers, "social worker") as caller:
        applied = applying_to_progress(caller, worker.swe_number, setup.progression_level, setup.evidence_kinds)
        logged = logging_cpd(caller, worker.swe_number, records=1)
    assert applied.finished and logged.finished, f"setting up: {applied.answers[-1]} / {logged.answers[-1]}"
    admin, hr = setup.admin_headers, setup.hr_headers
    opportunity = {
        "kind": "secondment",
        "title": "Practice educator secondment",
        "description": "Two days a week.",
        "council": COUNCIL,
        "level": setup.progression_level,
        "closing_on": str(date(ENDED_YEAR + 3, 1, 31)),
    }
    with httpx.Client(base_url=platform.gateway, timeout=60) as http:
        applicant = {"name": "Robin Returner", "email": f"returner-{uuid.uuid4().hex[:8]}@example.org"}
        applicant = _expect(http.post("/v1/returners/applicants", json=applicant, headers=admin), 201)
        extract = {"kind": "retention", "census_year": ENDED_YEAR}
        extract = _expect(http.post("/v1/analytics/extracts", json=extract, headers=admin), 201)
        opportunity = _expect(http.post("/v1/careers/opportunities", json=opportunity, headers=hr), 201)
        grade = {"council": COUNCIL, "name": "SW2", "level": "social_worker"}
        grade = _expect(http.post("/v1/careers/local-grades", json=grade, headers=hr), 201)
        framework = _expect(http.get("/v1/careers/framework", headers=admin), 200)
        evidence = _expect(http.get("/v1/careers/me/evidence", headers=worker.headers), 200)
        employments = _expect(http.get("/v1/placements/employments", headers=hr), 200)["items"]
    KNOWN.update(
        swe_number=worker.swe_number,
        council=COUNCIL,
        application_id=applied.facts["application_id"],
        cpd_id=logged.facts["cpd_ids"][0],
        evidence_id=evidence["items"][0]["id"],
        cohort_id=setup.cohort_id,
        applicant_id=applicant["id"],
        import_id=imported["id"],
        extract_id=extract["id"],
        employment_id=employments[0]["id"],
        worker_id=employments[0]["worker_id"],
        opportunity_id=opportunity["id"],
        grade_id=grade["id"],
        level_id=_ids_under(framework, "levels")[0],
        pathway_id=_ids_under(framework, "pathways")[0],
        requirement_id=_ids_under(framework, "requirements")[0],
        standard_id=_ids_under(framework, "kss_standards")[0],
        domain_id=_ids_under(framework, "pcf_domains")[0],
    )
    return {"academy_admin": admin, "council_hr": hr_token(platform)}


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Platform, dict[str, dict[str, str]]]]:
    folder = tmp_path_factory.mktemp("e2e-schemathesis")
    # The limits are not under test here, and would otherwise answer most cases 429 before they reach a service.
    env = {
        "FUTURESOCIAL_API_RATE_LIMIT": "1000000/minute",
        "FUTURESOCIAL_RETURNERS_ENQUIRY_RATE_PER_IP": "1000000/hour",
        "FUTURESOCIAL_RETURNERS_ENQUIRY_RATE_PER_EMAIL": "1000000/day",
    }
    with own_database(folder) as database_url, running_platform(database_url, folder, env=env) as running:
        yield running, _seed(running)


@pytest.fixture(scope="module", params=ROLES)
def caller(request: pytest.FixtureRequest, platform) -> Iterator[tuple[Platform, requests.Session]]:
    running, tokens = platform
    with requests.Session() as http:
        http.headers.update(tokens[request.param])
        yield running, http


def _logged_error(platform: Platform, request_id: str) -> str:
    """Where the request failed inside the platform, from the error its processes logged for it."""
    for line in (platform.folder / "up.out").read_text(errors="replace").splitlines():
        if request_id in line and '"unhandled error"' in line:
            trace = json.loads(line).get("exception", "").strip().splitlines()
            ours = [
                frame.strip() for frame in trace if frame.strip().startswith('File "/') and "-packages/" not in frame
            ]
            return f"{ours[-1] if ours else '?'}: {trace[-1] if trace else '?'}"
    return "no unhandled error logged for it"


def _as_sent(case) -> None:
    """Every other case asks for something that exists, by the ids the set-up made (a generated UUID never
    does); the rest keep what was generated. Framing headers are taken out (FRAMING_HEADERS says why)."""
    if next(_turn) % 2 == 0:
        for name in case.path_parameters or {}:
            if name in KNOWN:
                case.path_parameters[name] = KNOWN[name]
    for name in [name for name in case.headers or {} if name.lower() in FRAMING_HEADERS]:
        del case.headers[name]


@schema.parametrize()
def test_no_request_gets_a_server_error_or_an_answer_its_operation_does_not_document(case, caller) -> None:
    running, http = caller
    _as_sent(case)
    request_id = f"schemathesis-{uuid.uuid4().hex}"
    try:
        case.call_and_validate(
            base_url=running.gateway, session=http, headers={"X-Request-ID": request_id}, checks=CHECKS
        )
    except BaseException:  # schemathesis' FailureGroup is a BaseExceptionGroup
        print(f"{case.method} {case.formatted_path} [{request_id}]: {_logged_error(running, request_id)}")
        raise


# --- The probes that once answered 5xx (issue 11), each a 4xx problem now ------------------------------------------

PROBES = [
    pytest.param("GET", "/v1/careers/applications/%17", {}, None, 422, id="a-control-character-in-an-id"),
    *(
        pytest.param("GET", path, {"offset": "9223372036854775808"}, None, 422, id=f"offset-past-int64-{path}")
        for path in (
            "/v1/careers/applications",
            "/v1/careers/opportunities",
            "/v1/placements/employments",
            "/v1/placements/workers",
            "/v1/returners/cohorts",
            "/v1/returners/applicants",
            "/v1/analytics/extracts",
        )
    ),
    pytest.param(
        "GET", "/v1/placements/exports/census.csv", {"census_year": "2025", "council": "३३०"}, None, 422,
        id="a-non-ascii-council-on-the-census-csv-export",
    ),
    pytest.param(
        "GET", "/v1/placements/exports/census.xml", {"census_year": "2025", "council": "३३०"}, None, 422,
        id="a-non-ascii-council-on-the-census-xml-export",
    ),
    pytest.param(
        "POST", "/v1/analytics/extracts", {}, {"kind": "csww", "census_year": 2030, "council": COUNCIL}, 422,
        id="a-return-for-2030",
    ),
    pytest.param(
        "POST", "/v1/analytics/extracts", {}, {"kind": "retention", "census_year": 2068}, 422, id="retention-2068"
    ),
    pytest.param(
        "POST", "/v1/analytics/extracts", {}, {"kind": "csww", "census_year": ENDED_YEAR, "council": "999"}, 422,
        id="a-return-for-council-999",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "params", "body", "status"), PROBES)
def test_a_probe_that_once_answered_5xx_answers_a_4xx_problem(platform, method, path, params, body, status) -> None:
    running, tokens = platform
    answer = httpx.request(
        method, f"{running.gateway}{path}", params=params, json=body, headers=tokens["academy_admin"], timeout=30
    )
    assert_problem(answer, status)


def test_renaming_a_cohort_to_another_cohorts_name_answers_a_409_problem(platform) -> None:
    running, tokens = platform
    with httpx.Client(base_url=running.gateway, headers=tokens["academy_admin"], timeout=30) as http:
        names = [f"Probe {uuid.uuid4().hex[:8]}" for _ in range(2)]
        opened = [
            _expect(
                http.post(
                    "/v1/returners/cohorts",
                    json={"name": name, "intake_opens": "2026-01-05", "intake_closes": "2026-03-31", "capacity": 5},
                ),
                201,
            )
            for name in names
        ]
        answer = http.patch(f"/v1/returners/cohorts/{opened[1]['id']}", json={"name": names[0]})
        assert_problem(answer, 409)
        assert http.get(f"/v1/returners/cohorts/{opened[1]['id']}").json()["name"] == names[1]
