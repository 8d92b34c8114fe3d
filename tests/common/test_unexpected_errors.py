"""A bug answers 500 problem details and leaves the connection open: a proxy's next request on it (often
another caller's) is served, instead of failing as if the service were down. (uvicorn closed the
connection after every 500 that Starlette's last-resort handler answered and raised again, and the gateway
then answered the next request on that pooled connection with 503 "cannot be reached".)"""

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request

from services.common.errors import install_problem_handlers


@pytest.fixture
def service() -> Iterator[str]:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/boom")
    def boom() -> dict:
        raise RuntimeError("a bug")

    @app.get("/peer")
    def peer(request: Request) -> dict:
        return {"port": request.client.port if request.client else None}

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="critical"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)


def test_a_500_is_problem_details_and_the_connection_serves_the_next_request(service: str) -> None:
    with httpx.Client(base_url=service, limits=httpx.Limits(max_connections=1)) as client:
        before = client.get("/peer").json()["port"]
        failed = client.get("/boom")
        after = client.get("/peer").json()["port"]
    assert failed.status_code == 500
    assert failed.headers["content-type"] == "application/problem+json"
    assert failed.json()["detail"] == "An unexpected error occurred; it has been logged."
    assert "a bug" not in failed.text
    assert failed.headers.get("connection") != "close"
    assert after == before  # the same connection, still open
