"""The OpenAPI document, made from the same endpoints and msgspec types that serve requests."""

from __future__ import annotations

from typing import Any

import msgspec

from server.api import ENDPOINTS, IDEMPOTENCY_KEY, Endpoint

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}


def _path_parameters(endpoint: Endpoint) -> list[dict[str, Any]]:
    names = [part[1:-1] for part in endpoint.path.split("/") if part.startswith("{")]
    return [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in names
    ]


IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "One key per action, the same for every try of it: a command sent again "
    "with the key of one already done (its answer lost) is not done again but answers the "
    'first one\'s receipt with "duplicate": true (docs/api.md). Else 400 '
    "invalid_idempotency_key.",
    "schema": {"type": "string", "pattern": f"^{IDEMPOTENCY_KEY}$"},
}


def openapi_document() -> dict[str, Any]:
    types = [t for e in ENDPOINTS for t in (e.body, e.answer) if t is not None]
    schemas, components = msgspec.json.schema_components(
        types, ref_template="#/components/schemas/{name}"
    )
    refs = dict(zip(types, schemas, strict=True))
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in ENDPOINTS:
        responses: dict[str, Any] = {
            "200": {
                "description": "OK",
                "content": {
                    endpoint.media_type: {"schema": refs.get(endpoint.answer, {})}
                    if endpoint.answer
                    else {}
                },
            },
            "default": {
                "description": "An error",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        }
        operation: dict[str, Any] = {
            "summary": endpoint.summary,
            "operationId": f"{endpoint.method.lower()}_{endpoint.handler.__name__}_"
            + endpoint.path.rsplit("/", 1)[-1].strip("{}").replace("-", "_"),
            "parameters": _path_parameters(endpoint)
            + ([IDEMPOTENCY_HEADER] if endpoint.idempotency_key else []),
            "responses": responses,
        }
        if endpoint.roles:
            operation["security"] = [{"bearer": []}]
            operation["description"] = "Roles: " + ", ".join(endpoint.roles)
        if endpoint.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": refs[endpoint.body]}},
            }
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = operation
    components["Error"] = ERROR_SCHEMA
    return {
        "openapi": "3.1.0",
        "info": {"title": "Leitai", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
