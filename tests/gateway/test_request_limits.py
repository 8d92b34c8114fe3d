"""The gateway's per-caller request limit: enforced on proxied calls, kept in Redis under the platform's own
key prefix when several processes serve, so that they count together and two platforms stay apart."""

import asyncio
import threading
import time
import uuid

import pytest

from services.common import rate_limits
from services.common.rate_limits import RequestLimiter, TooManyRequests
from services.common.settings import get_settings

REDIS_URL = "redis://127.0.0.1:6379"


def _redis():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


@pytest.fixture
def redis_prefixes():
    """Unique key prefixes on the local Redis, their keys deleted afterwards."""
    client = _redis()
    made: list[str] = []

    def _prefix() -> str:
        made.append(f"futuresocial-test-{uuid.uuid4().hex[:8]}")
        return made[-1]

    yield _prefix
    for prefix in made:
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
    client.close()


def _settings(**update):
    return get_settings().model_copy(update=update)


def test_a_caller_over_the_api_limit_gets_429_with_retry_after_through_the_gateway(gateway, auth, monkeypatch):
    strict = _settings(api_rate_limit="3/day")
    monkeypatch.setattr("gateway.app.get_settings", lambda: strict)
    headers = auth("council_hr", council="330", subject=f"busy-{uuid.uuid4().hex[:6]}")
    answers = [gateway.get("/v1/placements/whoami", headers=headers) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert answers[3].headers["content-type"] == "application/problem+json"
    assert int(answers[3].headers["retry-after"]) >= 1
    other = auth("council_hr", council="330", subject="someone-else")
    assert gateway.get("/v1/placements/whoami", headers=other).status_code == 200


def test_processes_sharing_redis_count_together_and_another_prefix_counts_apart(redis_prefixes):
    ours, theirs = redis_prefixes(), redis_prefixes()

    async def scenario() -> list[bool]:
        first_process = RequestLimiter(_settings(rate_limit_storage_url=REDIS_URL, rate_limit_key_prefix=ours))
        second_process = RequestLimiter(_settings(rate_limit_storage_url=REDIS_URL, rate_limit_key_prefix=ours))
        other_platform = RequestLimiter(_settings(rate_limit_storage_url=REDIS_URL, rate_limit_key_prefix=theirs))
        outcomes = []
        for limiter in (first_process, second_process, second_process, other_platform):
            try:
                await limiter.enforce("api", "client:dudley", "2/day")
                outcomes.append(True)
            except TooManyRequests:
                outcomes.append(False)
        return outcomes

    assert asyncio.run(scenario()) == [True, True, False, True]
    keys = [key.decode() for key in _redis().keys("futuresocial-test-*")]
    assert any(key.startswith(f"{ours}:") for key in keys) and any(key.startswith(f"{theirs}:") for key in keys)


def test_the_synchronous_limiter_keeps_its_keys_under_the_prefix_too(redis_prefixes, monkeypatch):
    prefix = redis_prefixes()
    shared = _settings(rate_limit_storage_url=REDIS_URL, rate_limit_key_prefix=prefix)
    monkeypatch.setattr(rate_limits, "get_settings", lambda: shared)
    rate_limits.limiter.cache_clear()
    try:
        rate_limits.enforce("token", "127.0.0.1:fs_client", "5/day")
    finally:
        rate_limits.limiter.cache_clear()
    assert [key.decode() for key in _redis().keys(f"{prefix}:*")]


def test_counts_for_callers_whose_window_has_passed_are_dropped_from_memory():
    async def scenario() -> list[str]:
        limits = RequestLimiter(_settings(rate_limit_storage_url="memory://"))
        for caller in range(50):
            await limits.enforce("api", f"caller-{caller}", "5/second")
        await asyncio.sleep(1.2)  # past the window, and past the once-a-second clean-up
        await limits.enforce("api", "latecomer", "5/second")
        return list(limits.strategy.storage.events)

    (remaining,) = asyncio.run(scenario())
    assert "latecomer" in remaining


def test_a_token_request_starts_no_thread_for_its_rate_limit(gateway, monkeypatch):
    rate_limits.limiter.cache_clear()  # the limiter, and whatever it starts when made, before counting
    form = {"grant_type": "client_credentials", "client_id": "fs_nobody", "client_secret": "wrong"}
    assert gateway.post("/v1/auth/token", data=form).status_code == 401
    started: list[str] = []
    start = threading.Thread.start

    def record(thread: threading.Thread) -> None:
        started.append(thread.name)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", record)
    for _ in range(3):
        time.sleep(0.05)  # longer than the library's expiry timer lives
        assert gateway.post("/v1/auth/token", data=form).status_code == 401
    assert started == []
