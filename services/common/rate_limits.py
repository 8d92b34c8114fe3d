"""Rate limits (the `limits` library): in memory for one process, in Redis for several.

Two limiters over the same storage setting. `enforce` is for synchronous code with small, exact limits
(tokens, enquiries): a moving window. `RequestLimiter` is for the gateway's event loop, checked on every
proxied request: a sliding window counter on `limits.aio` storage, which starts no thread per check and
costs one Redis round trip of two counters instead of a list as long as the limit.
"""

import time
from functools import lru_cache
from typing import Any

from limits import RateLimitItem, parse, storage, strategies
from limits.aio import strategies as async_strategies

from services.common.errors import DomainError
from services.common.settings import Settings, get_settings

REDIS_SCHEMES = ("redis", "rediss", "redis+unix", "redis+sentinel", "redis+cluster")


class TooManyRequests(DomainError):
    status, slug = 429, "too-many-requests"


def _storage(settings: Settings, *, for_event_loop: bool) -> Any:
    url = settings.rate_limit_storage_url.removeprefix("async+")
    scheme = url.split("://", 1)[0]
    options: dict[str, Any] = {}
    if scheme in REDIS_SCHEMES:
        # Two platforms (or two test runs) on one Redis must not count each other's requests.
        options["key_prefix"] = settings.rate_limit_key_prefix
        if for_event_loop:
            options["implementation"] = "redispy"  # the redis package we already install, not coredis
    return storage.storage_from_string(f"async+{url}" if for_event_loop else url, **options)


@lru_cache(maxsize=64)
def _rate(rate: str) -> RateLimitItem:
    return parse(rate)


def _refuse(rate: str, reset_at: float, what: str | None) -> TooManyRequests:
    retry_after = max(1, int(reset_at - time.time()))
    detail = (
        f"Too many {what}; try again in {retry_after} s."
        if what
        else f"Rate limit {rate} exceeded; retry in {retry_after} s."
    )
    return TooManyRequests(detail, headers={"Retry-After": str(retry_after)})


@lru_cache
def limiter() -> strategies.MovingWindowRateLimiter:
    return strategies.MovingWindowRateLimiter(_storage(get_settings(), for_event_loop=False))


def enforce(bucket: str, key: str, rate: str, what: str | None = None) -> None:
    """Raise 429 with Retry-After when `key` has used up `rate` (e.g. "30/minute") in `bucket`."""
    item = _rate(rate)
    if not limiter().hit(item, bucket, key):
        reset_at, _remaining = limiter().get_window_stats(item, bucket, key)
        raise _refuse(rate, reset_at, what)


class RequestLimiter:
    """Per-request limits for code on an event loop; make one per process inside its loop (the gateway's
    lifespan), since the in-memory storage keeps its expiry task on that loop."""

    def __init__(self, settings: Settings):
        self.strategy = async_strategies.SlidingWindowCounterRateLimiter(_storage(settings, for_event_loop=True))

    async def enforce(self, bucket: str, key: str, rate: str, what: str | None = None) -> None:
        """Raise 429 with Retry-After when `key` has used up `rate` in `bucket`."""
        item = _rate(rate)
        if not await self.strategy.hit(item, bucket, key):
            reset_at, _remaining = await self.strategy.get_window_stats(item, bucket, key)
            raise _refuse(rate, reset_at, what)
