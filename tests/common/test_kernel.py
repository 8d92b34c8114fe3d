import json
import logging

from fastapi import Query
from fastapi.testclient import TestClient
from sqlmodel import select

from services.common.app import create_service_app, service_router
from services.common.db import SessionDep
from services.common.errors import Conflict
from services.common.logging import JsonFormatter
from services.common.models import AuditEvent

router = service_router("kernel")


@router.get("/numbers")
def numbers(low: int = Query(ge=0), high: int = Query(le=10)) -> dict:
    return {"low": low, "high": high}


@router.post("/events-then-conflict")
def write_then_conflict(session: SessionDep) -> dict:
    session.add(AuditEvent(principal="t", role="academy_admin", action="probe", entity="probe", entity_id="rolled"))
    session.flush()
    raise Conflict("This write must not stay.")


@router.post("/events")
def write(session: SessionDep) -> dict:
    session.add(AuditEvent(principal="t", role="academy_admin", action="probe", entity="probe", entity_id="kept"))
    return {"written": True}


@router.get("/boom")
def boom() -> dict:
    raise RuntimeError("secret internals")


kernel_app = create_service_app("kernel", "probe", [router])


def test_validation_errors_are_problem_details_listing_each_field(app_client, auth):
    answer = app_client(kernel_app).get(
        "/v1/kernel/numbers", params={"low": -1, "high": 99}, headers=auth(scopes=["kernel"])
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["type"].endswith("/invalid-input") and body["status"] == 422
    assert {tuple(error["loc"]) for error in body["errors"]} == {("query", "low"), ("query", "high")}
    assert all(error["message"] and error["code"] for error in body["errors"])


def test_a_domain_error_rolls_back_what_the_request_wrote(app_client, auth, session):
    client = app_client(kernel_app)
    headers = auth(scopes=["kernel"])
    assert client.post("/v1/kernel/events-then-conflict", headers=headers).status_code == 409
    assert client.post("/v1/kernel/events", headers=headers).status_code == 200
    ids = set(session.exec(select(AuditEvent.entity_id).where(AuditEvent.entity == "probe")))
    assert ids == {"kept"}


def test_an_unexpected_error_is_a_500_problem_without_internals(app_client, auth):
    answer = app_client(kernel_app).get("/v1/kernel/boom", headers=auth(scopes=["kernel"]))
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    assert "secret internals" not in answer.text and "Traceback" not in answer.text


def test_unknown_paths_and_methods_are_problem_details(app_client):
    client = app_client(kernel_app)
    assert client.get("/nowhere").headers["content-type"] == "application/problem+json"
    assert client.delete("/health").status_code == 405


def test_each_request_logs_one_json_line_with_its_id_principal_status_and_duration(caplog, auth):
    with caplog.at_level(logging.INFO, logger="futuresocial.request"), TestClient(kernel_app) as client:
        client.get(
            "/v1/kernel/numbers",
            params={"low": 1, "high": 2},
            headers={**auth(scopes=["kernel"], subject="client:abc"), "X-Request-ID": "req-42"},
        )
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "futuresocial.request"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "req-42" and line["status"] == 200 and line["principal"] == "client:abc"
    assert line["route"] == "/v1/kernel/numbers" and line["duration_ms"] >= 0
