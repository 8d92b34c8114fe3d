"""The tenancy matrix, generated from the OpenAPI documents: for every operation with a resource's id in its path
and every principal who does not own that resource (another council's HR, another social worker, the DfE, and
for a social worker's records a council that employed them once), a request for the owned id answers exactly
like one for a missing id (same status, body and headers), never 2xx and never 5xx; afterwards the owner reads
what it read before. Academy staff and services see the whole region by design, so they own everything.

A new operation on a known kind of id joins the matrix with no new line here. A new kind of id fails
test_every_id_in_a_path_has_an_owner_or_is_shared_reference_data until its owner is registered below
(`@owner_of`), or it is named as shared reference data in EXCLUDED with the reason."""

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from gateway.app import create_gateway
from gateway.credentials import create_user
from services.analytics.app import app as analytics_app
from services.analytics.placements_client import placements_client as analytics_placements
from services.careers.app import app as careers_app
from services.careers.placements_client import placements_client as careers_placements
from services.common.auth import Role
from services.placements.app import app as placements_app
from services.returners.app import app as returners_app
from services.returners.placements_client import placements_client as returners_placements
from tests.conftest import bearer
from tests.placements.factory import person, xml_return

TODAY = date.today()
A, B, FORMER = "331", "332", "330"  # Coventry, Dudley, Birmingham
SWE_A, SWE_B = "SW3310101", "SW3320202"

# --- The operations -----------------------------------------------------------------------------------------

APPS: dict[str, FastAPI] = {
    "careers": careers_app,
    "placements": placements_app,
    "returners": returners_app,
    "analytics": analytics_app,
    "auth": create_gateway(),  # the gateway serves /v1/auth itself
}

# Path parameters that name no one's resource: reference data of the whole region, which every role reads and
# no council or worker owns. They are not in the matrix; another parameter beside them still is.
EXCLUDED: dict[str, str] = {
    "level_id": "the career framework's levels: regional reference data, the same for everyone",
    "pathway_id": "the career framework's pathways: regional reference data",
    "requirement_id": "what each level of the framework needs: regional reference data",
    "domain_id": "the nine PCF domains: national reference data",
    "standard_id": "the post-qualifying KSS standards: national reference data",
    "council": "councils (DfE LA codes): reference data; beside another id it takes the owner's council",
}


@dataclass(frozen=True)
class Operation:
    app: str
    method: str
    path: str
    params: tuple[str, ...]
    body_schema: dict[str, Any] | None

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    def url(self, values: dict[str, str]) -> str:
        return self.path.format(**values)


def _operations() -> list[Operation]:
    found = []
    for name, app in APPS.items():
        document = app.openapi()
        for path, methods in document["paths"].items():
            if name == "auth" and not path.startswith("/v1/auth/"):
                continue  # the gateway's copies of the services' paths
            for method, spec in methods.items():
                params = tuple(p["name"] for p in spec.get("parameters", []) if p["in"] == "path")
                if not params:
                    continue
                content = spec.get("requestBody", {}).get("content", {})
                schema = content["application/json"]["schema"] if "application/json" in content else None
                if content and schema is None:
                    schema = {"x-unsupported": sorted(content)}
                found.append(Operation(name, method.upper(), path, params, schema))
    return sorted(found, key=lambda op: (op.path, op.method))


OPERATIONS = _operations()
ID_KINDS = sorted({param for op in OPERATIONS for param in op.params} - EXCLUDED.keys())

# --- Who calls ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Who:
    name: str
    role: str
    council: str | None = None
    worker: str | None = None


ACADEMY = Who("academy staff", "academy_admin")
COUNCIL_A_HR = Who("council A's HR (331)", "council_hr", council=A)
COUNCIL_B_HR = Who("council B's HR (332)", "council_hr", council=B)
FORMER_EMPLOYER_HR = Who("council 330's HR, social worker A's employer until 2018", "council_hr", council=FORMER)
WORKER_A = Who("social worker A", "social_worker", council=A, worker=SWE_A)
WORKER_B = Who("social worker B", "social_worker", council=B, worker=SWE_B)
DFE = Who("the DfE", "dfe")

# Another council, another social worker and the DfE try every resource; a social worker's own records are
# also tried by a council that employed them once but does not now.
NOT_A_COUNCILS = (COUNCIL_B_HR, WORKER_B, DFE)
NOT_A_WORKERS = (COUNCIL_B_HR, FORMER_EMPLOYER_HR, WORKER_B, DFE)

# (operation, role): reached across owners by design, so not compared with a missing id (and not called, as
# some would legitimately change what the owner reads). Each must name an operation that exists.
SHARED: dict[tuple[str, str], tuple[frozenset[str], str]] = {
    ("GET", "/v1/careers/opportunities/{opportunity_id}"): (
        frozenset({"council_hr", "social_worker"}),
        "a council posts an opportunity for the whole region to browse",
    ),
    ("POST", "/v1/careers/opportunities/{opportunity_id}/interest"): (
        frozenset({"social_worker"}),
        "any social worker in the region registers interest in any council's opportunity",
    ),
    ("GET", "/v1/returners/cohorts/{cohort_id}"): (
        frozenset({"council_hr"}),
        "cohorts are the academy's regional programme: every member council reads them to offer host places",
    ),
    ("GET", "/v1/returners/cohorts/{cohort_id}/host-offers"): (
        frozenset({"council_hr"}),
        "a council reads its own host offers in any cohort (and none of another council's)",
    ),
}

# --- The platform, in-process -------------------------------------------------------------------------------


class Platform:
    """The four services bound to the test's session; careers, returners and analytics reach placements
    in-process with a service token, as they do over HTTP in production."""

    def __init__(self, app_client: Callable[[FastAPI], TestClient], session: Session):
        self.session = session  # for what only the CLI makes: people's accounts
        self.clients = {name: app_client(app) for name, app in APPS.items() if name != "auth"}
        self._app_client = app_client
        behind = app_client(placements_app)
        behind.headers.update(bearer("service", subject="tenancy-matrix-service"))
        careers_app.dependency_overrides[careers_placements] = lambda: behind
        returners_app.dependency_overrides[returners_placements] = lambda: behind
        analytics_app.dependency_overrides[analytics_placements] = lambda: behind
        self._headers: dict[Who, dict[str, str]] = {}

    def headers(self, who: Who) -> dict[str, str]:
        if who not in self._headers:
            self._headers[who] = bearer(
                who.role, council=who.council, worker=who.worker, subject=who.name.split(" (")[0].replace(" ", "-")
            )
        return self._headers[who]

    def call(self, who: Who, method: str, url: str, body: Any = None, **kwargs) -> httpx.Response:
        service = url.split("/")[2]
        if service not in self.clients:  # the gateway's own paths, opened only when it has one with an id
            self.clients[service] = self._app_client(APPS[service])
        return self.clients[service].request(method, url, json=body, headers=self.headers(who), **kwargs)

    def made(self, who: Who, method: str, url: str, body: Any = None, expect: int = 201, **kwargs) -> dict:
        answer = self.call(who, method, url, body, **kwargs)
        assert answer.status_code == expect, (who.name, method, url, answer.text)
        return answer.json()


# --- Owners: one factory per kind of id ---------------------------------------------------------------------


@dataclass
class Owned:
    """One resource as its owner made it through the API."""

    id: str
    owner: str  # who owns it, in words
    readers: tuple[Who, ...]  # who may read it: the owner and those the tenancy model lets in
    others: tuple[Who, ...]  # everyone the matrix tries it as
    context: dict[str, str] = field(default_factory=dict)  # other path parameters and body fields, as the owner
    listed_in: tuple[tuple[Who, str], ...] = ()  # lists in which its owner sees it


@dataclass(frozen=True)
class Kind:
    make: Callable[[Platform], Owned]
    missing: Callable[[], str]  # an id of the same shape that nobody holds


OWNERS: dict[str, Kind] = {}


def _fresh_uuid() -> str:
    return str(uuid.uuid4())


def _unheld_swe_number() -> str:
    return f"SW99{uuid.uuid4().int % 10**7:07d}"


def owner_of(*kinds: str, missing: Callable[[], str] = _fresh_uuid):
    def register(make: Callable[[Platform], Owned]) -> Callable[[Platform], Owned]:
        for kind in kinds:
            OWNERS[kind] = Kind(make, missing)
        return make

    return register


def _social_worker_a(p: Platform) -> None:
    """Council A's record of social worker A with personal data and a permanent spell since 2019, council
    330's spell that ended in 2018, council B's own record of the same number, and the career record council
    A started as their employer."""
    record = {"swe_number": SWE_A, "birth_date": "1981-07-14", "ethnicity": "MWAS", "qual_inst": "Coventry University"}
    p.made(COUNCIL_A_HR, "POST", "/v1/placements/workers", record)
    spell = {"swe_number": SWE_A, "council": A, "start_date": "2019-03-04", "org_role": 5, "fte": "1"}
    p.made(COUNCIL_A_HR, "POST", "/v1/placements/employments", spell)
    earlier = {"swe_number": SWE_A, "council": FORMER, "start_date": "2015-01-05", "end_date": "2018-12-31"}
    p.made(FORMER_EMPLOYER_HR, "POST", "/v1/placements/employments", earlier)
    p.made(COUNCIL_B_HR, "POST", "/v1/placements/workers", {"swe_number": SWE_A})
    career = {"swe_number": SWE_A, "level": "social_worker", "effective_on": "2020-03-01"}
    p.made(COUNCIL_A_HR, "POST", "/v1/careers/workers", career)


SOCIAL_WORKER_A_AND_EMPLOYER = (WORKER_A, COUNCIL_A_HR, ACADEMY)


@owner_of("swe_number", missing=_unheld_swe_number)
def career_record(p: Platform) -> Owned:
    _social_worker_a(p)
    return Owned(
        SWE_A, "social worker A", SOCIAL_WORKER_A_AND_EMPLOYER, NOT_A_WORKERS, listed_in=((WORKER_A, "/v1/careers/me"),)
    )


@owner_of("username", missing=lambda: f"nobody.{uuid.uuid4().hex[:8]}")
def user_account(p: Platform) -> Owned:
    """A person's account (made by the CLI): only academy staff manage it."""
    username = f"someone.{uuid.uuid4().hex[:8]}"
    create_user(p.session, username=username, role=Role.council_hr, council=A)
    p.session.commit()
    return Owned(username, "academy staff", (ACADEMY,), (COUNCIL_A_HR, COUNCIL_B_HR, WORKER_B, DFE))


@owner_of("cpd_id")
def cpd_record(p: Platform) -> Owned:
    _social_worker_a(p)
    body = {"activity_on": TODAY.isoformat(), "hours": "3", "kind": "course", "title": "Trauma-informed practice"}
    made = p.made(WORKER_A, "POST", "/v1/careers/me/cpd", body)
    listed = ((WORKER_A, "/v1/careers/me/cpd"), (COUNCIL_A_HR, f"/v1/careers/workers/{SWE_A}/cpd"))
    return Owned(made["id"], "social worker A", (WORKER_A,), NOT_A_WORKERS, listed_in=listed)


@owner_of("evidence_id")
def evidence(p: Platform) -> Owned:
    _social_worker_a(p)
    body = {"kind": "reflective_account", "title": "A hard case, looked back on", "dated_on": TODAY.isoformat()}
    made = p.made(WORKER_A, "POST", "/v1/careers/me/evidence", body)
    listed = ((WORKER_A, "/v1/careers/me/evidence"), (COUNCIL_A_HR, f"/v1/careers/workers/{SWE_A}/evidence"))
    return Owned(made["id"], "social worker A", (WORKER_A,), NOT_A_WORKERS, listed_in=listed)


@owner_of("application_id")
def progression_application(p: Platform) -> Owned:
    _social_worker_a(p)
    made = p.made(WORKER_A, "POST", "/v1/careers/me/applications", {"level": "experienced", "statement": "Ready."})
    listed = ((WORKER_A, "/v1/careers/me/applications"),)
    return Owned(made["id"], "social worker A", SOCIAL_WORKER_A_AND_EMPLOYER, NOT_A_WORKERS, listed_in=listed)


@owner_of("grade_id")
def local_grade(p: Platform) -> Owned:
    made = p.made(COUNCIL_A_HR, "POST", "/v1/careers/local-grades", {"name": "Grade 7", "level": "social_worker"})
    listed = ((COUNCIL_A_HR, f"/v1/careers/local-grades?council={A}"),)
    return Owned(made["id"], "council A", (COUNCIL_A_HR, ACADEMY), NOT_A_COUNCILS, {"council": A}, listed)


@owner_of("opportunity_id")
def opportunity(p: Platform) -> Owned:
    closing = (TODAY + timedelta(days=60)).isoformat()
    body = {
        "kind": "secondment",
        "title": "Practice educator secondment",
        "level": "experienced",
        "closing_on": closing,
        "description": "Two days a week with the university.",
    }
    made = p.made(COUNCIL_A_HR, "POST", "/v1/careers/opportunities", body)
    p.made(WORKER_A, "POST", f"/v1/careers/opportunities/{made['id']}/interest", {"note": "Keen."})
    return Owned(made["id"], "council A", (COUNCIL_A_HR, ACADEMY), NOT_A_COUNCILS, {"council": A})


@owner_of("worker_id")
def workforce_record(p: Platform) -> Owned:
    _social_worker_a(p)
    [record] = p.made(COUNCIL_A_HR, "GET", f"/v1/placements/workers?swe_number={SWE_A}", expect=200)["items"]
    readers = (COUNCIL_A_HR, WORKER_A, ACADEMY)
    return Owned(record["id"], "council A", readers, NOT_A_COUNCILS, {"council": A})


@owner_of("employment_id")
def spell(p: Platform) -> Owned:
    _social_worker_a(p)
    [spell] = p.made(COUNCIL_A_HR, "GET", f"/v1/placements/employments?swe_number={SWE_A}", expect=200)["items"]
    readers = (COUNCIL_A_HR, WORKER_A, ACADEMY)
    return Owned(spell["id"], "council A", readers, NOT_A_COUNCILS, {"council": A})


def _census_return_of_council_a(p: Platform, year: int) -> dict:
    census = xml_return(year, A, [person(3310201), person(3310202, agency_worker=True)])
    answer = p.call(
        COUNCIL_A_HR, "POST", f"/v1/placements/imports?census_year={year}", files={"file": ("a.xml", census)}
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


@owner_of("import_id")
def census_import(p: Platform) -> Owned:
    made = _census_return_of_council_a(p, TODAY.year - 1)
    listed = ((COUNCIL_A_HR, "/v1/placements/imports"),)
    return Owned(made["id"], "council A", (COUNCIL_A_HR, ACADEMY), NOT_A_COUNCILS, {"council": A}, listed)


@owner_of("extract_id")
def census_extract(p: Platform) -> Owned:
    """Council A's census return as extracted for the DfE: the DfE and council A read it, no other council."""
    year = TODAY.year - 1
    _census_return_of_council_a(p, year)
    made = p.made(ACADEMY, "POST", "/v1/analytics/extracts", {"kind": "csww", "census_year": year, "council": A})
    return Owned(made["id"], "council A", (COUNCIL_A_HR, DFE, ACADEMY), (COUNCIL_B_HR, WORKER_B))


def _cohort_with_council_a_hosting(p: Platform) -> str:
    cohort = {
        "name": "Return to Social Work, spring",
        "intake_opens": (TODAY - timedelta(days=60)).isoformat(),
        "intake_closes": (TODAY + timedelta(days=60)).isoformat(),
        "capacity": 20,
        "min_years_away": 2,
        "max_years_away": 10,
        "min_statutory_practice_years": "2",
    }
    cohort_id = p.made(ACADEMY, "POST", "/v1/returners/cohorts", cohort)["id"]
    p.made(COUNCIL_A_HR, "POST", f"/v1/returners/cohorts/{cohort_id}/host-offers", {"council": A, "places": 2})
    return cohort_id


@owner_of("cohort_id")
def cohort(p: Platform) -> Owned:
    cohort_id = _cohort_with_council_a_hosting(p)
    return Owned(cohort_id, "the academy", (ACADEMY, COUNCIL_A_HR), NOT_A_COUNCILS, {"council": A})


@owner_of("applicant_id")
def returner(p: Platform) -> Owned:
    """A returner the academy took on and placed with council A as host."""
    cohort_id = _cohort_with_council_a_hosting(p)
    enquiry = {"name": "Ada Returner", "email": "ada.returner@example.org", "region": "West Midlands"}
    applicant_id = p.made(ACADEMY, "POST", "/v1/returners/applicants", enquiry)["id"]
    application = {
        "cohort_id": cohort_id,
        "registration_number": "SW000123",
        "date_last_practised": (TODAY - timedelta(days=4 * 365 + 30)).isoformat(),
        "date_left_register": (TODAY - timedelta(days=4 * 365)).isoformat(),
        "years_statutory_practice": "3",
    }
    p.made(ACADEMY, "POST", f"/v1/returners/applicants/{applicant_id}/application", application, expect=200)
    for action in ("shortlist", "assess", "offer"):
        p.made(ACADEMY, "POST", f"/v1/returners/applicants/{applicant_id}/transitions", {"action": action}, expect=200)
    p.made(ACADEMY, "POST", f"/v1/returners/applicants/{applicant_id}/host-placement", {"council": A})
    context = {"council": A, "cohort_id": cohort_id}
    return Owned(applicant_id, "the academy", (ACADEMY, COUNCIL_A_HR), NOT_A_COUNCILS, context)


# --- Bodies: what the owner would send ----------------------------------------------------------------------

# A change each write makes when its access check lets the wrong principal through; other bodies are generated
# from the operation's JSON schema (every required field, and for an update its first field).
EXAMPLES: dict[tuple[str, str], dict[str, Any]] = {
    ("PATCH", "/v1/placements/workers/{worker_id}"): {"birth_date": "1990-01-01", "ethnicity": "WBRI"},
    ("PATCH", "/v1/placements/employments/{employment_id}"): {"fte": "0.5"},
    ("PATCH", "/v1/careers/workers/{swe_number}"): {"qualified_on": "2018-07-01"},
    ("PATCH", "/v1/careers/local-grades/{grade_id}"): {"name": "Renamed grade"},
    ("PATCH", "/v1/careers/opportunities/{opportunity_id}"): {"title": "Renamed opportunity"},
    ("PATCH", "/v1/careers/applications/{application_id}"): {"statement": "Changed."},
    ("POST", "/v1/careers/applications/{application_id}/transitions"): {"action": "withdraw"},
    ("PATCH", "/v1/careers/me/cpd/{cpd_id}"): {"title": "Changed"},
    ("PATCH", "/v1/returners/cohorts/{cohort_id}"): {"capacity": 21},
    ("POST", "/v1/careers/workers/{swe_number}/asye-reviews"): {"month": 3, "outcome": "concerns"},
    ("POST", "/v1/returners/applicants/{applicant_id}/updating-activities"): {"kind": "formal_study"},
}
# Fields whose generated value would not be a real one.
FIELD_EXAMPLES: dict[str, Any] = {
    "swe_number": "SW3319999",  # a number nobody holds: the correction's new number
    "level": "strategic",  # the takeover's promotion
    "registration_number": "SW000123",
    "places": 3,
    "hours": "2",
}


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].split("/")[-1]]
    return schema


def generate(schema: dict[str, Any], components: dict[str, Any], name: str, context: dict[str, str]) -> Any:
    """A small valid value for a JSON schema: the owner's context or a known example first."""
    if name in context:
        return context[name]
    if name in FIELD_EXAMPLES:
        return FIELD_EXAMPLES[name]
    schema = _resolve(schema, components)
    if options := schema.get("anyOf") or schema.get("oneOf"):
        return generate(next(o for o in options if o.get("type") != "null"), components, name, context)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        chosen = schema.get("required") or list(properties)[:1]  # an update changes at least one field
        return {key: generate(properties[key], components, key, context) for key in chosen}
    if kind == "array":
        return [generate(schema["items"], components, name, context) for _ in range(schema.get("minItems", 0))]
    if kind == "boolean":
        return False
    if kind in ("integer", "number"):
        low = schema["minimum"] if "minimum" in schema else schema.get("exclusiveMinimum", 0) + 1
        return int(min(low, schema.get("maximum", low)))
    formats = {"date": TODAY.isoformat(), "date-time": f"{TODAY.isoformat()}T09:00:00Z", "uuid": _fresh_uuid()}
    if schema.get("format") in formats:
        return formats[schema["format"]]
    return "x" * max(schema.get("minLength", 1), 1)


def _models(base: type[BaseModel]) -> Iterator[type[BaseModel]]:
    for model in base.__subclasses__():
        yield model
        yield from _models(model)


def request_model(op: Operation) -> type[BaseModel]:
    """The service's own model of the request body, named by the OpenAPI document's reference to it."""
    name = op.body_schema.get("$ref", "").split("/")[-1]
    home = ("services.common", "gateway") if op.app == "auth" else ("services.common", f"services.{op.app}")
    found = {model for model in _models(BaseModel) if model.__name__ == name and model.__module__.startswith(home)}
    assert len(found) == 1, f"{op}: the body's model {name!r} is not one class of {home} ({found})"
    return found.pop()


def body_for(op: Operation, owned: Owned) -> Any:
    """The body the owner would send, valid by the operation's own model, so that a broken access check shows as
    a success instead of hiding behind a 422."""
    if op.body_schema is None:
        return None
    assert "x-unsupported" not in op.body_schema, f"{op}: add a body for {op.body_schema['x-unsupported']}"
    components = APPS[op.app].openapi()["components"]["schemas"]
    body = generate(op.body_schema, components, "body", owned.context) | EXAMPLES.get((op.method, op.path), {})
    try:
        request_model(op).model_validate_json(json.dumps(body))
    except ValidationError as exc:
        pytest.fail(f"{op}: the generated body {body} is invalid ({exc.errors()[0]}); add it to EXAMPLES")
    return body


# --- Comparing answers --------------------------------------------------------------------------------------

PER_REQUEST_HEADERS = {"x-request-id", "date"}


def answer(response: httpx.Response, ids: tuple[str, ...]) -> tuple[int, dict[str, str], str]:
    """What a caller learns from a response, with the id it sent written as {id} (an answer may echo it)."""
    text = response.text
    for sent in ids:
        text = text.replace(sent, "{id}")
    headers = {k: v for k, v in response.headers.items() if k not in PER_REQUEST_HEADERS and k != "content-length"}
    return response.status_code, headers, text


def what_the_owner_reads(p: Platform, owned: Owned, ops: list[Operation], values: dict[str, str]) -> dict:
    reads = [(who, op.url(values)) for op in ops if op.method == "GET" for who in owned.readers]
    reads += list(owned.listed_in)
    seen = {}
    for who, url in reads:
        response = p.call(who, "GET", url)
        seen[(who.name, url)] = (response.status_code, response.text)
    return seen


# --- The matrix ---------------------------------------------------------------------------------------------


def test_every_id_in_a_path_has_an_owner_or_is_shared_reference_data() -> None:
    unowned = {param: [str(op) for op in OPERATIONS if param in op.params] for param in ID_KINDS if param not in OWNERS}
    assert not unowned, f"register an owner factory (@owner_of) or an EXCLUDED reason for: {unowned}"
    named = set(OWNERS) | set(EXCLUDED)
    assert named <= {param for op in OPERATIONS for param in op.params}, "registered kinds no path has any more"
    assert set(SHARED) <= {(op.method, op.path) for op in OPERATIONS}, "SHARED names an operation that is gone"


# Reads first and deletes last, so that a leaking write or delete does not hide what the other operations say.
ORDER = {"GET": 0, "DELETE": 2}


def _pairs(kind: str, owned: Owned) -> Iterator[tuple[Operation, Who]]:
    for op in sorted(OPERATIONS, key=lambda op: ORDER.get(op.method, 1)):
        if kind in op.params:
            for who in owned.others:
                roles, _reason = SHARED.get((op.method, op.path), (frozenset(), ""))
                if who.role not in roles:
                    yield op, who


@pytest.mark.parametrize("kind", ID_KINDS)
def test_another_principals_request_answers_exactly_like_one_for_a_missing_id(kind: str, app_client, session) -> None:
    assert kind in OWNERS, f"no owner registered for {kind!r}: add an @owner_of factory or an EXCLUDED reason"
    p = Platform(app_client, session)
    owned = OWNERS[kind].make(p)
    values = owned.context | {kind: owned.id}
    ops = [op for op in OPERATIONS if kind in op.params]
    for op in ops:
        unnamed = set(op.params) - values.keys()
        assert not unnamed, f"{op}: the owner of {kind} names no value for {unnamed} (Owned.context)"

    before = what_the_owner_reads(p, owned, ops, values)
    for op in ops:
        if op.method == "GET":
            seen = {status for (who, url), (status, _) in before.items() if url == op.url(values)}
            assert 200 in seen, f"{op}: none of {[w.name for w in owned.readers]} reads the {kind} they own"
    for who, url in owned.listed_in:
        status, text = before[(who.name, url)]
        assert status == 200 and owned.id in text, f"{who.name} does not see their {kind} in {url}"

    leaks, pairs = [], list(_pairs(kind, owned))
    assert pairs, f"no operation on {kind} to try"
    for op, who in pairs:
        body = body_for(op, owned)
        missing_id = OWNERS[kind].missing()
        theirs = p.call(who, op.method, op.url(values), body)
        nobodys = p.call(who, op.method, op.url(values | {kind: missing_id}), body)
        # A 5xx is a failure too: it hides whatever the access check would have answered.
        if (
            answer(theirs, (owned.id,)) != answer(nobodys, (missing_id,))
            or theirs.status_code < 300
            or (theirs.status_code >= 500 or nobodys.status_code >= 500)
        ):
            leaks.append(
                f"{op} as {who.name}: {owned.owner}'s answers {theirs.status_code} {theirs.text[:300]!r}, "
                f"a missing one {nobodys.status_code} {nobodys.text[:300]!r}"
            )

    after = what_the_owner_reads(p, owned, ops, values)
    changed = [
        f"{who} reads {url} as {after[who, url]}, not {seen}"
        for (who, url), seen in before.items()
        if after[who, url] != seen
    ]
    assert not leaks and not changed, (
        f"{len(leaks)} of {len(pairs)} requests tell the {kind} {owned.owner} owns apart from a missing one:\n"
        + "\n".join(leaks)
        + f"\nand {len(changed)} of the owner's reads changed:\n"
        + "\n".join(changed)
    )
