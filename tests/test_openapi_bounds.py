"""What every service's OpenAPI document promises about input and answers, checked operation by operation, so a
new endpoint is held to it without anyone writing a line: each path and query value has bounds (integers a
minimum and a maximum, strings a length, a pattern, an enum or a format; a council code is three ASCII digits),
every operation documents the problems any request may get, and a write that takes an Idempotency-Key documents
the 409 a reused key gets."""

import json

import pytest

from futuresocial.cli import openapi_documents
from services.common.errors import PROBLEM_MEDIA_TYPE
from services.common.settings import SERVICE_NAMES

COUNCIL_PATTERN = "^[0-9]{3}$"
ANY_REQUEST_MAY_GET = ("400", "422", "429", "503")  # an undecodable body, invalid input, the rate limit, busy
DOCUMENTS = {name: json.loads(text) for name, text in openapi_documents().items() if name in SERVICE_NAMES}
HTTP_METHODS = {"get", "put", "post", "delete", "patch"}


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _operations(document: dict):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in HTTP_METHODS:
                yield f"{method.upper()} {path}", operation


def _unbounded(document: dict, name: str, schema: dict) -> str | None:
    """Why this parameter's schema lets a value through unbounded, or None when it is bounded."""
    for variant in schema.get("anyOf", [schema]):
        variant = _resolve(document, variant)
        kind = variant.get("type")
        if "enum" in variant or kind in ("null", "boolean"):
            continue
        if kind in ("integer", "number") and not ("minimum" in variant and "maximum" in variant):
            return f"a {kind} without a minimum and a maximum"
        if kind == "string" and name == "council" and variant.get("pattern") != COUNCIL_PATTERN:
            return f"a council code not held to {COUNCIL_PATTERN}"
        if kind == "string" and not {"maxLength", "pattern", "format"} & set(variant):
            return "a string without a length, a pattern or a format"
    return None


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_every_path_and_query_value_has_bounds(service: str) -> None:
    document = DOCUMENTS[service]
    unbounded = [
        f"{operation_name} {parameter['in']} {parameter['name']}: {reason}"
        for operation_name, operation in _operations(document)
        for parameter in operation.get("parameters", [])
        if parameter["in"] in ("path", "query")
        and (reason := _unbounded(document, parameter["name"], parameter.get("schema", {})))
    ]
    assert not unbounded, "\n".join(unbounded)


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_every_operation_documents_the_problems_any_request_may_get(service: str) -> None:
    missing = [
        f"{operation_name}: {status}"
        for operation_name, operation in _operations(DOCUMENTS[service])
        if " /v1/" in operation_name  # /health and /ready are the processes' own probes, never proxied
        for status in ANY_REQUEST_MAY_GET
        if PROBLEM_MEDIA_TYPE not in operation["responses"].get(status, {}).get("content", {})
    ]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_a_write_that_takes_an_idempotency_key_documents_the_409_of_a_reused_key(service: str) -> None:
    undocumented = [
        operation_name
        for operation_name, operation in _operations(DOCUMENTS[service])
        if any(parameter["name"].lower() == "idempotency-key" for parameter in operation.get("parameters", []))
        and "409" not in operation["responses"]
    ]
    assert not undocumented, "\n".join(undocumented)
