"""No log line carries a person's SWE number, name, email or birth date: requests are logged by their route
template, a person signed in by a pseudonym, SQL errors without their parameters, and the formatter redacts
whatever SWE number or email reaches a line all the same. Proved by real requests (answered, refused, and one
that fails unexpectedly) and a look at every line they logged."""

import json
import logging
from collections.abc import Callable, Iterator

import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from gateway.credentials import create_user
from services.common.app import create_service_app, service_router
from services.common.auth import Role
from services.common.db import SessionDep
from services.common.logging import JsonFormatter, loggable_principal, redact
from services.common.models import AuditEvent
from services.returners.app import app as returners_app

SWE = "SW4455667"
# Letters a random request id (hex) cannot hold: "Ada" turned up inside one, 12ada83e..., and failed a run.
NAME = ("Augusta", "Lovelace")
EMAIL = "ada.lovelace@example.org"
BIRTH_DATE = "1980-12-10"
PERSONAL = (SWE, SWE[2:], *NAME, EMAIL, BIRTH_DATE, "10/12/1980")


@pytest.fixture
def logged(caplog) -> Iterator[Callable[[], list[str]]]:
    """Every line logged so far in the test, as the JSON formatter writes it."""
    with caplog.at_level(logging.DEBUG):
        yield lambda: [JsonFormatter().format(record) for record in caplog.records]


def assert_nothing_personal(lines: list[str]) -> None:
    assert lines, "nothing was logged"
    for line in lines:
        for value in PERSONAL:
            assert value.lower() not in line.lower(), f"{value!r} in the log line {line}"


# A route of a service built like the real ones, whose database write fails unexpectedly with personal data
# in its parameters: the way a bug, not bad input, would log them.
broken = service_router("kernel")


@broken.post("/workers/{swe_number}/notes")
def record_a_note(swe_number: str, request: Request, session: SessionDep) -> dict:
    session.add(AuditEvent(principal=EMAIL, role=None, action=" ".join(NAME), entity=BIRTH_DATE, entity_id=swe_number))
    session.flush()  # role may not be null: an IntegrityError nobody handles
    return {}


broken_app = create_service_app("kernel", "a service with a bug", [broken])


def test_answered_and_refused_requests_through_the_gateway_log_nothing_personal(gateway, session, auth, logged):
    create_user(session, username="ada.lovelace", role=Role.academy_admin, password="a long enough password")
    token = gateway.post(
        "/v1/auth/token",
        data={"grant_type": "password", "username": "ada.lovelace", "password": "a long enough password"},
    )
    assert token.status_code == 200
    signed_in = {"Authorization": f"Bearer {token.json()['access_token']}"}
    answers = [
        # 202: an enquiry with a name and an email in its body
        gateway.post(
            "/v1/returners/enquiries", json={"name": " ".join(NAME), "email": EMAIL, "consent": True}
        ).status_code,
        # 422: the same person's details refused field by field
        gateway.post(
            "/v1/returners/enquiries",
            json={"name": " ".join(NAME), "email": EMAIL, "consent": True, "date_of_birth": BIRTH_DATE},
        ).status_code,
        # 400 invalid_grant: a wrong password for a username that is an email; 401: an SWE number in a path
        # without a token
        gateway.post(
            "/v1/auth/token", data={"grant_type": "password", "username": EMAIL, "password": "not it at all"}
        ).status_code,
        gateway.get(f"/v1/careers/workers/{SWE}").status_code,
        # refused: another person's career record, by SWE number, for a social worker (a 403 or 404, or 503 when
        # careers cannot reach placements to look the worker up, as in-process)
        gateway.get(f"/v1/careers/workers/{SWE}", headers=auth("social_worker", worker="SW1")).status_code,
        # a person signed in: logged by a pseudonym of the username that is their name
        gateway.get("/v1/returners/cohorts", headers=signed_in).status_code,
    ]
    assert answers[:4] == [202, 422, 400, 401]
    assert answers[4] in (403, 404, 503) and answers[5] == 200
    lines = logged()
    assert_nothing_personal(lines)
    routes = {json.loads(line).get("route") for line in lines}
    assert "/v1/careers/workers/{swe_number}" in routes  # what a person reading the logs still learns


def test_an_unexpected_error_with_personal_data_in_its_sql_is_logged_without_it(app_client, auth, logged):
    answer = app_client(broken_app).post(f"/v1/kernel/workers/{SWE}/notes", headers=auth(scopes=["kernel"]))
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    lines = logged()
    assert [line for line in lines if "IntegrityError" in line], "the error was not logged with its trace"
    assert_nothing_personal(lines)


def test_the_formatter_redacts_swe_numbers_and_emails_however_they_reach_a_line():
    record = logging.LogRecord("futuresocial.test", logging.ERROR, __file__, 1, "worker %s wrote %s", None, None)
    record.args = ("sw 0004455667", "Ada.Lovelace@Example.org")
    try:
        raise ValueError(f"the SWE number {SWE!r} of\n{EMAIL} is taken")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(record))
    assert "4455667" not in json.dumps(line) and "lovelace" not in json.dumps(line).lower()
    assert line["message"] == "worker SW[redacted] wrote [email redacted]"
    assert "SW[redacted]" in line["exception"] and "[email redacted]" in line["exception"]


def test_postgresql_error_details_lose_the_values_they_quote():
    detail = (
        'null value in column "role" of relation "audit_event" violates not-null constraint\n'
        "DETAIL:  Failing row contains (5f0c, 2026-01-01, Ada Lovelace, null, 1980-12-10, (x), SW4455667).\n"
        'duplicate key value violates unique constraint "uq_worker"\n'
        "DETAIL:  Key (council, name)=(330, Ada Lovelace) already exists."
    )
    redacted = redact(detail)
    assert "Lovelace" not in redacted and "1980-12-10" not in redacted and "4455667" not in redacted
    assert "Key (council, name)=([redacted]) already exists." in redacted


def test_people_are_logged_by_a_stable_pseudonym_and_machines_by_their_client_id():
    assert loggable_principal("client:fs_0123abcd") == "client:fs_0123abcd"
    assert loggable_principal("user:ada.lovelace") == loggable_principal("user:ada.lovelace")
    assert loggable_principal("user:ada.lovelace").startswith("user:#")
    assert "ada" not in loggable_principal("user:ada.lovelace")
    assert loggable_principal(None) is None


def test_a_service_called_directly_logs_its_route_template_not_the_path(logged):
    answer = TestClient(returners_app, raise_server_exceptions=False).get(f"/v1/returners/applicants/{SWE}")
    assert answer.status_code == 401
    assert_nothing_personal(logged())
