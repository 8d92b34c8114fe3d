"""The gateway's own connection pool to the services, over real loopback sockets: health checks that one hung
service cannot slow, 503s that say when to come back, and a proxy that forwards without adding, keeping or
undoing anything."""

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from gateway.app import create_gateway
from gateway.proxy import WEB
from services.common.settings import SERVICE_NAMES, get_settings
from tests.gateway.upstreams import HOST, StandIn, free_port, hung_service, serving

UPSTREAMS = (*SERVICE_NAMES, WEB)  # the front end's /health is asked too

HEALTH_TIMEOUT = 2.0
HANG_BOUND = 4.0  # generous: only a gateway that waits on the hung service (10 s and more) goes past it


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    with serving(StandIn()) as service:
        yield service


@pytest.fixture
def gateway_to(monkeypatch) -> Iterator[Callable[..., TestClient]]:
    """A gateway in-process whose services are at the URLs given (every other one at the default stand-in)."""
    opened: list[TestClient] = []

    def _open(default_url: str, **urls: str) -> TestClient:
        overrides = {f"{name}_url": urls.get(name, default_url) for name in UPSTREAMS}
        settings = get_settings().model_copy(
            update={**overrides, "health_timeout_seconds": HEALTH_TIMEOUT, "upstream_timeout_seconds": 30.0}
        )
        monkeypatch.setattr("gateway.app.get_settings", lambda: settings)
        client = TestClient(create_gateway(), raise_server_exceptions=False)
        client.__enter__()
        opened.append(client)
        return client

    yield _open
    for client in opened:
        client.__exit__(None, None, None)


def test_health_asks_every_service_at_once(gateway_to, stand_in):
    stand_in.wait_for_health_calls = len(UPSTREAMS)
    gateway = gateway_to(stand_in.url)
    answer = gateway.get("/health")
    assert answer.status_code == 200
    assert answer.json()["upstreams"] == {name: "ok" for name in UPSTREAMS}
    assert stand_in.health_calls_at_once == len(UPSTREAMS)


@pytest.mark.parametrize("path", ["/health", "/ready"])
def test_a_hung_service_is_reported_within_the_health_timeout_and_the_others_as_ok(gateway_to, stand_in, path):
    with hung_service() as hung:
        gateway = gateway_to(stand_in.url, placements=hung)
        started = time.monotonic()
        answer = gateway.get(path)
        elapsed = time.monotonic() - started
    assert answer.status_code == 503
    assert elapsed < HEALTH_TIMEOUT + HANG_BOUND
    statuses = answer.json()["upstreams"]
    assert statuses.pop("placements") != "ok"
    assert statuses == {name: "ok" for name in UPSTREAMS if name != "placements"}
    assert int(answer.headers["retry-after"]) >= 1


def test_a_service_that_is_down_answers_503_problem_with_retry_after(gateway_to, stand_in, auth):
    gateway = gateway_to(stand_in.url, returners=f"http://{HOST}:{free_port()}")
    answer = gateway.get("/v1/returners/echo", headers=auth())
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert "returners" in answer.json()["detail"]
    assert int(answer.headers["retry-after"]) >= 1
    assert gateway.get("/v1/careers/echo", headers=auth()).status_code == 200


def test_a_proxied_request_starts_no_thread(gateway_to, stand_in, auth, monkeypatch):
    gateway = gateway_to(stand_in.url)
    headers = auth("council_hr", council="330")
    assert gateway.get("/v1/placements/echo", headers=headers).status_code == 200  # the connection is open
    started: list[str] = []
    start = threading.Thread.start

    def record(thread: threading.Thread) -> None:
        started.append(thread.name)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", record)
    for _ in range(20):
        assert gateway.get("/v1/placements/echo", headers=headers).status_code == 200
    assert started == []


def test_a_cookie_a_service_gives_one_caller_never_reaches_another(gateway_to, stand_in, auth):
    gateway = gateway_to(stand_in.url)
    signed_in = gateway.get("/v1/careers/sign-in", headers=auth(subject="alice"))
    assert signed_in.headers["set-cookie"].startswith("session=alice")  # the caller gets it
    gateway.cookies.clear()  # the next caller is someone else
    gateway.get("/v1/careers/echo", headers=auth(subject="bob"))
    assert "cookie" not in stand_in.seen_headers[-1]


def test_the_service_sees_the_callers_own_headers_and_the_caller_gets_the_bytes_as_sent(gateway_to, stand_in, auth):
    gateway = gateway_to(stand_in.url)
    for name in ("accept", "accept-encoding"):
        del gateway.headers[name]
    answer = gateway.post("/v1/careers/echo?a=1", headers=auth(), content=b"raw bytes")
    assert answer.status_code == 200
    seen = answer.json()["headers"]
    assert "accept-encoding" not in seen and "accept" not in seen and "content-type" not in seen
    assert answer.json()["body"] == "raw bytes"
    compressed = gateway.get("/v1/careers/compressed", headers={**auth(), "Accept-Encoding": "gzip"})
    assert compressed.headers["content-encoding"] == "gzip"
    # Still compressed, as the service sent it: decoded once, by the caller.
    assert compressed.json() == {"kept": "as sent"}


@pytest.mark.parametrize("chunked", [False, True], ids=["with a length", "chunked"])
def test_an_answer_larger_than_the_buffer_streams_through_whole(gateway_to, stand_in, auth, chunked):
    size = 3 * 1024 * 1024 + 7
    gateway = gateway_to(stand_in.url)
    query = f"bytes={size}" + ("&chunked=1" if chunked else "")
    answer = gateway.get(f"/v1/placements/export?{query}", headers=auth())
    assert answer.status_code == 200
    assert len(answer.content) == size
    assert answer.content.startswith(b"0123456789abcdef") and answer.headers["content-type"].startswith("text/csv")
    if not chunked:
        assert answer.headers["content-length"] == str(size)
