"""The career pathway front end: server-rendered pages in the GOV.UK Design System, for social workers and
academy staff. A client of the gateway's public API like any other; it imports no service and opens no
database. Reached through the gateway at "/" (see gateway/app.py)."""

from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.logging import RequestContextMiddleware, configure_logging
from services.common.metrics import metrics_response
from services.common.settings import get_settings
from web import api
from web.forms import CsrfRefused
from web.forwarding import browser_address
from web.pages import account, applications, career, cpd, opportunities, region, region_planning, returners
from web.security import HEADERS, STATIC_PREFIXES, SecurityHeaders
from web.session import Session, SessionCookie
from web.templating import render

STATIC = Path(__file__).parent / "static"


class Sessions:
    """Each page request gets `request.state.session` from its cookie, and the session as the page left it
    (a new one after sign-out) is sealed into the answer. Static files carry no session."""

    def __init__(self, app: ASGIApp, cookie: SessionCookie):
        self.app, self.cookie = app, cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(STATIC_PREFIXES):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if request.client:  # the browser's, as the gateway in front of us saw it
            browser_address.set(request.client.host)
        session, expired = self.cookie.load(request)
        state = scope.setdefault("state", {})
        state["session"], state["session_expired"] = session, expired

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                carrier = Response()
                self.cookie.save(state["session"], request, carrier)
                message.setdefault("headers", []).extend(
                    (name, value) for name, value in carrier.raw_headers if name == b"set-cookie"
                )
            await send(message)

        await self.app(scope, receive, send_with_cookie)


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.api_client = api.new_client(get_settings())
    yield
    await app.state.api_client.aclose()


def sign_in_page(request: Request, expired: bool) -> RedirectResponse:
    """To the sign-in page, coming back here afterwards (a GET; after a POST, to the page the form was on)."""
    back = request.url.path if request.method == "GET" else request.headers.get("referer", "/")
    target = f"/sign-in?next={quote(account.local_path(back), safe='/')}"
    if expired:
        target += "&expired=1"
    request.state.session = Session()
    return RedirectResponse(target, status_code=303)


def install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(api.SignInNeeded)
    async def signed_out(request: Request, _exc: api.SignInNeeded) -> Response:
        return sign_in_page(request, expired=request.state.session_expired or request.state.session.signed_in)

    @app.exception_handler(api.ApiProblem)
    async def refused(request: Request, exc: api.ApiProblem) -> Response:
        if exc.status == 404:
            return render(request, "errors/not_found.html", 404)
        if exc.status == 403:
            return render(request, "errors/forbidden.html", 403)
        if exc.status == 429 or exc.status >= 500:
            return render(request, "errors/unavailable.html", 503 if exc.status >= 500 else 429)
        return render(request, "errors/refused.html", exc.status, detail=str(exc))

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, _exc: CsrfRefused) -> Response:
        return render(request, "errors/form_expired.html", 400)

    @app.exception_handler(Exception)
    async def failed(request: Request, _exc: Exception) -> Response:
        """Our own fault: the GOV.UK page for it, not a bare "Internal Server Error" (uvicorn still logs it).
        Answered outside every middleware, so with the security headers set here."""
        page = render(request, "errors/unavailable.html", 500)
        page.headers.update({**HEADERS, "cache-control": "no-store"})
        return page

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, _exc: RequestValidationError) -> Response:
        """An address edited by hand (a query or path value no page makes): a page, never the API's JSON."""
        return render(request, "errors/not_found.html", 404)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return render(request, "errors/not_found.html", 404)
        return render(request, "errors/refused.html", exc.status_code, detail=exc.detail)


def create_web() -> FastAPI:
    settings = get_settings()
    configure_logging(settings.log_level)
    app = FastAPI(title="FutureSocial web", lifespan=lifespan, openapi_url=None, docs_url=None)
    app.add_middleware(Sessions, cookie=SessionCookie(settings))
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestContextMiddleware, service="web")
    install_error_pages(app)
    app.mount("/assets", StaticFiles(directory=STATIC / "govuk-frontend" / "assets", check_dir=False), name="assets")
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
    for pages in (account, career, cpd, applications, opportunities, region, region_planning, returners):
        app.include_router(pages.router)

    @app.get("/health", include_in_schema=False)
    async def health() -> JSONResponse:
        return JSONResponse({"status": "ok", "service": "web"})

    @app.get("/ready", include_in_schema=False)
    async def ready() -> JSONResponse:
        """Ready when its styles are installed: without them no page is usable."""
        if not (STATIC / "govuk-frontend" / "govuk-frontend.min.css").is_file():
            return JSONResponse({"status": "not ready", "detail": "run `python -m web.assets`"}, status_code=503)
        return JSONResponse({"status": "ok", "service": "web"})

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return metrics_response()

    return app


app = create_web()
