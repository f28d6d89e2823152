"""The RFC 9457 problem document itself, free of FastAPI so the gateway can use it cheaply."""

from http import HTTPStatus
from typing import Any

import orjson

from servicekit.logging import request_id_var

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://qm.stockholm.se/problems/"


def problem_body(
    status: int,
    detail: str | None = None,
    *,
    kind: str | None = None,
    title: str | None = None,
    instance: str | None = None,
    **extensions: Any,
) -> bytes:
    """Serialise a problem document; usable by non-FastAPI code (the gateway) too."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + kind if kind else "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    request_id = request_id_var.get()
    if request_id:
        body["request_id"] = request_id
    body.update(extensions)
    return orjson.dumps(body, default=str)
