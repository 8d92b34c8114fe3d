"""A social worker's career: their level, pathway, history and experience; and what their next level needs."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.formats import evidence_kind
from web.pages.dependencies import SignedInApi, council_names
from web.templating import render

router = APIRouter()

# What each of the API's requirement codes asks, in words (services/careers/rules.py names them).
REQUIREMENTS = {
    "post_qualifying_years": "Years of post-qualifying experience",
    "cpd_hours_last_12_months": "Hours of CPD in the last 12 months",
    "evidence": "Evidence",
}


def requirement_label(check: dict) -> str:
    label = REQUIREMENTS.get(check["requirement"], check["requirement"].replace("_", " ").capitalize())
    if check.get("evidence_kind"):
        label += ": " + evidence_kind(check["evidence_kind"])
    return label


@router.get("/career")
async def career(request: Request, api: SignedInApi) -> Response:
    record = await api.get("/v1/careers/me")
    councils = await council_names(api)
    worked_for = [councils.get(code, code) for code in record["experience"]["councils"]]
    return render(request, "pages/career.html", record=record, councils=councils, worked_for=worked_for)


@router.get("/career/next-step")
async def next_step(request: Request, api: SignedInApi) -> Response:
    step = await api.get("/v1/careers/me/next-step")
    return render(request, "pages/next_step.html", step=step, requirement_label=requirement_label)
