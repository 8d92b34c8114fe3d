"""People's accounts as the `futuresocial` command makes them: a social worker's account is bound only to an
SWE number the workforce holds (placements' worker records), stored normalised."""

from sqlmodel import Session, select

from gateway.credentials import create_user
from gateway.models import UserAccount
from services.common.auth import Role
from services.common.errors import InvalidInput
from services.common.swe import normalise_swe
from services.placements.models import Worker


def workforce_swe(session: Session, raw: str) -> str:
    """`raw` normalised (SW0123 is SW123), if some council's worker record holds it; else invalid input."""
    try:
        swe_number = normalise_swe(raw)
    except ValueError as refused:
        raise InvalidInput(f"The worker's SWE number is not valid: {refused}.")
    if session.exec(select(Worker.id).where(Worker.swe_number == swe_number).limit(1)).first() is None:
        raise InvalidInput(
            f"No council's workforce records hold the SWE number {swe_number}; "
            "an account is bound only to a worker the workforce holds."
        )
    return swe_number


def create_person(
    session: Session, *, username: str, role: Role, council: str | None = None, worker: str | None = None
) -> tuple[UserAccount, str]:
    """A person's account with a generated password (returned once)."""
    bound = workforce_swe(session, worker) if worker else None
    return create_user(session, username=username, role=role, council=council, worker=bound)
