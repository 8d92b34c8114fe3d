"""JSON log lines, and the middleware that gives every request an id and logs one line for it.

No line may carry personal data: a request is logged by its route template, never its path (which may hold an
SWE number); a person signed in is logged by a pseudonym of their username; and the formatter redacts anything
shaped like an SWE number or an email address that reaches a line all the same (an exception's message, say).
"""

import hashlib
import json
import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.metrics import record_request

REQUEST_ID_HEADER = "x-request-id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

# Any spelling services/common/swe.py accepts (SW123, sw 0000123), and anything an email address might be.
_SWE_NUMBER = re.compile(r"(?<![A-Za-z0-9])sw\s?\d+", re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# PostgreSQL quotes the values of a failed row or key in an error's DETAIL, whatever SQLAlchemy hides.
_FAILING_ROW = re.compile(r"(Failing row contains )\(.*")
_KEY_VALUES = re.compile(r"(Key \([^)\n]*\)=)\((?:[^()\n]|\([^()\n]*\))*\)")
SWE_REDACTED = "SW[redacted]"
EMAIL_REDACTED = "[email redacted]"


def redact(text: str) -> str:
    """`text` with every SWE number, email address, and value quoted by a database error replaced."""
    text = _KEY_VALUES.sub(r"\1([redacted])", _FAILING_ROW.sub(r"\1([redacted])", text))
    return _EMAIL.sub(EMAIL_REDACTED, _SWE_NUMBER.sub(SWE_REDACTED, text))


def loggable_principal(subject: str | None) -> str | None:
    """A machine client's subject as it is; a person's username (often their name or email) as a stable
    pseudonym, so one person's requests can still be followed through the logs."""
    if subject is None or not subject.startswith("user:"):
        return subject
    return "user:#" + hashlib.sha256(subject.encode()).hexdigest()[:12]


class JsonFormatter(logging.Formatter):
    FIELDS = ("request_id", "method", "route", "status", "duration_ms", "principal", "service", "client")

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in self.FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        # The safety net: whatever a message, an exception or a field carries, no SWE number or email is written.
        return json.dumps(
            {name: redact(value) if isinstance(value, str) else value for name, value in line.items()}, default=str
        )


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("uvicorn.access").disabled = True  # replaced by our one line per request
    # uvicorn's own lines (an exception that reached it, its start and stop) go through the same formatter,
    # not uvicorn's plain one that would print an exception's message unredacted.
    uvicorn = logging.getLogger("uvicorn")
    uvicorn.handlers[:] = []
    uvicorn.propagate = True
    logging.getLogger("httpx").setLevel(logging.WARNING)


def route_template(scope: Scope) -> str | None:
    """The template of the route that served the request (/v1/careers/workers/{swe_number}), or what the app
    named instead; None when no route matched."""
    named = scope.get("state", {}).get("route")
    if named:
        return named
    return getattr(scope.get("route"), "path", None)


_request_id: ContextVar[str | None] = ContextVar("futuresocial_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being served (None outside one): what the audit trail and the logs quote."""
    return _request_id.get()


class RequestContextMiddleware:
    """Keeps a well-formed incoming X-Request-ID or makes one, returns it, logs the request and counts it in the
    metrics (services/common/metrics.py)."""

    def __init__(self, app: ASGIApp, service: str):
        self.app = app
        self.service = service
        self.log = logging.getLogger("futuresocial.request")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        context = _request_id.set(request_id)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _request_id.reset(context)
            seconds = time.perf_counter() - started
            route = route_template(scope)
            record_request(route, scope["method"], status, seconds)
            self.log.info(
                "request",
                extra={
                    "service": self.service,
                    "request_id": request_id,
                    "method": scope["method"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                    "principal": loggable_principal(state.get("principal")),
                },
            )
