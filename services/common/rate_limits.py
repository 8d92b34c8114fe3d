"""Rate limits (the `limits` library, moving windows): in memory for one process, in Redis for several.

`enforce` is for synchronous code (the token endpoint, enquiries). `RequestLimiter` is for the gateway's event
loop, where every proxied request is checked: `limits.aio`, so a Redis round trip never blocks the loop. In
memory, neither starts or wakes a thread per check.
"""

import bisect
import time
from functools import lru_cache
from typing import Any

from limits import RateLimitItem, parse, storage, strategies
from limits.aio import storage as async_storage
from limits.aio import strategies as async_strategies

from services.common.errors import DomainError
from services.common.settings import Settings, get_settings

REDIS_SCHEMES = ("redis", "rediss", "redis+unix", "redis+sentinel", "redis+cluster")
CLEAN_UP_SECONDS = 1.0


class TooManyRequests(DomainError, status=429, slug="too-many-requests"):
    """Over the per-principal rate limit; the answer says when to try again."""


class _EventLoopMemoryStorage(async_storage.MemoryStorage):
    """limits' in-process storage, its expired entries dropped on the event loop at most once a second. The
    library's own starts a clean-up task after every hit, and that task hands each key in turn to a worker
    thread: with many callers, a stream of thread hand-offs per request."""

    _cleaned_at = 0.0

    async def _MemoryStorage__schedule_expiry(self) -> None:  # the hook every hit calls (name-mangled)
        now = time.time()
        if now - self._cleaned_at >= CLEAN_UP_SECONDS:
            self._cleaned_at = now
            self._drop_expired(now)

    def _drop_expired(self, now: float) -> None:
        # No await in here, so no check is half-way through a key while it is trimmed.
        for key, events in list(self.events.items()):
            live = bisect.bisect_left(events, -now, key=lambda event: -event.expiry)  # newest first
            if live:
                self.events[key] = events[:live]
            else:
                del self.events[key]
                self.locks.pop(key, None)
        for key, expires in list(self.expirations.items()):
            if expires <= now:
                self.storage.pop(key, None)
                del self.expirations[key]
                self.locks.pop(key, None)


class _InlineMemoryStorage(storage.MemoryStorage):
    """limits' in-process storage for threads, its expired entries dropped by the checking thread itself at
    most once a second, where the library starts a timer thread whenever the last one has finished."""

    _cleaned_at = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # the hook every hit calls (name-mangled)
        now = time.time()
        if now - self._cleaned_at >= CLEAN_UP_SECONDS:
            self._cleaned_at = now
            self._MemoryStorage__expire_events()  # takes each key's lock, as the library's timer does


def _storage(settings: Settings, *, for_event_loop: bool) -> Any:
    url = settings.rate_limit_storage_url.removeprefix("async+")
    scheme = url.split("://", 1)[0]
    if scheme == "memory":
        return _EventLoopMemoryStorage() if for_event_loop else _InlineMemoryStorage()
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
        self.strategy = async_strategies.MovingWindowRateLimiter(_storage(settings, for_event_loop=True))

    async def enforce(self, bucket: str, key: str, rate: str, what: str | None = None) -> None:
        """Raise 429 with Retry-After when `key` has used up `rate` in `bucket`."""
        item = _rate(rate)
        if not await self.strategy.hit(item, bucket, key):
            reset_at, _remaining = await self.strategy.get_window_stats(item, bucket, key)
            raise _refuse(rate, reset_at, what)
