"""Quality guarantees: versions with stable promise ids, adoption, publication for portals, withdrawal."""

from datetime import date

import pytest
from contracts.decisions import DecisionRef
from contracts.guarantees import GUARANTEE_PUBLISHED, GUARANTEE_WITHDRAWN
from sqlalchemy import select

from servicekit.tables import OutboxEvent

from goals.guarantees.service import adopt_with_plan

GUARANTEES = "/goals/v1/quality-guarantees"
PUBLISHED = "/goals/v1/published-quality-guarantees"
VU = "SDF-SPT-STAB-VU"


def guarantee_body(unit_id, **changes) -> dict:
    return {
        "unit_id": str(unit_id), "year": 2015,
        "business_idea": "Vi planerar, styr, stödjer och följer upp förvaltningens verksamheter.",
        "promises": [
            {"text": "Du får svar på din fråga inom två arbetsdagar."},
            {"text": "Vi återkopplar resultatet av varje uppföljning till enheten."},
        ],
        "feedback_routine": "Lämna synpunkter och klagomål via stadens e-tjänst; du får svar inom tio arbetsdagar.",
        "contact_channel": {"description": "Enhetens funktionsbrevlåda", "email": "verksamhetsutveckling.spanga-tensta@stockholm.se"},
        **changes,
    }


@pytest.fixture
async def people(harness, tree):
    """The unit's manager, the committee's secretary and a portal, as the gateway would assert them."""
    async with (
        harness.client(roles=("unit_manager",), org=(str(tree.ids[VU]),), subject="chef-vu") as manager,
        harness.client(roles=("committee",), org=(str(tree.ids["SDN-SPT"]),), subject="namndsekreterare") as committee,
        harness.client(actor="portal", roles=(), scopes=("goals:read",), subject="key-portal") as portal,
    ):
        yield manager, committee, portal


async def patch(client, path, body, *, expect=200):
    """PATCH with the ETag just read."""
    etag = (await client.get(path)).headers["etag"]
    response = await client.patch(path, json=body, headers={"if-match": etag})
    assert response.status_code == expect, response.text
    return response.json()


async def post(client, path, body=None, *, guarantee_id, expect=200):
    """POST an action with the guarantee's ETag just read."""
    etag = (await client.get(f"{GUARANTEES}/{guarantee_id}")).headers["etag"]
    response = await client.post(path, json=body, headers={"if-match": etag})
    assert response.status_code == expect, response.text
    return response.json()


def decision(tree) -> dict:
    return {"decision": {"reference": "SDN 2014/187 § 12", "decided_on": "2014-12-11", "body_id": str(tree.ids["SDN-SPT"])}}


async def adopted_and_published(manager, committee, tree) -> dict:
    created = await manager.post(GUARANTEES, json=guarantee_body(tree.ids[VU]))
    assert created.status_code == 201, created.text
    guarantee_id = created.json()["id"]
    await post(committee, f"{GUARANTEES}/{guarantee_id}/adoption", decision(tree), guarantee_id=guarantee_id)
    return await post(manager, f"{GUARANTEES}/{guarantee_id}/publication", guarantee_id=guarantee_id)


async def test_a_guarantee_is_written_adopted_and_published_for_portals(harness, tree, people):
    manager, committee, portal = people
    created = await manager.post(GUARANTEES, json=guarantee_body(tree.ids[VU]))
    assert created.status_code == 201, created.text
    draft = created.json()
    assert (draft["version"], draft["status"]) == (1, "draft")
    guarantee_id = draft["id"]

    early = await post(manager, f"{GUARANTEES}/{guarantee_id}/publication", guarantee_id=guarantee_id, expect=422)
    assert early["type"].endswith("/not-adopted")
    assert (await portal.get(PUBLISHED, params={"unit_id": str(tree.ids[VU])})).json()["items"] == []

    adopted = await post(committee, f"{GUARANTEES}/{guarantee_id}/adoption", decision(tree), guarantee_id=guarantee_id)
    assert adopted["status"] == "adopted"
    assert adopted["adopted_by"]["recorded_by"] == "namndsekreterare"
    published = await post(manager, f"{GUARANTEES}/{guarantee_id}/publication", guarantee_id=guarantee_id)
    assert published["status"] == "published"

    by_unit = (await portal.get(PUBLISHED, params={"unit_id": str(tree.ids[VU])})).json()["items"]
    by_committee = (await portal.get(PUBLISHED, params={"committee_id": str(tree.ids["SDN-SPT"])})).json()["items"]
    assert [g["id"] for g in by_unit] == [g["id"] for g in by_committee] == [guarantee_id]
    shown = by_unit[0]
    assert (shown["unit_name"], shown["decision_reference"], shown["adopted_on"]) == ("Enheten för verksamhetsutveckling", "SDN 2014/187 § 12", "2014-12-11")
    assert [p["text"] for p in shown["promises"]] == [p["text"] for p in guarantee_body(tree.ids[VU])["promises"]]
    assert "namndsekreterare" not in str(shown) and "chef-vu" not in str(shown)

    event = (await harness.session.scalars(select(OutboxEvent).where(OutboxEvent.type == GUARANTEE_PUBLISHED))).one()
    payload = event.envelope["data"]["guarantee"]
    assert [p["id"] for p in payload["promises"]] == [p["id"] for p in published["promises"]]
    assert payload["contact_channel"]["email"] == "verksamhetsutveckling.spanga-tensta@stockholm.se"
    assert "chef-vu" not in str(event.envelope)


async def test_a_change_after_publication_is_a_new_version_and_promise_ids_stay(harness, tree, people):
    manager, committee, portal = people
    first = await adopted_and_published(manager, committee, tree)
    guarantee_id = first["id"]
    kept, dropped = first["promises"]

    changed = await patch(manager, f"{GUARANTEES}/{guarantee_id}", {"promises": [
        {"id": kept["id"], "text": "Du får svar på din fråga inom en arbetsdag."},
        {"text": "Vi publicerar enhetens resultat varje tertial."},
    ]})
    assert (changed["version"], changed["status"]) == (2, "draft")
    assert changed["promises"][0]["id"] == kept["id"]
    new_id = changed["promises"][1]["id"]
    assert new_id not in (kept["id"], dropped["id"])
    # The published version stays public until the new one is adopted and published.
    shown = (await portal.get(f"{PUBLISHED}/{guarantee_id}")).json()
    assert (shown["version"], shown["promises"][0]["text"]) == (1, "Du får svar på din fråga inom två arbetsdagar.")
    not_yet = await post(manager, f"{GUARANTEES}/{guarantee_id}/publication", guarantee_id=guarantee_id, expect=422)
    assert not_yet["type"].endswith("/not-adopted")

    await post(committee, f"{GUARANTEES}/{guarantee_id}/adoption", decision(tree), guarantee_id=guarantee_id)
    await post(committee, f"{GUARANTEES}/{guarantee_id}/publication", guarantee_id=guarantee_id)

    versions = (await manager.get(f"{GUARANTEES}/{guarantee_id}/versions")).json()
    assert [(v["version"], v["status"]) for v in versions] == [(1, "superseded"), (2, "published")]
    assert versions[0]["promises"][0]["id"] == versions[1]["promises"][0]["id"] == kept["id"]
    shown = (await portal.get(f"{PUBLISHED}/{guarantee_id}")).json()
    assert (shown["version"], [p["id"] for p in shown["promises"]]) == (2, [kept["id"], new_id])

    # A dropped promise may come back with its id; an id the guarantee never had may not.
    revived = await patch(manager, f"{GUARANTEES}/{guarantee_id}", {"promises": [{"id": dropped["id"], "text": dropped["text"]}]})
    assert revived["promises"][0]["id"] == dropped["id"]
    unknown = await patch(manager, f"{GUARANTEES}/{guarantee_id}", {"promises": [{"id": "00000000-0000-4000-8000-000000000001", "text": "x"}]}, expect=422)
    assert unknown["type"].endswith("/unknown-promise")


async def test_withdrawal_hides_the_guarantee_and_records_an_event(harness, tree, people):
    manager, committee, portal = people
    published = await adopted_and_published(manager, committee, tree)
    guarantee_id = published["id"]

    withdrawn = await post(manager, f"{GUARANTEES}/{guarantee_id}/withdrawal", {"reason": "Enheten läggs samman med en annan."}, guarantee_id=guarantee_id)

    assert withdrawn["status"] == "withdrawn"
    assert (await portal.get(PUBLISHED, params={"unit_id": str(tree.ids[VU])})).json()["items"] == []
    assert (await portal.get(f"{PUBLISHED}/{guarantee_id}")).status_code == 404
    event = (await harness.session.scalars(select(OutboxEvent).where(OutboxEvent.type == GUARANTEE_WITHDRAWN))).one()
    assert event.envelope["data"]["guarantee"]["status"] == "withdrawn"
    again = await post(manager, f"{GUARANTEES}/{guarantee_id}/withdrawal", {"reason": "x"}, guarantee_id=guarantee_id, expect=422)
    assert again["type"].endswith("/not-published")


async def test_rules_of_writing_and_adopting(harness, tree, people):
    manager, committee, portal = people
    guarantee = (await manager.post(GUARANTEES, json=guarantee_body(tree.ids[VU]))).json()
    path = f"{GUARANTEES}/{guarantee['id']}"

    twice = await manager.post(GUARANTEES, json=guarantee_body(tree.ids[VU]))
    assert twice.status_code == 422 and twice.json()["type"].endswith("/guarantee-exists")
    no_channel = await manager.post(GUARANTEES, json=guarantee_body(tree.ids[VU], year=2016, contact_channel={"description": "Chefen"}))
    assert no_channel.status_code == 422
    missing = await manager.patch(path, json={"business_idea": "Ny idé."})
    stale = await manager.patch(path, json={"business_idea": "Ny idé."}, headers={"if-match": '"99"'})
    assert (missing.status_code, stale.status_code) == (428, 412)
    # The manager may not adopt at all; a committee member who wrote the version may not adopt it.
    by_manager = await post(manager, f"{path}/adoption", decision(tree), guarantee_id=guarantee["id"], expect=403)
    async with harness.client(roles=("committee", "unit_manager"), org=(str(tree.ids["SDN-SPT"]),), subject="skribent") as author:
        await patch(author, path, {"business_idea": "Vi stödjer verksamheterna."})
        own = await post(author, f"{path}/adoption", decision(tree), guarantee_id=guarantee["id"], expect=403)
    wrong_body = await post(committee, f"{path}/adoption", {"decision": {**decision(tree)["decision"], "body_id": str(tree.ids["SDF-SPT-IOF"])}},
                            guarantee_id=guarantee["id"], expect=422)
    assert by_manager["type"].endswith("/forbidden")
    assert own["type"].endswith("/own-submission")
    assert wrong_body["type"].endswith("/decision-body-outside")
    async with harness.client(roles=("unit_manager",), org=(str(tree.ids["SDF-SPT-IOF"]),), subject="chef-iof") as outsider:
        assert (await outsider.get(path)).status_code == 403
        assert (await outsider.post(GUARANTEES, json=guarantee_body(tree.ids[VU], year=2016))).status_code == 403
        assert (await outsider.get(GUARANTEES)).json()["items"] == []
    # A portal key holds goals:read (the gateway asks for it) and still reads nothing but published guarantees.
    assert (await portal.get(path)).status_code == 403
    assert (await portal.get(GUARANTEES)).status_code == 403
    assert (await portal.get("/goals/v1/organisation-units")).status_code == 403
    assert (await portal.get("/goals/v1/unit-types")).status_code == 403
    assert (await portal.get(PUBLISHED)).status_code == 422
    assert (await portal.get(PUBLISHED, params={"committee_id": str(tree.ids[VU])})).json()["type"].endswith("/not-a-committee")


async def test_adoption_with_the_business_plan_adopts_the_draft_once(harness, tree, people):
    manager, _, _ = people
    guarantee = (await manager.post(GUARANTEES, json=guarantee_body(tree.ids[VU]))).json()
    plan_decision = DecisionRef(reference="SDN 2014/187 § 12", decided_on=date(2014, 12, 11), body_id=tree.ids["SDN-SPT"], recorded_by="namndsekreterare")

    adopted = await adopt_with_plan(session=harness.session, unit_id=tree.ids[VU], year=2015, decision=plan_decision, actor="namndsekreterare")
    again = await adopt_with_plan(session=harness.session, unit_id=tree.ids[VU], year=2015, decision=plan_decision, actor="namndsekreterare")
    none = await adopt_with_plan(session=harness.session, unit_id=tree.ids[VU], year=2016, decision=plan_decision, actor="namndsekreterare")

    assert adopted.status == "adopted" and adopted.adopted_by == plan_decision
    assert again is None and none is None
    assert (await manager.get(f"{GUARANTEES}/{guarantee['id']}")).json()["status"] == "adopted"
