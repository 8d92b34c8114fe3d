"""Rate limits on the public enquiry form: per client address and per email, whether known or not."""

import hashlib
import time
from functools import lru_cache

from fastapi import Request
from limits import parse, storage, strategies

from services.common.errors import DomainError
from services.common.settings import get_settings


class TooManyEnquiries(DomainError):
    status, slug = 429, "too-many-requests"


@lru_cache
def enquiry_limiter() -> strategies.MovingWindowRateLimiter:
    return strategies.MovingWindowRateLimiter(storage.storage_from_string(get_settings().rate_limit_storage_url))


def client_address(request: Request) -> str:
    """The caller's address: the one the gateway appended to X-Forwarded-For when the request came
    through it, the peer's own otherwise (entries before the gateway's are the client's to forge)."""
    peer = request.client.host if request.client else "unknown"
    forwarded = request.headers.get("x-forwarded-for", "")
    if forwarded and peer in get_settings().returners_trusted_proxies:
        return forwarded.split(",")[-1].strip() or peer
    return peer


def enforce_enquiry_limits(address: str, email: str) -> None:
    """429 with Retry-After when this address or this email has sent too many enquiries. The email is
    limited the same way whether or not it is known, so the limit reveals nothing about it."""
    settings = get_settings()
    # Hashed: the limiter's store (perhaps a shared Redis) never holds an email address.
    email_key = hashlib.sha256(email.encode()).hexdigest()
    limiter = enquiry_limiter()
    for bucket, key, rate in (
        ("returners-enquiry-address", address, settings.returners_enquiry_rate_per_ip),
        ("returners-enquiry-email", email_key, settings.returners_enquiry_rate_per_email),
    ):
        item = parse(rate)
        if not limiter.hit(item, bucket, key):
            reset_at, _remaining = limiter.get_window_stats(item, bucket, key)
            retry_after = max(1, int(reset_at - time.time()))
            raise TooManyEnquiries(
                f"Too many enquiries; try again in {retry_after} s.",
                headers={"Retry-After": str(retry_after)},
            )
