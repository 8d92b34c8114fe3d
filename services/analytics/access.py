"""Who may read analytics, and which member councils a principal may ask about on their own."""

from sqlmodel import Session

from services.analytics.workforce import tables
from services.common.auth import Principal, Role
from services.common.errors import Forbidden, NotFound
from services.common.models import Council

READERS = (Role.academy_admin, Role.dfe, Role.council_hr, Role.service)
RATES_ONLY = "rates only: another council's figures"


def require_reader(principal: Principal) -> None:
    if principal.role not in READERS:
        raise Forbidden("Your role has no access to analytics.")


def member_councils(
    session: Session, principal: Principal, council: str | None
) -> tuple[dict[str, Council], list[str]]:
    """The councils known and the academy's members, once `council` (when named) is a member this principal may
    see on its own: a council's HR only its own; another answers 404, like a council that is not a member."""
    require_reader(principal)
    known = tables.councils(session)
    members = tables.member_codes(known)
    if council is not None and (
        council not in members or (principal.role is Role.council_hr and council != principal.council)
    ):
        raise NotFound(f"No member council {council}.")
    if not members:
        raise NotFound("No member councils are known.")
    return known, members
