"""A process serves as many requests at once as it has slots; the rest wait a bounded time, then get 503
problem details with Retry-After, never a hang; liveness answers however busy the process is."""

import asyncio

import httpx
from fastapi import FastAPI

from services.common.capacity import RequestSlots


def busy_app(slots: int, queue_seconds: float, work_seconds: float) -> tuple[FastAPI, dict[str, int]]:
    app = FastAPI()
    seen = {"now": 0, "most": 0}

    @app.get("/work")
    async def work() -> dict:
        seen["now"] += 1
        seen["most"] = max(seen["most"], seen["now"])
        await asyncio.sleep(work_seconds)
        seen["now"] -= 1
        return {"done": True}

    @app.get("/health")
    async def health() -> dict:
        return {"status": "ok"}

    app.add_middleware(RequestSlots, slots=slots, queue_seconds=queue_seconds)
    return app, seen


async def many(app: FastAPI, path: str, count: int) -> list[httpx.Response]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service") as client:
        return await asyncio.gather(*(client.get(path) for _ in range(count)))


def test_requests_past_the_slots_wait_then_get_503_with_retry_after() -> None:
    app, seen = busy_app(slots=2, queue_seconds=0.2, work_seconds=0.5)
    answers = asyncio.run(many(app, "/work", 10))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200, 200] + [503] * 8
    assert seen["most"] == 2
    for refused in (answer for answer in answers if answer.status_code == 503):
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.headers["retry-after"] == "1"
        assert refused.json()["status"] == 503


def test_a_request_that_waits_within_the_bound_is_served() -> None:
    app, seen = busy_app(slots=2, queue_seconds=5, work_seconds=0.05)
    answers = asyncio.run(many(app, "/work", 12))
    assert [answer.status_code for answer in answers] == [200] * 12
    assert seen["most"] == 2


def test_liveness_answers_while_every_slot_is_taken() -> None:
    app, _ = busy_app(slots=1, queue_seconds=0.1, work_seconds=0.5)

    async def health_while_busy() -> tuple[httpx.Response, bool, list[httpx.Response]]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service") as client:
            work = asyncio.ensure_future(asyncio.gather(*(client.get("/work") for _ in range(3))))
            await asyncio.sleep(0.05)
            health = await client.get("/health")
            still_busy = not work.done()
            return health, still_busy, await work

    health, still_busy, work = asyncio.run(health_while_busy())
    assert health.status_code == 200
    assert still_busy
    assert sorted(answer.status_code for answer in work) == [200, 503, 503]
