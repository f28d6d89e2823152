"""Lex Sarah's yearly summary (årssammanställning) for the committee's annual report, computed from the cases.

Counts by area and by provider, the share assessed serious, the days from the report to each
step, and the cases whose preventive actions changed a routine. A case belongs to the year it
was reported. Published as ``audit.lex-sarah.yearly-summary``: figures only.
"""

import uuid
from collections import Counter
from datetime import UTC, datetime

from contracts.lex_sarah import SCHEMA_VERSION, YEARLY_SUMMARY, AreaCount, LexSarahYearlySummary, ProviderCount, StepTime
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.events.outbox import EventPublisher

from audit import access
from audit.auditlog import service as log
from audit.lex_sarah import repository
from audit.lex_sarah.protection import is_officer_of, require_officer_of
from audit.lex_sarah.schemas import SERIOUS, Status

events = EventPublisher("audit")
STEPS = (("received", "received_on"), ("investigation_started", "investigation_started_on"), ("assessed", "assessed_on"),
         ("ivo_notified", "ivo_notified_on"), ("closed", "closed_on"))


def figures(rows, *, committee_id: uuid.UUID, year: int, revision: int, now: datetime) -> LexSarahYearlySummary:
    assessed = [row for row in rows if row.seriousness is not None]
    serious = sum(1 for row in assessed if row.seriousness in SERIOUS)
    areas = Counter(row.area for row in rows)
    providers = Counter((row.unit_id, row.private_provider) for row in rows)
    times = []
    for step, column in STEPS:
        days = [(getattr(row, column) - row.reported_on).days for row in rows if getattr(row, column) is not None]
        times.append(StepTime(step=step, cases=len(days), average_days=round(sum(days) / len(days), 1) if days else None,
                              max_days=max(days) if days else None))
    return LexSarahYearlySummary(
        committee_id=committee_id, year=year, revision=revision, reports=len(rows), serious=serious,
        share_serious=round(serious / len(assessed), 4) if assessed else None,
        ivo_notifications=sum(1 for row in rows if row.ivo_notified_on is not None),
        closed=sum(1 for row in rows if row.status == Status.closed),
        routines_changed=sum(1 for row in rows if any(action["changes_routine"] for action in row.preventive_actions or ())),
        by_area=[AreaCount(area=area, reports=n) for area, n in sorted(areas.items())],
        by_provider=[ProviderCount(unit_id=unit, private_provider=private, reports=n)
                     for (unit, private), n in sorted(providers.items(), key=lambda item: str(item[0][0]))],
        time_to_step=times, computed_at=now,
    )


async def require_reader(session: AsyncSession, principal: Principal, committee_id: uuid.UUID) -> None:
    """The figures are the annual report's: the committee's officers, and whoever reads its internal control."""
    if await is_officer_of(session, principal, committee_id):
        return
    await access.require_reach(session, principal, committee_id=committee_id)


async def compute(session: AsyncSession, principal: Principal, *, committee_id: uuid.UUID, year: int) -> LexSarahYearlySummary:
    await require_reader(session, principal, committee_id)
    rows = await repository.cases_of_year(session, committee_id=committee_id, year=year)
    revision = await repository.last_publication(session, committee_id=committee_id, year=year)
    return figures(rows, committee_id=committee_id, year=year, revision=revision, now=datetime.now(UTC))


async def publish(session: AsyncSession, principal: Principal, *, committee_id: uuid.UUID, year: int) -> LexSarahYearlySummary:
    """Compute the year now and publish it through the outbox; each publication a new revision."""
    await require_officer_of(session, principal, committee_id)
    rows = await repository.cases_of_year(session, committee_id=committee_id, year=year)
    revision = await repository.last_publication(session, committee_id=committee_id, year=year) + 1
    now = datetime.now(UTC)
    summary = figures(rows, committee_id=committee_id, year=year, revision=revision, now=now)
    await repository.insert_publication(session, {
        "committee_id": committee_id, "year": year, "revision": revision, "figures": summary.model_dump(mode="json"),
        "published_by": principal.subject, "published_at": now,
    })
    await events.record(session, type=YEARLY_SUMMARY, subject=f"{committee_id}:{year}", schema_version=SCHEMA_VERSION, data=summary)
    await log.append(session, principal, action="lex_sarah.yearly_summary.published", entity_type="lex_sarah_yearly_summary",
                     entity_id=f"{committee_id}:{year}", committee_id=committee_id, before=None, after=summary)
    return summary
