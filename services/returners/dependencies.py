"""What returners' routes share: who may call, the path and query checks, and the problem answers the
endpoints document beside the common ones.

Each sub-area (cohorts, outcomes, hosts, applicants, handover, updating) has its own `router.py` whose
`router`, made by `service_router`, requires a token with the returners scope and names the area's tag;
`applicants.router.public_router` holds the one endpoint anyone may call without a token (the enquiry
form). `app.py` includes them all.
"""

from datetime import date
from typing import Annotated

from fastapi import Depends, Path
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from services.common.auth import Principal, Role, require_roles
from services.common.errors import problem_response_doc
from services.returners.fields import EARLIEST

Admin = Annotated[Principal, Depends(require_roles(Role.academy_admin))]
Reader = Annotated[Principal, Depends(require_roles(Role.academy_admin, Role.council_hr))]
CouncilPath = Annotated[str, Path(pattern=r"^[0-9]{3}$", description="DfE LA code")]
LATEST = date(2100, 12, 31)


CONFLICT = {409: problem_response_doc(409, "Conflict: not possible in the applicant's stage, or no capacity left")}
CREATED = {"status_code": 201, "responses": CONFLICT}  # a create: 201, or 409; @router.post(path, **CREATED)
UNAVAILABLE = {503: problem_response_doc(503, "Placements cannot be reached now; nothing was changed")}
TOO_MANY = {
    429: {
        **problem_response_doc(429, "Too many enquiries from this address or for this email"),
        "headers": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
    }
}


def _in_range(day: date | None) -> date | None:
    if day is not None and not EARLIEST <= day <= LATEST:
        raise PydanticCustomError(
            "date_out_of_range",
            "the date must be between {low} and {high}",
            {"low": str(EARLIEST), "high": str(LATEST)},
        )
    return day


InRange = AfterValidator(_in_range)
