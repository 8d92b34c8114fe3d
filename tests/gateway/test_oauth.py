"""The token endpoint as OAuth 2.0 client libraries speak it (RFC 6749): client_secret_basic and
client_secret_post, the error codes of section 5.2, and people's refresh tokens, rotated on use and
revocable (RFC 7009)."""

import base64
from datetime import UTC, timedelta
from urllib.parse import quote_plus

import httpx
import pytest
from sqlmodel import select

from gateway import credentials
from gateway.credentials import create_client, create_user
from gateway.models import RefreshToken
from services.common.auth import Role
from services.common.models import utcnow

PASSWORD = "correct horse battery staple"


def _token(gateway, auth=None, **form) -> httpx.Response:
    return gateway.post("/v1/auth/token", data=form, auth=auth)


def _assert_oauth_error(answer: httpx.Response, status: int, error: str) -> dict:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["error"] == error
    assert body["error_description"]
    assert body["status"] == status and body["title"]  # problem details in the same body
    return body


@pytest.fixture
def client(session):
    return create_client(session, name="Coventry HR", role=Role.council_hr, council="331")


@pytest.fixture
def person(session):
    user, _password = create_user(session, username="asha", role=Role.academy_admin, password=PASSWORD)
    return user


def _sign_in(gateway, username: str = "asha", password: str = PASSWORD) -> dict:
    answer = _token(gateway, grant_type="password", username=username, password=password)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _refresh(gateway, refresh_token: str) -> httpx.Response:
    return _token(gateway, grant_type="refresh_token", refresh_token=refresh_token)


# --- client authentication -------------------------------------------------------------------------------


def test_a_client_authenticates_with_http_basic_as_oauth_libraries_do_by_default(gateway, client):
    api_client, secret = client
    answer = _token(gateway, auth=(api_client.client_id, secret), grant_type="client_credentials")
    assert answer.status_code == 200, answer.text
    assert answer.json()["token_type"] == "bearer"
    assert answer.headers["cache-control"] == "no-store"
    assert "refresh_token" not in answer.json()  # a machine signs in again with its secret


def test_the_id_and_secret_inside_basic_are_form_urlencoded(gateway, session, client):
    api_client, _secret = client
    awkward = "a secret: with +, % and / in it"
    api_client.secret_hash = credentials._hash(awkward)
    session.flush()
    encoded = base64.b64encode(f"{quote_plus(api_client.client_id)}:{quote_plus(awkward)}".encode()).decode()
    answer = gateway.post(
        "/v1/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {encoded}"}
    )
    assert answer.status_code == 200, answer.text


def test_a_wrong_secret_in_basic_is_invalid_client_with_a_basic_challenge(gateway, client):
    api_client, _secret = client
    answer = _token(gateway, auth=(api_client.client_id, "not-the-secret"), grant_type="client_credentials")
    _assert_oauth_error(answer, 401, "invalid_client")
    assert answer.headers["www-authenticate"].startswith("Basic")


def test_a_wrong_secret_in_the_form_is_invalid_client_the_same_whether_or_not_the_client_exists(gateway, client):
    api_client, _secret = client
    known = _token(gateway, grant_type="client_credentials", client_id=api_client.client_id, client_secret="wrong")
    unknown = _token(gateway, grant_type="client_credentials", client_id="fs_nobody", client_secret="wrong")
    _assert_oauth_error(known, 401, "invalid_client")
    assert known.json() == unknown.json()


def test_a_client_authenticating_both_ways_at_once_is_an_invalid_request(gateway, client):
    api_client, secret = client
    answer = _token(
        gateway,
        auth=(api_client.client_id, secret),
        grant_type="client_credentials",
        client_id=api_client.client_id,
        client_secret=secret,
    )
    _assert_oauth_error(answer, 400, "invalid_request")


def test_client_credentials_without_any_client_authentication_is_invalid_client(gateway):
    _assert_oauth_error(_token(gateway, grant_type="client_credentials"), 401, "invalid_client")
    _assert_oauth_error(_token(gateway, grant_type="client_credentials", client_id="fs_x"), 401, "invalid_client")


def test_basic_credentials_that_are_not_base64_of_id_and_secret_are_invalid_client(gateway):
    for header in ("Basic !!!not-base64", "Basic " + base64.b64encode(b"no-colon-here").decode()):
        answer = gateway.post(
            "/v1/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": header}
        )
        _assert_oauth_error(answer, 401, "invalid_client")


# --- the other errors of section 5.2 ---------------------------------------------------------------------


def test_an_unknown_grant_type_is_unsupported_grant_type_and_a_missing_one_an_invalid_request(gateway):
    _assert_oauth_error(_token(gateway, grant_type="implicit"), 400, "unsupported_grant_type")
    _assert_oauth_error(_token(gateway, client_id="x"), 400, "invalid_request")


def test_a_password_grant_without_a_password_is_an_invalid_request(gateway):
    _assert_oauth_error(_token(gateway, grant_type="password", username="asha"), 400, "invalid_request")


def test_a_wrong_password_is_invalid_grant_the_same_whether_or_not_the_person_exists(gateway, person):
    known = _token(gateway, grant_type="password", username="asha", password="not the password")
    unknown = _token(gateway, grant_type="password", username="nobody", password="not the password")
    _assert_oauth_error(known, 400, "invalid_grant")
    assert known.json() == unknown.json()


def test_a_scope_beyond_the_grant_is_invalid_scope(gateway, session):
    dfe, secret = create_client(session, name="DfE", role=Role.dfe)
    answer = _token(gateway, auth=(dfe.client_id, secret), grant_type="client_credentials", scope="placements")
    _assert_oauth_error(answer, 400, "invalid_scope")


def test_a_machine_client_may_not_use_a_persons_grant(gateway, client, person):
    api_client, secret = client
    answer = _token(gateway, auth=(api_client.client_id, secret), grant_type="password", username="asha",
                    password=PASSWORD)  # fmt: skip
    _assert_oauth_error(answer, 400, "unauthorized_client")


# --- refresh tokens --------------------------------------------------------------------------------------


def test_a_person_signing_in_gets_a_refresh_token_stored_only_as_a_hash(gateway, session, person):
    signed_in = _sign_in(gateway)
    refresh_token = signed_in["refresh_token"]
    stored = session.exec(select(RefreshToken).where(RefreshToken.user_id == person.id)).all()
    assert len(stored) == 1
    assert refresh_token not in stored[0].model_dump_json()
    expires_at = stored[0].expires_at
    assert (expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC)) > utcnow() + timedelta(days=13)


def test_a_refresh_token_gives_a_new_access_token_and_a_new_refresh_token_once(gateway, person):
    first = _sign_in(gateway)["refresh_token"]
    renewed = _refresh(gateway, first)
    assert renewed.status_code == 200, renewed.text
    body = renewed.json()
    assert body["refresh_token"] != first
    who = gateway.get("/v1/careers/whoami", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert who.status_code == 200 and who.json()["role"] == "academy_admin"
    assert _refresh(gateway, body["refresh_token"]).status_code == 200  # the new one works in turn


def test_a_used_refresh_token_presented_again_revokes_every_token_of_that_sign_in(gateway, person):
    first = _sign_in(gateway)["refresh_token"]
    second = _refresh(gateway, first).json()["refresh_token"]
    _assert_oauth_error(_refresh(gateway, first), 400, "invalid_grant")  # stolen and replayed, say
    _assert_oauth_error(_refresh(gateway, second), 400, "invalid_grant")  # the family went with it
    other_sign_in = _sign_in(gateway)["refresh_token"]  # another device is not signed out
    assert _refresh(gateway, other_sign_in).status_code == 200


def test_an_expired_refresh_token_is_refused(gateway, session, person):
    refresh_token = _sign_in(gateway)["refresh_token"]
    stored = session.exec(select(RefreshToken).where(RefreshToken.user_id == person.id)).one()
    stored.expires_at = utcnow() - timedelta(seconds=1)
    session.flush()
    _assert_oauth_error(_refresh(gateway, refresh_token), 400, "invalid_grant")


def test_a_refresh_token_of_a_disabled_account_is_refused(gateway, session, person):
    refresh_token = _sign_in(gateway)["refresh_token"]
    person.active = False
    session.flush()
    _assert_oauth_error(_refresh(gateway, refresh_token), 400, "invalid_grant")


def test_an_unknown_refresh_token_is_invalid_grant(gateway):
    _assert_oauth_error(_refresh(gateway, "fsr_made-up"), 400, "invalid_grant")


# --- revocation (RFC 7009) -------------------------------------------------------------------------------


def test_a_revoked_refresh_token_and_its_sign_in_can_no_longer_be_used(gateway, person):
    first = _sign_in(gateway)["refresh_token"]
    second = _refresh(gateway, first).json()["refresh_token"]
    answer = gateway.post("/v1/auth/revoke", data={"token": second, "token_type_hint": "refresh_token"})
    assert answer.status_code == 200, answer.text
    _assert_oauth_error(_refresh(gateway, second), 400, "invalid_grant")


def test_revoking_an_unknown_token_answers_200_as_for_a_known_one(gateway):
    answer = gateway.post("/v1/auth/revoke", data={"token": "fsr_not-ours"})
    assert answer.status_code == 200
    assert answer.content == b""


def test_revoking_an_access_token_says_access_tokens_are_not_revocable(gateway, person):
    access_token = _sign_in(gateway)["access_token"]
    answer = gateway.post("/v1/auth/revoke", data={"token": access_token, "token_type_hint": "access_token"})
    _assert_oauth_error(answer, 400, "unsupported_token_type")


def test_revocation_without_a_token_is_an_invalid_request(gateway):
    _assert_oauth_error(gateway.post("/v1/auth/revoke", data={}), 400, "invalid_request")
