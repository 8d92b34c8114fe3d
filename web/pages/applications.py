"""A social worker's applications to progress to their next level, and the evidence portfolio they draw on:
starting an application from the next step, attaching evidence, submitting and withdrawing it."""

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.api import Api, ApiProblem
from web.formats import EVIDENCE_KINDS
from web.forms import CheckedForm, FormErrors, date_answer, done, value
from web.pages.dependencies import SignedInApi, council_names, record_id
from web.templating import render

router = APIRouter()

MINE = "/v1/careers/me/applications"
APPLICATIONS = "/v1/careers/applications"
EVIDENCE = "/v1/careers/me/evidence"
EVIDENCE_CODE = re.compile(r"\b(" + "|".join(EVIDENCE_KINDS) + r")\b")
EVIDENCE_FIELDS = {"kind": "kind", "title": "title", "dated_on": "dated_on-day"}
EVIDENCE_FIELDS |= {"description": "description", "reference": "reference"}
# What each step of an application is called in its history.
ACTIONS = {
    "create": "Started",
    "submit": "Submitted",
    "withdraw": "Withdrawn",
    "endorse": "Endorsed by the council",
    "return": "Returned to you",
    "approve": "Approved",
    "decline": "Declined",
}
ACTORS = {"social_worker": "You", "council_hr": "Your council", "academy_admin": "The academy"}


async def portfolio(api: Api) -> list[dict[str, Any]]:
    return (await api.get(EVIDENCE, limit=500))["items"]


async def kinds_needed(api: Api, application: dict[str, Any]) -> list[str]:
    """The evidence kinds the framework asks for the level (and pathway) applied for."""
    framework = await api.get("/v1/careers/framework")
    pathway = application["pathway"]["code"] if application["pathway"] else None
    for level in framework["levels"]:
        if level["code"] == application["level"]["code"]:
            for requirement in level["requirements"]:
                if requirement["pathway"] == pathway:
                    return list(requirement["evidence_kinds"])
    return []


async def application_page(
    request: Request, api: SignedInApi, application_id: str, status: int = 200, **context: Any
) -> Response:
    application = await api.get(f"{APPLICATIONS}/{record_id(application_id)}")
    attached = {item["id"] for item in application["evidence"]}
    return render(
        request,
        "pages/application.html",
        status,
        application=application,
        attached=attached,
        portfolio=await portfolio(api),
        needed=await kinds_needed(api, application),
        councils=await council_names(api),
        evidence_kinds=EVIDENCE_KINDS,
        actions=ACTIONS,
        actors=ACTORS,
        **context,
    )


@router.get("/applications")
async def applications(request: Request, api: SignedInApi) -> Response:
    mine = await api.get(MINE, limit=500)
    return render(request, "pages/applications.html", applications=mine["items"])


@router.post("/applications")
async def start_application(request: Request, api: SignedInApi, form: CheckedForm) -> Response:
    try:
        started = await api.post(MINE, {"level": form.get("level", ""), "pathway": value(form, "pathway")})
    except ApiProblem as refused:
        if refused.status == 409 and refused.problem.get("application_id"):
            return done(request, str(refused), f"/applications/{refused.problem['application_id']}")
        raise
    return done(request, "Application started: attach your evidence, then submit it", f"/applications/{started['id']}")


@router.get("/applications/{application_id}")
async def application(request: Request, api: SignedInApi, application_id: str) -> Response:
    return await application_page(request, api, application_id)


@router.post("/applications/{application_id}/evidence")
async def attach_evidence(request: Request, api: SignedInApi, application_id: str, _form: CheckedForm) -> Response:
    chosen = [item for item in (await request.form()).getlist("evidence") if isinstance(item, str)]
    try:
        await api.patch(f"{APPLICATIONS}/{record_id(application_id)}", {"evidence_ids": chosen})
    except ApiProblem as refused:
        if refused.status not in (409, 422):
            raise
        errors = FormErrors.from_problem(refused, {"evidence_ids": "evidence"}, "evidence")
        return await application_page(request, api, application_id, refused.status, errors=errors)
    return done(request, "Evidence saved", f"/applications/{application_id}")


async def transition(api: Api, application_id: str, action: str, note: str | None) -> dict[str, Any]:
    """Take a step of the application (the API's one transitions endpoint, the action in the body)."""
    return await api.post(f"{APPLICATIONS}/{record_id(application_id)}/transitions", {"action": action, "note": note})


@router.post("/applications/{application_id}/submit")
async def submit(request: Request, api: SignedInApi, application_id: str, form: CheckedForm) -> Response:
    try:
        await transition(api, application_id, "submit", value(form, "note"))
    except ApiProblem as refused:
        if refused.status not in (409, 422):
            raise
        # The body's own checks name the action before the field (body, submit, note): this form sends a note only.
        fields = {"evidence_ids": "evidence", "note": "note", "submit": "note"}
        errors = FormErrors.from_problem(refused, fields, "evidence")
        for field_id, message in errors.by_field.items():  # the API names the kinds missing by their codes
            errors.by_field[field_id] = EVIDENCE_CODE.sub(lambda found: EVIDENCE_KINDS[found[0]], message)
        return await application_page(
            request, api, application_id, refused.status, errors=errors, note=form.get("note")
        )
    return done(request, "Application submitted", f"/applications/{application_id}")


@router.get("/applications/{application_id}/withdraw")
async def withdraw_form(request: Request, api: SignedInApi, application_id: str) -> Response:
    application = await api.get(f"{APPLICATIONS}/{record_id(application_id)}")
    return render(request, "pages/application_withdraw.html", application=application)


@router.post("/applications/{application_id}/withdraw")
async def withdraw(request: Request, api: SignedInApi, application_id: str, form: CheckedForm) -> Response:
    await transition(api, application_id, "withdraw", value(form, "note"))
    return done(request, "Application withdrawn", f"/applications/{application_id}")


# --- Evidence ----------------------------------------------------------------------------------


def evidence_body(form: dict[str, str], errors: FormErrors) -> dict[str, Any]:
    if form.get("kind") not in EVIDENCE_KINDS:
        errors.add("kind", "Select the kind of evidence")
    if not form.get("title"):
        errors.add("title", "Enter a title for the evidence")
    dated_on = date_answer(form, "dated_on", "the date of the evidence", errors)
    return {
        "kind": form.get("kind"),
        "title": form.get("title"),
        "dated_on": dated_on.isoformat() if dated_on else None,
        "description": value(form, "description"),
        "reference": value(form, "reference"),
    }


def evidence_form(request: Request, action: str, form: dict[str, str], status: int = 200, **context: Any) -> Response:
    return render(
        request, "pages/evidence_form.html", status, action=action, form=form, kinds=EVIDENCE_KINDS, **context
    )


async def add_evidence(request: Request, api: Api, form: dict[str, str], action: str, **context: Any):
    """The new evidence item, or the form again with what is wrong."""
    errors = FormErrors()
    body = evidence_body(form, errors)
    if errors:
        return evidence_form(request, action, form, 400, errors=errors, **context)
    try:
        return await api.post(EVIDENCE, body)
    except ApiProblem as refused:
        if refused.status not in (409, 422):
            raise
        errors = FormErrors.from_problem(refused, EVIDENCE_FIELDS, "title")
        return evidence_form(request, action, form, refused.status, errors=errors, **context)


@router.get("/evidence")
async def evidence(request: Request, api: SignedInApi) -> Response:
    return render(request, "pages/evidence.html", portfolio=await portfolio(api), kinds=EVIDENCE_KINDS)


@router.get("/evidence/new")
async def new_evidence_form(request: Request, _api: SignedInApi) -> Response:
    return evidence_form(request, "/evidence/new", {})


@router.post("/evidence/new")
async def new_evidence(request: Request, api: SignedInApi, form: CheckedForm) -> Response:
    added = await add_evidence(request, api, form, "/evidence/new")
    if isinstance(added, Response):
        return added
    return done(request, "Evidence added to your portfolio", "/evidence")


@router.get("/applications/{application_id}/evidence/new")
async def new_attached_evidence_form(request: Request, api: SignedInApi, application_id: str) -> Response:
    application = await api.get(f"{APPLICATIONS}/{record_id(application_id)}")
    return evidence_form(request, f"/applications/{application['id']}/evidence/new", {}, application=application)


@router.post("/applications/{application_id}/evidence/new")
async def new_attached_evidence(request: Request, api: SignedInApi, application_id: str, form: CheckedForm) -> Response:
    application = await api.get(f"{APPLICATIONS}/{record_id(application_id)}")
    page = f"/applications/{application['id']}"
    added = await add_evidence(request, api, form, f"{page}/evidence/new", application=application)
    if isinstance(added, Response):
        return added
    attached = [item["id"] for item in application["evidence"]] + [added["id"]]
    await api.patch(f"{APPLICATIONS}/{application['id']}", {"evidence_ids": attached})
    return done(request, "Evidence added and attached to your application", page)


@router.post("/evidence/{evidence_id}/remove")
async def remove_evidence(request: Request, api: SignedInApi, evidence_id: str, _form: CheckedForm) -> Response:
    try:
        await api.delete(f"{EVIDENCE}/{record_id(evidence_id)}")
    except ApiProblem as refused:
        if refused.status != 409:
            raise
        errors = FormErrors()
        errors.add(f"remove-{evidence_id}", str(refused))
        page = await portfolio(api)
        return render(request, "pages/evidence.html", 409, portfolio=page, kinds=EVIDENCE_KINDS, errors=errors)
    return done(request, "Evidence removed from your portfolio", "/evidence")
