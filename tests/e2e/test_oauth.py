"""OAuth2 against the real platform (`futuresocial up` on free ports, every process its own): a client
library's HTTP Basic, people's refresh tokens rotated and revoked by several clients at once, passwords
changed and reset, and the signing key rotated while the services run."""

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from jose import jwt

from tests.e2e.harness import Platform, get_token, own_database, running_platform

CONCURRENT_REFRESHES = 8


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    folder = tmp_path_factory.mktemp("e2e-oauth")
    with own_database(folder) as database_url, running_platform(database_url, folder) as platform:
        yield platform


def _person(platform: Platform, role: str = "academy_admin") -> tuple[str, str]:
    """A new account made with the command line, as an operator would: (username, password)."""
    made = platform.cli("users", "create", "--username", f"e2e.{uuid.uuid4().hex[:8]}", "--role", role)
    return made["username"], made["password"]


def _sign_in(platform: Platform, username: str, password: str) -> dict:
    answer = get_token(platform.gateway, grant_type="password", username=username, password=password)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _refresh(platform: Platform, refresh_token: str) -> httpx.Response:
    return get_token(platform.gateway, grant_type="refresh_token", refresh_token=refresh_token)


def _whoami(base_url: str, service: str, access_token: str) -> httpx.Response:
    return httpx.get(f"{base_url}/v1/{service}/whoami", headers={"Authorization": f"Bearer {access_token}"}, timeout=30)


def test_curl_u_id_secret_gets_a_token_and_a_wrong_secret_gets_invalid_client(platform: Platform) -> None:
    """`curl -u id:secret -d grant_type=client_credentials .../v1/auth/token`, as httpx sends it."""
    url = f"{platform.gateway}/v1/auth/token"
    answer = httpx.post(
        url, data={"grant_type": "client_credentials"}, auth=(platform.client_id, platform.client_secret)
    )
    assert answer.status_code == 200, answer.text
    assert _whoami(platform.gateway, "placements", answer.json()["access_token"]).json()["role"] == "council_hr"
    wrong = httpx.post(url, data={"grant_type": "client_credentials"}, auth=(platform.client_id, "not-the-secret"))
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    assert wrong.headers["www-authenticate"].startswith("Basic")


def test_a_refresh_token_is_spent_on_use_and_replaying_it_ends_the_sign_in(platform: Platform) -> None:
    username, password = _person(platform)
    first = _sign_in(platform, username, password)["refresh_token"]
    renewed = _refresh(platform, first)
    assert renewed.status_code == 200, renewed.text
    second = renewed.json()["refresh_token"]
    assert _whoami(platform.gateway, "careers", renewed.json()["access_token"]).status_code == 200
    replayed = _refresh(platform, first)
    assert replayed.status_code == 400 and replayed.json()["error"] == "invalid_grant"
    assert _refresh(platform, second).json()["error"] == "invalid_grant"


def test_of_several_clients_refreshing_with_one_token_at_once_exactly_one_wins(platform: Platform) -> None:
    username, password = _person(platform)
    shared = _sign_in(platform, username, password)["refresh_token"]
    with ThreadPoolExecutor(CONCURRENT_REFRESHES) as pool:
        answers = list(pool.map(lambda _: _refresh(platform, shared), range(CONCURRENT_REFRESHES)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [400] * (CONCURRENT_REFRESHES - 1), [answer.text for answer in answers]
    assert {answer.json()["error"] for answer in answers if answer.status_code == 400} == {"invalid_grant"}
    # The losers presented a spent token, which is what a thief racing the person looks like: the sign-in ends.
    (winner,) = [answer for answer in answers if answer.status_code == 200]
    assert _refresh(platform, winner.json()["refresh_token"]).json()["error"] == "invalid_grant"


def test_a_revoked_refresh_token_no_longer_works(platform: Platform) -> None:
    username, password = _person(platform)
    refresh_token = _sign_in(platform, username, password)["refresh_token"]
    revoked = httpx.post(f"{platform.gateway}/v1/auth/revoke", data={"token": refresh_token}, timeout=30)
    assert revoked.status_code == 200, revoked.text
    assert _refresh(platform, refresh_token).json()["error"] == "invalid_grant"
    unknown = httpx.post(f"{platform.gateway}/v1/auth/revoke", data={"token": "fsr_never-issued"}, timeout=30)
    assert unknown.status_code == 200


def test_a_person_changes_their_password_and_an_operator_resets_it(platform: Platform) -> None:
    username, password = _person(platform, role="dfe")
    signed_in = _sign_in(platform, username, password)
    new_password = f"a new passphrase {uuid.uuid4().hex[:6]}"
    changed = httpx.post(
        f"{platform.gateway}/v1/auth/password",
        json={"current_password": password, "new_password": new_password},
        headers={"Authorization": f"Bearer {signed_in['access_token']}"},
        timeout=30,
    )
    assert changed.status_code == 204, changed.text
    old = get_token(platform.gateway, grant_type="password", username=username, password=password)
    assert old.status_code == 400 and old.json()["error"] == "invalid_grant"
    assert _refresh(platform, signed_in["refresh_token"]).json()["error"] == "invalid_grant"
    assert _sign_in(platform, username, new_password)["access_token"]
    reset = platform.cli("users", "reset-password", "--username", username)
    assert reset["username"] == username
    assert (
        get_token(platform.gateway, grant_type="password", username=username, password=new_password).status_code == 400
    )
    assert _sign_in(platform, username, reset["password"])["access_token"]


def test_the_signing_key_rotates_while_the_services_run(platform: Platform) -> None:
    """Last in this module: the platform signs with a new key from here on."""
    before = httpx.post(
        f"{platform.gateway}/v1/auth/token",
        data={"grant_type": "client_credentials"},
        auth=(platform.client_id, platform.client_secret),
        timeout=30,
    ).json()["access_token"]
    for service in ("careers", "placements"):  # each service has verified a token of the current key
        assert _whoami(platform.url(service), service, before).status_code == 200

    rotated = platform.cli("keys", "rotate")

    after = httpx.post(
        f"{platform.gateway}/v1/auth/token",
        data={"grant_type": "client_credentials"},
        auth=(platform.client_id, platform.client_secret),
        timeout=30,
    ).json()["access_token"]
    assert jwt.get_unverified_header(before)["kid"] == rotated["previous_kid"]
    assert jwt.get_unverified_header(after)["kid"] == rotated["kid"]
    listed = httpx.get(f"{platform.gateway}/v1/auth/jwks.json", timeout=30).json()["keys"]
    assert [key["kid"] for key in listed] == [rotated["kid"], rotated["previous_kid"]]
    for service in ("careers", "placements", "returners", "analytics"):
        for token in (after, before):  # the new key is found; the previous one still verifies
            assert _whoami(platform.url(service), service, token).status_code == 200, (service, token == after)
            assert _whoami(platform.gateway, service, token).status_code == 200
