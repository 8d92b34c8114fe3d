"""A record's version: its ETag, the If-Match check before a change, the new version a change makes, and the
ETag on an answer."""

from datetime import datetime
from typing import Protocol, TypeVar

from fastapi import Response

from services.common.errors import PreconditionFailed
from services.common.models import utcnow


class Versioned(Protocol):
    version: int
    updated_at: datetime


def etag(version: int) -> str:
    return f'"{version}"'


def if_match_allows(version: int, if_match: str | None) -> bool:
    """RFC 9110 If-Match: absent or `*` allow; otherwise strong comparison, so a weak W/"3" never matches."""
    if if_match is None:
        return True
    tags = [tag.strip() for tag in if_match.split(",")]
    return "*" in tags or etag(version) in tags


def check_if_match(version: int, if_match: str | None) -> None:
    if not if_match_allows(version, if_match):
        raise PreconditionFailed(
            f"The record has changed since you read it (its ETag is now {etag(version)}); read it again and retry.",
            headers={"ETag": etag(version)},
        )


def touch(record: Versioned) -> None:
    """A change: the next version, changed now."""
    record.version += 1
    record.updated_at = utcnow()


Record = TypeVar("Record", bound=Versioned)


def tagged(response: Response, record: Record) -> Record:
    """The record answered with its version as the ETag header."""
    response.headers["ETag"] = etag(record.version)
    return record


def etag_header(answer: dict) -> dict[str, str]:
    """The ETag header of an answer carrying a record (made now or replayed for an Idempotency-Key)."""
    return {"ETag": etag(answer["version"])}
