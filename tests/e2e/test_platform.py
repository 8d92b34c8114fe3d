"""The real platform, end to end: `futuresocial up --no-demo` on free loopback ports, exactly as
`make run` starts it, against a database of its own (the processes commit for real), and every
request through the gateway over HTTP."""

import json
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from futuresocial.cli import openapi_documents
from gateway.docs import merge_openapi
from services.common.reference import ACADEMY_MEMBERS
from services.common.settings import SERVICE_NAMES
from tests.e2e.harness import (
    COUNCIL,
    HOST,
    START_TIMEOUT,
    STOP_TIMEOUT,
    Platform,
    assert_problem,
    free_ports,
    get_token,
    own_database,
    running_platform,
    wait_for,
)
from tests.placements.factory import person, xml_return

SENT = "331"  # Coventry: the council whose return the scheduler test sends


@pytest.fixture(scope="module")
def dfe() -> Iterator[list[tuple[str, bytes]]]:
    """The DfE's upload endpoint, outside the platform: what it received, by file name."""
    received: list[tuple[str, bytes]] = []

    class Upload(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers["Content-Disposition"].split('filename="')[1].rstrip('"'), body))
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer((HOST, 0), Upload)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.received = received
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory, dfe) -> Iterator[Platform]:
    folder = tmp_path_factory.mktemp("e2e-platform")
    env = {"FUTURESOCIAL_DFE_ENDPOINT_URL": f"http://{HOST}:{dfe.server_port}/uploads"}
    with own_database(folder) as database_url, running_platform(database_url, folder, env=env) as platform:
        yield platform


@pytest.fixture(scope="module")
def hr_headers(platform: Platform) -> dict[str, str]:
    answer = get_token(
        platform.gateway,
        grant_type="client_credentials",
        client_id=platform.client_id,
        client_secret=platform.client_secret,
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture
def gateway(platform: Platform) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=platform.gateway, timeout=30) as client:
        yield client


def test_a_council_hr_system_gets_a_token_with_client_credentials_sent_as_a_form(platform: Platform) -> None:
    answer = get_token(
        platform.gateway,
        grant_type="client_credentials",
        client_id=platform.client_id,
        client_secret=platform.client_secret,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "bearer"
    assert body["access_token"].count(".") == 2
    assert body["expires_in"] > 0
    assert set(body["scope"].split()) == set(SERVICE_NAMES)


def test_a_person_gets_a_token_with_their_password(platform: Platform, gateway: httpx.Client) -> None:
    answer = get_token(platform.gateway, grant_type="password", username=platform.username, password=platform.password)
    assert answer.status_code == 200, answer.text
    token = answer.json()["access_token"]
    me = gateway.get("/v1/careers/whoami", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text
    assert me.json()["role"] == "academy_admin"
    assert me.json()["council"] is None


def test_a_wrong_secret_gets_no_token(platform: Platform) -> None:
    answer = get_token(
        platform.gateway,
        grant_type="client_credentials",
        client_id=platform.client_id,
        client_secret="not-the-secret",
    )
    assert_problem(answer, 401)


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_every_service_knows_the_caller_through_the_gateway(
    gateway: httpx.Client, hr_headers: dict[str, str], service: str
) -> None:
    answer = gateway.get(f"/v1/{service}/whoami", headers=hr_headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["service"] == service
    assert body["role"] == "council_hr"
    assert body["council"] == COUNCIL


def test_placements_lists_the_fourteen_academy_councils(gateway: httpx.Client, hr_headers: dict[str, str]) -> None:
    answer = gateway.get("/v1/placements/councils", params={"member": "true"}, headers=hr_headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["total"] == 14


@pytest.mark.parametrize("probe", ["/health", "/ready"])
def test_the_gateway_probes_report_every_upstream_ok(gateway: httpx.Client, probe: str) -> None:
    answer = gateway.get(probe)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "ok"
    assert body["upstreams"] == dict.fromkeys((*SERVICE_NAMES, "web"), "ok")  # the front end too


def test_the_gateway_serves_one_openapi_document_for_the_whole_platform(gateway: httpx.Client) -> None:
    answer = gateway.get("/openapi.json")
    assert answer.status_code == 200, answer.text
    document = answer.json()
    paths = set(document["paths"])
    assert "/v1/auth/token" in paths
    for service in SERVICE_NAMES:
        assert f"/v1/{service}/whoami" in paths, f"{service} is missing from the merged document"
    assert "/v1/placements/councils" in paths
    assert "Not reachable now" not in document["info"]["description"]
    # the very document tests/test_client_generation.py turns into a whole client without a warning
    exported = {name: json.loads(text) for name, text in openapi_documents().items()}
    merged = merge_openapi(exported["gateway"], {service: exported[service] for service in SERVICE_NAMES})
    assert document["paths"] == merged["paths"]
    assert document["components"] == merged["components"]


def test_the_gateway_serves_the_api_docs_as_html(gateway: httpx.Client) -> None:
    answer = gateway.get("/docs")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert "/openapi.json" in answer.text


def test_a_request_id_sent_in_comes_back_unchanged(gateway: httpx.Client, hr_headers: dict[str, str]) -> None:
    request_id = f"e2e-{uuid.uuid4().hex}"
    answer = gateway.get("/v1/placements/whoami", headers={**hr_headers, "X-Request-ID": request_id})
    assert answer.status_code == 200, answer.text
    assert answer.headers.get_list("x-request-id") == [request_id]


def test_a_request_without_an_id_is_given_one(gateway: httpx.Client, hr_headers: dict[str, str]) -> None:
    first = gateway.get("/v1/careers/whoami", headers=hr_headers).headers.get("x-request-id")
    second = gateway.get("/v1/careers/whoami", headers=hr_headers).headers.get("x-request-id")
    assert first and second
    assert first != second


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_a_service_called_directly_without_a_token_refuses_with_a_problem(platform: Platform, service: str) -> None:
    answer = httpx.get(f"{platform.url(service)}/v1/{service}/whoami", timeout=10)
    assert_problem(answer, 401)


def test_the_gateway_refuses_a_call_without_a_token_with_a_problem(gateway: httpx.Client) -> None:
    assert_problem(gateway.get("/v1/placements/councils"), 401)


def test_the_gateway_refuses_a_forged_token(gateway: httpx.Client) -> None:
    assert_problem(gateway.get("/v1/careers/whoami", headers={"Authorization": "Bearer a.b.c"}), 401)


@pytest.fixture
def gateway_without_placements(platform: Platform) -> Iterator[str]:
    """A second gateway process whose placements upstream is a port nobody listens on."""
    port, nobody = free_ports(2)
    env = platform.env | {
        "FUTURESOCIAL_GATEWAY_PORT": str(port),
        **{f"FUTURESOCIAL_{service.upper()}_URL": platform.url(service) for service in SERVICE_NAMES},
        "FUTURESOCIAL_PLACEMENTS_URL": f"http://{HOST}:{nobody}",
    }
    log = platform.folder / f"gateway-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "gateway.app:app", "--host", HOST, "--port", str(port)],
            env=env,
            cwd=platform.folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        try:
            # Any answer means it is up: its /health is 503 while placements is down.
            wait_for(f"http://{HOST}:{port}/health", time.monotonic() + START_TIMEOUT, process, expect=None)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{log.read_text(errors='replace')}") from exc
        yield f"http://{HOST}:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_service_that_is_down_answers_503_quickly_while_the_others_still_work(
    gateway_without_placements: str, hr_headers: dict[str, str]
) -> None:
    with httpx.Client(base_url=gateway_without_placements, timeout=30) as client:
        started = time.monotonic()
        answer = client.get("/v1/placements/councils", headers=hr_headers)
        elapsed = time.monotonic() - started
        assert_problem(answer, 503)
        assert elapsed < 5, f"the gateway took {elapsed:.1f} s to give up on a service that is down"

        assert client.get("/v1/careers/whoami", headers=hr_headers).status_code == 200
        ready = client.get("/ready")
        assert ready.status_code == 503
        assert ready.json()["upstreams"]["placements"] != "ok"
        assert ready.json()["upstreams"]["careers"] == "ok"


def test_careers_reads_a_workers_experience_from_placements_over_http_with_a_service_token(
    gateway: httpx.Client, hr_headers: dict[str, str]
) -> None:
    spell = {"swe_number": "SW4242", "council": COUNCIL, "start_date": "2019-03-01", "agency": False, "org_role": 5}
    created = gateway.post("/v1/placements/employments", json=spell, headers=hr_headers)
    assert created.status_code == 201, created.text
    record = gateway.post(
        "/v1/careers/workers",
        json={"swe_number": "sw 0004242", "level": "social_worker", "effective_on": "2020-03-01"},
        headers=hr_headers,
    )
    assert record.status_code == 201, record.text
    experience = record.json()["experience"]
    assert experience["councils"] == [COUNCIL] and float(experience["years"]) >= 7


def _schedule(gateway: httpx.Client, admin: dict[str, str]) -> dict[tuple[str, str], dict]:
    answer = gateway.get("/v1/analytics/extract-schedule", params={"limit": 500}, headers=admin)
    assert answer.status_code == 200, answer.text
    return {(run["job"], run["period"]): run for run in answer.json()["items"]}


def test_the_scheduler_produces_and_delivers_a_census_return_only_once_it_is_in(
    platform: Platform, gateway: httpx.Client, dfe: ThreadingHTTPServer
) -> None:
    token = get_token(platform.gateway, grant_type="password", username=platform.username, password=platform.password)
    admin = {"Authorization": f"Bearer {token.json()['access_token']}"}
    others = sorted(set(ACADEMY_MEMBERS) - {COUNCIL, SENT})
    deadline = time.monotonic() + 60
    while not all(_schedule(gateway, admin).get((f"csww:{code}", "2025")) for code in (SENT, *others)):
        assert time.monotonic() < deadline, platform.output()
        time.sleep(0.5)
    schedule = _schedule(gateway, admin)
    for code in (SENT, *others):  # nothing is in yet: each waits, and says for what
        run = schedule[(f"csww:{code}", "2025")]
        assert run["status"] == "waiting" and run["extract_id"] is None, run
        assert run["waiting_for"].startswith(f"no return for 2025 from {code} "), run

    sent = gateway.post(
        "/v1/placements/imports",
        params={"census_year": 2025, "council": SENT},
        files={"file": ("coventry-2025.xml", xml_return(2025, SENT, [person(1), person(2)]))},
        headers=admin,
    )
    assert sent.status_code == 201, sent.text
    file_name = f"csww-{SENT}-2025.xml"
    deadline = time.monotonic() + 60
    while file_name not in [name for name, _ in dfe.received]:  # the next tick produces it, and delivers it
        assert time.monotonic() < deadline, f"{_schedule(gateway, admin).get((f'csww:{SENT}', '2025'))}"
        time.sleep(0.5)
    listed = gateway.get(
        "/v1/analytics/extracts", params={"kind": "csww", "period": "2025", "limit": 100}, headers=admin
    ).json()["items"]
    produced = [(extract["council"], extract["status"]) for extract in listed if extract["council"] != COUNCIL]
    assert produced == [(SENT, "succeeded")]
    delivered = [
        body for name, body in dfe.received if name.startswith("csww-") and not name.startswith(f"csww-{COUNCIL}-")
    ]
    assert len(delivered) == 1 and b"<SWENo>SW0000000002</SWENo>" in delivered[0]
    schedule = _schedule(gateway, admin)
    assert schedule[(f"csww:{SENT}", "2025")]["status"] == "succeeded"
    assert {schedule[(f"csww:{code}", "2025")]["status"] for code in others} == {"waiting"}
