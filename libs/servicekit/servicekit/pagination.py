"""Opaque-cursor pagination: ``limit`` + ``cursor`` in, ``items`` + ``next_cursor`` out."""

import base64
from typing import Annotated, Any, Generic, TypeVar

import orjson
from fastapi import Query
from pydantic import BaseModel

from servicekit.problems import ProblemError

T = TypeVar("T")
MAX_LIMIT = 500


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(position, default=str)).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, orjson.JSONDecodeError):
        value = None
    if not isinstance(value, dict):
        raise ProblemError(400, "The cursor is not one this API issued.", kind="invalid-cursor")
    return value


class PageParams(BaseModel):
    limit: int
    cursor: dict[str, Any] | None


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size (1–500).")] = 50,
    cursor: Annotated[str | None, Query(description="Opaque cursor from the previous page's next_cursor.")] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=decode_cursor(cursor))


def build_page(rows: list[Any], params: PageParams, position_of) -> tuple[list[Any], str | None]:
    """Rows were fetched with ``limit + 1``; trim and compute the next cursor."""
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        return rows, encode_cursor(position_of(rows[-1]))
    return rows, None
