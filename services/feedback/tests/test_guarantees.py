"""The read model of published quality guarantees, and complaints that name a broken promise."""

import uuid

from contracts.guarantees import GUARANTEE_PUBLISHED, GUARANTEE_WITHDRAWN

PROMISE_ANSWER, PROMISE_FOOD = uuid.uuid4(), uuid.uuid4()


async def test_guarantees_follow_goals_events_and_complaints_name_their_promises(api, org, apply_guarantee):
    guarantee = uuid.uuid4()
    first = (GUARANTEE_PUBLISHED, guarantee, org["FSK-UGGLAN"], 1, "published", [(PROMISE_ANSWER, "Svar inom två arbetsdagar")])
    second = (GUARANTEE_PUBLISHED, guarantee, org["FSK-UGGLAN"], 2, "published",
                    [(PROMISE_ANSWER, "Svar inom två arbetsdagar"), (PROMISE_FOOD, "Ekologisk mat varje dag")])
    # Out of order: the newer version first, the older one changes nothing.
    assert await apply_guarantee(*second) and await apply_guarantee(*first)
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

    await apply_guarantee(GUARANTEE_WITHDRAWN, guarantee, org["FSK-UGGLAN"], 3, "withdrawn", [])
    async with api.anonymous() as anyone:
        assert (await anyone.get(f"/feedback/v1/units/{org['FSK-UGGLAN']}/guarantees")).json() == []
    await api.create(unit_id=str(org["FSK-UGGLAN"]), guarantee_promise_id=str(PROMISE_FOOD), expect=422)
