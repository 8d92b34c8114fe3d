"""People's passwords: a signed-in person changes theirs, academy staff reset anyone's; either way every
sign-in the person held ends."""

import httpx
from sqlmodel import select

from gateway.credentials import create_client, create_user, password_problems
from services.common.auth import Role
from services.common.models import AuditEvent

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a quite different passphrase"


def _sign_in(gateway, username: str, password: str) -> httpx.Response:
    return gateway.post("/v1/auth/token", data={"grant_type": "password", "username": username, "password": password})


def _bearer(answer: httpx.Response) -> dict[str, str]:
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _refresh(gateway, refresh_token: str) -> httpx.Response:
    return gateway.post("/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": refresh_token})


def test_a_password_is_refused_when_short_or_containing_the_username():
    assert password_problems("short", "asha") == ["A password needs at least 12 characters."]
    assert password_problems("ASHA-is-my-name-1", "asha") == ["A password may not contain the username."]
    assert password_problems(NEW_PASSWORD, "asha") == []


def test_a_person_changes_their_password_and_every_other_sign_in_ends(gateway, session):
    create_user(session, username="asha", role=Role.social_worker, password=PASSWORD, worker="SW42")
    laptop = _sign_in(gateway, "asha", PASSWORD)
    phone_refresh = _sign_in(gateway, "asha", PASSWORD).json()["refresh_token"]
    change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    answer = gateway.post("/v1/auth/password", json=change, headers=_bearer(laptop))
    assert answer.status_code == 204, answer.text
    assert _sign_in(gateway, "asha", PASSWORD).json()["error"] == "invalid_grant"
    assert _sign_in(gateway, "asha", NEW_PASSWORD).status_code == 200
    assert _refresh(gateway, phone_refresh).json()["error"] == "invalid_grant"
    assert _refresh(gateway, laptop.json()["refresh_token"]).json()["error"] == "invalid_grant"


def test_a_wrong_current_password_changes_nothing(gateway, session):
    create_user(session, username="ravi", role=Role.academy_admin, password=PASSWORD)
    headers = _bearer(_sign_in(gateway, "ravi", PASSWORD))
    change = {"current_password": "not my password", "new_password": NEW_PASSWORD}
    answer = gateway.post("/v1/auth/password", json=change, headers=headers)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"] == ["body", "current_password"]
    assert _sign_in(gateway, "ravi", PASSWORD).status_code == 200


def test_a_weak_new_password_is_refused_with_the_reason(gateway, session):
    create_user(session, username="mina", role=Role.academy_admin, password=PASSWORD)
    headers = _bearer(_sign_in(gateway, "mina", PASSWORD))
    answer = gateway.post("/v1/auth/password", json={"current_password": PASSWORD, "new_password": "mina123456789"},
                          headers=headers)  # fmt: skip
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"] == ["body", "new_password"]
    assert "username" in answer.json()["detail"]


def test_a_machine_client_has_no_password_to_change(gateway, session):
    client, secret = create_client(session, name="Coventry HR", role=Role.council_hr, council="331")
    token = gateway.post("/v1/auth/token", data={"grant_type": "client_credentials"}, auth=(client.client_id, secret))
    answer = gateway.post("/v1/auth/password", json={"current_password": secret, "new_password": NEW_PASSWORD},
                          headers=_bearer(token))  # fmt: skip
    assert answer.status_code == 403


def test_changing_a_password_needs_a_token(gateway):
    answer = gateway.post("/v1/auth/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert answer.status_code == 401


def test_academy_staff_reset_a_persons_password_which_ends_their_sign_ins(gateway, session, auth):
    user, _ = create_user(session, username="dee", role=Role.council_hr, password=PASSWORD, council="330")
    refresh_token = _sign_in(gateway, "dee", PASSWORD).json()["refresh_token"]
    answer = gateway.post("/v1/auth/users/dee/password-reset", headers=auth("academy_admin", subject="user:admin"))
    assert answer.status_code == 200, answer.text
    generated = answer.json()["password"]
    assert answer.json()["username"] == "dee"
    assert _sign_in(gateway, "dee", PASSWORD).status_code == 400
    assert _sign_in(gateway, "dee", generated).status_code == 200
    assert _refresh(gateway, refresh_token).json()["error"] == "invalid_grant"
    audited = session.exec(select(AuditEvent).where(AuditEvent.action == "reset-password")).all()
    assert [(event.principal, event.entity_id) for event in audited] == [("user:admin", str(user.id))]


def test_only_academy_staff_may_reset_a_password(gateway, session, auth):
    create_user(session, username="eve", role=Role.council_hr, password=PASSWORD, council="330")
    answer = gateway.post("/v1/auth/users/eve/password-reset", headers=auth("council_hr", council="330"))
    assert answer.status_code == 403
    assert _sign_in(gateway, "eve", PASSWORD).status_code == 200


def test_resetting_the_password_of_nobody_is_a_404(gateway, auth):
    answer = gateway.post("/v1/auth/users/nobody/password-reset", headers=auth("academy_admin"))
    assert answer.status_code == 404
