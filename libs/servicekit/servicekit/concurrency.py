"""Optimistic concurrency for mutable resources: ETag out, If-Match required in."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import Request, Response

from servicekit.problems import ProblemError

Revised = TypeVar("Revised")


def etag_for(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, revision: int) -> None:
    """The revision as ETag: the tag a client sends back in If-Match to change what it read."""
    response.headers["etag"] = etag_for(revision)


def with_etag(response: Response, record: Revised) -> Revised:
    """``record`` (anything with a ``revision``) as the answer, its revision as the ETag."""
    set_etag(response, record.revision)
    return record


def require_if_match(request: Request, current_version: int) -> None:
    """428 without If-Match, 412 when it names another version than the stored one."""
    header = request.headers.get("if-match")
    if header is None:
        raise ProblemError(
            428, "Send If-Match with the ETag you last read; updates without it could overwrite someone else's.",
            kind="if-match-required",
        )
    current = etag_for(current_version)
    candidates = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    if "*" not in candidates and current not in candidates:
        raise ProblemError(
            412, "The resource changed since you read it; read it again and retry.",
            kind="stale-etag", current_etag=current,
        )


async def locked_at_revision(request: Request, require: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
    """The row ``require(*args, lock=True, **kwargs)`` returns, once If-Match names its revision.

    Locked before the check, so no other writer can change the row between the check and the caller's change.
    """
    row = await require(*args, lock=True, **kwargs)
    require_if_match(request, row.revision)
    return row
