"""Checking a round's submitted applications against its rules (behörighetsprövning)."""

import uuid
from collections import defaultdict
from datetime import UTC, datetime

from contracts.awards import Prize, RoundPhase
from sqlalchemy import Row, select
from sqlalchemy.dialects.postgresql import insert as upsert_into
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.orgtree import load_states
from servicekit.problems import ProblemError

from awards.applications import repository as applications
from awards.eligibility import rules
from awards.eligibility.schemas import ApplicationEligibility, EligibilityCheck, WinnerCreate
from awards.models import award_winners, org_tables
from awards.rounds import service as rounds


async def check_round(session: AsyncSession, *, round_row: Row) -> EligibilityCheck:
    rounds.require_phase(round_row, RoundPhase.eligibility, action="Eligibility is checked")
    submitted = await applications.submitted(session, round_id=round_row.id)
    on = rounds.application_deadline(round_row)
    states = await load_states(session, org_tables, [row.unit_id for row in submitted])
    wins: dict[uuid.UUID, list[int]] = defaultdict(list)
    for win in await session.execute(select(award_winners).where(award_winners.c.prize == round_row.prize)):
        wins[win.unit_id].append(win.year)
    checked_at = datetime.now(UTC)
    results = []
    for row in submitted:
        verdicts = rules.check(
            rounds.rules_of(round_row), unit=states.get(row.unit_id), on=on, prize=Prize(round_row.prize),
            year=round_row.year, wins=wins[row.unit_id],
        )
        eligibility = {
            "eligible": all(v.passed for v in verdicts), "checked_at": checked_at.isoformat(), "reference_date": on.isoformat(),
            "rules": [{"kind": v.kind, "passed": v.passed, "explanation": v.explanation} for v in verdicts],
        }
        await applications.update_application(session, application_id=row.id, eligibility=eligibility)
        results.append(ApplicationEligibility(application_id=row.id, unit_id=row.unit_id, eligibility=eligibility))
    eligible = sum(r.eligibility.eligible for r in results)
    return EligibilityCheck(round_id=round_row.id, eligible=eligible, not_eligible=len(results) - eligible, applications=results)


async def record_winner(session: AsyncSession, *, data: WinnerCreate, recorded_by: str) -> Row:
    decision = data.decision.model_copy(update={"recorded_by": recorded_by}).model_dump(mode="json")
    row = (await session.execute(
        upsert_into(award_winners).values(prize=data.prize.value, year=data.year, unit_id=data.unit_id, decision=decision)
        .on_conflict_do_nothing().returning(award_winners)
    )).one_or_none()
    if row is None:
        raise ProblemError(409, "That winner is already recorded.", kind="winner-exists")
    return row


async def list_winners(session: AsyncSession, *, prize: Prize | None) -> list[Row]:
    query = select(award_winners)
    if prize is not None:
        query = query.where(award_winners.c.prize == prize.value)
    return list(await session.execute(query.order_by(award_winners.c.year.desc(), award_winners.c.unit_id)))
