"""A social worker's CPD for the Social Work England registration year: the year's check and its records, and
logging, changing and deleting a record."""

import re
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.common import clock
from services.common.registration_year import registration_year_of
from web.api import ApiProblem
from web.formats import long_date
from web.forms import CheckedForm, FormErrors, date_answer, date_fields, done, value
from web.pages.dependencies import SignedInApi, record_id
from web.templating import render

router = APIRouter()

CPD = "/v1/careers/me/cpd"
KINDS = {
    "course": "Course",
    "training": "Training",
    "supervision": "Supervision",
    "peer_learning": "Peer learning",
    "reading": "Reading",
    "research": "Research",
    "conference": "Conference",
    "e_learning": "E-learning",
    "shadowing": "Shadowing",
    "other": "Other",
}
# The API's field names against the form's field ids (the date input's first field takes the date's error).
FIELDS = {"activity_on": "activity_on-day", "hours": "hours", "kind": "kind", "title": "title"}
FIELDS |= {name: name for name in ("reflection", "peer_name", "evidence_description", "evidence_reference")}
FIRST_YEAR = 2020  # the first registration year the API keeps
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
MAX_HOURS = Decimal(500)


def cpd_body(form: dict[str, str], errors: FormErrors) -> dict[str, Any]:
    """The record the form describes, as CpdCreate and CpdUpdate take it; what is wrong goes in `errors`."""
    if not form.get("title"):
        errors.add("title", "Enter what the activity was")
    if form.get("kind") not in KINDS:
        errors.add("kind", "Select the kind of activity")
    activity_on = date_answer(form, "activity_on", "the date of the activity", errors)
    hours = None
    if not form.get("hours"):
        errors.add("hours", "Enter how many hours the activity took")
    else:
        try:
            hours = Decimal(form["hours"])
        except InvalidOperation:
            errors.add("hours", "Hours must be a number, like 1.5")
        else:
            if not hours.is_finite() or not 0 < hours <= MAX_HOURS:
                errors.add("hours", f"Hours must be more than 0 and no more than {MAX_HOURS}")
    return {
        "title": form.get("title"),
        "kind": form.get("kind"),
        "activity_on": activity_on.isoformat() if activity_on else None,
        "hours": str(hours) if hours is not None else None,
        "reflection": value(form, "reflection"),
        "peer_reflection": form.get("peer_reflection") == "yes",
        "peer_name": value(form, "peer_name"),
        "evidence_description": value(form, "evidence_description"),
        "evidence_reference": value(form, "evidence_reference"),
    }


def record_form(record: dict[str, Any]) -> dict[str, str]:
    """A record's answers as the form shows them."""
    answers = {name: record.get(name) or "" for name in ("title", "kind", "hours", "reflection", "peer_name")}
    answers |= {name: record.get(name) or "" for name in ("evidence_description", "evidence_reference")}
    answers["peer_reflection"] = "yes" if record.get("peer_reflection") else ""
    return answers | date_fields("activity_on", record.get("activity_on"))


def year_from(text: str | None) -> int | None:
    """The registration year asked for in the address; the API's default (this year) for anything else."""
    return int(text) if text and text.isdigit() and FIRST_YEAR <= int(text) <= 2100 else None


def back_to_year(activity_on: str, flash: str, request: Request) -> Response:
    return done(request, flash, f"/cpd?year={registration_year_of(date.fromisoformat(activity_on))}")


def render_form(request: Request, action: str, form: dict[str, str], status: int = 200, **context: Any) -> Response:
    return render(request, "pages/cpd_form.html", status, action=action, form=form, kinds=KINDS, **context)


async def save(
    request: Request,
    form: dict[str, str],
    send: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]],
    action: str,
    flash: str,
    **context: Any,
) -> Response:
    """Check the form, then `send` the body to the API: its refusal shown against the fields, or back to the year."""
    errors = FormErrors()
    body = cpd_body(form, errors)
    if errors:
        return render_form(request, action, form, 400, errors=errors, **context)
    try:
        saved = await send(body)
    except ApiProblem as refused:
        if refused.status not in (409, 422):
            raise
        errors = FormErrors.from_problem(refused, FIELDS, "title")
        return render_form(request, action, form, refused.status, errors=errors, **context)
    return back_to_year(saved["activity_on"], flash, request)


@router.get("/cpd")
async def cpd_year(request: Request, api: SignedInApi, year: str | None = None) -> Response:
    log = await api.get(CPD, year=year_from(year), limit=500)
    check = log["registration_year"]
    years = range(max(registration_year_of(clock.today()), check["year"]), FIRST_YEAR - 1, -1)
    # The API writes the dates in what is missing as ISO dates; the page writes dates the GOV.UK way.
    missing = [ISO_DATE.sub(lambda found: long_date(found[0]), gap) for gap in check["missing"]]
    return render(request, "pages/cpd.html", log=log, check=check, missing=missing, years=years, kinds=KINDS)


@router.get("/cpd/new")
async def new_cpd_form(request: Request, _api: SignedInApi) -> Response:
    return render_form(request, "/cpd/new", {})


@router.post("/cpd/new")
async def new_cpd(request: Request, api: SignedInApi, form: CheckedForm) -> Response:
    async def send(body: dict[str, Any]) -> dict[str, Any]:
        return await api.post(CPD, body)

    return await save(request, form, send, "/cpd/new", flash="CPD record added")


@router.get("/cpd/{cpd_id}/change")
async def change_cpd_form(request: Request, api: SignedInApi, cpd_id: str) -> Response:
    record = await api.get(f"{CPD}/{record_id(cpd_id)}")
    return render_form(request, f"/cpd/{record['id']}/change", record_form(record), record=record)


@router.post("/cpd/{cpd_id}/change")
async def change_cpd(request: Request, api: SignedInApi, cpd_id: str, form: CheckedForm) -> Response:
    record = await api.get(f"{CPD}/{record_id(cpd_id)}")

    async def send(body: dict[str, Any]) -> dict[str, Any]:
        return await api.patch(f"{CPD}/{record['id']}", body)

    return await save(request, form, send, f"/cpd/{record['id']}/change", record=record, flash="CPD record changed")


@router.get("/cpd/{cpd_id}/delete")
async def delete_cpd_form(request: Request, api: SignedInApi, cpd_id: str) -> Response:
    record = await api.get(f"{CPD}/{record_id(cpd_id)}")
    return render(request, "pages/cpd_delete.html", record=record)


@router.post("/cpd/{cpd_id}/delete")
async def delete_cpd(request: Request, api: SignedInApi, cpd_id: str, _form: CheckedForm) -> Response:
    record = await api.get(f"{CPD}/{record_id(cpd_id)}")
    await api.delete(f"{CPD}/{record['id']}")
    return back_to_year(record["activity_on"], "CPD record deleted", request)
