"""RFC 9457 problem details for every error a service returns."""

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from servicekit.problemdoc import PROBLEM_BASE, PROBLEM_MEDIA_TYPE, problem_body

__all__ = ["PROBLEM_BASE", "PROBLEM_MEDIA_TYPE", "ProblemError", "install_problem_handlers", "problem_body", "problem_response"]
log = logging.getLogger("servicekit.problems")


class ProblemError(Exception):
    """Raise from any layer to answer with a problem document.

    ``kind`` becomes the problem type URI, e.g. ``invalid-parent`` →
    ``https://qm.stockholm.se/problems/invalid-parent``.
    """

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind
        self.title = title or HTTPStatus(status).phrase
        self.headers = headers or {}
        self.extensions = extensions


def problem_response(
    status: int,
    detail: str | None = None,
    *,
    kind: str | None = None,
    title: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    body = problem_body(status, detail, kind=kind, title=title, instance=instance, **extensions)
    return Response(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for err in exc.errors():
        errors.append({"location": [str(part) for part in err.get("loc", ())], "message": err.get("msg"), "type": err.get("type")})
    return errors


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> Response:
        return problem_response(
            exc.status, exc.detail, kind=exc.kind, title=exc.title, instance=request.url.path,
            headers=exc.headers, **exc.extensions,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return problem_response(
            422, "The request is not valid; see errors.", kind="validation-error",
            title="Validation failed", instance=request.url.path, errors=_validation_errors(exc),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return problem_response(
            exc.status_code, str(exc.detail) if exc.detail else None, instance=request.url.path,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error")
        return problem_response(500, "An unexpected error occurred; it has been logged.", instance=request.url.path)
