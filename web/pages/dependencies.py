"""What a page asks for: the API as the signed-in person, and the council names it shows."""

from typing import Annotated

from cachetools import TTLCache
from fastapi import Depends, Request

from web.api import Api, SignInNeeded

_councils: TTLCache = TTLCache(maxsize=1, ttl=3600)


def signed_in_api(request: Request) -> Api:
    session = request.state.session
    if not session.signed_in:
        raise SignInNeeded
    return Api(request.app.state.api_client, session, request.state.request_id)


SignedInApi = Annotated[Api, Depends(signed_in_api)]


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
