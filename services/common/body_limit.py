"""How large a request body may be, enforced while it streams in, by the gateway and every service alike."""

from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.errors import problem_response
from services.common.settings import Settings

# Room for a multipart upload's boundaries and part headers around the file itself, so a file of exactly
# import_max_bytes reaches the import (which names the file's own limit when it is over).
MULTIPART_FRAMING_BYTES = 64 * 1024


def body_limits(settings: Settings) -> dict[tuple[str, str], int]:
    """The endpoints (method, exact path) that take more than settings.request_body_max_bytes."""
    return {("POST", "/v1/placements/imports"): settings.import_max_bytes + MULTIPART_FRAMING_BYTES}


class _BodyTooLarge(Exception):
    """Raised from `receive` to stop whoever is reading; never leaves the middleware."""


class BodyLimit:
    """A pure ASGI middleware: a request whose Content-Length is over its limit gets 413 problem details before
    the app sees it; one without (chunked) gets 413 as soon as the bytes received pass the limit, and the app
    is never handed a byte more. Whatever the app answers after that (a 400 for a body cut short, the
    gateway's 503 for an upload it could not finish) is replaced by the 413."""

    def __init__(self, app: ASGIApp, default_bytes: int, larger: Mapping[tuple[str, str], int] | None = None):
        self.app = app
        self.default_bytes = default_bytes
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get((scope["method"], scope["path"]), self.default_bytes)
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(limit)(scope, receive, send)
            return

        received = 0
        exceeded = False
        answered = False  # by the app, before the limit was passed

        async def counted_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise _BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal answered
            if exceeded and not answered:
                return  # the 413 goes out instead, below
            if message["type"] == "http.response.start":
                answered = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not exceeded or answered:
                raise
        if exceeded and not answered:
            await _too_large(limit)(scope, receive, send)


def _too_large(limit: int):
    return problem_response(
        413,
        f"The request body is over the {_size(limit)} this endpoint accepts.",
        slug="payload-too-large",
    )


def _size(limit: int) -> str:
    mebibytes = limit / (1024 * 1024)
    return f"{round(mebibytes, 1):g} MiB" if mebibytes >= 1 else f"{limit} bytes"
