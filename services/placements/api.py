"""What placements' routers share: who may call, the query parameters several take, and the answers they document."""

from typing import Annotated

from fastapi import Depends, Header, Query

from services.common.auth import Principal, Role, require_roles
from services.common.errors import problem_response_doc

# The census and movement endpoints: a census year that may have records, and the council (academy staff name one).
CensusYear = Annotated[int, Query(ge=2010, le=2100, description="Census year N: 1 Oct N-1 to 30 Sep N")]
CouncilQuery = Annotated[
    str | None, Query(pattern=r"^[0-9]{3}$", min_length=3, max_length=3, description="DfE code; academy staff only")
]

# The worker and employment endpoints.
Reader = Annotated[
    Principal, Depends(require_roles(Role.council_hr, Role.social_worker, Role.academy_admin, Role.service))
]
Writer = Annotated[Principal, Depends(require_roles(Role.council_hr, Role.academy_admin, Role.service))]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        description='The ETag you read ("3"): a stale one is refused with 412 and nothing is written.',
    ),
]
HeldInYear = Annotated[int | None, Query(ge=1950, le=9999, description="Held in census year N")]


CONFLICT = {
    409: problem_response_doc(409, "Conflict: already recorded, or the Idempotency-Key was used for another request")
}
PRECONDITION = {412: problem_response_doc(412, "Precondition Failed: the If-Match ETag is stale")}
ETAG_HEADER = {"ETag": {"description": "The version, for If-Match", "schema": {"type": "string"}}}
# What a route of a versioned record documents, given to its decorator: @router.post(path, **CREATED).
CREATED = {"status_code": 201, "responses": CONFLICT}  # a create: 201, or 409 for a record already held
READ = {"responses": {200: {"headers": ETAG_HEADER}}}  # a read: the ETag
CHANGED = {"responses": {200: {"headers": ETAG_HEADER}, **PRECONDITION}}  # a change sent with If-Match, or 412
CHANGED_OR_CONFLICT = {"responses": {200: {"headers": ETAG_HEADER}, **PRECONDITION, **CONFLICT}}
