"""Evidence from goals' events: live in a draft, frozen at submission, never changed after."""

import uuid
from datetime import date

from contracts.goals import (
    COMMITMENT_ADOPTED,
    COMMITMENT_DRAFTED,
    FOLLOW_UP_REPORTED,
    CommitmentChanged,
    CommitmentState,
    CommitmentVersion,
    FollowUpPlan,
    FollowUpReported,
    FollowUpState,
    TargetPicture,
    WaysOfWorking,
)

from servicekit.events.envelope import Envelope


BASE = "/awards/v1"


def commitment_event(unit_id, year, *, title, status="adopted", revision=2, commitment_id=None) -> Envelope:
    state = CommitmentState(
        id=commitment_id or uuid.uuid4(), revision=revision, business_plan_id=uuid.uuid4(), unit_id=unit_id, year=year,
        status=status, proposed_from_finding_id=None,
        versions=[CommitmentVersion(
            version=1, effective_from=date(year, 1, 15), decision=None, title=title, committee_goal_id=None,
            expected_result=TargetPicture(description="Enheterna får information om och har tillgång till stöd."),
            ways_of_working=WaysOfWorking(), follow_up_plan=FollowUpPlan(), responsible_unit_id=None,
        )],
    )
    event_type = COMMITMENT_ADOPTED if status == "adopted" else COMMITMENT_DRAFTED
    return Envelope(source="/goals", type=event_type, subject=str(state.id), data=CommitmentChanged(commitment=state).model_dump(mode="json"))


def follow_up_event(commitment_id, unit_id, period, *, assessment, analysis) -> Envelope:
    state = FollowUpState(
        id=uuid.uuid4(), revision=1, commitment_id=commitment_id, commitment_version=1, unit_id=unit_id, period=period,
        suggested_assessment=None, assessment=assessment, analysis=analysis, deadline=date(2026, 5, 15),
        reported_on=date(2026, 5, 10), late=False,
    )
    return Envelope(source="/goals", type=FOLLOW_UP_REPORTED, subject=str(state.id), data=FollowUpReported(follow_up=state).model_dump(mode="json"))


async def test_evidence_is_live_in_a_draft_and_frozen_at_submission(award, goals_events):
    consumer = goals_events
    unit = award.city.ids["SDF-SPT-STAB-VU"]
    await award.create()
    budget = commitment_event(unit, award.year, title="Budgetprocessen är tydlig")
    await consumer.apply(budget)
    await consumer.apply(commitment_event(unit, award.year, title="Ett utkast", status="draft"))
    await consumer.apply(commitment_event(award.city.ids["SDF-RKI-AO-01"], award.year, title="Annan enhets åtagande"))
    budget_id = uuid.UUID(budget.data["commitment"]["id"])
    await consumer.apply(follow_up_event(budget_id, unit, f"{award.year}-T1", assessment="partly_fulfilled", analysis="T1-analys"))
    await consumer.apply(follow_up_event(budget_id, unit, f"{award.year}-T2", assessment="fulfilled", analysis="T2-analys"))

    draft = await award.apply("SDF-SPT-STAB-VU", submit=False)
    manager = award.manager("SDF-SPT-STAB-VU")
    live = (await manager.get(f"{BASE}/applications/{draft['id']}/evidence")).json()
    assert live["frozen"] is False
    assert [c["title"] for c in live["commitments"]] == ["Budgetprocessen är tydlig"], "only the unit's adopted commitments"
    assert live["commitments"][0]["latest_follow_up"]["period"] == f"{award.year}-T2"
    assert live["complaint_statistics"] is None and "feedback" in live["sources"]

    submitted = await manager.post(f"{BASE}/applications/{draft['id']}/submission", headers={"if-match": '"1"'})
    assert submitted.status_code == 200
    await consumer.apply(follow_up_event(budget_id, unit, f"{award.year}-VB", assessment="fulfilled", analysis="VB-analys"))
    await consumer.apply(commitment_event(unit, award.year, title="Arbetsmiljön är god"))

    frozen = (await manager.get(f"{BASE}/applications/{draft['id']}/evidence")).json()
    assert frozen["frozen"] is True
    assert (await manager.get(f"{BASE}/applications/{draft['id']}")).json()["evidence"] == frozen
    assert [c["title"] for c in frozen["commitments"]] == ["Budgetprocessen är tydlig"]
    assert frozen["commitments"][0]["latest_follow_up"]["analysis"] == "T2-analys"


async def test_an_older_revision_arriving_late_changes_nothing(award, goals_events):
    consumer = goals_events
    unit = award.city.ids["SDF-SPT-STAB-VU"]
    commitment_id = uuid.uuid4()
    await award.create()
    await consumer.apply(commitment_event(unit, award.year, title="Nyare titel", revision=3, commitment_id=commitment_id))
    await consumer.apply(commitment_event(unit, award.year, title="Äldre titel", revision=2, commitment_id=commitment_id))

    draft = await award.apply("SDF-SPT-STAB-VU", submit=False)
    evidence = (await award.admin.get(f"{BASE}/applications/{draft['id']}/evidence")).json()

    assert [c["title"] for c in evidence["commitments"]] == ["Nyare titel"]
