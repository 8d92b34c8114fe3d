"""The HTTP client to placements, with this service's token. Analytics never reads placements' tables for a
return: it asks placements for a council's census return and has placements' own census import check it."""

from collections.abc import Iterator
from typing import Annotated

import httpx
from fastapi import Depends

from services.common.service_client import call, service_client


def placements_client() -> Iterator[httpx.Client]:
    """The HTTP client to placements; tests override this with one bound to the app in-process."""
    yield from service_client("placements")


Placements = Annotated[httpx.Client, Depends(placements_client)]


def census_return(client: httpx.Client, council: str, census_year: int) -> httpx.Response:
    """The council's census return of the year, as placements writes it (XML)."""
    params = {"census_year": census_year, "council": council}
    return call(client, "GET", "/v1/placements/exports/census.xml", params=params)


def check_return(client: httpx.Client, council: str, census_year: int, content: bytes) -> httpx.Response:
    """Placements' census import of the return as a dry run: its report, or 422 with why it refuses it."""
    return call(
        client,
        "POST",
        "/v1/placements/imports",
        params={"census_year": census_year, "council": council, "dry_run": "true"},
        files={"file": (f"csww-{council}-{census_year}.xml", content, "application/xml")},
    )
