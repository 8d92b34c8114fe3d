"""Idempotency-Key on writes: a retry gets the first answer again and changes nothing."""

import hashlib
import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from services.common.auth import Principal
from services.common.errors import Conflict
from services.common.models import IdempotentRequest

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=128,
        description="Send the same key when retrying: the first answer comes back, nothing is written again.",
    ),
]


def fingerprint(method: str, path: str, body: Any) -> str:
    canonical = json.dumps(jsonable_encoder(body), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{method} {path} {canonical}".encode()).hexdigest()


def idempotent(
    session: Session,
    principal: Principal,
    key: str | None,
    request_fingerprint: str,
    write: Callable[[], tuple[int, Any]],
    headers: Callable[[Any], dict[str, str]] | None = None,
) -> JSONResponse:
    """Run `write` (returning status and body) once per key; later calls replay its answer.

    The same key with a different request is a conflict (409), never a silent replay. The key is claimed
    before `write` runs, so a concurrent request with the same key waits for the first to commit (its
    insert of the same key blocks on the unique index) and then replays its answer.
    """
    if not key:
        status_code, result = write()
        body = jsonable_encoder(result)
        return JSONResponse(body, status_code=status_code, headers=headers(body) if headers else None)
    earlier = _earlier(session, principal, key)
    if earlier is None:
        claim = IdempotentRequest(
            principal=principal.subject, key=key, fingerprint=request_fingerprint, status_code=0, body=""
        )
        try:
            with session.begin_nested():
                session.add(claim)
        except IntegrityError:  # the same key, committed by a request that ran at the same time
            earlier = _earlier(session, principal, key)
    if earlier is not None:
        if earlier.fingerprint != request_fingerprint:
            raise Conflict("This Idempotency-Key was used for a different request.")
        body = json.loads(earlier.body)
        return JSONResponse(
            body,
            status_code=earlier.status_code,
            headers={"Idempotent-Replayed": "true", **(headers(body) if headers else {})},
        )
    status_code, result = write()
    body = jsonable_encoder(result)
    claim.status_code, claim.body = status_code, json.dumps(body)
    session.add(claim)
    return JSONResponse(body, status_code=status_code, headers=headers(body) if headers else None)


def create_once(
    session: Session,
    principal: Principal,
    key: str | None,
    request: Request,
    body: BaseModel,
    create: Callable[[], BaseModel],
    location: str,
    headers: Callable[[Any], dict[str, str]] | None = None,
) -> JSONResponse:
    """A create route's answer: 201 with the new resource and its Location (`location` names it by `{id}`),
    written once per Idempotency-Key and replayed to the key's retries; `headers`, any more the answer's body
    gives (an ETag)."""
    return idempotent(
        session,
        principal,
        key,
        fingerprint(request.method, request.url.path, body),
        lambda: (201, create().model_dump(mode="json")),
        headers=lambda created: {"Location": location.format(**created), **(headers(created) if headers else {})},
    )


def _earlier(session: Session, principal: Principal, key: str) -> IdempotentRequest | None:
    return session.exec(
        select(IdempotentRequest)
        .where(IdempotentRequest.principal == principal.subject, IdempotentRequest.key == key)
        .execution_options(populate_existing=True)
    ).first()
