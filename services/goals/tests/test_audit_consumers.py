"""goals' consumers of audit's events: an unresolved finding becomes a proposed commitment; log heads are anchored.

Events go through the real consumer path (inbox + handler in one transaction); goals is then read
through its own API as its users would.
"""

import uuid
from datetime import UTC, date, datetime

import pytest
from contracts.audit import (
    FINDING_UNRESOLVED,
    LOG_HEAD,
    ActionPlanSummary,
    AuditLogHead,
    FindingChanged,
    FindingState,
)
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from servicekit.events.consumer import EventConsumer
from servicekit.events.envelope import Envelope
from servicekit.tables import OutboxEvent

from goals.definition import SERVICE


@pytest.fixture
def apply(harness):
    return EventConsumer(
        group="goals", redis=harness.redis, sessions=harness.app.state.sessionmaker, streams=[],
        handlers=SERVICE.subscriptions["audit"], dead_letter_stream="unused",
    ).apply


def unresolved(unit_id: uuid.UUID, finding_id: uuid.UUID) -> Envelope:
    finding = FindingState(
        id=finding_id, revision=5, review_id=uuid.uuid4(), control_plan_id=uuid.uuid4(), committee_id=uuid.uuid4(),
        unit_id=unit_id, plan_year=2015, severity="high", description="Läkemedel ges utan signering.",
        root_cause="Rutinen följs inte kvällstid.", status="open",
        action_plan=ActionPlanSummary(deadline=date(2016, 2, 28), status="in_progress", effect="not_effective", owner_unit_id=unit_id),
        carry_over_on=date(2016, 10, 1), carry_over_year=2017, unresolved_on=date(2016, 10, 1),
    )
    return Envelope(source="/audit", type=FINDING_UNRESOLVED, subject=str(finding_id),
                    data=FindingChanged(finding=finding).model_dump(mode="json"))


async def test_an_unresolved_finding_becomes_one_proposed_draft_in_next_years_plan(harness, tree, apply):
    unit, finding_id = tree.ids["SDF-SPT-AOF"], uuid.uuid4()
    assert await apply(unresolved(unit, finding_id))
    assert await apply(unresolved(unit, finding_id)), "a second event for the same finding (a replay with a new id) ..."
    async with harness.client(roles=("unit_manager",), org=(unit,), subject="chef-aof") as manager:
        listed = (await manager.get("/goals/v1/commitments", params={"unit_id": str(unit), "year": 2017})).json()["items"]
    (proposal,) = listed  # ... proposes nothing twice
    assert proposal["status"] == "draft" and proposal["proposed_from_finding_id"] == str(finding_id)
    assert proposal["year"] == 2017
    title = proposal["version"]["title"]
    assert title == "Åtgärda kvarstående brist från internkontrollen 2015: Läkemedel ges utan signering."
    drafted = (await harness.session.execute(
        select(OutboxEvent.envelope).where(OutboxEvent.type == "goals.commitment.drafted")
    )).scalars().all()
    assert [e["data"]["commitment"]["proposed_from_finding_id"] for e in drafted] == [str(finding_id)]


async def test_a_finding_of_a_unit_without_a_plan_that_year_is_skipped(harness, tree, apply):
    assert await apply(unresolved(uuid.uuid4(), uuid.uuid4()))  # an unknown unit: nothing to carry into, no retry loop
    count = (await harness.session.execute(select(OutboxEvent).where(OutboxEvent.type == "goals.commitment.drafted"))).all()
    assert count == []


def head(sequence: int, hash_: str) -> Envelope:
    data = AuditLogHead(sequence=sequence, hash=hash_, recorded_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
                        published_at=datetime(2026, 12, 1, 9, 5, tzinfo=UTC))
    return Envelope(source="/audit", type=LOG_HEAD, subject=str(sequence), data=data.model_dump(mode="json"))


async def test_log_heads_are_kept_append_only_and_served_to_internal_auditors(harness, apply):
    first, second = head(7, "a" * 64), head(12, "b" * 64)
    for envelope in (second, first, first):
        await apply(envelope)
    await apply(head(7, "c" * 64))  # a different hash for an anchored position is kept beside the first
    async with harness.client(roles=("internal_auditor",), subject="auditor") as auditor:
        page = (await auditor.get("/goals/v1/audit-log-heads", params={"limit": 2})).json()
        rest = (await auditor.get("/goals/v1/audit-log-heads", params={"cursor": page["next_cursor"]})).json()
    assert [(h["sequence"], h["hash"][0]) for h in page["items"] + rest["items"]] == [(7, "a"), (7, "c"), (12, "b")]
    for roles in (("controller",), ("city_controller",), ("unit_manager",)):
        async with harness.client(roles=roles) as other:
            assert (await other.get("/goals/v1/audit-log-heads")).status_code == 403
    async with harness.client(actor="system", roles=(), scopes=("goals:read",)) as key:
        assert (await key.get("/goals/v1/audit-log-heads")).status_code == 403

    savepoint = await harness.session.begin_nested()
    with pytest.raises(DBAPIError, match="append-only"):
        await harness.session.execute(text("UPDATE audit_log_heads SET hash = repeat('0', 64)"))
    await savepoint.rollback()
    savepoint = await harness.session.begin_nested()
    with pytest.raises(DBAPIError, match="append-only"):
        await harness.session.execute(text("DELETE FROM audit_log_heads"))
    await savepoint.rollback()
