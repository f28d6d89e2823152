"""Assessing a case against a promise: the handler of the case's unit names a promise of a published
guarantee of the unit (or a unit above it) and says whether it was broken; recorded with who, when
and why, and in the case's history."""

import uuid
from datetime import datetime

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.problems import ProblemError

from feedback import access
from feedback.broken_promises import repository
from feedback.broken_promises.schemas import PromiseAssessmentSet
from feedback.cases import repository as case_repository
from feedback.cases.service import check_promise


async def assess(
    session: AsyncSession, *, principal: Principal, row: Row, lineage: list[uuid.UUID], change: PromiseAssessmentSet,
    now: datetime,
) -> Row:
    access.require_handle(principal, lineage=lineage)
    promise_id = change.promise_id or row.guarantee_promise_id
    if promise_id is None:
        raise ProblemError(422, "Name the promise (promise_id): the sender named none.", kind="promise-missing")
    promise = await check_promise(session, promise_id=promise_id, lineage=lineage)
    await repository.put(
        session, case_id=row.id, guarantee_id=promise.guarantee_id, promise_id=promise_id, promise_text=promise.text,
        broken=change.broken, assessed_by=principal.subject, assessed_at=now, reason=change.reason,
    )
    updated = await case_repository.update_case(session, case_id=row.id, values={"revision": row.revision + 1, "updated_at": now})
    await case_repository.record_event(
        session, case_id=row.id, action="promise_assessed", by_subject=principal.subject, by_kind=principal.actor_kind,
        at=now, reason=("broken: " if change.broken else "kept: ") + change.reason,
    )
    return updated
