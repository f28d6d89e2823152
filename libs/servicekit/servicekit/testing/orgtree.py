"""The behaviour every organisation read model (feedback, audit, awards) must show.

Events go through the real consumer path (``EventConsumer.apply``: inbox + handler in one
transaction), then the service's own HTTP API is read as a user would.
"""

import random
import uuid
from datetime import date

from contracts.organisation import (
    UNIT_CLOSED,
    UNIT_CREATED,
    UNIT_UPDATED,
    OrganisationUnitChanged,
    OrganisationUnitState,
    OrganisationUnitVersion,
)
from sqlalchemy import delete

from servicekit.events.consumer import EventConsumer
from servicekit.events.envelope import Envelope
from servicekit.orgtree import OrgTables, org_event_handlers
from servicekit.tables import ProcessedEvent


def _event(event_type: str, unit_id: uuid.UUID, revision: int, versions: list[dict], effective: date) -> Envelope:
    state = OrganisationUnitState(id=unit_id, revision=revision, versions=[OrganisationUnitVersion(**v) for v in versions])
    data = OrganisationUnitChanged(unit=state, effective_date=effective, changed=[])
    return Envelope(source="/goals", type=event_type, subject=str(unit_id), data=data.model_dump(mode="json"))


def sample_tree_events() -> tuple[dict[str, uuid.UUID], list[Envelope]]:
    ids = {name: uuid.uuid4() for name in ("city", "committee", "administration", "preschool")}
    start, move = date(2014, 1, 1), date(2015, 7, 1)
    city = {"valid_from": start, "code": "STHLM", "name": "Stockholms stad", "type": "city"}
    committee = {"valid_from": start, "code": "SDN-ST", "name": "Spånga-Tensta stadsdelsnämnd",
                 "type": "district_committee", "parent_id": ids["city"]}
    administration = {"valid_from": start, "code": "SDF-ST", "name": "Spånga-Tensta stadsdelsförvaltning",
                      "type": "administration", "parent_id": ids["committee"]}
    preschool_v1 = {"valid_from": start, "valid_to": move, "code": "FSK-1", "name": "Förskolan Ugglan",
                    "type": "unit", "parent_id": ids["administration"]}
    preschool_v2 = preschool_v1 | {"valid_from": move, "valid_to": None, "name": "Förskolan Ugglebo"}
    preschool_closed = preschool_v2 | {"valid_to": date(2016, 1, 1)}
    events = [
        _event(UNIT_CREATED, ids["city"], 1, [city], start),
        _event(UNIT_CREATED, ids["committee"], 1, [committee], start),
        _event(UNIT_CREATED, ids["administration"], 1, [administration], start),
        _event(UNIT_CREATED, ids["preschool"], 1, [preschool_v1 | {"valid_to": None}], start),
        _event(UNIT_UPDATED, ids["preschool"], 2, [preschool_v1, preschool_v2], move),
        _event(UNIT_CLOSED, ids["preschool"], 3, [preschool_v1, preschool_closed], date(2016, 1, 1)),
    ]
    return ids, events


async def check_read_model(harness, tables: OrgTables, *, prefix: str) -> None:
    consumer = EventConsumer(
        group=harness.service.name, redis=harness.redis, sessions=harness.app.state.sessionmaker,
        streams=[], handlers=org_event_handlers(tables), dead_letter_stream="unused",
    )
    ids, events = sample_tree_events()
    # Out of order on purpose: the highest revision wins whatever arrives last.
    for envelope in [events[0], events[1], events[2], events[5], events[3], events[4]]:
        assert await consumer.apply(envelope) is True
    assert await consumer.apply(events[4]) is False, "a redelivered event must change nothing"

    async def read_all(client) -> dict:
        unit = f"{prefix}/organisation-units/{ids['preschool']}"
        return {
            "before_rename": (await client.get(unit, params={"as_of": "2015-01-01"})).json(),
            "after_rename": (await client.get(unit, params={"as_of": "2015-09-01"})).json(),
            "after_closure": (await client.get(unit, params={"as_of": "2016-06-01"})).json(),
            "subtree_2015": (await client.get(f"{prefix}/organisation-units/{ids['city']}/subtree",
                                              params={"as_of": "2015-09-01"})).json(),
            "subtree_2017": (await client.get(f"{prefix}/organisation-units/{ids['city']}/subtree",
                                              params={"as_of": "2017-01-01"})).json(),
        }

    async with harness.client(roles=["unit_manager"]) as client:
        seen = await read_all(client)
        write = await client.post(f"{prefix}/organisation-units", json={"name": "x"})
    assert seen["before_rename"]["name"] == "Förskolan Ugglan"
    assert seen["after_rename"]["name"] == "Förskolan Ugglebo"
    assert seen["after_rename"]["revision"] == 3
    assert seen["after_closure"]["status"] == "closed"
    assert {n["name"] for n in seen["subtree_2015"]["items"]} >= {"Spånga-Tensta stadsdelsnämnd", "Förskolan Ugglebo"}
    assert "Förskolan Ugglebo" not in {n["name"] for n in seen["subtree_2017"]["items"]}
    assert write.status_code == 405, "the read model is read-only"

    # Rebuild from zero by replay: drop the model and the inbox, apply every event again, shuffled.
    session = harness.session
    await session.execute(delete(tables.versions))
    await session.execute(delete(tables.units))
    await session.execute(delete(ProcessedEvent))
    await session.flush()
    replayed = events[:]
    random.shuffle(replayed)
    for envelope in replayed:
        await consumer.apply(envelope)
    async with harness.client(roles=["unit_manager"]) as client:
        assert await read_all(client) == seen
