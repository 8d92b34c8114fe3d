"""Prometheus metrics every process keeps (its requests, its connection pool) and the /metrics page.

No label may carry personal data: a request is counted by its route template, never its path (which may hold
an SWE number), and a method we do not serve is counted as "other".

With several processes per app (`futuresocial up --workers N`), PROMETHEUS_MULTIPROC_DIR names a folder of the
app's own, in which every process keeps its figures; /metrics, from whichever process answers, adds them up.
"""

import glob
import ipaddress
import os
import re

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import event
from sqlalchemy.pool import Pool
from starlette.responses import Response

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_LIVE_GAUGE_FILE = re.compile(r"gauge_live\w+?_(\d+)\.db$")

REQUESTS = Counter(
    "futuresocial_http_requests_total", "HTTP requests answered, by route template, method and status",
    ["route", "method", "status"],
)  # fmt: skip
REQUEST_DURATION = Histogram(
    "futuresocial_http_request_duration_seconds", "Time from a request's arrival to the end of its answer",
    ["route", "method"],
)  # fmt: skip
# "livesum": with several processes, the sum over those alive.
POOL_SIZE = Gauge(
    "futuresocial_db_pool_size_connections", "Connections the database pool keeps at most (before overflow)",
    multiprocess_mode="livesum",
)  # fmt: skip
POOL_CHECKED_OUT = Gauge(
    "futuresocial_db_pool_checked_out_connections", "Database connections in use now",
    multiprocess_mode="livesum",
)  # fmt: skip
POOL_OVERFLOW = Gauge(
    "futuresocial_db_pool_overflow_connections", "Database connections open beyond the pool's size",
    multiprocess_mode="livesum",
)  # fmt: skip


def record_request(route: str | None, method: str, status: int, seconds: float) -> None:
    route = route or "unmatched"
    method = method if method in METHODS else "other"
    REQUESTS.labels(route, method, str(status)).inc()
    REQUEST_DURATION.labels(route, method).observe(seconds)


def watch_pool(pool: Pool) -> None:
    """Keep the pool gauges up to date as connections are taken and given back."""
    if not hasattr(pool, "size"):  # SQLite in memory: one connection, no pool to speak of
        return
    POOL_SIZE.set(pool.size())

    def overflow() -> None:
        POOL_OVERFLOW.set(max(0, pool.overflow()))

    @event.listens_for(pool, "checkout")
    def _taken(*_args) -> None:
        POOL_CHECKED_OUT.inc()
        overflow()

    @event.listens_for(pool, "checkin")
    def _given_back(*_args) -> None:
        POOL_CHECKED_OUT.dec()
        overflow()


def _forget_dead_processes(folder: str) -> None:
    """A worker that was killed never said so: its "live" gauges (connections it held) go once it is gone."""
    for path in glob.glob(os.path.join(folder, "gauge_live*.db")):
        found = _LIVE_GAUGE_FILE.search(path)
        if found and not _is_alive(int(found.group(1))):
            multiprocess.mark_process_dead(int(found.group(1)), folder)


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def metrics_response() -> Response:
    """The exposition of this app: this process's figures, or every process's when there are several."""
    folder = os.environ.get(MULTIPROCESS_DIR)
    if not folder:
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
    _forget_dead_processes(folder)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, folder)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def address_among(address: str | None, networks: list[str]) -> bool:
    """Whether a caller's address is one of `networks` (addresses or CIDR networks); a name is none of them."""
    try:
        caller = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(caller in ipaddress.ip_network(network, strict=False) for network in networks)
