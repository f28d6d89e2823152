"""Roll-up with its explanation, on a small tree built here; every figure is worked out by hand below.

The tree (2015): vision → inriktningsmål D → KF:s mål A → nämndmål C1 and C2 of Spånga-Tensta.
Commitments of Enheten för verksamhetsutveckling: K1 and K2 support C1, K3 supports C2; each has
the target "sjukfrånvaro < 2" (partly band 10 %: a miss by at most 0.2 suggests partly fulfilled).
At 2015-T1: K1 reports 1.8 fulfilled (as suggested); K2 reports 2.1 (suggested partly) with the
verdict not fulfilled and an analysis, an override; K3 reports nothing.

Rule equal-weights v1: scores 1 / 0.5 / 0, fulfilled from 0.75, partly from 0.4, minimum coverage 0.5.
"""

import pytest

G = "/goals/v1"


class Tree:
    def __init__(self, chain, c2, k1, k2, k3, follow_ups):
        self.chain, self.c2, self.k1, self.k2, self.k3, self.follow_ups = chain, c2, k1, k2, k3, follow_ups


@pytest.fixture
async def small_tree(admin, committee, manager, chain, plan, workflow, full_commitment, create_goal, tree):
    c2 = await create_goal(
        committee, level="committee_goal", unit_id=tree.ids["SDN-SPT"], from_year=2015, parent_id=chain.area["id"],
        title="Prognoserna är rättvisande",
    )
    k1 = await workflow.create(full_commitment(plan["id"], title="K1 Arbetsmiljön är god"))
    k2 = await workflow.create(full_commitment(plan["id"], title="K2 Sjukfrånvaron minskar"))
    k3 = await workflow.create(full_commitment(plan["id"], title="K3 Prognoserna träffar", committee_goal_id=c2["id"]))
    for commitment in (k1, k2, k3):
        await workflow.approve(commitment["id"])
    await workflow.adopt_plan(plan["id"], "2014-12-15")
    follow_ups = {}
    for commitment, body in (
        (k1, {"outcome_value": 1.8, "assessment": "fulfilled"}),
        (k2, {"outcome_value": 2.1, "assessment": "not_fulfilled", "analysis": "Långtidssjukskrivningar ökade."}),
    ):
        response = await manager.post(f"{G}/commitments/{commitment['id']}/follow-ups", json={"period": "2015-T1", **body})
        assert response.status_code == 201, response.text
        follow_ups[commitment["id"]] = response.json()
    return Tree(chain, c2, k1, k2, k3, follow_ups)


async def rollup(client, path: str, expect: int = 200, **params) -> dict:
    response = await client.get(f"{G}{path}", params={"period": "2015-T1", **params})
    assert response.status_code == expect, response.text
    return response.json()


def shares(distribution: dict) -> dict:
    return {key: (distribution[key]["count"], distribution[key]["share"])
            for key in ("fulfilled", "partly_fulfilled", "not_fulfilled", "not_reported")}


async def test_a_committee_goal_rolls_up_its_commitments_with_the_explanation(controller, small_tree):
    t = small_tree
    result = await rollup(controller, f"/goals/{t.chain.committee['id']}/rollup")

    # K1 fulfilled, K2 not fulfilled: 2 inputs, both reported.
    assert shares(result["distribution"]) == {
        "fulfilled": (1, 0.5), "partly_fulfilled": (0, 0.0), "not_fulfilled": (1, 0.5), "not_reported": (0, 0.0),
    }
    assert result["distribution"]["coverage"] == 1.0
    # (1×1 + 1×0) / 2 = 0.5: at least 0.4, under 0.75 → partly fulfilled.
    assert result["fulfilment"] == {"score": 0.5, "assessment": "partly_fulfilled", "reason": None}
    assert result["committee_verdict"] is None
    explanation = result["explanation"]
    assert (explanation["rule"]["code"], explanation["rule"]["version"]) == ("equal-weights", 1)
    assert [(i["kind"], i["id"], i["verdict"], i["score"], i["weight"], i["follow_up_id"]) for i in explanation["inputs"]] == [
        ("commitment", t.k1["id"], "fulfilled", 1.0, 1.0, t.follow_ups[t.k1["id"]]["id"]),
        ("commitment", t.k2["id"], "not_fulfilled", 0.0, 1.0, t.follow_ups[t.k2["id"]]["id"]),
    ]
    assert explanation["overrides"] == [{
        "kind": "verdict-over-suggestion", "source_kind": "commitment", "source_id": t.k2["id"],
        "replaced": "partly_fulfilled", "applied": "not_fulfilled",
    }]


async def test_goals_above_and_the_city_roll_up_the_goals_below(admin, small_tree):
    t = small_tree
    c2 = await rollup(admin, f"/goals/{t.c2['id']}/rollup")
    # K3 not reported: coverage 0 < 0.5, nothing computed.
    assert shares(c2["distribution"])["not_reported"] == (1, 1.0)
    assert c2["fulfilment"] == {"score": None, "assessment": None, "reason": "coverage-below-minimum"}

    area = await rollup(admin, f"/goals/{t.chain.area['id']}/rollup")
    # Inputs: C1 (computed partly) and C2 (nothing computed → not reported); coverage 1/2 = 0.5 ≥ 0.5; score 0.5 → partly.
    assert [(i["kind"], i["id"], i["verdict"], i["commitments_below"]) for i in area["explanation"]["inputs"]] == [
        ("goal", t.chain.committee["id"], "partly_fulfilled", 2), ("goal", t.c2["id"], None, 1),
    ]
    assert area["distribution"]["coverage"] == 0.5
    assert area["fulfilment"]["score"] == 0.5 and area["fulfilment"]["assessment"] == "partly_fulfilled"
    # Every commitment below: K1 fulfilled, K2 not, K3 not reported.
    assert shares(area["commitments"]) == {
        "fulfilled": (1, 1 / 3), "partly_fulfilled": (0, 0.0), "not_fulfilled": (1, 1 / 3), "not_reported": (1, 1 / 3),
    }

    city = await rollup(admin, "/rollup")
    # The city rolls up D (the one goal under the vision): D ← A partly (0.5) → D 0.5 partly → the city 0.5 partly.
    assert city["scope"] == "city" and city["goal"] is None
    assert [(i["id"], i["verdict"]) for i in city["explanation"]["inputs"]] == [(t.chain.direction["id"], "partly_fulfilled")]
    assert city["fulfilment"]["assessment"] == "partly_fulfilled" and city["commitments"]["total"] == 3


async def test_the_committees_verdict_stands_beside_and_counts_above(committee, admin, small_tree):
    t = small_tree
    path = f"{G}/goals/{t.chain.committee['id']}/verdicts/2015-T1"
    body = {"assessment": "fulfilled", "analysis": "Nämnden bedömer att arbetsmiljöarbetet gett effekt."}
    assert (await committee.put(path, json=body)).status_code == 428
    assert (await committee.put(path, json=body, headers={"if-match": '"1"'})).status_code == 412
    put = await committee.put(path, json=body, headers={"if-match": '"0"'})
    assert put.status_code == 200, put.text
    assert put.headers["etag"] == '"1"' and put.json()["recorded_by"] == "committee-1"

    c1 = await rollup(admin, f"/goals/{t.chain.committee['id']}/rollup")
    assert c1["fulfilment"]["assessment"] == "partly_fulfilled"  # computed is unchanged ...
    assert c1["committee_verdict"]["assessment"] == "fulfilled"  # ... the verdict is beside it
    area = await rollup(admin, f"/goals/{t.chain.area['id']}/rollup")
    # A: C1 counts fulfilled (override), C2 not reported → (1×1) / 1 = 1.0 → fulfilled.
    assert area["fulfilment"]["score"] == 1.0 and area["fulfilment"]["assessment"] == "fulfilled"
    assert area["explanation"]["overrides"] == [{
        "kind": "committee-verdict", "source_kind": "goal", "source_id": t.chain.committee["id"],
        "replaced": "partly_fulfilled", "applied": "fulfilled",
    }]
    assert area["explanation"]["inputs"][0]["computed"]["assessment"] == "partly_fulfilled"


async def test_a_corrected_follow_up_shows_at_once(manager, admin, small_tree):
    t = small_tree
    follow_up = t.follow_ups[t.k2["id"]]
    corrected = await manager.patch(
        f"{G}/follow-ups/{follow_up['id']}", json={"outcome_value": 1.9, "assessment": "fulfilled", "analysis": None},
        headers={"if-match": '"1"'},
    )
    assert corrected.status_code == 200, corrected.text
    c1 = await rollup(admin, f"/goals/{t.chain.committee['id']}/rollup")
    # K1 and K2 fulfilled now: (1 + 1) / 2 = 1.0 → fulfilled, and the suggestion agrees: no override.
    assert c1["fulfilment"]["score"] == 1.0 and c1["fulfilment"]["assessment"] == "fulfilled"
    assert c1["explanation"]["overrides"] == []


async def test_rule_versions_and_weighting_by_commitments(admin, manager, small_tree):
    t = small_tree
    report = await manager.post(f"{G}/commitments/{t.k3['id']}/follow-ups", json={
        "period": "2015-T1", "outcome_value": 1.5, "assessment": "fulfilled",
    })
    assert report.status_code == 201, report.text
    area_path = f"/goals/{t.chain.area['id']}/rollup"
    # Equal weights: C1 partly (0.5), C2 fulfilled (1) → (0.5 + 1) / 2 = 0.75 → fulfilled.
    equal = await rollup(admin, area_path)
    assert equal["fulfilment"]["score"] == 0.75 and equal["fulfilment"]["assessment"] == "fulfilled"

    created = await admin.post(f"{G}/rollup-rules", json={
        "code": "by-commitments", "name_sv": "Vägt efter antal åtaganden", "scores": {
            "fulfilled": 1, "partly_fulfilled": 0.5, "not_fulfilled": 0}, "fulfilled_from": 0.75, "partly_from": 0.4,
        "min_coverage": 0.5, "weighting": "commitments",
    })
    assert created.status_code == 201, created.text
    assert created.json()["version"] == 1
    # C1 weighs its 2 commitments, C2 its 1: (2×0.5 + 1×1) / 3 = 2/3 → partly fulfilled.
    weighed = await rollup(admin, area_path, rule="by-commitments")
    assert weighed["fulfilment"]["score"] == pytest.approx(2 / 3)
    assert weighed["fulfilment"]["assessment"] == "partly_fulfilled"
    assert [i["weight"] for i in weighed["explanation"]["inputs"]] == [2.0, 1.0]

    # A second version of equal-weights, fulfilled from 0.5: newest by default, version 1 on request.
    second = await admin.post(f"{G}/rollup-rules", json={
        "code": "equal-weights", "name_sv": "Lika vikter, mildare", "scores": {
            "fulfilled": 1, "partly_fulfilled": 0.5, "not_fulfilled": 0}, "fulfilled_from": 0.5, "partly_from": 0.25,
    })
    assert second.status_code == 201 and second.json()["version"] == 2
    c1_path = f"/goals/{t.chain.committee['id']}/rollup"
    newest = await rollup(admin, c1_path)
    assert (newest["explanation"]["rule"]["version"], newest["fulfilment"]["assessment"]) == (2, "fulfilled")
    first = await rollup(admin, c1_path, rule_version=1)
    assert first["fulfilment"]["assessment"] == "partly_fulfilled"
    listed = (await admin.get(f"{G}/rollup-rules")).json()
    assert [(r["code"], r["version"]) for r in listed] == [("by-commitments", 1), ("equal-weights", 1), ("equal-weights", 2)]


async def test_bad_input_is_a_problem_and_changes_nothing(admin, committee, controller, small_tree, harness, tree):
    t = small_tree
    goal_path = f"/goals/{t.chain.committee['id']}/rollup"
    await rollup(admin, goal_path, 422, period="2015-T4")
    assert (await rollup(admin, goal_path, 422, period="2014-T1"))["type"].endswith("/period-outside-goal")
    assert (await rollup(admin, goal_path, 422, rule_version=9))["type"].endswith("/rule-not-found")
    rule = {"code": "x", "name_sv": "X", "scores": {"fulfilled": 1, "partly_fulfilled": 0.5, "not_fulfilled": 0},
            "fulfilled_from": 1.5, "partly_from": 0.4}
    assert (await admin.post(f"{G}/rollup-rules", json=rule)).status_code == 422
    assert (await admin.post(f"{G}/rollup-rules", json=rule | {"fulfilled_from": 0.3})).json()["type"].endswith("/thresholds-not-ordered")
    upside_down = rule | {"fulfilled_from": 0.8, "scores": {"fulfilled": 0, "partly_fulfilled": 0.5, "not_fulfilled": 1}}
    assert (await admin.post(f"{G}/rollup-rules", json=upside_down)).json()["type"].endswith("/scores-not-ordered")
    assert [r["code"] for r in (await admin.get(f"{G}/rollup-rules")).json()] == ["equal-weights"]

    verdict = {"assessment": "fulfilled", "analysis": "Bra."}
    bad_period = await committee.put(f"{G}/goals/{t.chain.committee['id']}/verdicts/2015-T9", json=verdict, headers={"if-match": '"0"'})
    assert bad_period.status_code == 422
    outside = await committee.put(f"{G}/goals/{t.chain.committee['id']}/verdicts/2016-T1", json=verdict, headers={"if-match": '"0"'})
    assert outside.status_code == 422 and outside.json()["type"].endswith("/period-outside-goal")
    # A controller reads but does not give the committee's verdict; nor does a committee judge the city's goal.
    assert (await controller.put(f"{G}/goals/{t.chain.committee['id']}/verdicts/2015-T1", json=verdict,
                                 headers={"if-match": '"0"'})).status_code == 403
    assert (await committee.put(f"{G}/goals/{t.chain.area['id']}/verdicts/2015-T1", json=verdict,
                                headers={"if-match": '"0"'})).status_code == 403
    assert (await admin.get(f"{G}/goals/{t.chain.committee['id']}/verdicts/2015-T1")).status_code == 404
    # The city's roll-up is read with the city in scope only.
    assert (await controller.get(f"{G}/rollup", params={"period": "2015-T1"})).status_code == 403


async def test_the_version_in_force_on_the_periods_last_day_names_the_goal(small_tree, workflow, controller, tree):
    """K3 supports C2 until the committee moves it to C1 from 2015-06-01 (its version 2). At 2015-T1 (last day
    30 April) version 1 is in force: C1 rolls up K1 and K2, C2 rolls up K3. At 2015-T2 (last day 31 August)
    version 2 is: C1 rolls up K1, K2 and K3 (by title), none of them followed up for T2 yet, and C2 nothing. The
    committee's live T2 report shows K3 at version 2 under C1, in the goal's explanation too."""
    t = small_tree
    c1, c2 = t.chain.committee["id"], t.c2["id"]
    changed = await workflow.act(
        workflow.committee, f"{G}/commitments/{t.k3['id']}/changes",
        {"decision": workflow.decision("2015-06-01", "SDN 2015/88 § 4"), "committee_goal_id": c1},
    )
    assert changed["version"]["version"] == 2

    def inputs(result: dict) -> list[str]:
        return [item["id"] for item in result["explanation"]["inputs"]]

    assert inputs(await rollup(controller, f"/goals/{c1}/rollup")) == [t.k1["id"], t.k2["id"]]
    assert inputs(await rollup(controller, f"/goals/{c2}/rollup")) == [t.k3["id"]]
    at_t2 = await rollup(controller, f"/goals/{c1}/rollup", period="2015-T2")
    assert inputs(at_t2) == [t.k1["id"], t.k2["id"], t.k3["id"]]
    assert shares(at_t2["distribution"])["not_reported"] == (3, 1.0)
    assert inputs(await rollup(controller, f"/goals/{c2}/rollup", period="2015-T2")) == []

    response = await controller.get(f"{G}/committees/{tree.ids['SDN-SPT']}/reports/live", params={"period": "2015-T2"})
    assert response.status_code == 200, response.text
    report = response.json()
    k3 = next(item for item in report["commitments"] if item["id"] == t.k3["id"])
    assert (k3["version"], k3["committee_goal_id"]) == (2, c1)
    goals = {goal["id"]: goal for goal in report["goals"]}
    assert [item["id"] for item in goals[c1]["explanation"]["inputs"]] == [t.k1["id"], t.k2["id"], t.k3["id"]]
    assert goals[c2]["explanation"]["inputs"] == []
