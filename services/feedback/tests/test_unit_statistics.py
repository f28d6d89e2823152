"""feedback.unit-statistics.changed: every level's figures for every period a change touches, through
the outbox, suppressed, a revision higher each time; the expected figures worked out by hand."""

import uuid
from datetime import datetime

from sqlalchemy import select, text, update

from feedback.models import cases, statistics_dirty

P = "/feedback/v1"


async def backdate(harness, case_id, **times) -> None:
    async with harness.app.state.sessionmaker() as session, session.begin():
        await session.execute(update(cases).where(cases.c.id == uuid.UUID(case_id)).values(
            **{name: datetime.fromisoformat(value) for name, value in times.items()}))


async def test_every_level_gets_its_figures_for_every_period_the_change_touches(api, org, harness, statistics_worker):
    ugglan, bjorken, park = str(org["FSK-UGGLAN"]), str(org["FSK-BJORKEN"]), str(org["SDF-SPT-SM"])
    thursday = "2026-04-02T10:00:00+02:00"  # the day before Good Friday
    answered = await api.create(unit_id=ugglan, received_at=thursday, description="Grinden är trasig")
    late = await api.create(unit_id=ugglan, kind="praise", received_at=thursday, description="Tack för en fin vår")
    await api.create(unit_id=bjorken, kind="suggestion", received_at="2026-06-18T10:00:00+02:00", description="Mer frukt")
    await api.create(unit_id=park, category_code="park", received_at="2026-03-10T10:00:00+01:00", description="Gungan gnisslar")
    await api.walk(answered.json()["id"], "acknowledged", "assigned", "in_progress", "answered")
    await api.walk(late.json()["id"], "acknowledged")
    # Good Friday 3 April and Easter Monday 6 April are closed: Tue 7 April is 1 working day after
    # Thu 2 April, Mon 13 April 5 (7, 8, 9, 10, 13), Thu 16 April 8 (7–10, 13–16). Deadlines (2 and
    # 10 working days): acknowledge by Wed 8 April, answer by Mon 20 April.
    await backdate(harness, answered.json()["id"], acknowledged_at="2026-04-07T09:00:00+02:00", answered_at="2026-04-16T15:00:00+02:00")
    await backdate(harness, late.json()["id"], acknowledged_at="2026-04-13T09:00:00+02:00")

    assert await statistics_worker.run() == 17
    events = await statistics_worker.published()
    by = {(e["unit_id"], e["period"]): e for e in events}
    # T1 (Jan–Apr): Ugglan's two, Stadsmiljö's one; Björken has none in T1 and no figures yet.
    # T2 and VB: Björken's June case too. Every level: unit, department, administration, committee.
    expected_cases = {
        "FSK-UGGLAN": (2, 2, 2), "FSK-BJORKEN": (None, 1, 1), "SDF-SPT-FSK": (2, 3, 3), "SDF-SPT-SM": (1, 1, 1),
        "SDF-SPT": (3, 4, 4), "SDN-SPT": (3, 4, 4),
    }
    for code, counts in expected_cases.items():
        for period, count in zip(("2026-T1", "2026-T2", "2026-VB"), counts, strict=True):
            event = by.get((str(org[code]), period))
            assert (event["cases"] if event else None) == count, (code, period)
            assert event is None or (event["revision"], event["committee_id"], event["minimum_cell"]) == (1, str(org["SDN-SPT"]), 1)
    t1 = by[(str(org["FSK-UGGLAN"]), "2026-T1")]
    assert {k["kind"]: k["cases"] for k in t1["by_kind"]} == {"complaint": 1, "suggestion": 0, "praise": 1, "question": 0}
    # Acknowledged after 1 and 5 working days: median 3, 90th percentile 1 + 0.9 · (5 − 1) = 4.6.
    assert (t1["median_working_days_to_acknowledgement"], t1["p90_working_days_to_acknowledgement"]) == (3.0, 4.6)
    assert (t1["median_working_days_to_answer"], t1["p90_working_days_to_answer"]) == (8.0, 8.0)
    assert (t1["share_acknowledged_within_deadline"], t1["share_answered_within_deadline"]) == (0.5, 1.0)
    assert {e["unit_kind"] for e in events if e["unit_id"] == str(org["SDN-SPT"])} == {"committee"}
    assert by[(str(org["SDF-SPT-FSK"]), "2026-VB")]["unit_kind"] == "department"
    assert "description" not in str(events) and "Grinden" not in str(events)

    assert await statistics_worker.run() == 0  # nothing changed, nothing published
    assert (await harness.session.scalar(select(statistics_dirty.c.id).limit(1))) is None

    async with api.anonymous() as anyone:
        rated = await anyone.post(f"{P}/my-cases/{answered.json()['registration_number']}/rating", json={"rating": 4},
                                  headers={"Case-Token": answered.headers["case-token"]})
    assert rated.status_code == 200
    assert await statistics_worker.run() == 12  # Ugglan and every level above it, in T1, T2 and VB; not Björken, not Stadsmiljö
    newer = (await statistics_worker.published())[17:]
    assert {(e["unit_id"], e["revision"]) for e in newer} == {
        (str(org[code]), 2) for code in ("FSK-UGGLAN", "SDF-SPT-FSK", "SDF-SPT", "SDN-SPT")}
    assert {(e["satisfaction_ratings"], e["satisfaction_mean"]) for e in newer} == {(1, 4.0)}


async def test_a_transfer_to_another_committee_changes_both(api, org, harness, statistics_worker):
    moved = await api.create(unit_id=str(org["FSK-UGGLAN"]), received_at="2026-09-01T10:00:00+02:00")
    assert await statistics_worker.run() == 4  # VB only: Ugglan, department, administration, committee
    async with api.admin() as admin:
        etag = (await admin.get(f"{P}/cases/{moved.json()['id']}")).headers["etag"]
        response = await admin.post(f"{P}/cases/{moved.json()['id']}/transfer", json={"unit_id": str(org["BRO-PARK"]), "reason": "Fel"},
                                    headers={"If-Match": etag})
    assert response.status_code == 200, response.text
    assert await statistics_worker.run() == 7
    latest = {e["unit_id"]: e for e in await statistics_worker.published()}
    assert latest[str(org["SDN-SPT"])]["cases"] == 0 and latest[str(org["SDN-SPT"])]["revision"] == 2
    assert latest[str(org["SDN-BRO"])]["cases"] == 1 and latest[str(org["BRO-PARK"])]["revision"] == 1


async def test_the_statistics_the_worker_stored_are_served_until_a_case_changes(api, org, harness, statistics_worker):
    from feedback.models import committee_statistics

    harness.app.state.statistics_min_cell = 1
    path = f"{P}/committees/{org['SDN-SPT']}/statistics"
    for number in range(3):
        await api.create(unit_id=str(org["FSK-UGGLAN"]), description=f"Lampan {number} {'l' * number}")
    async with api.staff("SDN-SPT", roles=["controller"]) as controller:
        live = (await controller.get(path)).json()
        await statistics_worker.run()
        assert await harness.session.scalar(select(committee_statistics.c.period)) is not None
        stored = (await controller.get(path)).json()
        assert stored == live | {"computed_at": stored["computed_at"]} and stored["received"] == 3
        await api.create(unit_id=str(org["FSK-BJORKEN"]), description="Ny synpunkt om något annat")
        # The worker has not run: the mark says the stored figures are old, so they are computed now.
        assert (await controller.get(path)).json()["received"] == 4


async def test_a_committee_is_recomputed_at_most_once_per_coalescing_window(api, org, harness, statistics_worker):
    ugglan = str(org["FSK-UGGLAN"])
    await api.create(unit_id=ugglan, received_at="2026-09-01T10:00:00+02:00")
    # The first change after a quiet spell is taken at once: VB of Ugglan and the three levels above.
    assert await statistics_worker.run(coalesce_seconds=60) == 4
    await api.create(unit_id=ugglan, received_at="2026-09-02T10:00:00+02:00")
    # Within the minute the committee waits: nothing published, the case's mark kept for later.
    assert await statistics_worker.run(coalesce_seconds=60) == 0
    assert (await harness.session.scalar(select(statistics_dirty.c.id).limit(1))) is not None
    # Once due, one round covers it: the same four units, now with 2 cases each, revision 2.
    assert await statistics_worker.run() == 4
    newer = (await statistics_worker.published())[4:]
    assert {(e["cases"], e["revision"], e["period"]) for e in newer} == {(2, 2, "2026-VB")}
    assert (await harness.session.scalar(select(statistics_dirty.c.id).limit(1))) is None


async def test_a_committee_another_worker_is_at_is_left_to_it(api, org, harness, statistics_worker):
    from feedback.statistics.publisher import LOCK_KEY

    await api.create(unit_id=str(org["FSK-UGGLAN"]), received_at="2026-09-01T10:00:00+02:00")
    lock = {"key": LOCK_KEY, "committee": str(org["SDN-SPT"])}
    async with harness.app.state.engine.connect() as other_worker:
        await other_worker.execute(text("SELECT pg_advisory_lock(:key, hashtext(:committee))"), lock)
        # The committee's lock is another's: this round takes none of its marks and publishes nothing.
        assert await statistics_worker.run() == 0
        assert (await harness.session.scalar(select(statistics_dirty.c.id).limit(1))) is not None
        await other_worker.execute(text("SELECT pg_advisory_unlock(:key, hashtext(:committee))"), lock)
    # VB of Ugglan and the three levels above.
    assert await statistics_worker.run() == 4
    assert (await harness.session.scalar(select(statistics_dirty.c.id).limit(1))) is None
