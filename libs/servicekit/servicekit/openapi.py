"""The service's OpenAPI document describes errors as they are: RFC 9457 problem documents.

FastAPI documents a 422 as its own ``HTTPValidationError`` shape; our handlers answer with a
problem document instead, so the document is corrected to say so, and every operation gets a
``default`` problem response.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

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


def _content(name: str) -> dict[str, Any]:
    return {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": f"#/components/schemas/{name}"}}}


def install_problem_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schemas = schema.setdefault("components", {}).setdefault("schemas", {})
            schemas.pop("HTTPValidationError", None)
            schemas.pop("ValidationError", None)
            for model in (Problem, ValidationIssue, ValidationProblem):
                schemas[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for path_item in schema.get("paths", {}).values():
                for operation in path_item.values():
                    responses = operation.setdefault("responses", {})
                    if "422" in responses:
                        responses["422"] = {"description": "The request is not valid.", "content": _content("ValidationProblem")}
                    responses.setdefault("default", {"description": "Any other error.", "content": _content("Problem")})
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi
