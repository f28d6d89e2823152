"""A further path prefix a service serves, with an error format of its own.

A service's API lives under its ``api_prefix`` (``/feedback/v1``) and answers errors as RFC 9457
problem documents. Some APIs are fixed by a standard someone else wrote: feedback also serves
Open311 GeoReport v2 under ``/open311/v2``, whose clients expect the spec's error list, not a
problem document. ``create_service_app(extra_prefixes=...)`` mounts such an API::

    create_service_app(
        settings, title=..., description=..., api_prefix="/feedback/v1", routers=[cases.router],
        extra_prefixes={"/open311/v2": PrefixedApi(routers=[open311.router], render_error=render_open311_error)},
    )

Every error raised on a route under the prefix, or by the request before a route ran — a
``ProblemError`` from any layer, a validation error, a 404/405 for a path or method no route
serves, an unhandled exception (500), a direct call without the internal assertion (401) — is
handed to the prefix's ``render_error(request, error)`` as an ``ApiError`` and answered with the
``Response`` it returns. The renderer chooses the status too: a validation error arrives as
``status=422, kind="validation-error"`` with ``issues``, and GeoReport v2 answers it as a 400.
What the error format *is* belongs to the service (servicekit holds no Open311 knowledge); the
dispatch by prefix is all this module does. Everything outside the extra prefixes keeps RFC 9457.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response


@dataclass(frozen=True)
class ApiError:
    """An error on its way to the client, before any wire format is chosen."""

    status: int
    # Human-readable explanation; None when only the status is known (a bare 404 or 405).
    detail: str | None = None
    # The problem kind as in ``ProblemError(kind=...)``: ``not-found``, ``validation-error``, ...
    kind: str | None = None
    title: str | None = None
    # Response headers the error asks for (``Retry-After``, ``Allow``, ``WWW-Authenticate`` ...).
    headers: Mapping[str, str] = field(default_factory=dict)
    # For validation errors: ``{"location": ["body", "lat"], "message": "...", "type": "..."}`` each.
    issues: Sequence[Mapping[str, Any]] = ()
    # The ``ProblemError``'s extension members (e.g. ``current_etag``).
    extensions: Mapping[str, Any] = field(default_factory=dict)

    @property
    def description(self) -> str:
        """One line for formats with a single message: the detail, else the status phrase."""
        if self.detail:
            return self.detail
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return "Error"


# Called with the request (its path names the format, e.g. ``.xml``) and the error; returns the
# whole response. Synchronous: it formats, it does not do I/O.
ErrorRenderer = Callable[[Request, ApiError], Response]


@dataclass(frozen=True)
class PrefixedApi:
    """Routers served under an extra prefix, and how errors there are rendered."""

    routers: Sequence[APIRouter]
    render_error: ErrorRenderer
    # The OpenAPI response object documented as ``default`` on the prefix's operations (instead of
    # the RFC 9457 ``Problem``), e.g. ``{"description": "...", "content": {"application/json":
    # {"schema": {...}}, "application/xml": {"schema": {...}}}}``. None: no default documented.
    # FastAPI's generated 422 response is removed from these operations either way.
    openapi_error_response: Mapping[str, Any] | None = None


def prefix_of(path: str, prefixes: Mapping[str, Any]) -> str | None:
    """The extra prefix ``path`` lies under, if any (``/open311/v2`` or ``/open311/v2/...``)."""
    for prefix in prefixes:
        if path.startswith(prefix) and (len(path) == len(prefix) or path[len(prefix)] == "/"):
            return prefix
    return None
