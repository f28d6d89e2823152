"""Indicator targets on goals and commitments, and the plan's adoption adopting the unit's guarantee."""

import pytest

TARGETS = "/goals/v1/indicator-targets"


@pytest.fixture
async def ami(admin) -> dict:
    response = await admin.post("/goals/v1/indicators", json={
        "code": "AMI", "title": "Aktivt medskapandeindex", "unit_of_measure": "index", "polarity": "higher_is_better", "decimals": 0,
    })
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_committee_sets_a_target_on_its_goal_within_the_goals_years(committee, manager, chain, ami):
    goal_id = chain.committee["id"]
    created = await committee.post(TARGETS, json={"indicator_id": ami["id"], "goal_id": goal_id, "period": "2015-vb", "target_value": 88})
    outside = await committee.post(TARGETS, json={"indicator_id": ami["id"], "goal_id": goal_id, "period": "2016", "target_value": 88})
    by_gender = await committee.post(TARGETS, json={"indicator_id": ami["id"], "goal_id": goal_id, "period": "2015", "gender": "K", "target_value": 88})
    twice = await committee.post(TARGETS, json={"indicator_id": ami["id"], "goal_id": goal_id, "period": "2015-VB", "target_value": 90})
    by_manager = await manager.post(TARGETS, json={"indicator_id": ami["id"], "goal_id": goal_id, "period": "2015-T2", "target_value": 88})

    assert created.status_code == 201, created.text
    # AMI: higher is better, so the target is a minimum unless stated otherwise.
    assert (created.json()["period"], created.json()["comparison"], created.json()["target_value"]) == ("2015-VB", "at_least", 88)
    assert outside.json()["type"].endswith("/period-out-of-range")
    assert by_gender.json()["type"].endswith("/not-split-by-gender")
    assert twice.json()["type"].endswith("/target-exists")
    assert by_manager.status_code == 403


async def test_a_unit_manager_sets_and_changes_a_target_on_the_units_commitment(harness, workflow, plan, full_commitment, manager, tree, ami):
    commitment = await workflow.create(full_commitment(plan["id"]))
    created = await manager.post(TARGETS, json={
        "indicator_id": ami["id"], "commitment_id": commitment["id"], "period": "2015", "target_value": 93, "comparison": "more_than",
    })
    assert created.status_code == 201, created.text
    path = f"{TARGETS}/{created.json()['id']}"

    missing = await manager.patch(path, json={"target_value": 95})
    changed = await manager.patch(path, json={"target_value": 95}, headers={"if-match": created.headers["etag"]})
    stale = await manager.patch(path, json={"target_value": 96}, headers={"if-match": created.headers["etag"]})
    listed = (await manager.get(TARGETS, params={"commitment_id": commitment["id"]})).json()["items"]
    async with harness.client(roles=("unit_manager",), org=(str(tree.ids["SDF-SPT-IOF"]),), subject="chef-iof") as outsider:
        outsider_list = (await outsider.get(TARGETS)).json()["items"]
        outsider_change = await outsider.patch(path, json={"target_value": 1}, headers={"if-match": '"2"'})

    assert (missing.status_code, changed.status_code, stale.status_code) == (428, 200, 412)
    assert (changed.json()["target_value"], changed.json()["revision"], changed.json()["comparison"]) == (95, 2, "more_than")
    assert [t["id"] for t in listed] == [created.json()["id"]]
    assert outsider_list == [] and outsider_change.status_code == 403


async def test_adopting_the_business_plan_adopts_the_units_quality_guarantee(workflow, plan, manager, tree):
    guarantee = await manager.post("/goals/v1/quality-guarantees", json={
        "unit_id": str(tree.ids["SDF-SPT-STAB-VU"]), "year": 2015, "business_idea": "Vi planerar, styr, stödjer och följer upp.",
        "promises": [{"text": "Du får svar inom två arbetsdagar."}], "feedback_routine": "Via stadens e-tjänst.",
        "contact_channel": {"web_url": "https://start.stockholm/"},
    })
    assert guarantee.status_code == 201, guarantee.text

    await workflow.adopt_plan(plan["id"], "2014-12-15")

    adopted = (await manager.get(f"/goals/v1/quality-guarantees/{guarantee.json()['id']}")).json()
    assert adopted["status"] == "adopted"
    assert (adopted["adopted_by"]["reference"], adopted["adopted_by"]["decided_on"]) == ("SDN 2015/12 § 7", "2014-12-15")
