"""Consumers of other services' figures: each keeps the highest revision per key.

- ``feedback.unit-statistics.changed``: one unit's complaint figures for a period (unit_id + period),
  suppression already applied by feedback; shown as they came, never added up here.
- ``audit.lex-sarah.yearly-summary``: a committee's lex Sarah year (committee_id + year).
- ``awards.round.decided``: a round's decision with its awards (round id).
- ``awards.good-example.published``: a good example (example id); a withdrawn one stays stored,
  hidden from every read.

Every event carries full state with a revision, so redelivery, replay and events out of order
all end with the newest figures; the inbox (processed_events) already drops a redelivered id.
"""

from contracts.awards import GoodExamplePublished, RoundDecided
from contracts.feedback import UnitStatisticsChanged
from contracts.lex_sarah import LexSarahYearlySummary
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.events.envelope import Envelope

from goals.foreign_figures import repository


def _unit_statistics_row(envelope: Envelope) -> dict:
    statistics = UnitStatisticsChanged.model_validate(envelope.data).statistics
    return {
        "unit_id": statistics.unit_id, "period": statistics.period, "committee_id": statistics.committee_id,
        "unit_kind": statistics.unit_kind, "revision": statistics.revision,
        "statistics": statistics.model_dump(mode="json"),
    }


async def apply_unit_statistics(session: AsyncSession, envelope: Envelope) -> None:
    await repository.upsert_newer(session, repository.STATISTICS, key=("unit_id", "period"), values=_unit_statistics_row(envelope))


async def apply_unit_statistics_batch(session: AsyncSession, envelopes: list[Envelope]) -> None:
    """Many units' figures in one upsert (the consumer's batch form): the newest revision per unit and period."""
    await repository.upsert_newer_many(session, repository.STATISTICS, key=("unit_id", "period"),
                                       rows=[_unit_statistics_row(envelope) for envelope in envelopes])


apply_unit_statistics.batch = apply_unit_statistics_batch


async def apply_lex_sarah_summary(session: AsyncSession, envelope: Envelope) -> None:
    summary = LexSarahYearlySummary.model_validate(envelope.data)
    await repository.upsert_newer(session, repository.SUMMARIES, key=("committee_id", "year"), values={
        "committee_id": summary.committee_id, "year": summary.year, "revision": summary.revision,
        "summary": summary.model_dump(mode="json"),
    })


async def apply_round_decided(session: AsyncSession, envelope: Envelope) -> None:
    decided = RoundDecided.model_validate(envelope.data)
    await repository.upsert_newer(session, repository.ROUNDS, key=("round_id",), values={
        "round_id": decided.round.id, "revision": decided.round.revision, "year": decided.round.year,
        "decision": decided.model_dump(mode="json"),
    })


async def apply_good_example(session: AsyncSession, envelope: Envelope) -> None:
    example = GoodExamplePublished.model_validate(envelope.data).example
    await repository.upsert_newer(session, repository.EXAMPLES, key=("example_id",), values={
        "example_id": example.id, "revision": example.revision, "year": example.year, "unit_id": example.unit_id,
        "committee_id": example.committee_id, "withdrawn": example.withdrawn, "published_at": example.published_at,
        "example": example.model_dump(mode="json"),
    })
