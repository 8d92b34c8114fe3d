"""Which council's records a principal may write: council HR systems their own, academy staff any."""

from services.common.auth import Principal, Role
from services.common.errors import Forbidden, InvalidInput, NotFound

WRITERS = (Role.council_hr, Role.academy_admin, Role.service)


def council_to_write(principal: Principal, council: str | None) -> str:
    """The council a write is for: a council HR principal's own; academy staff must name one."""
    if principal.role not in WRITERS:
        raise Forbidden("Your role may not change workforce records.")
    if principal.role is Role.council_hr:
        if council and council != principal.council:
            raise Forbidden("You may write only your own council's records.")
        return principal.council  # type: ignore[return-value]
    if not council:
        raise InvalidInput(
            "Name the council (DfE code) with council=CODE.",
            errors=[{"loc": ["query", "council"], "code": "missing", "message": "Field required"}],
        )
    return council


def council_to_read(principal: Principal, council: str | None) -> str | None:
    """The council a read is limited to: a council HR principal's own; another council's is not found."""
    if principal.role is Role.council_hr:
        if council and council != principal.council:
            raise NotFound(f"No records for council {council}.")
        return principal.council
    if principal.role in (Role.academy_admin, Role.service):
        return council
    raise Forbidden("Your role may not read workforce records.")
