"""Feedback's unit statistics as evidence: kept per unit and period (highest revision wins), shown in
the application's evidence while a draft and frozen at submission."""

import uuid
from datetime import UTC, datetime

from contracts.feedback import UNIT_STATISTICS_CHANGED, UnitStatistics, UnitStatisticsChanged

from servicekit.events.consumer import EventConsumer
from servicekit.events.envelope import Envelope

from awards.definition import SERVICE

BASE = "/awards/v1"


def statistics_event(unit_id, period, *, revision, cases, committee_id) -> Envelope:
    figures = UnitStatistics(
        unit_id=unit_id, unit_kind="unit", committee_id=committee_id, period=period, revision=revision, minimum_cell=5,
        cases=cases, by_kind=[{"kind": "complaint", "cases": cases}, {"kind": "praise", "cases": 0}],
        median_working_days_to_acknowledgement=1.0, p90_working_days_to_acknowledgement=2.5,
        median_working_days_to_answer=6.0, p90_working_days_to_answer=9.0, share_acknowledged_within_deadline=0.9,
        share_answered_within_deadline=0.8, guarantees_not_kept=None, promises_not_kept=[], repeats=0,
        satisfaction_ratings=None, satisfaction_mean=None, computed_at=datetime(2026, 5, 2, tzinfo=UTC),
    )
    return Envelope(source="/feedback", type=UNIT_STATISTICS_CHANGED, subject=f"{unit_id}/{period}",
                    data=UnitStatisticsChanged(statistics=figures).model_dump(mode="json"))


async def test_unit_statistics_are_evidence_live_in_a_draft_and_frozen_at_submission(award, harness):
    consumer = EventConsumer(group="awards", redis=harness.redis, sessions=harness.app.state.sessionmaker, streams=[],
                             handlers=SERVICE.subscriptions["feedback"], dead_letter_stream="unused")
    unit, committee = award.city.ids["SDF-SPT-STAB-VU"], uuid.uuid4()
    await award.create()
    draft = await award.apply("SDF-SPT-STAB-VU", submit=False)
    manager = award.manager("SDF-SPT-STAB-VU")
    empty = (await manager.get(f"{BASE}/applications/{draft['id']}/evidence")).json()
    assert empty["complaint_statistics"] is None and empty["sources"]["feedback"] != "included"

    t1 = statistics_event(unit, f"{award.year}-T1", revision=2, cases=12, committee_id=committee)
    assert await consumer.apply(t1)
    assert not await consumer.apply(t1)  # redelivered: already processed
    await consumer.apply(statistics_event(unit, f"{award.year}-T1", revision=1, cases=7, committee_id=committee))  # older: ignored
    await consumer.apply(statistics_event(unit, f"{award.year - 1}-VB", revision=4, cases=40, committee_id=committee))
    await consumer.apply(statistics_event(award.city.ids["SDF-RKI-AO-01"], f"{award.year}-T1", revision=1, cases=9,
                                          committee_id=committee))  # another unit's
    await consumer.apply(statistics_event(unit, f"{award.year - 5}-VB", revision=1, cases=3, committee_id=committee))  # too old

    live = (await manager.get(f"{BASE}/applications/{draft['id']}/evidence")).json()
    assert live["sources"]["feedback"] == "included"
    assert [(p["period"], p["cases"], p["revision"]) for p in live["complaint_statistics"]["periods"]] == [
        (f"{award.year - 1}-VB", 40, 4), (f"{award.year}-T1", 12, 2)]

    assert (await manager.post(f"{BASE}/applications/{draft['id']}/submission", headers={"if-match": '"1"'})).status_code == 200
    await consumer.apply(statistics_event(unit, f"{award.year}-T1", revision=3, cases=15, committee_id=committee))
    frozen = (await manager.get(f"{BASE}/applications/{draft['id']}/evidence")).json()
    assert frozen["frozen"] is True
    assert [p["cases"] for p in frozen["complaint_statistics"]["periods"]] == [40, 12]
