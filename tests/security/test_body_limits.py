"""Request bodies are limited while they stream in, at the gateway and at every service: 413 problem details at
once when Content-Length is over the limit, or as soon as the bytes received pass it; JSON and forms small,
census uploads as large as import_max_bytes. (A 100 MB body used to be read whole, twice, before a 422.)"""

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.app import create_gateway
from services.common.body_limit import MULTIPART_FRAMING_BYTES
from services.common.settings import SERVICE_NAMES, get_settings
from services.placements.app import app as placements_app
from services.returners.app import app as returners_app
from tests.conftest import bearer
from tests.gateway.upstreams import StandIn, serving

MiB = 1024 * 1024
CHUNK = 64 * 1024
ENQUIRIES = "/v1/returners/enquiries"


class Sender:
    """A caller's body sent in 64 KiB chunks, counting how much of it the server ever asked for."""

    def __init__(self, total: int, before_each_chunk: Callable[[int], None] | None = None):
        self.total = total
        self.pulled = 0
        self.before_each_chunk = before_each_chunk

    async def chunks(self) -> AsyncIterator[bytes]:
        while self.pulled < self.total:
            if self.before_each_chunk:
                await asyncio.to_thread(self.before_each_chunk, self.pulled)
            size = min(CHUNK, self.total - self.pulled)
            self.pulled += size
            yield b" " * size


def post_streaming(app, path: str, sender: Sender, *, declare_length: bool, headers=None) -> httpx.Response:
    """POST to an ASGI app that pulls the body chunk by chunk as it reads it (httpx's ASGI transport does)."""
    headers = {"Content-Type": "application/json", **(headers or {})}
    if declare_length:
        headers["Content-Length"] = str(sender.total)

    async def send() -> httpx.Response:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, client=("192.0.2.1", 50000))
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=60) as client:
                return await client.post(path, content=sender.chunks(), headers=headers)

    return asyncio.run(send())


def assert_413_problem(answer: httpx.Response) -> None:
    assert answer.status_code == 413, answer.text[:300]
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["status"] == 413 and body["type"].endswith("/payload-too-large")
    assert "MiB" in body["detail"]


@pytest.mark.parametrize("app", [returners_app, placements_app], ids=["returners", "placements"])
def test_a_service_refuses_a_body_whose_length_is_over_the_limit_before_reading_any_of_it(app):
    sender = Sender(100 * MiB)
    answer = post_streaming(app, ENQUIRIES, sender, declare_length=True)
    assert_413_problem(answer)
    assert sender.pulled == 0


def test_a_service_stops_reading_a_chunked_body_as_soon_as_it_passes_the_limit():
    sender = Sender(100 * MiB)
    answer = post_streaming(returners_app, ENQUIRIES, sender, declare_length=False)
    assert_413_problem(answer)
    assert sender.pulled <= get_settings().request_body_max_bytes + CHUNK


def test_a_body_within_the_limit_still_reaches_the_endpoint(gateway):
    answer = gateway.post(ENQUIRIES, json={"name": "x" * (MiB // 2), "email": "a@example.org", "consent": True})
    assert answer.status_code == 422  # the name is too long for the form, which the endpoint itself says
    assert {tuple(error["loc"]) for error in answer.json()["errors"]} == {("body", "name")}


def test_the_anonymous_enquiry_through_the_gateway_is_refused_when_its_body_is_too_large(gateway):
    answer = gateway.post(ENQUIRIES, json={"name": "x" * (2 * MiB), "email": "a@example.org", "consent": True})
    assert_413_problem(answer)


def test_a_census_upload_over_the_json_limit_reaches_the_import(app_client, auth):
    """Placements takes import_max_bytes on its import endpoint: a 2 MiB file is the import's to judge."""
    upload = {"file": ("csww-330-2024.csv", b"not,a,census\n" * (2 * MiB // 13), "text/csv")}
    answer = app_client(placements_app).post(
        "/v1/placements/imports",
        params={"census_year": 2024},
        files=upload,
        headers=auth("council_hr", council="330"),
    )
    assert answer.status_code != 413, answer.text[:300]
    assert answer.status_code < 500


def test_a_census_upload_over_the_import_limit_is_refused_before_it_is_read():
    sender = Sender(get_settings().import_max_bytes + MULTIPART_FRAMING_BYTES + 1)
    answer = post_streaming(
        placements_app,
        "/v1/placements/imports?census_year=2024",
        sender,
        declare_length=True,
        headers={"Content-Type": "multipart/form-data; boundary=x", **bearer("council_hr", council="330")},
    )
    assert_413_problem(answer)
    assert sender.pulled == 0


# --- The gateway in front of a service, over real sockets --------------------------------------------------


class UploadTaker(StandIn):
    """A stand-in service that counts the bytes of every upload it is sent, as they arrive."""

    def __init__(self):
        super().__init__()
        self.first_bytes = threading.Event()
        self.received: list[int] = []

    def app(self):
        app = super().app()

        async def take(request: Request) -> JSONResponse:
            total = 0
            async for chunk in request.stream():
                if chunk:
                    self.first_bytes.set()
                total += len(chunk)
            self.received.append(total)
            return JSONResponse({"received": total})

        app.router.routes.append(Route("/v1/{service}/imports", take, methods=["POST"]))
        app.router.routes.append(Route("/v1/{service}/records", take, methods=["POST"]))
        app.router.routes.append(Route("/v1/{service}/enquiries", take, methods=["POST"]))
        return app


@pytest.fixture
def upload_taker() -> Iterator[UploadTaker]:
    with serving(UploadTaker()) as service:
        yield service


def gateway_in_front_of(url: str, monkeypatch, **update):
    settings = get_settings().model_copy(update={**{f"{name}_url": url for name in SERVICE_NAMES}, **update})
    monkeypatch.setattr("gateway.app.get_settings", lambda: settings)
    return create_gateway()


def test_the_gateway_refuses_a_chunked_enquiry_over_the_limit_having_read_no_more_than_the_limit(
    upload_taker, monkeypatch
):
    sender = Sender(100 * MiB)
    answer = post_streaming(gateway_in_front_of(upload_taker.url, monkeypatch), ENQUIRIES, sender, declare_length=False)
    assert_413_problem(answer)
    assert sender.pulled <= get_settings().request_body_max_bytes + CHUNK
    assert upload_taker.received == []


def test_the_gateway_passes_an_upload_on_as_it_arrives_instead_of_holding_it_whole(upload_taker, monkeypatch):
    gateway = gateway_in_front_of(upload_taker.url, monkeypatch)

    def after_the_first_chunk_wait_for_the_service_to_have_it(sent: int) -> None:
        if sent == CHUNK:
            # A gateway that gathered the whole body first would never pass the first chunk on: bounded wait.
            assert upload_taker.first_bytes.wait(timeout=10), "the service saw nothing while the upload was sent"

    sender = Sender(4 * MiB, after_the_first_chunk_wait_for_the_service_to_have_it)
    answer = post_streaming(
        gateway, "/v1/placements/imports", sender, declare_length=True, headers=bearer("council_hr", council="330")
    )
    assert answer.status_code == 200, answer.text[:300]
    assert answer.json() == {"received": 4 * MiB}


def test_the_gateway_holds_census_uploads_to_the_import_limit_and_everything_else_to_the_json_limit(
    upload_taker, monkeypatch
):
    gateway = gateway_in_front_of(upload_taker.url, monkeypatch, import_max_bytes=3 * MiB)
    hr = bearer("council_hr", council="330")
    with TestClient(gateway, raise_server_exceptions=False) as client:
        within = client.post("/v1/placements/imports", content=b"x" * (2 * MiB), headers=hr)
        other_endpoint = client.post("/v1/placements/records", content=b"x" * (2 * MiB), headers=hr)
        over = client.post("/v1/placements/imports", content=b"x" * (4 * MiB), headers=hr)
    assert within.status_code == 200 and within.json() == {"received": 2 * MiB}
    assert_413_problem(other_endpoint)
    assert_413_problem(over)
    assert upload_taker.received == [2 * MiB]  # neither refused body was forwarded


def test_an_upload_cut_off_at_the_gateway_is_a_413_for_the_caller_and_nothing_complete_for_the_service(
    upload_taker, monkeypatch
):
    gateway = gateway_in_front_of(upload_taker.url, monkeypatch, import_max_bytes=2 * MiB)
    sender = Sender(50 * MiB)
    started = time.monotonic()
    answer = post_streaming(
        gateway, "/v1/placements/imports", sender, declare_length=False, headers=bearer("council_hr", council="330")
    )
    assert_413_problem(answer)
    assert sender.pulled <= 2 * MiB + MULTIPART_FRAMING_BYTES + CHUNK
    assert time.monotonic() - started < 8  # not the upstream timeout (10 s): cut off, not left hanging
    assert upload_taker.received == []
