"""OpenAPI descriptions of the problem documents feedback's operations answer with."""

from servicekit.openapi import openapi_problems

_DESCRIPTIONS = {
    400: "Malformed input (cursor, Idempotency-Key, token header).",
    403: "Not allowed for this role, key scope or organisation scope.",
    404: "No such resource (or not visible to you).",
    409: "The state does not allow it (already rated, a report already submitted) or a request with this "
    "Idempotency-Key is still in flight.",
    412: "If-Match names an older revision.",
    422: "Invalid input or a rule broken (unknown category or unit, invalid transition, text too long).",
    428: "If-Match is missing.",
}


def problems(*statuses: int) -> dict:
    return openapi_problems(_DESCRIPTIONS, *statuses)
