"""Small helpers the audit routers share: problem responses in OpenAPI, ETags, the principal."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import Request, Response

from servicekit.concurrency import etag_for, require_if_match
from servicekit.pagination import PageParams
from servicekit.problems import PROBLEM_MEDIA_TYPE, ProblemError

_DESCRIPTIONS = {
    403: "Not allowed for this role, organisation scope or person (e.g. approving one's own request).",
    404: "No such record.",
    409: "The record's state does not allow this (adopted, locked, sent, not verified).",
    412: "If-Match names an older revision.",
    422: "Invalid input or a rule of internal control is broken.",
    428: "If-Match is missing.",
}


def problems(*statuses: int) -> dict:
    return {status: {"description": _DESCRIPTIONS[status], "content": {PROBLEM_MEDIA_TYPE: {}}} for status in statuses}


def with_etag(response: Response, revision: int) -> None:
    response.headers["etag"] = etag_for(revision)


def check_etag(request: Request, revision: int) -> None:
    require_if_match(request, revision)


Revised = TypeVar("Revised")


def answer(response: Response, record: Revised) -> Revised:
    """The record as the response body, its revision as the ETag."""
    with_etag(response, record.revision)
    return record


async def locked(request: Request, require: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    """The row ``require(*args, lock=True)`` returns, locked for the request, once If-Match names its revision."""
    row = await require(*args, lock=True)
    check_etag(request, row.revision)
    return row


def cursor_position(params: PageParams, **fields: Callable[[Any], Any]) -> tuple | None:
    """The position a cursor names, each field parsed by its type; 400 for a cursor we did not issue."""
    if params.cursor is None:
        return None
    try:
        return tuple(parse(params.cursor[name]) for name, parse in fields.items())
    except (KeyError, TypeError, ValueError):
        raise ProblemError(400, "The cursor is not one this API issued.", kind="invalid-cursor") from None
