"""RFC 9457 problem details for every error a service returns."""

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from servicekit.prefixes import ApiError, ErrorRenderer, prefix_of
from servicekit.problemdoc import PROBLEM_BASE, PROBLEM_MEDIA_TYPE, problem_body

__all__ = ["PROBLEM_BASE", "PROBLEM_MEDIA_TYPE", "ProblemError", "install_problem_handlers", "problem_body", "problem_response",
           "render_problem"]
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


def render_problem(request: Request, error: ApiError) -> Response:
    """The RFC 9457 rendering, used everywhere outside the extra prefixes."""
    extensions = dict(error.extensions)
    if error.issues:
        extensions["errors"] = list(error.issues)
    return problem_response(
        error.status, error.detail, kind=error.kind, title=error.title, instance=request.url.path,
        headers=dict(error.headers) or None, **extensions,
    )


def install_problem_handlers(app: FastAPI, renderers: Mapping[str, ErrorRenderer] | None = None) -> None:
    """Exception handlers answering every error; under a prefix in ``renderers`` with its renderer.

    ``renderers`` maps an extra prefix (``/open311/v2``) to its ``ErrorRenderer``; see
    ``servicekit.prefixes``. The lookup runs only when an error is answered.
    """
    renderers = dict(renderers or {})

    def respond(request: Request, error: ApiError) -> Response:
        prefix = prefix_of(request.url.path, renderers) if renderers else None
        return renderers[prefix](request, error) if prefix is not None else render_problem(request, error)

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> Response:
        return respond(request, ApiError(exc.status, exc.detail, kind=exc.kind, title=exc.title,
                                         headers=exc.headers, extensions=exc.extensions))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return respond(request, ApiError(422, "The request is not valid; see errors.", kind="validation-error",
                                         title="Validation failed", issues=_validation_errors(exc)))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return respond(request, ApiError(exc.status_code, str(exc.detail) if exc.detail else None,
                                         headers=getattr(exc, "headers", None) or {}))

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error")
        return respond(request, ApiError(500, "An unexpected error occurred; it has been logged."))
