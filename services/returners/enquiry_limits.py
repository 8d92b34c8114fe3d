"""Rate limits on the public enquiry form: per client address and per email, whether known or not."""

import hashlib

from fastapi import Request

from services.common.rate_limits import enforce
from services.common.settings import get_settings


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
    enforce("returners-enquiry-address", address, settings.returners_enquiry_rate_per_ip, "enquiries")
    enforce("returners-enquiry-email", email_key, settings.returners_enquiry_rate_per_email, "enquiries")
