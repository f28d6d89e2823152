"""OpenAPI descriptions of the problem documents goals' routes answer with."""

from servicekit.problems import PROBLEM_MEDIA_TYPE

_DESCRIPTIONS = {
    403: "Not allowed for this role, organisation scope or key scope.",
    404: "Not found.",
    412: "If-Match names an older revision.",
    422: "Invalid input, or a rule is broken; nothing was changed.",
    428: "If-Match is missing.",
}


def problems(*statuses: int) -> dict[int, dict]:
    """``responses=`` entries for the given statuses, each an RFC 9457 problem document."""
    return {status: {"description": _DESCRIPTIONS[status], "content": {PROBLEM_MEDIA_TYPE: {}}} for status in statuses}
