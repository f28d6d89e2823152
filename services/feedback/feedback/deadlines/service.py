"""Deadline rules per committee and category, and a case's deadlines from its receipt."""

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.orgtree import stockholm_today

from feedback import access, organisation
from feedback.categories.service import require_active_category
from feedback.deadlines import repository
from feedback.deadlines.calendar import add_working_days
from feedback.deadlines.repository import ANY_CATEGORY
from feedback.deadlines.schemas import DeadlineRule, DeadlineRuleSet


@dataclass(frozen=True)
class Deadlines:
    acknowledge_due: date
    answer_due: date


def deadlines_from_rule(
    received_on: date, *, rule: tuple[int, int] | None, default_acknowledge_days: int, default_answer_days: int
) -> Deadlines:
    """Counted in working days from the day after receipt; the committee's rule for the category,
    else its default (``rule``: its (acknowledge, answer) working days, found by the intake's
    look-up), else the city's defaults. A transfer keeps them: the resident's wait does not start
    again because the case moved."""
    ack_days, answer_days = rule or (default_acknowledge_days, default_answer_days)
    return Deadlines(add_working_days(received_on, ack_days), add_working_days(received_on, answer_days))


async def set_rule(
    session: AsyncSession, *, principal: Principal, committee_id: uuid.UUID, category_code: str, data: DeadlineRuleSet
) -> DeadlineRule:
    committee = await organisation.require_committee(session, committee_id=committee_id, on=stockholm_today())
    access.require_configure(principal, committee_lineage=committee.lineage)
    if category_code != ANY_CATEGORY:
        await require_active_category(session, code=category_code)
    row = await repository.set_rule(
        session, committee_id=committee_id, category_code=category_code,
        acknowledge_days=data.acknowledge_days, answer_days=data.answer_days, by=principal.subject,
    )
    return DeadlineRule.model_validate(row, from_attributes=True)


async def list_rules(session: AsyncSession, *, committee_id: uuid.UUID) -> list[DeadlineRule]:
    await organisation.require_committee(session, committee_id=committee_id, on=stockholm_today())
    return [DeadlineRule.model_validate(row, from_attributes=True) for row in await repository.rules_of(session, committee_id=committee_id)]
