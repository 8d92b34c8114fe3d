"""Credentials made at start-up: the services' own client, and demo users (secrets new on every start)."""

from dataclasses import dataclass

from sqlmodel import Session, select

from futuresocial.accounts import create_person, workforce_swe
from gateway.credentials import create_client, reset_client_secret, reset_user_password
from gateway.models import ApiClient, UserAccount
from services.common.auth import Role


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
        user, password = create_person(session, username=username, role=role, **binding)
    else:
        password = reset_user_password(session, user)
        if binding.get("worker"):  # an account from an older start may name another demo worker
            user.worker = workforce_swe(session, binding["worker"])
    return DemoCredential(username, "password", username, password)


def demo_credentials(session: Session) -> list[DemoCredential]:
    from futuresocial.demo_journeys import demo_worker

    credentials = [
        _client(session, "demo Birmingham HR system", Role.council_hr, "330"),
        _client(session, "demo DfE extracts", Role.dfe, None),
        _user(session, "demo.admin", Role.academy_admin),
    ]
    worker = demo_worker(session)  # none on a database without the demo workforce: no demo.worker then
    if worker:
        credentials.append(_user(session, "demo.worker", Role.social_worker, council="330", worker=worker))
    session.commit()
    return credentials


def service_client_credentials(session: Session) -> DemoCredential:
    """The client the services use to call one another; its secret lives only in their environment."""
    credential = _client(session, "platform services", Role.service, None)
    session.commit()
    return credential
