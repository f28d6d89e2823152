"""Garantin hölls inte: the handler assesses a case against a promise of the unit's guarantee;
the committee's statistics count per guarantee and promise (figures worked out from the cases here)."""

import uuid

from contracts.guarantees import GUARANTEE_PUBLISHED, GUARANTEE_WITHDRAWN

P = "/feedback/v1"
ANSWER, FOOD, OUTDOORS = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
UGGLAN_PROMISES = [(ANSWER, "Svar inom två arbetsdagar"), (FOOD, "Ekologisk mat varje dag")]


async def _assess(api, case_id, code="FSK-UGGLAN", expect=200, **body):
    async with api.staff(code, subject="handler-2") as handler:
        current = await handler.get(f"{P}/cases/{case_id}")
        response = await handler.put(f"{P}/cases/{case_id}/promise-assessment", json=body,
                                     headers={"If-Match": current.headers.get("etag", '"0"')})
    assert response.status_code == expect, response.text
    return response


async def _statistics(api, org):
    async with api.staff("SDN-SPT", roles=["controller"]) as controller:
        body = (await controller.get(f"{P}/committees/{org['SDN-SPT']}/statistics")).json()
    return body["guarantees_not_kept"], {p["promise_id"]: p for p in body["promises"]}


async def test_a_handler_confirms_a_broken_promise_and_the_committee_counts_it(api, org, apply_guarantee):
    api.harness.app.state.statistics_min_cell = 1  # figures this small are shown here (suppression: test_statistics)
    ugglan_guarantee, department_guarantee = uuid.uuid4(), uuid.uuid4()
    await apply_guarantee(GUARANTEE_PUBLISHED, ugglan_guarantee, org["FSK-UGGLAN"], 1, "published",
                                                   UGGLAN_PROMISES)
    await apply_guarantee(GUARANTEE_PUBLISHED, department_guarantee, org["SDF-SPT-FSK"], 1, "published",
                                                   [(OUTDOORS, "Utevistelse varje dag")])
    ugglan = str(org["FSK-UGGLAN"])
    food_broken = (await api.create(unit_id=ugglan, guarantee_promise_id=str(FOOD), description="Maten var inte ekologisk")).json()["id"]
    food_kept = (await api.create(unit_id=ugglan, guarantee_promise_id=str(FOOD), description="Maten var fel")).json()["id"]
    outdoors = (await api.create(unit_id=ugglan, description="Barnen var inne hela dagen")).json()["id"]
    await api.create(unit_id=ugglan, guarantee_promise_id=str(ANSWER), description="Inget svar på en vecka")  # named, not assessed

    # First judged kept, then, after a look at the invoices, broken: the later assessment replaces it.
    await _assess(api, food_broken, broken=False, reason="Leverantören är certifierad")
    case = (await _assess(api, food_broken, broken=True, reason="Leveransen var inte ekologisk")).json()
    assessment = case["promise_assessment"]
    assert (assessment["guarantee_id"], assessment["promise_id"], assessment["promise_text"], assessment["broken"],
            assessment["assessed_by"]) == (str(ugglan_guarantee), str(FOOD), "Ekologisk mat varje dag", True, "handler-2")
    assert [e["reason"] for e in case["history"] if e["action"] == "promise_assessed"] == [
        "kept: Leverantören är certifierad", "broken: Leveransen var inte ekologisk"]
    await _assess(api, food_kept, broken=False, reason="Maten var ekologisk")
    # The sender named nothing; the handler names the department's promise (a unit above Ugglan).
    await _assess(api, outdoors, promise_id=str(OUTDOORS), broken=True, reason="Ingen utevistelse på grund av personalbrist")

    not_kept, promises = await _statistics(api, org)
    assert not_kept == 2  # food_broken and outdoors
    assert {pid: (p["guarantee_id"], p["named"], p["broken"], p["kept"]) for pid, p in promises.items()} == {
        str(FOOD): (str(ugglan_guarantee), 2, 1, 1),
        str(ANSWER): (str(ugglan_guarantee), 1, 0, 0),
        str(OUTDOORS): (str(department_guarantee), 0, 1, 0),
    }

    # Withdrawn since: the assessed promise keeps its recorded guarantee and words, the merely named one loses them.
    await apply_guarantee(GUARANTEE_WITHDRAWN, ugglan_guarantee, org["FSK-UGGLAN"], 2, "withdrawn", [])
    not_kept, promises = await _statistics(api, org)
    assert not_kept == 2
    assert (promises[str(FOOD)]["guarantee_id"], promises[str(FOOD)]["promise_text"]) == (str(ugglan_guarantee), "Ekologisk mat varje dag")
    assert (promises[str(ANSWER)]["guarantee_id"], promises[str(ANSWER)]["promise_text"], promises[str(ANSWER)]["named"]) == (None, None, 1)


async def test_a_promise_the_unit_does_not_make_is_refused_and_changes_nothing(api, org, apply_guarantee):
    guarantee = uuid.uuid4()
    await apply_guarantee(GUARANTEE_PUBLISHED, guarantee, org["FSK-UGGLAN"], 1, "published", UGGLAN_PROMISES)
    unnamed = (await api.create(unit_id=str(org["FSK-UGGLAN"]))).json()["id"]
    park = (await api.create(unit_id=str(org["BRO-PARK"]), category_code="park")).json()["id"]
    async with api.admin() as admin:
        before = (await admin.get(f"{P}/cases/{unnamed}")).headers["etag"]

    assert (await _assess(api, unnamed, expect=422, broken=True, reason="Fel")).json()["type"].endswith("/promise-missing")
    assert (await _assess(api, unnamed, expect=422, promise_id=str(uuid.uuid4()), broken=True, reason="Fel")).json()["type"].endswith(
        "/unknown-promise")
    # Bromma's park makes none of Ugglan's promises.
    assert (await _assess(api, park, code="BRO-PARK", expect=422, promise_id=str(FOOD), broken=True, reason="Fel")).json()["type"].endswith(
        "/unknown-promise")
    await _assess(api, unnamed, code="FSK-BJORKEN", expect=404, promise_id=str(FOOD), broken=True, reason="Fel")  # not Björken's case
    await _assess(api, unnamed, expect=422, promise_id=str(FOOD), broken=True, reason="")
    async with api.staff("FSK-UGGLAN") as handler:
        missing = await handler.put(f"{P}/cases/{unnamed}/promise-assessment", json={"promise_id": str(FOOD), "broken": True, "reason": "x"})
        after = await handler.get(f"{P}/cases/{unnamed}")
    assert missing.status_code == 428
    assert after.headers["etag"] == before and after.json()["promise_assessment"] is None
