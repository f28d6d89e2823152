"""OpenAPI descriptions of the problem documents goals' routes answer with."""

from servicekit.openapi import openapi_problems

_DESCRIPTIONS = {
    403: "Not allowed for this role, organisation scope or key scope.",
    404: "Not found.",
    412: "If-Match names an older revision.",
    422: "Invalid input, or a rule is broken; nothing was changed.",
    428: "If-Match is missing.",
}


def problems(*statuses: int) -> dict[int, dict]:
    """``responses=`` entries for the given statuses, each an RFC 9457 problem document."""
    return openapi_problems(_DESCRIPTIONS, *statuses)
