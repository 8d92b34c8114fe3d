"""RFC 9457 problem details: the domain errors services raise and the handlers that render them."""

import logging
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://futuresocial.example/problems/"

log = logging.getLogger("futuresocial.errors")


class FieldError(BaseModel):
    loc: list[str | int]
    code: str
    message: str


class Problem(BaseModel):
    """The body of every error answer (RFC 9457)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = None


class DomainError(Exception):
    """Raised by services; one handler turns it into problem details. A kind of error states its HTTP status
    and its problem type's slug in its class statement: `class Gone(DomainError, status=410, slug="gone")`."""

    status = 400
    slug = "bad-request"

    def __init_subclass__(cls, *, status: int | None = None, slug: str | None = None, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        if status is not None:
            cls.status = status
        if slug is not None:
            cls.slug = slug

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers
        self.extra = extra


class InvalidInput(DomainError, status=422, slug="invalid-input"):
    """Input a rule refuses (beyond what the request's model checks); `errors` lists each field's problem."""


Location = list[str | int]


def invalid(loc: Location, code: str, message: str, *, detail: str | None = None) -> InvalidInput:
    """A 422 for one field: `loc` as pydantic gives it (["body", "end_date"]), a stable `code`, and a message;
    the problem's detail is the message as a sentence unless one is given."""
    return invalid_fields(detail or message[0].upper() + message[1:] + ".", [(loc, code, message)])


def invalid_fields(detail: str, problems: Iterable[tuple[Location, str, str]]) -> InvalidInput:
    """A 422 listing every field's problem at once, each (loc, code, message)."""
    return InvalidInput(
        detail, errors=[{"loc": loc, "code": code, "message": message} for loc, code, message in problems]
    )


class NotFound(DomainError, status=404, slug="not-found"):
    """Nothing by that id that this caller may see: another council's record answers as if it did not exist."""


class Conflict(DomainError, status=409, slug="conflict"):
    """The request is sound but what is held refuses it now (a duplicate, a step the state does not allow)."""


class Forbidden(DomainError, status=403, slug="forbidden"):
    """The caller is known, but their role, scope or council may not do this."""


class Unauthorized(DomainError, status=401, slug="unauthorized"):
    """No credentials, or wrong, invalid or expired ones; the handler adds `WWW-Authenticate: Bearer`."""


class PreconditionFailed(DomainError, status=412, slug="precondition-failed"):
    """`If-Match` named a version that is no longer the current one."""


class PayloadTooLarge(DomainError, status=413, slug="payload-too-large"):
    """An upload over its limit."""


class ServiceUnavailable(DomainError, status=503, slug="service-unavailable"):
    """The database or a service this needs cannot answer now; the handler adds `Retry-After`."""


def problem_response(
    status: int,
    detail: str | None = None,
    *,
    slug: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug if slug else "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": list(err.get("loc", ())), "code": err.get("type", "invalid"), "message": err.get("msg", "")}
        for err in exc.errors()
    ]


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status == 401:
            headers.setdefault("WWW-Authenticate", "Bearer")
        if exc.status == 503:
            headers.setdefault("Retry-After", "1")
        return problem_response(exc.status, exc.detail, slug=exc.slug, errors=exc.errors, headers=headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        return problem_response(
            422, f"The request has {len(errors)} invalid field(s).", slug="invalid-input", errors=errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response(
            exc.status_code, str(exc.detail) if exc.detail else None, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(PoolTimeout)
    @app.exception_handler(OperationalError)
    async def _database_busy(request: Request, exc: Exception) -> JSONResponse:
        # The pool had no connection in time, a lock or statement timed out, the database is down, or a
        # retryable conflict came back on every attempt: nothing the caller did, and worth a retry.
        log.warning(
            "database unavailable: %s",
            type(getattr(exc, "orig", None) or exc).__name__,
            extra={"request_id": request.scope.get("state", {}).get("request_id")},
        )
        return problem_response(
            503,
            "The database could not serve this request in time; retry shortly.",
            slug="database-busy",
            headers={"Retry-After": "1"},
        )

    app.add_middleware(UnexpectedErrors)


class UnexpectedErrors:
    """A bug's 500 as problem details, answered here rather than by Starlette's last-resort handler, which
    answers and then raises the error again: uvicorn then closes the connection, and the next request a
    proxy sends on it (someone else's) fails as if the service were down."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            log.exception("unhandled error", extra={"request_id": scope.get("state", {}).get("request_id")})
            if started:  # part of the answer has gone: nothing sound can follow on this connection
                raise
            answer = problem_response(500, "An unexpected error occurred; it has been logged.")
            await answer(scope, receive, send)


RETRY_AFTER_HEADER = {"Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}}


def problem_response_doc(status: int, description: str | None = None, *, retry_after: bool = False) -> dict[str, Any]:
    """How an OpenAPI document declares one problem answer of a route."""
    doc: dict[str, Any] = {
        "model": Problem,
        "content": {PROBLEM_MEDIA_TYPE: {}},
        "description": description or HTTPStatus(status).phrase,
    }
    if retry_after:
        doc["headers"] = RETRY_AFTER_HEADER
    return doc


# What any route may answer, so every operation documents it: a body that cannot be decoded (400), no or a bad
# token (401), a role or scope without access (403), nothing there for this caller (404), invalid input (422),
# the gateway's per-principal rate limit (429), and a full service or a database that could not answer in time
# (503, services/common/capacity.py and the handler above).
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: problem_response_doc(code) for code in (400, 401, 403, 404, 422)
} | {
    429: problem_response_doc(429, retry_after=True),
    503: problem_response_doc(503, "The service is busy or its database could not answer in time", retry_after=True),
}
