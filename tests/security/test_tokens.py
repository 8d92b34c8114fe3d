import pytest

from services.careers.app import app as careers_app
from tests.security.tokens import bad_tokens, claims, signed

BAD = bad_tokens()


def _assert_unauthorized(answer) -> None:
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["status"] == 401 and body["title"] == "Unauthorized"
    assert "Traceback" not in answer.text


def test_a_valid_token_is_accepted_by_a_service_called_directly(app_client):
    answer = app_client(careers_app).get(
        "/v1/careers/whoami", headers={"Authorization": f"Bearer {signed(claims(council='330'))}"}
    )
    assert answer.status_code == 200
    assert answer.json()["role"] == "academy_admin"


def test_a_valid_token_is_accepted_through_the_gateway(gateway):
    answer = gateway.get("/v1/careers/whoami", headers={"Authorization": f"Bearer {signed(claims())}"})
    assert answer.status_code == 200
    assert answer.json()["service"] == "careers"


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_token_is_refused_by_a_service_called_directly(app_client, case):
    answer = app_client(careers_app).get("/v1/careers/whoami", headers={"Authorization": f"Bearer {BAD[case]}"})
    _assert_unauthorized(answer)


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_token_is_refused_at_the_gateway(gateway, case):
    answer = gateway.get("/v1/placements/councils", headers={"Authorization": f"Bearer {BAD[case]}"})
    _assert_unauthorized(answer)


def test_no_token_is_refused_everywhere_but_health(app_client, gateway):
    service = app_client(careers_app)
    _assert_unauthorized(service.get("/v1/careers/whoami"))
    _assert_unauthorized(gateway.get("/v1/careers/whoami"))
    _assert_unauthorized(gateway.get("/v1/careers/whoami", headers={"Authorization": "Basic dXNlcjpwYXNz"}))
    assert service.get("/health").status_code == 200
    assert service.get("/ready").status_code == 200


def test_a_token_without_the_services_scope_is_forbidden(app_client):
    token = signed(claims(role="dfe", scope="analytics"))
    answer = app_client(careers_app).get("/v1/careers/whoami", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"
