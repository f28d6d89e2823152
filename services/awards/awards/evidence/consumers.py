"""Keeping the evidence read models from goals' and feedback's events (event-carried state: the
highest revision wins): commitments and follow-ups from goals, unit statistics from feedback
(``feedback.unit-statistics.changed``, subscribed as ``"feedback"`` in ``awards.definition``).
"""

from contracts.goals import (
    COMMITMENT_ADOPTED,
    COMMITMENT_ASSESSED,
    COMMITMENT_CHANGED,
    COMMITMENT_CLOSED,
    COMMITMENT_DRAFTED,
    COMMITMENT_SUBMITTED,
    FOLLOW_UP_REPORTED,
    CommitmentChanged,
    FollowUpReported,
)
from contracts.feedback import UNIT_STATISTICS_CHANGED, UnitStatisticsChanged
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.events.consumer import Handler
from servicekit.events.envelope import Envelope

from awards.models import evidence_commitments, evidence_follow_ups, evidence_unit_statistics


async def _upsert_newer(session: AsyncSession, table, values: dict, keys: tuple[str, ...] = ("id",)) -> None:
    upsert = insert(table).values(**values)
    await session.execute(
        upsert.on_conflict_do_update(
            index_elements=[table.c[key] for key in keys],
            set_={key: upsert.excluded[key] for key in values if key not in keys},
            where=table.c.revision < upsert.excluded.revision,
        )
    )


async def apply_commitment(session: AsyncSession, envelope: Envelope) -> None:
    commitment = CommitmentChanged.model_validate(envelope.data).commitment
    await _upsert_newer(session, evidence_commitments, {
        "id": commitment.id, "revision": commitment.revision, "unit_id": commitment.unit_id, "year": commitment.year,
        "status": commitment.status.value, "state": commitment.model_dump(mode="json"),
    })


async def apply_follow_up(session: AsyncSession, envelope: Envelope) -> None:
    follow_up = FollowUpReported.model_validate(envelope.data).follow_up
    await _upsert_newer(session, evidence_follow_ups, {
        "id": follow_up.id, "revision": follow_up.revision, "commitment_id": follow_up.commitment_id,
        "period": follow_up.period, "state": follow_up.model_dump(mode="json"),
    })


def goals_handlers() -> dict[str, Handler]:
    commitment_events = (
        COMMITMENT_DRAFTED, COMMITMENT_SUBMITTED, COMMITMENT_ASSESSED, COMMITMENT_ADOPTED, COMMITMENT_CHANGED, COMMITMENT_CLOSED,
    )
    return {event_type: apply_commitment for event_type in commitment_events} | {FOLLOW_UP_REPORTED: apply_follow_up}


def _unit_statistics_row(envelope: Envelope) -> dict:
    statistics = UnitStatisticsChanged.model_validate(envelope.data).statistics
    return {
        "unit_id": statistics.unit_id, "period": statistics.period, "revision": statistics.revision,
        "statistics": statistics.model_dump(mode="json"),
    }


async def apply_unit_statistics(session: AsyncSession, envelope: Envelope) -> None:
    await _upsert_newer(session, evidence_unit_statistics, _unit_statistics_row(envelope), keys=("unit_id", "period"))


async def apply_unit_statistics_batch(session: AsyncSession, envelopes: list[Envelope]) -> None:
    """Many units' figures in one upsert (the consumer's batch form): the newest revision per unit and period."""
    newest: dict = {}
    for row in map(_unit_statistics_row, envelopes):
        key = (row["unit_id"], row["period"])
        if key not in newest or newest[key]["revision"] < row["revision"]:
            newest[key] = row
    await session.execute(_UPSERT_UNIT_STATISTICS, list(newest.values()))


# For a list of rows (executemany): compiled once, whatever the batch's size.
_upsert = insert(evidence_unit_statistics)
_UPSERT_UNIT_STATISTICS = _upsert.on_conflict_do_update(
    index_elements=[evidence_unit_statistics.c.unit_id, evidence_unit_statistics.c.period],
    set_={"revision": _upsert.excluded.revision, "statistics": _upsert.excluded.statistics},
    where=evidence_unit_statistics.c.revision < _upsert.excluded.revision,
)


apply_unit_statistics.batch = apply_unit_statistics_batch


def feedback_handlers() -> dict[str, Handler]:
    return {UNIT_STATISTICS_CHANGED: apply_unit_statistics}
