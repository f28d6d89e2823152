"""Flagging a new case as a possible repeat, at intake, in the intake's transaction.

The intake's look-up statement (``feedback.cases.repository.INTAKE_FACTS``) fetches the target
unit's open cases of the category received in the window before the new case, newest first, at
most ``CANDIDATE_LIMIT``; ``possible_repeat`` picks the most similar one at or above the threshold,
and the intake's insert records the flag with the case.
"""

import uuid
from datetime import datetime, timedelta

from contracts.feedback import CaseStatus as S

from feedback.repeats.similarity import most_similar

# Cases still with the unit, so a repeat has somewhere to join: answered and finished ones are not.
OPEN = frozenset({S.received, S.acknowledged, S.assigned, S.in_progress, S.reopened})
OPEN_STATUSES = sorted(status.value for status in OPEN)
# The most recent open cases compared with a new one; a unit rarely has more of one category open.
CANDIDATE_LIMIT = 500


def window(received_at: datetime, window_days: int) -> tuple[datetime, datetime]:
    """Open cases received in [since, until] are compared with a case received at ``received_at``."""
    return received_at - timedelta(days=window_days), received_at


def possible_repeat(
    description: str, ids: list[uuid.UUID] | None, descriptions: list[str] | None, *, threshold: float
) -> tuple[uuid.UUID, float] | None:
    """The candidate (id, similarity) most like ``description`` at or above ``threshold``, if any."""
    if not ids:
        return None
    return most_similar(description, dict(zip(ids, descriptions, strict=True)), threshold=threshold)
