"""Optimistic concurrency for mutable resources: ETag out, If-Match required in."""

from fastapi import Request

from servicekit.problems import ProblemError


def etag_for(version: int) -> str:
    return f'"{version}"'


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
