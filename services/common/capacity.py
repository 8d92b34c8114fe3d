"""How many requests a process serves at once: as many as it has database connections and threads, so
no admitted request ever waits on the pool; past that a request queues a bounded time, then gets 503."""

import asyncio
from contextlib import asynccontextmanager

import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from services.common.errors import problem_response

# Requests that never wait: liveness and metrics must answer however busy the process is.
UNQUEUED_PATHS = frozenset({"/health", "/metrics"})
SPARE_THREADS = 4  # the scheduler's own thread, response serialisation, the dependency's teardown


class RequestSlots:
    """An ASGI middleware: at most `slots` requests in the app at once; the rest wait up to `queue_seconds`
    for a slot, then get 503 problem details with Retry-After. With `only_under`, just the paths under that
    prefix take a slot (the gateway's own endpoints that use the database, not what it forwards)."""

    def __init__(self, app: ASGIApp, slots: int, queue_seconds: float, only_under: str = "/"):
        self.app = app
        self.slots = slots
        self.queue_seconds = queue_seconds
        self.only_under = only_under
        self._semaphore: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNQUEUED_PATHS or not scope["path"].startswith(self.only_under):
            await self.app(scope, receive, send)
            return
        if self._semaphore is None:  # made in the server's event loop
            self._semaphore = asyncio.Semaphore(self.slots)
        try:
            await asyncio.wait_for(self._semaphore.acquire(), self.queue_seconds)
        except TimeoutError:
            busy = problem_response(
                503,
                f"This service is serving all the requests it can ({self.slots}); retry shortly.",
                slug="busy",
                headers={"Retry-After": "1"},
            )
            await busy(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._semaphore.release()


def thread_budget(slots: int) -> int:
    return slots + SPARE_THREADS


@asynccontextmanager
async def request_threads(slots: int):
    """Lifespan: the threads sync endpoints run in, enough for every admitted request at once."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = thread_budget(slots)
    yield
