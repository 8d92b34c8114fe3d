"""Pages are Jinja templates in web/templates, built from GOV.UK Frontend's components through the Jinja macros
of govuk-frontend-jinja (`{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}`)."""

from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from web import formats
from web.session import Session

SERVICE_NAME = "FutureSocial careers"

environment = Environment(
    loader=ChoiceLoader(
        [
            FileSystemLoader(Path(__file__).parent / "templates"),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    ),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters.update(formats.FILTERS)
templates = Jinja2Templates(env=environment)


def navigation(request: Request, session: Session) -> list[dict[str, Any]]:
    """The service navigation for who is signed in: a social worker's own pages, or academy staff's."""
    items: list[tuple[str, str]] = []
    if session.role == "social_worker":
        items = [("Your career", "/career"), ("CPD", "/cpd"), ("Applications", "/applications")]
        items.append(("Opportunities", "/opportunities"))
    elif session.role == "academy_admin":
        items = [("Region", "/region"), ("Opportunities", "/opportunities")]
    items.append(("Return to social work", "/return-to-social-work"))
    path = request.url.path
    return [{"text": text, "href": href, "active": path == href or path.startswith(href + "/")} for text, href in items]


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    session = getattr(request.state, "session", None) or Session()  # none on a failure before the session was read
    return templates.TemplateResponse(
        request,
        template,
        {
            "service_name": SERVICE_NAME,
            "session": session,
            "csrf_token": session.csrf,
            "navigation": navigation(request, session),
            "flash": session.take_flash(),
            **context,
        },
        status_code=status_code,
    )
