"""Flagging a new case as a possible repeat, at intake, in the intake's transaction."""

from datetime import datetime, timedelta

from contracts.feedback import CaseStatus as S
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.repeats import repository
from feedback.repeats.similarity import most_similar

# Cases still with the unit, so a repeat has somewhere to join: answered and finished ones are not.
OPEN = frozenset({S.received, S.acknowledged, S.assigned, S.in_progress, S.reopened})


async def flag_possible_repeat(
    session: AsyncSession, *, row: Row, window_days: int, threshold: float, now: datetime
) -> None:
    """Compare the new case with the unit's open cases of its category received up to
    ``window_days`` before it; record the most similar one at or above ``threshold``."""
    candidates = await repository.open_cases_like(
        session, unit_id=row.unit_id, category_code=row.category_code, statuses=OPEN,
        since=row.received_at - timedelta(days=window_days), until=row.received_at, exclude=row.id,
    )
    found = most_similar(row.description, candidates, threshold=threshold)
    if found is not None:
        similar_case_id, similarity = found
        await repository.insert_flag(
            session, case_id=row.id, similar_case_id=similar_case_id, similarity=similarity, flagged_at=now,
        )
