"""The read model of published quality guarantees, and complaints that name a broken promise."""

import uuid
from datetime import UTC, datetime

from contracts.guarantees import (
    GUARANTEE_PUBLISHED,
    GUARANTEE_WITHDRAWN,
    ContactChannel,
    QualityGuaranteeChanged,
    QualityGuaranteeState,
)

from servicekit.events.consumer import EventConsumer
from servicekit.events.envelope import Envelope

from feedback.guarantees.consumer import HANDLERS

PROMISE_ANSWER, PROMISE_FOOD = uuid.uuid4(), uuid.uuid4()


def _event(event_type, guarantee_id, unit_id, revision, status, promises) -> Envelope:
    state = QualityGuaranteeState(
        id=guarantee_id, unit_id=unit_id, year=2026, version=1, revision=revision, status=status,
        business_idea="Vi ger barnen en trygg och lärorik dag.", feedback_routine="Lämna synpunkter till förskolechefen.",
        promises=[{"id": pid, "text": text} for pid, text in promises], contact_channel=ContactChannel(email="ugglan@stockholm.se"),
        published_at=datetime(2026, 1, 15, tzinfo=UTC),
    )
    return Envelope(source="/goals", type=event_type, subject=str(guarantee_id),
                    data=QualityGuaranteeChanged(guarantee=state).model_dump(mode="json"))


async def test_guarantees_follow_goals_events_and_complaints_name_their_promises(api, org, harness):
    consumer = EventConsumer(group="feedback", redis=harness.redis, sessions=harness.app.state.sessionmaker,
                             streams=[], handlers=HANDLERS, dead_letter_stream="unused")
    guarantee = uuid.uuid4()
    first = _event(GUARANTEE_PUBLISHED, guarantee, org["FSK-UGGLAN"], 1, "published", [(PROMISE_ANSWER, "Svar inom två arbetsdagar")])
    second = _event(GUARANTEE_PUBLISHED, guarantee, org["FSK-UGGLAN"], 2, "published",
                    [(PROMISE_ANSWER, "Svar inom två arbetsdagar"), (PROMISE_FOOD, "Ekologisk mat varje dag")])
    # Out of order: the newer version first, the older one changes nothing.
    assert await consumer.apply(second) and await consumer.apply(first)
    async with api.anonymous() as anyone:
        listed = (await anyone.get(f"/feedback/v1/units/{org['FSK-UGGLAN']}/guarantees")).json()
        elsewhere = (await anyone.get(f"/feedback/v1/units/{org['BRO-PARK']}/guarantees")).json()
    assert [(g["id"], [p["text"] for p in g["promises"]]) for g in listed] == [
        (str(guarantee), ["Svar inom två arbetsdagar", "Ekologisk mat varje dag"])]
    assert elsewhere == []

    kept = await api.create(unit_id=str(org["FSK-UGGLAN"]), guarantee_promise_id=str(PROMISE_FOOD))
    foreign = await api.create(unit_id=str(org["BRO-PARK"]), category_code="park", guarantee_promise_id=str(PROMISE_FOOD), expect=422)
    unknown = await api.create(unit_id=str(org["FSK-UGGLAN"]), guarantee_promise_id=str(uuid.uuid4()), expect=422)
    assert kept.json()["id"] and foreign.json()["type"].endswith("/unknown-promise") and unknown.status_code == 422

    await consumer.apply(_event(GUARANTEE_WITHDRAWN, guarantee, org["FSK-UGGLAN"], 3, "withdrawn", []))
    async with api.anonymous() as anyone:
        assert (await anyone.get(f"/feedback/v1/units/{org['FSK-UGGLAN']}/guarantees")).json() == []
    await api.create(unit_id=str(org["FSK-UGGLAN"]), guarantee_promise_id=str(PROMISE_FOOD), expect=422)
