"""Who may see and change which workforce records (docs/architecture.md, "Tenancy"): council HR systems
their own council's, a social worker their own, academy staff and services all."""

from sqlalchemy import ColumnElement, false, true
from sqlmodel import Session, col, select

from services.common.auth import Principal, Role
from services.common.errors import Forbidden, InvalidInput, NotFound, invalid
from services.common.models import Council
from services.common.swe import normalise_swe
from services.placements.models import Employment, Worker

WRITERS = (Role.council_hr, Role.academy_admin, Role.service)


def council_to_write(principal: Principal, council: str | None) -> str:
    """The council a write is for: a council HR principal's own; academy staff must name one."""
    check_writer(principal)
    if principal.role is Role.council_hr:
        if council and council != principal.council:
            raise Forbidden("You may write only your own council's records.")
        return principal.council  # type: ignore[return-value]
    if not council:
        raise invalid(
            ["query", "council"], "missing", "Field required", detail="Name the council (DfE code) with council=CODE."
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


def check_writer(principal: Principal) -> None:
    if principal.role not in WRITERS:
        raise Forbidden("Your role may not change workforce records.")


def check_known_council(session: Session, code: str) -> None:
    """A census return or an agency check is for a council in the reference table."""
    if session.get(Council, code) is None:
        raise InvalidInput(f"Unknown council {code}.")


def check_member_council(session: Session, code: str) -> None:
    """Workers and spells are recorded for the academy's own councils only."""
    council = session.get(Council, code)
    if council is None or not council.academy_member:
        raise invalid(
            ["body", "council"],
            "unknown_council",
            f"{code} is not a member",
            detail=f"Council {code} is not one of the academy's councils.",
        )


def _own_swe(principal: Principal) -> str | None:
    try:
        return normalise_swe(principal.worker) if principal.worker else None
    except ValueError:
        return None


def worker_scope(principal: Principal) -> ColumnElement[bool]:
    """The worker records a principal may see: a council's own records (docs/architecture.md, "Tenancy"),
    a social worker every record of themselves, academy staff and services all."""
    if principal.is_regional:
        return true()
    if principal.role is Role.council_hr:
        return Worker.council == principal.council
    if principal.role is Role.social_worker and (swe := _own_swe(principal)):
        return Worker.swe_number == swe
    return false()


def employment_scope(principal: Principal) -> ColumnElement[bool]:
    """The spells a principal may see: as worker_scope, by the spell's council or its person."""
    if principal.is_regional:
        return true()
    if principal.role is Role.council_hr:
        return Employment.council == principal.council
    if principal.role is Role.social_worker and (swe := _own_swe(principal)):
        return col(Employment.worker_id).in_(select(Worker.id).where(Worker.swe_number == swe))
    return false()
