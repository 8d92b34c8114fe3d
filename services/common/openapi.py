"""The OpenAPI documents as client generators need them: readable operation ids, every error documented as
RFC 9457 problem details under application/problem+json, and nothing a generator cannot read."""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from services.common.errors import PROBLEM_MEDIA_TYPE, problem_response_doc

PROBLEM_SCHEMA = {"$ref": "#/components/schemas/Problem"}
WRITES = {"post", "put", "patch", "delete"}
# FastAPI's own 422 model, replaced by the problem details the services answer with instead
VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def operation_ids(prefix: str) -> Callable[[APIRoute], str]:
    """`placements_list_workers`: the app's name and the endpoint function's, which generators make a method of."""
    return lambda route: f"{prefix}_{route.name}"


def _extra_problems(operation: dict[str, Any], method: str) -> dict[str, dict[str, Any]]:
    """Problems an operation can give beyond those of every route: a conflict for a write, a failed If-Match
    precondition where the operation takes one, a body too large where it takes a body."""
    extra: dict[int, dict[str, Any]] = {}
    if method in WRITES:
        extra[409] = problem_response_doc(409)
    if any(
        p.get("in") == "header" and p.get("name", "").lower() == "if-match" for p in operation.get("parameters", [])
    ):
        extra[412] = problem_response_doc(412)
    if "requestBody" in operation:
        extra[413] = problem_response_doc(413)
    return {str(code): {"description": doc["description"]} for code, doc in extra.items()}


def for_generators(document: dict[str, Any]) -> dict[str, Any]:
    """Every 4xx and 5xx answer of every operation as the Problem schema under application/problem+json only
    (the services never answer an error as application/json), and FastAPI's unused validation models gone."""
    for operation_path in document.get("paths", {}).values():
        for method, operation in operation_path.items():
            if method not in {"get", "head", "options", *WRITES}:
                continue
            responses = operation.setdefault("responses", {})
            for code, extra in _extra_problems(operation, method).items():
                responses.setdefault(code, extra)
            for code, response in responses.items():
                if code[0] in "45":
                    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_SCHEMA}}
    schemas = document.get("components", {}).get("schemas", {})
    for name in VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    return document


def install(app: FastAPI) -> None:
    """Serve the app's document, built once by FastAPI as usual, rewritten for generators."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            for_generators(build())  # FastAPI keeps what it built in app.openapi_schema; rewritten in place
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
