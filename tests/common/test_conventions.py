"""The platform conventions every service shares (services/common): the clock, validation errors, idempotent
creates and the request id the audit trail quotes."""

from datetime import UTC, datetime

import pytest
from fastapi import Request
from pydantic import BaseModel, ValidationError
from sqlmodel import select

from services.common import clock
from services.common.app import create_service_app, service_router
from services.common.audit import audit
from services.common.auth import CurrentPrincipal
from services.common.db import SessionDep
from services.common.errors import invalid, invalid_fields
from services.common.idempotency import IdempotencyKey, create_once
from services.common.models import AuditEvent
from services.common.updates import Changes

# --- Clock ---------------------------------------------------------------------------------------


def test_today_is_the_utc_date_whatever_the_machine_zone(monkeypatch):
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: its local date is a day ahead for 14 hours
    import time

    time.tzset()
    try:
        assert clock.today() == datetime.now(UTC).date()
        assert clock.now().tzinfo is UTC
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


# --- Validation errors -------------------------------------------------------------------------


def test_one_fields_problem_reads_as_a_sentence_unless_a_detail_is_given():
    error = invalid(["body", "end_date"], "end_before_start", "the end date is before the start date")
    assert error.detail == "The end date is before the start date."
    assert error.errors == [
        {"loc": ["body", "end_date"], "code": "end_before_start", "message": "the end date is before the start date"}
    ]
    assert invalid(["query", "x"], "missing", "Field required", detail="Say which x.").detail == "Say which x."


def test_every_fields_problem_is_listed_at_once():
    error = invalid_fields("Two problems.", [(["body", "a"], "bad_a", "a is bad"), (["body", "b"], "bad_b", "b too")])
    assert (error.status, error.detail, [e["code"] for e in error.errors]) == (422, "Two problems.", ["bad_a", "bad_b"])


# --- Idempotent creates and the request id -------------------------------------------------------

router = service_router("conventions")
created: list[str] = []


class Note(BaseModel):
    text: str


class NotePublic(BaseModel):
    id: str
    text: str


@router.post("/notes", status_code=201)
def create_note(
    body: Note, request: Request, session: SessionDep, principal: CurrentPrincipal, key: IdempotencyKey = None
):
    def create() -> NotePublic:
        note = NotePublic(id=f"n{len(created) + 1}", text=body.text)
        created.append(note.id)
        audit(session, principal, "create", "note", note.id)  # the request id is the middleware's
        return note

    return create_once(session, principal, key, request, body, create, "/v1/conventions/notes/{id}")


conventions_app = create_service_app("conventions", "probe", [router])


def test_a_create_answers_201_with_its_location_once_per_key_and_replays_it(app_client, auth, session):
    client, headers = app_client(conventions_app), {**auth(scopes=["conventions"]), "Idempotency-Key": "k-1"}
    first = client.post("/v1/conventions/notes", json={"text": "hello"}, headers=headers)
    again = client.post("/v1/conventions/notes", json={"text": "hello"}, headers=headers)
    assert (first.status_code, first.headers["Location"]) == (201, f"/v1/conventions/notes/{first.json()['id']}")
    assert (again.status_code, again.json(), again.headers["Idempotent-Replayed"]) == (201, first.json(), "true")
    assert again.headers["Location"] == first.headers["Location"]
    other = client.post("/v1/conventions/notes", json={"text": "changed"}, headers=headers)
    assert other.status_code == 409
    assert created.count(first.json()["id"]) == 1


def test_the_audit_trail_quotes_the_request_id_without_being_handed_it(app_client, auth, session):
    client = app_client(conventions_app)
    answer = client.post(
        "/v1/conventions/notes", json={"text": "x"}, headers={**auth(scopes=["conventions"]), "X-Request-ID": "req-77"}
    )
    assert answer.status_code == 201
    [event] = session.exec(select(AuditEvent).where(AuditEvent.entity == "note")).all()
    assert (event.entity_id, event.request_id) == (answer.json()["id"], "req-77")


# --- Changes -------------------------------------------------------------------------------------


class LevelChange(Changes):
    nullable = frozenset({"description"})
    name: str | None = None
    description: str | None = None


def test_a_change_keeps_what_is_left_out_and_clears_only_what_may_be_empty():
    assert LevelChange(description=None).model_dump(exclude_unset=True) == {"description": None}
    assert LevelChange().model_dump(exclude_unset=True) == {}
    with pytest.raises(ValidationError) as refused:
        LevelChange(name=None)
    [error] = refused.value.errors()
    assert (error["loc"], error["type"]) == (("name",), "null_not_allowed")
