"""Rate limits on the public enquiry form: per client address and per email, whether known or not."""

import hashlib
import ipaddress
from functools import lru_cache

from fastapi import Request

from services.common.rate_limits import enforce
from services.common.settings import get_settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _trusted(proxies: tuple[str, ...]) -> tuple[frozenset[str], tuple[Network, ...]]:
    names: set[str] = set()
    networks: list[Network] = []
    for proxy in proxies:
        try:
            networks.append(ipaddress.ip_network(proxy, strict=False))
        except ValueError:
            names.add(proxy)  # not an address: a peer named otherwise (a test client, a unix socket)
    return frozenset(names), tuple(networks)


def is_trusted_proxy(peer: str) -> bool:
    """Whether `peer` is one of settings.trusted_proxies (an address, or inside one of its networks)."""
    names, networks = _trusted(tuple(get_settings().trusted_proxies))
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return peer in names
    return any(address in network for network in networks)


def client_address(request: Request) -> str:
    """The caller's address. From a trusted proxy (the gateway), the last address in X-Forwarded-For that is
    not itself a trusted proxy: the gateway sets the header to the peer it saw, and anything a client wrote
    there is never believed. From anyone else, the peer's own address."""
    peer = request.client.host if request.client else "unknown"
    forwarded = request.headers.get("x-forwarded-for", "")
    if not (forwarded and is_trusted_proxy(peer)):
        return peer
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted_proxy(hop):
            return hop
    return hops[0] if hops else peer


def enforce_enquiry_limits(address: str, email: str) -> None:
    """429 with Retry-After when this address or this email has sent too many enquiries. The email is
    limited the same way whether or not it is known, so the limit reveals nothing about it."""
    settings = get_settings()
    # Hashed: the limiter's store (perhaps a shared Redis) never holds an email address.
    email_key = hashlib.sha256(email.encode()).hexdigest()
    enforce("returners-enquiry-address", address, settings.returners_enquiry_rate_per_ip, "enquiries")
    enforce("returners-enquiry-email", email_key, settings.returners_enquiry_rate_per_email, "enquiries")
