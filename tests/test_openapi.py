"""The OpenAPI documents exported to openapi/ are current, and each service documents only its own paths."""

import difflib
import json

import pytest

from futuresocial.cli import APP_MODULES, OPENAPI_DIR, openapi_documents
from gateway.app import PUBLIC_ENDPOINTS
from services.common.settings import SERVICE_NAMES

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    return openapi_documents()


def test_every_app_has_an_exported_document(documents: dict[str, str]) -> None:
    assert set(documents) == set(APP_MODULES) == {"gateway", *SERVICE_NAMES}


@pytest.mark.parametrize("name", sorted(APP_MODULES))
def test_the_exported_openapi_document_is_current(documents: dict[str, str], name: str) -> None:
    path = OPENAPI_DIR / f"{name}.json"
    assert path.exists(), f"{path} is missing; run make openapi"
    exported = path.read_text()
    if exported != documents[name]:
        diff = difflib.unified_diff(
            exported.splitlines(), documents[name].splitlines(), "exported", "current", lineterm=""
        )
        pytest.fail(f"{path} is stale; run make openapi\n" + "\n".join(list(diff)[:60]))


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_a_service_documents_its_own_v1_paths_and_health(documents: dict[str, str], service: str) -> None:
    document = json.loads(documents[service])
    paths = set(document["paths"])
    assert {"/health", "/ready"} <= paths
    api_paths = paths - {"/health", "/ready"}
    assert f"/v1/{service}/whoami" in api_paths
    strays = sorted(path for path in api_paths if not path.startswith(f"/v1/{service}/"))
    assert not strays, f"{service} documents paths outside /v1/{service}/: {strays}"


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_a_services_v1_operations_require_a_bearer_token(documents: dict[str, str], service: str) -> None:
    document = json.loads(documents[service])
    schemes = document.get("components", {}).get("securitySchemes", {})
    bearer_schemes = {
        name
        for name, scheme in schemes.items()
        if scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "bearer"
    }
    assert bearer_schemes, f"{service} declares no bearer security scheme"
    # the few operations the gateway deliberately serves without a token, and nothing else
    public = {f"{method} {path}" for method, path in PUBLIC_ENDPOINTS}
    unprotected = [
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        if path.startswith("/v1/")
        for method, operation in operations.items()
        if method in HTTP_METHODS
        and not any(set(requirement) & bearer_schemes for requirement in operation.get("security", []))
    ]
    unexpected = [operation for operation in unprotected if operation not in public]
    assert not unexpected, f"{service} operations without bearer security: {unexpected}"
    for path in ("/health", "/ready"):
        assert not document["paths"][path]["get"].get("security"), f"{path} must not need a token"
