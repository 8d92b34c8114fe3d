"""A social worker's career: their level, pathway, history and experience; and what their next level needs."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.pages.dependencies import SignedInApi, council_names
from web.templating import render

router = APIRouter()


@router.get("/career")
async def career(request: Request, api: SignedInApi) -> Response:
    record = await api.get("/v1/careers/me")
    councils = await council_names(api)
    worked_for = [councils.get(code, code) for code in record["experience"]["councils"]]
    return render(request, "pages/career.html", record=record, councils=councils, worked_for=worked_for)


@router.get("/career/next-step")
async def next_step(request: Request, api: SignedInApi) -> Response:
    step = await api.get("/v1/careers/me/next-step")
    return render(request, "pages/next_step.html", step=step)
