"""One OpenAPI document for the whole platform: the gateway's own paths merged with every service's."""

import copy
import json
from typing import Any

from gateway.proxy import DomainError, Upstreams
from services.common.settings import SERVICE_NAMES


def _rename_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {
            key: (renames.get(value, value) if key == "$ref" else _rename_refs(value, renames))
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rename_refs(item, renames) for item in node]
    return node


def merge_openapi(base: dict[str, Any], services: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Merge service documents into `base`. A schema name two documents define differently is
    prefixed with its service's name (ApplicationCreate -> ReturnersApplicationCreate), title included, since
    generators name their classes by title; that service's references follow it."""
    merged = copy.deepcopy(base)
    paths = merged.setdefault("paths", {})
    schemas = merged.setdefault("components", {}).setdefault("schemas", {})
    schemes = merged["components"].setdefault("securitySchemes", {})
    tags = {tag["name"]: tag for tag in merged.get("tags", [])}
    for service, document in services.items():
        theirs = document.get("components", {}).get("schemas", {})
        renames = {}
        for name, schema in theirs.items():
            if name in schemas and json.dumps(schemas[name], sort_keys=True) != json.dumps(schema, sort_keys=True):
                renames[f"#/components/schemas/{name}"] = f"#/components/schemas/{service.title()}{name}"
        document = _rename_refs(document, renames)
        for name, schema in document.get("components", {}).get("schemas", {}).items():
            new_name = renames.get(f"#/components/schemas/{name}", name).rsplit("/", 1)[-1]
            schemas[new_name] = schema if new_name == name else {**schema, "title": new_name}
        schemes.update(document.get("components", {}).get("securitySchemes", {}))
        for path, operations in document.get("paths", {}).items():
            if path.startswith(f"/v1/{service}"):
                paths[path] = operations
        for tag in document.get("tags", []):
            tags.setdefault(tag["name"], tag)
    if tags:
        merged["tags"] = list(tags.values())
    return merged


async def platform_openapi(base: dict[str, Any], upstreams: Upstreams) -> dict[str, Any]:
    documents, missing = {}, []
    for service in SERVICE_NAMES:  # the API's; the front end has pages, not an API of its own
        try:
            response = await upstreams.send(service, "GET", "/openapi.json")
            response.raise_for_status()
            documents[service] = response.json()
        except (DomainError, ValueError, Exception):  # a service that is down leaves its paths out
            missing.append(service)
    merged = merge_openapi(base, documents)
    if missing:
        merged["info"]["description"] += f"\n\nNot reachable now, so not shown: {', '.join(missing)}."
    return merged
