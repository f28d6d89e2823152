"""Objectivity of reviews: the reviewer sits outside the reviewed unit on every day of the window.

Outside means the reviewer's unit is neither the reviewed unit, nor below it, nor the unit
directly above it (the reviewed unit's own manager's unit). The tree can change during the
window (a reorganisation on 1 July), so the check runs on the window's first day and on every
day within it on which some unit's version starts or ends.
"""

import uuid
from datetime import date

from sqlalchemy import select, union
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.orgtree import unit_and_ancestor_ids
from servicekit.problems import ProblemError

from audit import access
from audit.models import org_tables

VERSIONS = org_tables.versions


async def _change_days(session: AsyncSession, start: date, end: date) -> set[date]:
    starts = select(VERSIONS.c.valid_from.label("day")).where(VERSIONS.c.valid_from > start, VERSIONS.c.valid_from <= end)
    ends = select(VERSIONS.c.valid_to.label("day")).where(
        VERSIONS.c.valid_to > start, VERSIONS.c.valid_to <= end
    )
    return {row.day for row in await session.execute(union(starts, ends))}


async def check_reviewer(
    session: AsyncSession, *, reviewer_unit_id: uuid.UUID, reviewed_unit_id: uuid.UUID, start: date, end: date
) -> None:
    """422 ``reviewer-not-independent`` (or ``unit-not-in-effect``) naming the day and the reason."""
    days = sorted({start} | await _change_days(session, start, end))
    for day in days:
        on = await access.recorded_date(session, unit_ids=[reviewer_unit_id, reviewed_unit_id], on=day)
        reviewer_chain = await unit_and_ancestor_ids(session, org_tables, unit_id=reviewer_unit_id, as_of=on)
        reviewed_chain = await unit_and_ancestor_ids(session, org_tables, unit_id=reviewed_unit_id, as_of=on)
        for name, chain, unit in (("reviewer's", reviewer_chain, reviewer_unit_id), ("reviewed", reviewed_chain, reviewed_unit_id)):
            if not chain:
                raise ProblemError(
                    422, f"The {name} unit {unit} is not in effect on {on}, within the review window.", kind="unit-not-in-effect",
                )
        reason = None
        if reviewer_unit_id == reviewed_unit_id:
            reason = "the reviewer works in the reviewed unit"
        elif reviewed_unit_id in reviewer_chain:
            reason = "the reviewer's unit lies below the reviewed unit"
        elif len(reviewed_chain) > 1 and reviewed_chain[1] == reviewer_unit_id:
            reason = "the reviewer's unit is directly above the reviewed unit"
        if reason:
            raise ProblemError(
                422, f"The reviewer is not independent on {on}: {reason}. Choose a reviewer outside the unit (objektivitet).",
                kind="reviewer-not-independent", day=on.isoformat(),
            )
