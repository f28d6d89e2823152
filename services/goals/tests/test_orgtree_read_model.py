"""servicekit.orgtree as a consuming service uses it: a read model rebuilt from goals' own events.

The read model lives in a schema of its own inside the test's transaction, so it is rolled back
with everything else.
"""

from datetime import date

import pytest
from contracts.organisation import UNIT_CLOSED, UNIT_CREATED, UNIT_UPDATED
from sqlalchemy import MetaData, select, text

from servicekit.assertion import Principal
from servicekit.auth import in_org_scope
from servicekit.db import NAMING_CONVENTION
from servicekit.events.envelope import Envelope
from servicekit.orgtree import (
    apply_unit_event,
    define_org_tables,
    get_unit,
    org_event_handlers,
    subtree,
    unit_and_ancestor_ids,
)
from servicekit.tables import OutboxEvent

from goals.models import org_tables

AS_OF = date(2017, 6, 1)


@pytest.fixture
async def read_model(harness):
    connection = await harness.session.connection()
    await connection.execute(text("CREATE SCHEMA read_model"))
    tables = define_org_tables(MetaData(schema="read_model", naming_convention=NAMING_CONVENTION))
    await connection.run_sync(tables.units.metadata.create_all)
    return tables


async def goals_events(harness) -> list[Envelope]:
    rows = await harness.session.scalars(select(OutboxEvent.envelope).order_by(OutboxEvent.position))
    return [Envelope.model_validate(row) for row in rows]


async def reorganise(api, tree) -> None:
    """A year of changes in Spånga-Tensta: a rename, a move, a new unit and a closure."""
    staff = tree.ids["SDF-SPT-STAB"]
    await api.change(tree.ids["SDF-SPT-STAB-VU"], effective_date=date(2016, 1, 1), name="Enheten för kvalitet och utveckling")
    await api.change(tree.ids["SDF-SPT-STAB-SM"], effective_date=date(2016, 6, 1), parent_id=tree.ids["SDF-SPT"])
    await api.create(code="SDF-SPT-STAB-EU", name="EU-samordning", type="unit", parent_id=staff, effective_date=date(2016, 3, 1))
    await api.close(tree.ids["SDF-SPT-STAB-MBK"], date(2017, 1, 1))


async def test_events_applied_in_reverse_order_rebuild_the_same_tree(api, harness, tree, read_model):
    await reorganise(api, tree)
    events = await goals_events(harness)

    applied = [await apply_unit_event(harness.session, read_model, envelope) for envelope in reversed(events)]
    replayed = [await apply_unit_event(harness.session, read_model, envelope) for envelope in events]

    # Newest first: each unit's newest event is applied and every older one is skipped; a replay changes nothing.
    assert applied.count(True) == len(tree.ids) + 1
    assert not any(replayed)
    root = tree.ids["SDN-SPT"]
    for day in (date(2015, 6, 1), date(2016, 7, 1), AS_OF):
        assert await subtree(harness.session, read_model, root_id=root, as_of=day) == await subtree(
            harness.session, org_tables, root_id=root, as_of=day
        )
    vu = await get_unit(harness.session, read_model, unit_id=tree.ids["SDF-SPT-STAB-VU"], as_of=AS_OF)
    assert (vu.name, vu.revision, len(vu.versions)) == ("Enheten för kvalitet och utveckling", 2, 2)
    closed = await get_unit(harness.session, read_model, unit_id=tree.ids["SDF-SPT-STAB-MBK"], as_of=AS_OF)
    assert closed.status == "closed"


async def test_the_handler_map_covers_every_organisation_event(harness, api, tree, read_model):
    handlers = org_event_handlers(read_model)
    await api.close(tree.ids["SDF-SPT-STAB-MBK"], date(2017, 1, 1))

    for envelope in await goals_events(harness):
        await handlers[envelope.type](harness.session, envelope)

    assert set(handlers) == {UNIT_CREATED, UNIT_UPDATED, UNIT_CLOSED}
    closed = await get_unit(harness.session, read_model, unit_id=tree.ids["SDF-SPT-STAB-MBK"], as_of=AS_OF)
    assert (closed.status, closed.revision) == ("closed", 2)


async def test_ancestors_decide_organisation_scope(harness, api, tree):
    vu = tree.ids["SDF-SPT-STAB-VU"]
    await api.change(vu, effective_date=date(2016, 1, 1), parent_id=tree.ids["SDF-SPT-IOF"])
    controller = Principal(subject="c", actor_kind="staff", roles=frozenset({"controller"}), org_scope=frozenset({str(tree.ids["SDF-SPT-STAB"])}))

    chain_2015 = await unit_and_ancestor_ids(harness.session, org_tables, unit_id=vu, as_of=date(2015, 6, 1))
    chain_2016 = await unit_and_ancestor_ids(harness.session, org_tables, unit_id=vu, as_of=date(2016, 6, 1))

    assert chain_2015 == [tree.ids[code] for code in ("SDF-SPT-STAB-VU", "SDF-SPT-STAB", "SDF-SPT", "SDN-SPT", "STHLM")]
    assert chain_2016[1] == tree.ids["SDF-SPT-IOF"]
    assert in_org_scope(controller, {str(unit_id) for unit_id in chain_2015})
    assert not in_org_scope(controller, {str(unit_id) for unit_id in chain_2016})
    assert await unit_and_ancestor_ids(harness.session, org_tables, unit_id=vu, as_of=date(2014, 1, 1)) == []
