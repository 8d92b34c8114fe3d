"""What a page asks for: the API as the signed-in person, the id in its address, and the council names it shows."""

import uuid
from typing import Annotated

from cachetools import TTLCache
from fastapi import Depends, HTTPException, Request

from web.api import Api, SignInNeeded

_councils: TTLCache = TTLCache(maxsize=1, ttl=3600)


def signed_in_api(request: Request) -> Api:
    session = request.state.session
    if not session.signed_in:
        raise SignInNeeded
    return Api(request.app.state.api_client, session, request.state.request_id)


SignedInApi = Annotated[Api, Depends(signed_in_api)]


def record_id(text: str) -> uuid.UUID:
    """A record's id from the address; anything else is a page that does not exist."""
    try:
        return uuid.UUID(text)
    except ValueError:
        raise HTTPException(404) from None


async def _councils_held(api: Api) -> list[dict]:
    """Every council in England as the API has them (reference data: asked once an hour)."""
    if "all" not in _councils:
        found: list[dict] = []
        while True:
            page = await api.get("/v1/placements/councils", limit=500, offset=len(found))
            found += page["items"]
            if not page["items"] or len(found) >= page.get("total", len(found)):
                break
        _councils["all"] = found
    return _councils["all"]


async def council_names(api: Api) -> dict[str, str]:
    """Every council's name by its code."""
    return {council["code"]: council["name"] for council in await _councils_held(api)}


async def member_councils(api: Api) -> dict[str, str]:
    """The academy's member councils' names by code: those that post opportunities."""
    return {council["code"]: council["name"] for council in await _councils_held(api) if council["academy_member"]}
