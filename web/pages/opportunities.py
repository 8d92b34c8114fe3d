"""The region's opportunities (development posts, secondments, vacancies the councils post): browsed with filters,
and a social worker's registered interest in one, given and withdrawn."""

import math
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from web.api import Api, ApiProblem
from web.forms import CheckedForm, FormErrors, value
from web.pages.dependencies import SignedInApi, member_councils
from web.templating import render

router = APIRouter()

PAGE_SIZE = 20
NOTE_MAX = 1000  # InterestCreate.note
# Any text: a value that is not one of the choices offered is ignored, never a refusal.
Choice = str | None


async def filter_choices(api: Api) -> tuple[dict[str, dict[str, str]], dict[str, set[str]]]:
    """What each filter offers, by code (member councils, the framework's levels in order, pathways); and the
    pathways each level has."""
    framework = await api.get("/v1/careers/framework")
    levels = sorted(framework["levels"], key=lambda level: level["rank"])
    pathways = {pathway["code"]: pathway["name"] for level in levels for pathway in level["pathways"]}
    choices = {
        "council": dict(sorted((await member_councils(api)).items(), key=lambda item: item[1])),
        "level": {level["code"]: level["name"] for level in levels},
        "pathway": dict(sorted(pathways.items(), key=lambda item: item[1])),
    }
    return choices, {level["code"]: {pathway["code"] for pathway in level["pathways"]} for level in levels}


def page_number(page: str | None) -> int:
    """The page asked for; the first for anything that is not a page number."""
    return int(page) if page and page.isdigit() and 0 < int(page) < 10_000 else 1


def pagination(chosen: dict[str, str], page: int, total: int) -> dict | None:
    """govukPagination's parameters: previous, numbered pages and next, each keeping the filters; None for one page."""
    pages = math.ceil(total / PAGE_SIZE)
    if pages <= 1:
        return None

    def href(number: int) -> str:
        query = "&".join(f"{name}={code}" for name, code in chosen.items())
        return f"/opportunities?{query}&page={number}" if query else f"/opportunities?page={number}"

    items: list[dict] = []
    for n in range(1, pages + 1):
        if n in (1, pages) or abs(n - page) <= 1:
            items.append({"number": n, "href": href(n), "current": n == page})
        elif not items[-1].get("ellipsis"):  # GOV.UK's pattern: the first, the last and those either side of this
            items.append({"ellipsis": True})
    return {
        "previous": {"href": href(page - 1)} if page > 1 else None,
        "next": {"href": href(page + 1)} if page < pages else None,
        "items": items,
        "landmarkLabel": "Pages of opportunities",
    }


@router.get("/opportunities")
async def browse(
    request: Request,
    api: SignedInApi,
    council: Choice = None,
    level: Choice = None,
    pathway: Choice = None,
    page: Choice = None,
) -> Response:
    choices, level_pathways = await filter_choices(api)
    asked = {"council": council, "level": level, "pathway": pathway}
    chosen = {name: code for name, code in asked.items() if code and code in choices[name]}
    number = page_number(page)
    errors = FormErrors()
    if "level" in chosen and "pathway" in chosen and chosen["pathway"] not in level_pathways[chosen["level"]]:
        level_name, pathway_name = choices["level"][chosen["level"]], choices["pathway"][chosen["pathway"]]
        errors.add("pathway", f"{level_name} has no {pathway_name} pathway: choose another pathway, or any pathway")
        found = {"items": [], "total": 0}
    else:
        found = await api.get("/v1/careers/opportunities", **chosen, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    return render(
        request,
        "pages/opportunities.html",
        400 if errors else 200,
        errors=errors,
        choices=choices,
        chosen=chosen,
        opportunities=found["items"],
        total=found["total"],
        pagination=pagination(chosen, number, found["total"]),
    )


def opportunity_path(opportunity_id: str) -> str:
    """The API's path for an id from the URL; anything that is not an id is a page not found."""
    try:
        return f"/v1/careers/opportunities/{uuid.UUID(opportunity_id)}"
    except ValueError:
        raise HTTPException(404) from None


@router.get("/opportunities/{opportunity_id}")
async def opportunity(request: Request, api: SignedInApi, opportunity_id: str) -> Response:
    found = await api.get(opportunity_path(opportunity_id))
    return render(request, "pages/opportunity.html", opportunity=found, form={})


@router.post("/opportunities/{opportunity_id}/interest")
async def register_interest(request: Request, api: SignedInApi, opportunity_id: str, form: CheckedForm) -> Response:
    path = opportunity_path(opportunity_id)
    note = value(form, "note")
    errors, status = FormErrors(), 400
    if note and len(note) > NOTE_MAX:
        errors.add("note", f"Your note must be {NOTE_MAX:,} characters or fewer")
    else:
        try:
            await api.post(f"{path}/interest", {"note": note})
        except ApiProblem as refused:
            if refused.status == 409:  # registered already, or closed since: the page says which
                return RedirectResponse(f"/opportunities/{opportunity_id}", status_code=303)
            if refused.status != 422:
                raise
            errors, status = FormErrors.from_problem(refused, {"note": "note"}, "note"), 422
        else:
            request.state.session.flash = "You have registered your interest."
            return RedirectResponse(f"/opportunities/{opportunity_id}", status_code=303)
    found = await api.get(path)
    return render(request, "pages/opportunity.html", status, opportunity=found, errors=errors, form={"note": note})


@router.post("/opportunities/{opportunity_id}/withdraw")
async def withdraw_interest(request: Request, api: SignedInApi, opportunity_id: str, _form: CheckedForm) -> Response:
    path = opportunity_path(opportunity_id)
    try:
        await api.delete(f"{path}/interest")
    except ApiProblem as refused:
        if refused.status != 404:
            raise
        await api.get(path)  # a missing opportunity is a page not found; an interest already withdrawn is not
        request.state.session.flash = "You had not registered interest in this opportunity."
    else:
        request.state.session.flash = "You have withdrawn your interest."
    return RedirectResponse(f"/opportunities/{opportunity_id}", status_code=303)
