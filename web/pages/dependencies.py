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


async def council_names(api: Api) -> dict[str, str]:
    """Every council's name by its code (reference data: kept for an hour)."""
    if "names" not in _councils:
        found: dict[str, str] = {}
        offset = 0
        while True:
            page = await api.get("/v1/placements/councils", limit=500, offset=offset)
            found.update({council["code"]: council["name"] for council in page["items"]})
            offset += len(page["items"])
            if not page["items"] or offset >= page.get("total", offset):
                break
        _councils["names"] = found
    return _councils["names"]
