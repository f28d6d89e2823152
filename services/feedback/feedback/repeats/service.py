"""The handler's decision on a possible repeat: confirm (the case becomes a duplicate of the case it
resembles, through the lifecycle's own duplicate step) or dismiss. Either way the flag stays, with
the decision, so repeats are counted and never hidden."""

from datetime import datetime
import uuid

from contracts.feedback import CaseStatus as S
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.problems import ProblemError

from feedback import access
from feedback.cases import repository as case_repository
from feedback.cases import service as cases
from feedback.cases.schemas import TransitionRequest
from feedback.repeats import repository
from feedback.repeats.schemas import RepeatDecision

CONFIRMED_REASON = "Upprepat klagomål bekräftat"


async def decide(
    session: AsyncSession, *, principal: Principal, row: Row, lineage: list[uuid.UUID], change: RepeatDecision, now: datetime
) -> Row:
    access.require_handle(principal, lineage=lineage)
    flag = await repository.get_flag(session, case_id=row.id)
    if flag is None:
        raise ProblemError(409, "The case is not flagged as a possible repeat.", kind="not-flagged")
    if flag.decision is not None:
        raise ProblemError(409, f"The possible repeat was already {flag.decision}.", kind="repeat-decided")
    if change.decision == "confirmed":
        updated = await cases.transition(
            session, principal=principal, row=row, lineage=lineage, now=now,
            change=TransitionRequest(to=S.duplicate, parent_case_id=flag.similar_case_id, reason=change.reason or CONFIRMED_REASON),
        )
    else:
        updated = await case_repository.update_case(
            session, case_id=row.id, values={"revision": row.revision + 1, "updated_at": now},
        )
        await case_repository.record_event(
            session, case_id=row.id, action="repeat_dismissed", by_subject=principal.subject, by_kind=principal.actor_kind,
            at=now, reason=change.reason,
        )
    await repository.decide(
        session, case_id=row.id, decision=change.decision, decided_by=principal.subject, decided_at=now, reason=change.reason,
    )
    return updated
