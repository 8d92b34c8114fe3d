"""A worker's employment history, asked of placements over HTTP with this service's token (never read
from its tables), and what careers makes of it: experience and the councils they are in post at."""

from collections.abc import Callable, Iterator
from datetime import date
from functools import cached_property
from typing import Annotated, Any

import httpx
from fastapi import Depends

from services.careers.rules import Experience, Spell, councils_in_post, employer, post_qualifying_experience
from services.common.errors import ServiceUnavailable
from services.common.service_client import call, service_client

PAGE_SIZE = 500  # the largest page placements gives


def placements_client() -> Iterator[httpx.Client]:
    """The HTTP client to placements; tests override this with one bound to the app in-process."""
    yield from service_client("placements")


Placements = Annotated[httpx.Client, Depends(placements_client)]


def _body(response: httpx.Response) -> dict[str, Any]:
    if response.status_code != 200:
        raise ServiceUnavailable(
            f"The workforce records cannot be read now (placements answered {response.status_code}); try again later."
        )
    return response.json()


def fetch_spells(client: httpx.Client, swe_number: str) -> list[Spell]:
    """Every spell of this person that placements holds, at every council (each council keeps its own
    record of them; placements matches them by SWE number for this service): none when it knows none."""
    spells: list[Spell] = []
    offset: int | None = 0
    while offset is not None:
        page = _body(
            call(
                client,
                "GET",
                "/v1/placements/employments",
                params={"swe_number": swe_number, "limit": PAGE_SIZE, "offset": offset},
            )
        )
        spells.extend(
            Spell(
                council=item["council"],
                agency=bool(item["agency"]),
                start_date=date.fromisoformat(item["start_date"]),
                end_date=date.fromisoformat(item["end_date"]) if item.get("end_date") else None,
            )
            for item in page["items"]
        )
        offset = page.get("next_offset")
    return spells


class WorkerEmployment:
    """The worker a request is about, with their spells fetched from placements as it is made: before the
    request's transaction begins, since no request waits on another service inside one."""

    def __init__(self, client: httpx.Client, swe_number: str, today: date):
        self.swe_number = swe_number
        self.today = today
        self.spells: list[Spell] = fetch_spells(client, swe_number)

    @cached_property
    def councils_in_post(self) -> list[str]:
        """Councils with a spell in post today, the most recently started first."""
        return councils_in_post(self.spells, self.today)

    @cached_property
    def employer(self) -> str | None:
        """The council that employs the worker now (rules.employer): it reads and manages their record."""
        return employer(self.spells, self.today)

    @property
    def council(self) -> str | None:
        """The council the worker works for now: their employer, else the latest started in post (agency)."""
        return self.employer or (self.councils_in_post[0] if self.councils_in_post else None)

    @cached_property
    def experience(self) -> Experience:
        return post_qualifying_experience(self.spells, self.today)


# How a service function finds the worker a record is about, once it has read whose it is.
WorkerFor = Callable[[str], WorkerEmployment]
