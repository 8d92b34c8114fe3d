"""Credentials made at start-up: the services' own client, and demo users (secrets new on every start)."""

from dataclasses import dataclass

from sqlmodel import Session, select

from gateway.credentials import create_client, create_user, reset_client_secret, reset_user_password
from gateway.models import ApiClient, UserAccount
from services.common.auth import Role

FALLBACK_WORKER_SWE = "SW9000000001"


def _demo_worker(session: Session) -> str:
    """A social worker of the demo workforce in post at Birmingham, so their own screens show something."""
    from sqlalchemy import text

    found = session.execute(
        text(
            "SELECT w.swe_number FROM worker w JOIN employment e ON e.worker_id = w.id "
            "WHERE e.council = '330' AND e.end_date IS NULL AND e.agency = :agency "
            "ORDER BY w.swe_number LIMIT 1"
        ),
        {"agency": False},
    ).first()
    return found[0] if found else FALLBACK_WORKER_SWE


@dataclass(frozen=True)
class DemoCredential:
    who: str
    grant_type: str
    identifier: str
    secret: str


def _client(session: Session, name: str, role: Role, council: str | None) -> DemoCredential:
    client = session.exec(select(ApiClient).where(ApiClient.name == name)).first()
    if client is None:
        client, secret = create_client(session, name=name, role=role, council=council)
    else:
        secret = reset_client_secret(session, client)
    return DemoCredential(name, "client_credentials", client.client_id, secret)


def _user(session: Session, username: str, role: Role, **binding) -> DemoCredential:
    user = session.exec(select(UserAccount).where(UserAccount.username == username)).first()
    if user is None:
        user, password = create_user(session, username=username, role=role, **binding)
    else:
        password = reset_user_password(session, user)
    return DemoCredential(username, "password", username, password)


def demo_credentials(session: Session) -> list[DemoCredential]:
    credentials = [
        _client(session, "demo Birmingham HR system", Role.council_hr, "330"),
        _client(session, "demo DfE extracts", Role.dfe, None),
        _user(session, "demo.admin", Role.academy_admin),
        _user(session, "demo.worker", Role.social_worker, council="330", worker=_demo_worker(session)),
    ]
    session.commit()
    return credentials


def service_client_credentials(session: Session) -> DemoCredential:
    """The client the services use to call one another; its secret lives only in their environment."""
    credential = _client(session, "platform services", Role.service, None)
    session.commit()
    return credential
