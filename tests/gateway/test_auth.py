from jose import jwk, jwt

from gateway.credentials import create_client, create_user
from services.common.auth import Role
from services.common.jwt import verify_token


def _token(gateway, **form):
    return gateway.post("/v1/auth/token", data=form)


def test_a_council_hr_client_gets_a_15_minute_rs256_token_bound_to_its_council(gateway, session):
    client, secret = create_client(session, name="Coventry HR", role=Role.council_hr, council="331")
    answer = _token(gateway, grant_type="client_credentials", client_id=client.client_id, client_secret=secret)
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 900
    assert jwt.get_unverified_header(body["access_token"])["alg"] == "RS256"
    claims = verify_token(body["access_token"])
    assert claims["role"] == "council_hr" and claims["council"] == "331"
    assert claims["exp"] - claims["iat"] == 900
    assert set(body["scope"].split()) == {"careers", "placements", "returners", "analytics"}
    who = gateway.get("/v1/placements/whoami", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert who.json()["council"] == "331"


def test_a_person_signs_in_with_a_password_and_a_social_worker_token_names_the_worker(gateway, session):
    create_user(session, username="asha", role=Role.social_worker, password="correct horse battery", worker="SW42")
    answer = _token(gateway, grant_type="password", username="asha", password="correct horse battery")
    assert answer.status_code == 200
    claims = verify_token(answer.json()["access_token"])
    assert claims["role"] == "social_worker" and claims["worker"] == "SW42"
    assert answer.json()["scope"] == "careers placements"


def test_secrets_are_stored_only_as_argon2_hashes(session):
    client, secret = create_client(session, name="Walsall HR", role=Role.council_hr, council="335")
    assert secret not in client.secret_hash
    assert client.secret_hash.startswith("$argon2id$")


def test_a_client_may_narrow_its_scopes_but_not_widen_them(gateway, session):
    client, secret = create_client(session, name="DfE", role=Role.dfe)
    narrowed = _token(
        gateway,
        grant_type="client_credentials",
        client_id=client.client_id,
        client_secret=secret,
        scope="analytics",
    )
    assert narrowed.status_code == 200 and narrowed.json()["scope"] == "analytics"
    widened = _token(
        gateway,
        grant_type="client_credentials",
        client_id=client.client_id,
        client_secret=secret,
        scope="analytics placements",
    )
    assert widened.status_code == 400 and widened.json()["error"] == "invalid_scope"
    token = narrowed.json()["access_token"]
    assert gateway.get("/v1/placements/councils", headers={"Authorization": f"Bearer {token}"}).status_code == 403


def test_the_jwks_verifies_the_tokens_the_gateway_issues(gateway, session):
    client, secret = create_client(session, name="Solihull HR", role=Role.council_hr, council="334")
    token = _token(gateway, grant_type="client_credentials", client_id=client.client_id, client_secret=secret).json()[
        "access_token"
    ]
    keys = gateway.get("/v1/auth/jwks.json").json()["keys"]
    assert keys[0]["kid"] == jwt.get_unverified_header(token)["kid"]
    key = jwk.construct(keys[0], algorithm="RS256")
    message, signature = token.rsplit(".", 1)
    from jose.utils import base64url_decode

    assert key.verify(message.encode(), base64url_decode(signature.encode()))


def test_a_disabled_client_cannot_get_a_token(gateway, session):
    client, secret = create_client(session, name="Old system", role=Role.council_hr, council="336")
    client.active = False
    session.flush()
    answer = _token(gateway, grant_type="client_credentials", client_id=client.client_id, client_secret=secret)
    assert answer.status_code == 401


def test_the_token_endpoint_is_rate_limited_per_caller(gateway, monkeypatch):
    from services.common import rate_limits
    from services.common.settings import get_settings

    strict = get_settings().model_copy(update={"token_rate_limit": "3/minute"})
    monkeypatch.setattr("gateway.tokens.get_settings", lambda: strict)
    rate_limits.limiter.cache_clear()  # a fresh in-memory window for this test
    form = {"grant_type": "client_credentials", "client_id": "fs_hammering", "client_secret": "guess"}
    answers = [_token(gateway, **form) for _ in range(4)]
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert int(answers[3].headers["retry-after"]) >= 1
    assert answers[3].headers["content-type"] == "application/problem+json"
    other = _token(gateway, **{**form, "client_id": "fs_someone_else"})
    assert other.status_code == 401
