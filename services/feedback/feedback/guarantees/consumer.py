"""Applying goals.guarantee.published / withdrawn: keep the highest revision, whatever the order."""

from contracts.guarantees import GUARANTEE_PUBLISHED, GUARANTEE_WITHDRAWN, QualityGuaranteeChanged
from sqlalchemy import delete, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.events.envelope import Envelope

from feedback.models import guarantee_promises, guarantees


async def apply_guarantee_event(session: AsyncSession, envelope: Envelope) -> bool:
    state = QualityGuaranteeChanged.model_validate(envelope.data).guarantee
    values = {
        "unit_id": state.unit_id, "year": state.year, "version": state.version, "revision": state.revision,
        "status": state.status, "business_idea": state.business_idea, "feedback_routine": state.feedback_routine,
        "published_at": state.published_at,
    }
    upsert = pg_insert(guarantees).values(id=state.id, **values)
    newer = await session.scalar(
        upsert.on_conflict_do_update(
            index_elements=[guarantees.c.id], set_=values, where=guarantees.c.revision < upsert.excluded.revision,
        ).returning(guarantees.c.id)
    )
    if newer is None:
        return False
    await session.execute(delete(guarantee_promises).where(guarantee_promises.c.guarantee_id == state.id))
    if state.promises:
        await session.execute(insert(guarantee_promises), [
            {"guarantee_id": state.id, "promise_id": promise.id, "position": position, "text": promise.text}
            for position, promise in enumerate(state.promises)
        ])
    return True


async def _handle(session: AsyncSession, envelope: Envelope) -> None:
    await apply_guarantee_event(session, envelope)


HANDLERS = {GUARANTEE_PUBLISHED: _handle, GUARANTEE_WITHDRAWN: _handle}
