"""Stand-ins for the services, reached by the gateway over real loopback sockets through its own connection
pool: a small app served by uvicorn in a thread, and a socket that accepts connections but never answers
(a hung process)."""

import asyncio
import contextlib
import gzip
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class StandIn:
    """What reached the stand-in service, and how it answers /health."""

    url: str = ""
    health_calls_at_once: int = 0
    wait_for_health_calls: int = 1  # /health answers once this many are in flight (or after a second)
    seen_headers: list[dict[str, str]] = field(default_factory=list)
    _in_flight: int = 0

    def app(self) -> Starlette:
        async def health(request: Request) -> JSONResponse:
            self._in_flight += 1
            self.health_calls_at_once = max(self.health_calls_at_once, self._in_flight)
            deadline = time.monotonic() + 1.0
            while self._in_flight < self.wait_for_health_calls and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.05)  # still in flight while the others arrive
            self._in_flight -= 1
            return JSONResponse({"status": "ok"})

        async def echo(request: Request) -> JSONResponse:
            headers = {name.decode(): value.decode() for name, value in request.scope["headers"]}
            self.seen_headers.append(headers)
            body = await request.body()
            return JSONResponse({"path": request.url.path, "headers": headers, "body": body.decode()})

        async def sign_in(request: Request) -> Response:
            return Response("signed in", headers={"Set-Cookie": "session=alice; Path=/"})

        async def compressed(request: Request) -> Response:
            return Response(gzip.compress(b'{"kept": "as sent"}'), headers={"Content-Encoding": "gzip"})

        async def export(request: Request) -> Response:
            size = int(request.query_params["bytes"])
            line = b"0123456789abcdef" * 4 + b"\n"
            payload = (line * (size // len(line) + 1))[:size]
            if request.query_params.get("chunked"):

                async def chunks():
                    for start in range(0, size, 65536):
                        yield payload[start : start + 65536]

                return StreamingResponse(chunks(), media_type="text/csv")
            return Response(payload, media_type="text/csv")

        return Starlette(
            routes=[
                Route("/health", health),
                Route("/ready", health),
                Route("/v1/{service}/echo", echo, methods=["GET", "POST"]),
                Route("/v1/{service}/sign-in", sign_in),
                Route("/v1/{service}/compressed", compressed),
                Route("/v1/{service}/export", export),
            ]
        )


@contextlib.contextmanager
def serving(stand_in: StandIn) -> Iterator[StandIn]:
    """The stand-in served by uvicorn on a free loopback port until the block ends."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    stand_in.url = f"http://{HOST}:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(stand_in.app(), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="stand-in service", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the stand-in service did not start"
        time.sleep(0.01)
    try:
        yield stand_in
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextlib.contextmanager
def hung_service() -> Iterator[str]:
    """A listening socket that takes connections (the kernel completes them) and never reads or answers."""
    with socket.create_server((HOST, 0), backlog=64) as sock:
        yield f"http://{HOST}:{sock.getsockname()[1]}"
