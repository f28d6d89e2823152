"""Every change of the tree writes one event with the unit's full state, in the same transaction."""

from datetime import date

from contracts.organisation import UNIT_CLOSED, UNIT_CREATED, UNIT_UPDATED, OrganisationUnitChanged
from sqlalchemy import func, select

from servicekit.tables import OutboxEvent

from goals.models import org_tables

UNITS = "/goals/v1/organisation-units"


async def events_about(harness, subject) -> list[OutboxEvent]:
    rows = await harness.session.scalars(select(OutboxEvent).where(OutboxEvent.subject == str(subject)).order_by(OutboxEvent.position))
    return list(rows)


async def test_each_change_writes_exactly_one_event_with_the_full_state(api, harness, tree):
    parent = tree.ids["SDF-SPT-IOF"]
    unit = await api.create(code="SDF-SPT-IOF-01", name="Mottagningsenheten", type="unit", parent_id=parent)
    await api.change(unit["id"], effective_date=date(2016, 1, 1), name="Mottagningen", code="SDF-SPT-IOF-MOT")
    await api.change(unit["id"], effective_date=date(2017, 1, 1), parent_id=tree.ids["SDF-SPT"])
    await api.close(unit["id"], date(2018, 1, 1))

    events = await events_about(harness, unit["id"])

    assert [event.type for event in events] == [UNIT_CREATED, UNIT_UPDATED, UNIT_UPDATED, UNIT_CLOSED]
    payloads = [OrganisationUnitChanged.model_validate(event.envelope["data"]) for event in events]
    assert [payload.unit.revision for payload in payloads] == [1, 2, 3, 4]
    assert [len(payload.unit.versions) for payload in payloads] == [1, 2, 3, 3]
    assert [payload.changed for payload in payloads] == [[], ["name", "code"], ["parent"], ["closed"]]
    assert [payload.effective_date for payload in payloads] == [date(2015, 1, 1), date(2016, 1, 1), date(2017, 1, 1), date(2018, 1, 1)]
    final = payloads[-1].unit
    assert [(v.valid_from, v.valid_to, v.code, v.parent_id) for v in final.versions] == [
        (date(2015, 1, 1), date(2016, 1, 1), "SDF-SPT-IOF-01", parent),
        (date(2016, 1, 1), date(2017, 1, 1), "SDF-SPT-IOF-MOT", parent),
        (date(2017, 1, 1), date(2018, 1, 1), "SDF-SPT-IOF-MOT", tree.ids["SDF-SPT"]),
    ]
    envelope = events[0].envelope
    assert envelope["source"] == "/goals" and envelope["subject"] == unit["id"] and envelope["specversion"] == "1.0"


async def test_a_refused_request_writes_no_event_and_no_unit(admin, api, harness, tree, outbox_count):
    before = await outbox_count()
    units_before = await harness.session.scalar(select(func.count()).select_from(org_tables.units))
    staff = tree.ids["SDF-SPT-STAB"]

    # Refused by a rule, by the database (the code's exclusion constraint) and by a precondition.
    await api.create(expect=422, code="X-1", name="Avdelning", type="department", parent_id=tree.ids["STHLM"])
    await api.create(expect=422, code="SDF-SPT-STAB-VU", name="Dubblett", type="unit", parent_id=staff)
    await api.change(staff, expect=422, effective_date=date(2016, 1, 1), parent_id=staff)
    await api.change(tree.ids["SDF-SPT-STAB-SM"], expect=422, effective_date=date(2016, 1, 1), code="SDF-SPT-STAB-VU")
    stale = await admin.patch(f"{UNITS}/{staff}", json={"effective_date": "2016-01-01", "name": "Staben"}, headers={"if-match": '"9"'})

    assert stale.status_code == 412
    assert await outbox_count() == before
    assert await harness.session.scalar(select(func.count()).select_from(org_tables.units)) == units_before
    assert (await api.read(tree.ids["SDF-SPT-STAB-SM"], as_of=date(2016, 1, 1))).json()["revision"] == 1
