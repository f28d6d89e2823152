"""Consumer of ``audit.log.head``: anchor each published head, append-only.

A head already anchored (same position and hash) is a redelivery and changes nothing. A second,
different hash for an anchored position is kept beside the first: that disagreement is what
audit's verification needs to see.
"""

from contracts.audit import AuditLogHead
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.events.envelope import Envelope

from goals.models import audit_log_heads


async def apply_log_head(session: AsyncSession, envelope: Envelope) -> None:
    head = AuditLogHead.model_validate(envelope.data)
    await session.execute(
        insert(audit_log_heads).values(
            sequence=head.sequence, hash=head.hash, recorded_at=head.recorded_at, published_at=head.published_at,
            event_id=envelope.id,
        ).on_conflict_do_nothing()
    )
