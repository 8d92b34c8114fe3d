"""Rate limits (moving window, the `limits` library): in memory for one process, in Redis for several."""

import time
from functools import lru_cache

from limits import parse, storage, strategies

from services.common.errors import DomainError
from services.common.settings import get_settings


class TooManyRequests(DomainError):
    status, slug = 429, "too-many-requests"


@lru_cache
def limiter() -> strategies.MovingWindowRateLimiter:
    return strategies.MovingWindowRateLimiter(storage.storage_from_string(get_settings().rate_limit_storage_url))


def enforce(bucket: str, key: str, rate: str, what: str | None = None) -> None:
    """Raise 429 with Retry-After when `key` has used up `rate` (e.g. "30/minute") in `bucket`."""
    item = parse(rate)
    if not limiter().hit(item, bucket, key):
        reset_at, _remaining = limiter().get_window_stats(item, bucket, key)
        retry_after = max(1, int(reset_at - time.time()))
        detail = (
            f"Too many {what}; try again in {retry_after} s."
            if what
            else (f"Rate limit {rate} exceeded; retry in {retry_after} s.")
        )
        raise TooManyRequests(detail, headers={"Retry-After": str(retry_after)})
