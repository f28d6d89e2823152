"""Consumer of goals.commitment.*: the commitment proposed from a finding, shown on the finding.

Only commitments with ``proposed_from_finding_id`` are kept; the newest revision wins, so
redelivery, replay and any order converge. A commitment's change is not itself an audit-log
entry of audit's: it is goals' record, mirrored here.
"""

from contracts.goals import (
    COMMITMENT_ADOPTED,
    COMMITMENT_ASSESSED,
    COMMITMENT_CHANGED,
    COMMITMENT_CLOSED,
    COMMITMENT_DRAFTED,
    COMMITMENT_SUBMITTED,
    CommitmentChanged,
)
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.events.envelope import Envelope

from audit.reviews import repository


async def apply_commitment(session: AsyncSession, envelope: Envelope) -> None:
    commitment = CommitmentChanged.model_validate(envelope.data).commitment
    if commitment.proposed_from_finding_id is None:
        return
    await repository.store_proposed(session, {
        "commitment_id": commitment.id, "finding_id": commitment.proposed_from_finding_id, "revision": commitment.revision,
        "business_plan_id": commitment.business_plan_id, "unit_id": commitment.unit_id, "year": commitment.year,
        "status": commitment.status.value, "title": commitment.versions[-1].title,
    })


COMMITMENT_HANDLERS = {
    event_type: apply_commitment
    for event_type in (
        COMMITMENT_DRAFTED, COMMITMENT_SUBMITTED, COMMITMENT_ASSESSED, COMMITMENT_ADOPTED, COMMITMENT_CHANGED, COMMITMENT_CLOSED,
    )
}
