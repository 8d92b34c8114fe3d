"""The platform's OpenAPI document, as the gateway merges it, makes a whole client with openapi-python-client
(issue 13): no warning, a function for every operation, readable operation ids, every error documented as
problem details under application/problem+json, and one page envelope for every list."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from futuresocial.cli import openapi_documents
from gateway.docs import merge_openapi
from services.common.errors import PROBLEM_MEDIA_TYPE
from services.common.settings import SERVICE_NAMES

METHODS = {"get", "put", "post", "delete", "patch"}


@pytest.fixture(scope="module")
def platform_document() -> dict:
    documents = {name: json.loads(text) for name, text in openapi_documents().items()}
    return merge_openapi(documents["gateway"], {service: documents[service] for service in SERVICE_NAMES})


def operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


@pytest.fixture(scope="module")
def generated(platform_document: dict, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("client")
    (folder / "platform.json").write_text(json.dumps(platform_document))
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}  # its ruff hooks
    run = subprocess.run(
        [str(bin_dir / "openapi-python-client"), "generate", "--path", "platform.json", "--meta", "none"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return folder / "future_social_platform_client", run.stdout + run.stderr


def test_the_client_generates_without_a_warning(generated: tuple[Path, str]) -> None:
    _, output = generated
    assert "warning" not in output.lower(), output
    assert "unable" not in output.lower(), output


def test_every_operation_becomes_a_function_named_by_its_readable_id(platform_document, generated) -> None:
    package, _ = generated
    made = {module.stem for module in package.glob("api/*/*.py")}
    ids = [operation["operationId"] for _, _, operation in operations(platform_document)]
    assert len(ids) == len(set(ids)) > 100
    assert sorted(set(ids) - made) == []
    assert "placements_list_workers" in made and "returners_submit_application" in ids


def test_every_error_is_documented_as_problem_details(platform_document) -> None:
    for path, method, operation in operations(platform_document):
        errors = {code: answer for code, answer in operation["responses"].items() if code[0] in "45"}
        for answer in errors.values():
            assert answer["content"] == {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        if not path.startswith(tuple(f"/v1/{service}/" for service in SERVICE_NAMES)):
            continue  # the probes answer 200 or 503 with their own body; the gateway's /v1/auth documents its own
        assert {"400", "422", "429", "503"} <= set(errors), (method, path)
        if operation.get("security"):  # the anonymous enquiry has no token to refuse
            assert {"401", "403", "404"} <= set(errors), (method, path)
        if method != "get":
            assert "409" in errors, (method, path)
        if "requestBody" in operation:
            assert "413" in errors, (method, path)


def test_schema_names_and_titles_are_unique_across_services(platform_document) -> None:
    schemas = platform_document["components"]["schemas"]
    titles = [schema.get("title", name) for name, schema in schemas.items()]
    assert len(titles) == len(set(titles))
    assert schemas["ReturnersApplicationCreate"]["title"] == "ReturnersApplicationCreate"


def test_every_list_is_a_page(platform_document) -> None:
    for path, method, operation in operations(platform_document):
        for code, answer in operation["responses"].items():
            schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
            assert schema.get("type") != "array", (method, path, code)
