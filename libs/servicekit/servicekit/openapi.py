"""The service's OpenAPI document describes errors as they are: RFC 9457 problem documents.

FastAPI documents a 422 as its own ``HTTPValidationError`` shape; our handlers answer with a
problem document instead, so the document is corrected to say so, and every operation gets a
``default`` problem response. Operations under an extra prefix (``servicekit.prefixes``) lose
the 422 and get their prefix's own error response instead. Public operations (those depending on
``servicekit.auth.PublicPrincipal``) carry ``security: []``: they need no credentials.
"""

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, Field

from servicekit.auth import is_public_route
from servicekit.prefixes import PrefixedApi, prefix_of
from servicekit.problemdoc import PROBLEM_MEDIA_TYPE


class Problem(BaseModel):
    """RFC 9457 problem details (felbeskrivning)."""

    type: str = Field(description="URI naming the kind of problem, e.g. https://qm.stockholm.se/problems/stale-etag.")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = Field(None, description="The request path.")
    request_id: str | None = Field(None, description="Quote it when reporting the error.")


class ValidationIssue(BaseModel):
    location: list[str] = Field(description='Where the bad value is, e.g. ["body", "code"].')
    message: str
    type: str


class ValidationProblem(Problem):
    errors: list[ValidationIssue]


def openapi_problems(descriptions: Mapping[int, str], *statuses: int) -> dict[int, dict[str, Any]]:
    """An operation's ``responses=`` for these statuses, each a problem document described in the service's own words."""
    return {status: {"description": descriptions[status], "content": {PROBLEM_MEDIA_TYPE: {}}} for status in statuses}


def _content(name: str) -> dict[str, Any]:
    return {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": f"#/components/schemas/{name}"}}}


def install_problem_openapi(app: FastAPI, extra_prefixes: Mapping[str, PrefixedApi] | None = None) -> None:
    extra_prefixes = dict(extra_prefixes or {})

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schemas = schema.setdefault("components", {}).setdefault("schemas", {})
            schemas.pop("HTTPValidationError", None)
            schemas.pop("ValidationError", None)
            for model in (Problem, ValidationIssue, ValidationProblem):
                schemas[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for path, path_item in schema.get("paths", {}).items():
                prefix = prefix_of(path, extra_prefixes)
                for operation in path_item.values():
                    responses = operation.setdefault("responses", {})
                    if prefix is not None:
                        responses.pop("422", None)
                        error_response = extra_prefixes[prefix].openapi_error_response
                        if error_response is not None:
                            responses.setdefault("default", dict(error_response))
                        continue
                    if "422" in responses:
                        responses["422"] = {"description": "The request is not valid.", "content": _content("ValidationProblem")}
                    responses.setdefault("default", {"description": "Any other error.", "content": _content("Problem")})
            _mark_public_operations(app, schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi


def _mark_public_operations(app: FastAPI, schema: dict[str, Any]) -> None:
    """``security: []`` on every operation callable without credentials."""
    paths = schema.get("paths", {})
    # Included routers are contexts around the routers' own routes (FastAPI ≥ 0.16x); the route
    # itself is what a request sees in ``scope["route"]``, so it decides, as at run time.
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and context.include_in_schema and is_public_route(route):
            for method in context.methods or ():
                operation = paths.get(context.path_format, {}).get(method.lower())
                if operation is not None:
                    operation["security"] = []
