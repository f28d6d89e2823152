"""Small helpers the audit routers share: problem responses in OpenAPI, cursor positions."""

from collections.abc import Callable
from typing import Any

from servicekit.openapi import openapi_problems
from servicekit.pagination import PageParams
from servicekit.problems import ProblemError

_DESCRIPTIONS = {
    403: "Not allowed for this role, organisation scope or person (e.g. approving one's own request).",
    404: "No such record.",
    409: "The record's state does not allow this (adopted, locked, sent, not verified).",
    412: "If-Match names an older revision.",
    422: "Invalid input or a rule of internal control is broken.",
    428: "If-Match is missing.",
}


def problems(*statuses: int) -> dict:
    return openapi_problems(_DESCRIPTIONS, *statuses)


def cursor_position(params: PageParams, **fields: Callable[[Any], Any]) -> tuple | None:
    """The position a cursor names, each field parsed by its type; 400 for a cursor we did not issue."""
    if params.cursor is None:
        return None
    try:
        return tuple(parse(params.cursor[name]) for name, parse in fields.items())
    except (KeyError, TypeError, ValueError):
        raise ProblemError(400, "The cursor is not one this API issued.", kind="invalid-cursor") from None
