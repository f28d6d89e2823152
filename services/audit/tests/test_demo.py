"""The first-start content: Spånga-Tensta's internal-control year, loaded through the API, twice."""

from audit.demo import load


async def test_the_demo_year_loads_and_a_second_load_changes_nothing(harness, people, demo_tree, outbox, log_rows):
    tree = demo_tree
    await load(harness)
    entries = len(await log_rows())
    await load(harness)
    assert len(await log_rows()) == entries, "the second load skips what exists"

    reader = people(["city_controller"], org_code=None)
    scales = (await reader.get("/risk-scales", params={"code": "SDN-SPT-4X4"})).json()["items"]
    assert len(scales) == 1 and scales[0]["locked"]
    analyses = (await reader.get("/risk-analyses", params={"year": 2015})).json()["items"]
    assert len(analyses) == 4 and {a["status"] for a in analyses} == {"adopted"}
    assert any(risk["category"] == "fraud" for a in analyses for risk in a["risks"])
    plans = {p["year"]: p for p in (await reader.get("/control-plans")).json()["items"]}
    assert plans[2014]["status"] == plans[2015]["status"] == "adopted" and len(plans[2015]["items"]) == 5
    findings = {f["unit_id"]: f for f in (await reader.get("/findings", params={"year": 2014})).json()["items"]}
    assert findings[str(tree["SDF-SPT-FSK"])]["status"] == "closed"
    assert findings[str(tree["SDF-SPT-IOF"])]["status"] == "closure_requested"
    unresolved = findings[str(tree["SDF-SPT-AOF"])]
    assert (unresolved["unresolved_on"], unresolved["action_plan"]["effect"]) == ("2015-10-01", "not_effective")
    (event,) = await outbox("audit.finding.unresolved")
    assert event["data"]["finding"]["id"] == unresolved["id"] and event["data"]["finding"]["carry_over_year"] == 2016
