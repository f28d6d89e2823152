"""Decisions (beslut) as callers send them: the recorder is the token's subject, never the body's."""

import uuid
from datetime import date

from contracts.decisions import DecisionRef
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.orgtree import unit_and_ancestor_ids
from servicekit.problems import ProblemError

from audit.models import org_tables


class DecisionInput(BaseModel):
    """Beslut: reference, date and deciding body; ``recorded_by`` is set from the token."""

    model_config = ConfigDict(extra="forbid")

    reference: str = Field(min_length=1, max_length=100, description="Diarienummer or protokollsparagraf, e.g. 'SDN 2014/123 § 7'.")
    decided_on: date = Field(description="Beslutsdatum.")
    body_id: uuid.UUID = Field(description="The deciding body (beslutande organ): the committee, or a unit above the record's unit.")


async def decision_by(
    session: AsyncSession, principal: Principal, data: DecisionInput, *, unit_id: uuid.UUID, as_of: date
) -> DecisionRef:
    """The decision, its body checked to be the unit or one above it on the day of the decision."""
    chain = await unit_and_ancestor_ids(session, org_tables, unit_id=unit_id, as_of=as_of)
    if data.body_id not in chain:
        raise ProblemError(
            422, "The deciding body must be the unit itself or a unit above it (e.g. its committee).", kind="invalid-decision-body",
        )
    return DecisionRef(reference=data.reference, decided_on=data.decided_on, body_id=data.body_id, recorded_by=principal.subject)
