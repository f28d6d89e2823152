"""The worker's incremental statistics (feedback.statistics.incremental) publish what a full
computation gives: after each step of a case's life through HTTP — creates, transitions, a rating,
transfers between units and committees, a receipt moved across a period's and a year's boundary —
the newest published figures of every unit and period equal the committee statistics endpoint's
(computed there from the cases by the one SQL aggregation), with suppression at a minimum cell of 3.
"""

import uuid
from collections import Counter
from datetime import datetime

from contracts.feedback import UNIT_STATISTICS_CHANGED
from sqlalchemy import delete, select, update

from servicekit.tables import OutboxEvent

from feedback.models import cases, committee_statistics
from feedback.statistics import incremental
from feedback.statistics.schemas import Figures

P = "/feedback/v1"
MIN_CELL = 3
FIELDS = set(Figures.model_fields)


async def set_times(harness, case_id, **times) -> None:
    async with harness.app.state.sessionmaker() as session, session.begin():
        await session.execute(update(cases).where(cases.c.id == uuid.UUID(case_id)).values(
            **{name: datetime.fromisoformat(value) for name, value in times.items()}))


async def newest_published(harness) -> dict:
    """(unit, period) → the published figures with the highest revision."""
    rows = await harness.session.scalars(select(OutboxEvent.envelope).where(OutboxEvent.type == UNIT_STATISTICS_CHANGED))
    newest: dict = {}
    for envelope in rows:
        statistics = envelope["data"]["statistics"]
        key = (statistics["unit_id"], statistics["period"])
        if key not in newest or newest[key]["revision"] < statistics["revision"]:
            newest[key] = statistics
    return newest


async def assert_published_equal_computed(api, org, harness, statistics_worker, *, years=(2026,)) -> int:
    published = await statistics_worker.run(min_cell=MIN_CELL)
    newest = await newest_published(harness)
    async with api.admin() as admin:
        for committee in ("SDN-SPT", "SDN-BRO"):
            for year in years:
                for part in ("T1", "T2", "VB"):
                    period = f"{year}-{part}"
                    path, params = f"{P}/committees/{org[committee]}/statistics", {"period": period}
                    stored = await admin.get(path, params=params)  # as the worker stored it
                    # Without the worker's stored figures the endpoint computes them from the cases.
                    await harness.session.execute(delete(committee_statistics))
                    response = await admin.get(path, params=params)
                    assert response.status_code == stored.status_code == 200, response.text
                    assert stored.json() == response.json() | {"computed_at": stored.json()["computed_at"]}
                    for unit in response.json()["units"]:
                        event = newest.get((unit["unit_id"], period))
                        expected = {name: unit[name] for name in FIELDS}
                        if event is None:  # never published: the unit has never had a case in the period
                            assert unit["cases"] == 0, (committee, period, unit["unit_id"])
                            continue
                        assert {name: event[name] for name in FIELDS} == expected, (committee, period, unit["unit_id"])
    return published


async def test_incrementally_published_figures_equal_a_full_computation(api, org, harness, statistics_worker):
    harness.app.state.statistics_min_cell = MIN_CELL
    loaded_before = Counter(incremental.loads)
    ugglan, bjorken, park, bromma = (str(org[code]) for code in ("FSK-UGGLAN", "FSK-BJORKEN", "SDF-SPT-SM", "BRO-PARK"))
    created = []
    for number, (unit, kind, received) in enumerate([
        (ugglan, "complaint", "2026-02-03T10:00:00+01:00"), (ugglan, "complaint", "2026-03-04T10:00:00+01:00"),
        (ugglan, "praise", "2026-04-29T10:00:00+02:00"), (ugglan, "suggestion", "2026-06-10T10:00:00+02:00"),
        (bjorken, "complaint", "2026-04-30T10:00:00+02:00"), (bjorken, "complaint", "2026-09-15T10:00:00+02:00"),
        (park, "complaint", "2026-01-20T10:00:00+01:00"), (park, "question", "2026-05-05T10:00:00+02:00"),
        (bromma, "complaint", "2026-03-03T10:00:00+01:00"),
    ]):
        response = await api.create(unit_id=unit, kind=kind, received_at=received, description=f"Ärende {number} {'x' * number}")
        created.append(response)
    assert await assert_published_equal_computed(api, org, harness, statistics_worker) > 0
    loads = Counter(incremental.loads) - loaded_before
    assert loads == {(org["SDN-SPT"], 2026): 1, (org["SDN-BRO"], 2026): 1}

    # Transitions, with the working days of acknowledgement and answer (one across the T1/T2 boundary).
    first, crossing = created[0].json()["id"], created[2].json()["id"]
    await api.walk(first, "acknowledged", "assigned", "in_progress", "answered")
    await api.walk(crossing, "acknowledged", "assigned", "in_progress", "answered")
    await api.walk(created[4].json()["id"], "acknowledged")
    await set_times(harness, first, acknowledged_at="2026-02-04T09:00:00+01:00", answered_at="2026-02-12T09:00:00+01:00")
    await set_times(harness, crossing, acknowledged_at="2026-04-30T09:00:00+02:00", answered_at="2026-05-11T09:00:00+02:00")
    await assert_published_equal_computed(api, org, harness, statistics_worker)

    # A write that changes nothing the statistics count (the case's last change moved), then one that does.
    await set_times(harness, created[5].json()["id"], updated_at="2026-09-16T10:00:00+02:00")
    await assert_published_equal_computed(api, org, harness, statistics_worker)

    # A change in September alone (T1 and T2 keep their sums; the suppression is worked out anew).
    await api.walk(created[5].json()["id"], "acknowledged")
    await assert_published_equal_computed(api, org, harness, statistics_worker)

    # A rating with the case's token.
    async with api.anonymous() as anyone:
        rated = await anyone.post(f"{P}/my-cases/{created[0].json()['registration_number']}/rating", json={"rating": 5},
                                  headers={"Case-Token": created[0].headers["case-token"]})
    assert rated.status_code == 200, rated.text
    await assert_published_equal_computed(api, org, harness, statistics_worker)

    # Transfers: to another unit of the committee, then to another committee.
    async with api.admin() as admin:
        for case, unit in ((created[1], park), (created[3], bromma)):
            etag = (await admin.get(f"{P}/cases/{case.json()['id']}")).headers["etag"]
            moved = await admin.post(f"{P}/cases/{case.json()['id']}/transfer", json={"unit_id": unit, "reason": "Fel enhet"},
                                     headers={"If-Match": etag})
            assert moved.status_code == 200, moved.text
    await assert_published_equal_computed(api, org, harness, statistics_worker)

    # The day of receipt corrected across the T1/T2 boundary, and one into the year before.
    await set_times(harness, created[4].json()["id"], received_at="2026-05-04T10:00:00+02:00")
    await set_times(harness, created[6].json()["id"], received_at="2025-12-30T10:00:00+01:00")
    await assert_published_equal_computed(api, org, harness, statistics_worker, years=(2025, 2026))

    # Each committee's 2026 was loaded once; every later round applied only the marked cases.
    assert {key: count for key, count in (Counter(incremental.loads) - loaded_before).items() if key[1] == 2026} == loads
