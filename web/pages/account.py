"""Signing in and out, and the start page."""

import contextlib
import time
from typing import Annotated

import httpx
from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from web.api import Api, ApiProblem, request_token, role_of
from web.forms import CheckedForm, FormErrors
from web.session import Session
from web.templating import render

router = APIRouter()

HOME_BY_ROLE = {"social_worker": "/career", "academy_admin": "/region"}


def local_path(target: str | None) -> str:
    """Only a path on this site (never `//elsewhere` or a full URL): no sign-in redirects anyone away."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/")
async def start(request: Request) -> Response:
    session = request.state.session
    if session.signed_in:
        return RedirectResponse(HOME_BY_ROLE.get(session.role, "/return-to-social-work"), status_code=303)
    return render(request, "pages/start.html")


@router.get("/sign-in")
async def sign_in_form(
    request: Request,
    next_page: Annotated[str | None, Query(alias="next", max_length=500)] = None,
    expired: bool = False,
) -> Response:
    return render(request, "pages/sign_in.html", next_page=local_path(next_page), expired=expired, form={})


@router.post("/sign-in")
async def sign_in(request: Request, form: CheckedForm) -> Response:
    errors = FormErrors()
    if not form.get("username"):
        errors.add("username", "Enter your username")
    if not form.get("password"):
        errors.add("password", "Enter your password")
    next_page = local_path(form.get("next"))
    if not errors:
        try:
            tokens = await request_token(
                request.app.state.api_client,
                {"grant_type": "password", "username": form["username"], "password": form["password"]},
            )
        except ApiProblem as refused:
            if refused.status == 429:
                errors.add("username", "You have tried to sign in too many times. Wait a minute and try again")
            elif refused.status in (400, 401):
                errors.add("username", "Enter a correct username and password")
            else:
                raise
        else:
            session: Session = request.state.session
            session.sign_in(form["username"], role_of(tokens["access_token"]), tokens, time.time())
            home = HOME_BY_ROLE.get(session.role, "/")
            return RedirectResponse(next_page if next_page != "/" else home, status_code=303)
    form = {"username": form.get("username", "")}
    return render(request, "pages/sign_in.html", 400, next_page=next_page, errors=errors, form=form)


@router.post("/sign-out")
async def sign_out(request: Request, _form: CheckedForm) -> Response:
    session: Session = request.state.session
    with contextlib.suppress(httpx.HTTPError):  # signed out here whatever became of the revocation
        await Api(request.app.state.api_client, session).revoke()
    request.state.session = Session(flash="You have signed out.")
    return RedirectResponse("/sign-in", status_code=303)
