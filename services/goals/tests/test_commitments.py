"""Commitments (åtaganden): workflow, credibility assessment, adoption with the plan, versions by decision."""

import json
import uuid

from sqlalchemy import select

from servicekit.tables import OutboxEvent

from goals.commitments import service

COMMITMENTS, PLANS = "/goals/v1/commitments", "/goals/v1/business-plans"


async def _events(harness, *, subject=None) -> list[dict]:
    query = select(OutboxEvent.envelope).order_by(OutboxEvent.position)
    if subject is not None:
        query = query.where(OutboxEvent.subject == str(subject))
    return [envelope for (envelope,) in await harness.session.execute(query)]


async def test_a_commitment_is_drafted_submitted_approved_and_adopted_with_its_plan(harness, workflow, plan, full_commitment):
    created = await workflow.create(full_commitment(plan["id"]))
    path = f"{COMMITMENTS}/{created['id']}"
    submitted = await workflow.act(workflow.manager, f"{path}/submission")
    approved = await workflow.act(workflow.controller, f"{path}/assessment", {"outcome": "approved", "comment": "Trovärdigt."})
    adopted_plan = await workflow.adopt_plan(plan["id"], "2014-12-15")
    adopted = (await workflow.manager.get(path)).json()

    assert (created["status"], submitted["status"], approved["status"]) == ("draft", "submitted", "approved")
    assert created["version"]["effective_from"] is None and created["year"] == 2015
    assert adopted_plan["status"] == "adopted" and adopted_plan["decision"]["recorded_by"] == "committee-1"
    assert [(c["id"], c["status"]) for c in adopted_plan["commitments"]] == [(created["id"], "adopted")]
    assert adopted["status"] == "adopted" and adopted["version"]["effective_from"] == "2014-12-15"
    assert adopted["version"]["decision"]["reference"] == "SDN 2015/12 § 7"
    assert adopted["assessment"]["outcome"] == "approved" and "assessed_by" not in adopted["assessment"]
    types = [event["type"] for event in await _events(harness, subject=created["id"])]
    assert types == [
        "goals.commitment.drafted", "goals.commitment.submitted", "goals.commitment.assessed", "goals.commitment.adopted",
    ]
    plan_events = await _events(harness, subject=plan["id"])
    assert [e["type"] for e in plan_events] == ["goals.business-plan.adopted"]
    assert plan_events[0]["data"]["business_plan"]["adopted_commitment_ids"] == [created["id"]]


async def test_events_carry_the_full_state_without_subject_ids_of_staff(harness, workflow, plan, full_commitment, tree):
    created = await workflow.create(full_commitment(plan["id"]))
    await workflow.approve(created["id"])
    events = await _events(harness, subject=created["id"])
    state = events[-1]["data"]["commitment"]

    assert state["proposed_from_finding_id"] is None and state["status"] == "approved"
    assert state["versions"][0]["expected_result"]["target"] == 2
    assert state["versions"][0]["responsible_unit_id"] == str(tree.ids["SDF-SPT-STAB-VU"])
    text = json.dumps(events)
    assert "manager-vu" not in text and "controller-1" not in text


async def test_nobody_assesses_or_adopts_a_commitment_they_wrote(harness, workflow, plan, full_commitment, tree, outbox_count):
    spt = tree.ids["SDN-SPT"]
    async with harness.client(roles=("unit_manager", "controller", "committee"), org=(spt,), subject="all-hats") as author:
        created = await author.post(COMMITMENTS, json=full_commitment(plan["id"]))
        path = f"{COMMITMENTS}/{created.json()['id']}"
        await workflow.act(author, f"{path}/submission")
        before = await outbox_count()
        own_assessment = await author.post(f"{path}/assessment", json={"outcome": "approved"}, headers={"if-match": '"2"'})
        await workflow.act(workflow.controller, f"{path}/assessment", {"outcome": "approved"})
        own_adoption = await author.post(
            f"{PLANS}/{plan['id']}/adoption", json={"decision": workflow.decision("2014-12-15")},
            headers={"if-match": await workflow.etag(author, f"{PLANS}/{plan['id']}")},
        )

    assert own_assessment.status_code == 403 and own_assessment.json()["type"].endswith("/own-submission")
    assert own_adoption.status_code == 403 and own_adoption.json()["type"].endswith("/own-submission")
    assert (await workflow.manager.get(f"{PLANS}/{plan['id']}")).json()["status"] == "draft"
    assert await outbox_count() == before + 1  # only the controller's assessment


async def test_a_returned_commitment_carries_the_comment_until_it_is_submitted_again(workflow, plan, full_commitment):
    created = await workflow.create(full_commitment(plan["id"]))
    path = f"{COMMITMENTS}/{created['id']}"
    await workflow.act(workflow.manager, f"{path}/submission")
    no_comment = await workflow.act(workflow.controller, f"{path}/assessment", {"outcome": "returned"}, expect=422)
    returned = await workflow.act(workflow.controller, f"{path}/assessment", {"outcome": "returned", "comment": "Mätbart resultat saknas."})
    edited = await workflow.manager.patch(path, json={"resource_use": "Två timmar per vecka."}, headers={"if-match": f'"{returned["revision"]}"'})
    resubmitted = await workflow.act(workflow.manager, f"{path}/submission")
    approved = await workflow.act(workflow.controller, f"{path}/assessment", {"outcome": "approved"})
    reedited = await workflow.manager.patch(path, json={"resource_use": "Tre timmar."}, headers={"if-match": f'"{approved["revision"]}"'})

    assert no_comment["type"].endswith("/validation-error")
    assert returned["status"] == "returned" and returned["assessment"]["comment"] == "Mätbart resultat saknas."
    assert edited.status_code == 200 and edited.json()["status"] == "returned"
    assert edited.json()["version"]["resource_use"] == "Två timmar per vecka."
    assert resubmitted["status"] == "submitted"
    # Editing what was approved sends it back to draft: the assessment no longer covers it.
    assert reedited.json()["status"] == "draft" and reedited.json()["assessment"] is None


async def test_submission_needs_the_committee_goal_expected_result_and_responsible_person(workflow, plan):
    created = await workflow.create({"business_plan_id": plan["id"], "title": "Budgetprocessen är tydlig"})
    refused = await workflow.act(workflow.manager, f"{COMMITMENTS}/{created['id']}/submission", expect=422)

    assert refused["type"].endswith("/incomplete-commitment")
    assert refused["missing"] == ["committee_goal_id", "expected_result", "ways_of_working", "follow_up_plan", "responsible"]
    assert (await workflow.manager.get(f"{COMMITMENTS}/{created['id']}")).json()["status"] == "draft"


async def test_a_commitment_outside_its_units_year_or_on_an_unknown_indicator_is_refused(
    workflow, manager, tree, chain, full_commitment, outbox_count
):
    vu = str(tree.ids["SDF-SPT-STAB-VU"])
    plan_2016 = (await manager.post(PLANS, json={"unit_id": vu, "year": 2016})).json()
    before = await outbox_count()
    outside_year = await manager.post(COMMITMENTS, json=full_commitment(plan_2016["id"]))
    unit_not_yet = await manager.post(PLANS, json={"unit_id": vu, "year": 2014})
    plan_2015 = (await manager.post(PLANS, json={"unit_id": vu, "year": 2015})).json()
    second_plan = await manager.post(PLANS, json={"unit_id": vu, "year": 2015})
    unknown = full_commitment(plan_2015["id"])
    unknown["expected_result"] = unknown["expected_result"] | {"indicator_id": str(uuid.uuid4())}
    unknown_indicator = await manager.post(COMMITMENTS, json=unknown)
    wrong_way = full_commitment(plan_2015["id"])
    wrong_way["expected_result"] = wrong_way["expected_result"] | {"comparison": "at_least"}
    against_polarity = await manager.post(COMMITMENTS, json=wrong_way)
    on_area_goal = await manager.post(COMMITMENTS, json=full_commitment(plan_2015["id"], committee_goal_id=chain.area["id"]))

    assert outside_year.status_code == 422 and outside_year.json()["type"].endswith("/commitment-outside-year")
    assert unit_not_yet.status_code == 422 and unit_not_yet.json()["type"].endswith("/unit-not-in-effect")
    assert second_plan.status_code == 422 and second_plan.json()["business_plan_id"] == plan_2015["id"]
    assert unknown_indicator.status_code == 422 and unknown_indicator.json()["type"].endswith("/indicator-not-found")
    assert against_polarity.status_code == 422 and against_polarity.json()["type"].endswith("/comparison-against-polarity")
    assert on_area_goal.status_code == 422 and on_area_goal.json()["type"].endswith("/not-a-committee-goal")
    assert (await manager.get(COMMITMENTS)).json()["items"] == []
    assert await outbox_count() == before


async def test_an_adopted_commitment_changes_only_by_decision_and_keeps_the_earlier_version(workflow, plan, full_commitment):
    created = await workflow.create(full_commitment(plan["id"]))
    path = f"{COMMITMENTS}/{created['id']}"
    await workflow.approve(created["id"])
    await workflow.adopt_plan(plan["id"], "2014-12-15")
    etag = await workflow.etag(workflow.manager, path)
    patched = await workflow.manager.patch(path, json={"resource_use": "Mindre."}, headers={"if-match": etag})
    without_decision = await workflow.committee.post(f"{path}/changes", json={"resource_use": "Mindre."}, headers={"if-match": etag})
    too_early = await workflow.committee.post(
        f"{path}/changes", json={"decision": workflow.decision("2014-11-01")} | {"resource_use": "Mindre."}, headers={"if-match": etag},
    )
    by_manager = await workflow.manager.post(
        f"{path}/changes", json={"decision": workflow.decision("2015-06-01")} | {"resource_use": "Mindre."}, headers={"if-match": etag},
    )
    new_target = full_commitment(plan["id"])["expected_result"] | {"target": 1.5, "description": "Sjukfrånvaron är lägre än 1,5 procent."}
    changed = await workflow.act(
        workflow.committee, f"{path}/changes",
        {"decision": workflow.decision("2015-06-01", "SDN 2015/88 § 4"), "expected_result": new_target},
    )

    assert patched.status_code == 422 and patched.json()["type"].endswith("/decision-required")
    assert without_decision.status_code == 422 and without_decision.json()["type"].endswith("/validation-error")
    assert too_early.status_code == 422 and too_early.json()["type"].endswith("/effective-date-too-early")
    assert by_manager.status_code == 403
    assert changed["version"]["version"] == 2 and changed["versions"] == 2 and changed["status"] == "adopted"

    async def as_of(day: str):
        return await workflow.manager.get(path, params={"as_of": day})

    before, on_the_day, before_adoption = await as_of("2015-05-31"), await as_of("2015-06-01"), await as_of("2014-12-14")
    assert before.json()["version"]["expected_result"]["target"] == 2
    assert before.json()["version"]["decision"]["reference"] == "SDN 2015/12 § 7"
    assert on_the_day.json()["version"]["expected_result"]["target"] == 1.5
    assert on_the_day.json()["version"]["decision"] == {
        "reference": "SDN 2015/88 § 4", "decided_on": "2015-06-01", "body_id": str(workflow.tree.ids["SDN-SPT"]),
        "recorded_by": "committee-1",
    }
    assert before_adoption.status_code == 404 and before_adoption.json()["type"].endswith("/no-version-in-force")
    versions = (await workflow.manager.get(f"{path}/versions")).json()
    assert [(v["version"], v["effective_from"]) for v in versions] == [(1, "2014-12-15"), (2, "2015-06-01")]


async def test_updates_need_a_current_if_match_and_creates_replay_an_idempotency_key(workflow, plan, full_commitment, manager):
    body = full_commitment(plan["id"])
    first = await manager.post(COMMITMENTS, json=body, headers={"idempotency-key": "vp-2015-ami"})
    replay = await manager.post(COMMITMENTS, json=body, headers={"idempotency-key": "vp-2015-ami"})
    other_body = await manager.post(COMMITMENTS, json=body | {"title": "Annat"}, headers={"idempotency-key": "vp-2015-ami"})
    path = f"{COMMITMENTS}/{first.json()['id']}"
    missing = await manager.post(f"{path}/submission")
    stale = await manager.post(f"{path}/submission", headers={"if-match": '"7"'})

    assert first.status_code == replay.status_code == 201 and replay.json()["id"] == first.json()["id"]
    assert other_body.status_code == 422
    assert (missing.status_code, stale.status_code) == (428, 412)
    assert len((await manager.get(COMMITMENTS)).json()["items"]) == 1
    assert (await manager.get(path)).json()["status"] == "draft"


async def test_staff_act_only_in_their_scope_and_keys_only_read(harness, workflow, plan, full_commitment, tree):
    created = await workflow.create(full_commitment(plan["id"]))
    path = f"{COMMITMENTS}/{created['id']}"
    async with harness.client(roles=("unit_manager",), org=(tree.ids["SDF-SPT-IOF"],), subject="manager-iof") as other:
        other_create = await other.post(COMMITMENTS, json=full_commitment(plan["id"]))
        other_read = await other.get(path)
        other_list = (await other.get(COMMITMENTS)).json()["items"]
    async with harness.client(roles=("city_controller",)) as city:
        city_read = await city.get(path)
    async with harness.client(actor="system", roles=(), scopes=("goals:write",), subject="key-budget") as key:
        key_create = await key.post(COMMITMENTS, json=full_commitment(plan["id"]))
        key_read = await key.get(path)
    async with harness.client(actor="portal", roles=(), scopes=("feedback:submit",)) as portal:
        portal_read = await portal.get(path)
    own_list = (await workflow.manager.get(COMMITMENTS, params={"year": 2015})).json()["items"]

    assert other_create.status_code == other_read.status_code == 403 and other_list == []
    assert city_read.status_code == key_read.status_code == 200
    assert key_create.status_code == portal_read.status_code == 403
    assert [c["id"] for c in own_list] == [created["id"]]


async def test_the_line_of_sight_runs_from_the_vision_to_each_commitment(workflow, plan, full_commitment, chain, tree, manager):
    adopted = await workflow.create(full_commitment(plan["id"]))
    await workflow.approve(adopted["id"])
    await workflow.adopt_plan(plan["id"])
    loose = await workflow.create({"business_plan_id": plan["id"], "title": "Utkast utan nämndmål"})
    sight = (await manager.get("/goals/v1/line-of-sight", params={"unit_id": str(tree.ids["SDF-SPT-STAB-VU"]), "year": 2015})).json()
    from_staff = await manager.get(
        "/goals/v1/line-of-sight", params={"unit_id": str(tree.ids["SDF-SPT-STAB"]), "year": 2015, "include_below": "true"}
    )

    by_title = {item["title"]: item for item in sight["commitments"]}
    assert [link["title"] for link in by_title["Arbetsmiljön är god"]["chain"]] == [
        chain.vision["title"], chain.direction["title"], chain.area["title"], chain.committee["title"],
    ]
    assert [link["level"] for link in by_title["Arbetsmiljön är god"]["chain"]] == [
        "vision", "direction_goal", "area_goal", "committee_goal",
    ]
    assert by_title["Arbetsmiljön är god"]["complete"] is True
    assert by_title["Utkast utan nämndmål"]["chain"] == [] and by_title["Utkast utan nämndmål"]["complete"] is False
    # The manager's scope is the unit, so the department's view is out of scope for them.
    assert from_staff.status_code == 403
    assert loose["status"] == "draft"


async def test_a_finding_becomes_one_proposed_draft_and_waits_for_a_decision_when_the_plan_is_adopted(
    harness, workflow, plan, full_commitment, tree
):
    finding = uuid.uuid4()
    vu = tree.ids["SDF-SPT-STAB-VU"]
    await workflow.adopt_plan(plan["id"])
    proposed = await service.propose_from_finding(
        harness.session, finding_id=finding, unit_id=vu, year=2015, title="Behörighetskontroller i Paraply genomförs",
    )
    again = await service.propose_from_finding(harness.session, finding_id=finding, unit_id=vu, year=2015, title="Annan titel")
    next_year = await service.propose_from_finding(harness.session, finding_id=uuid.uuid4(), unit_id=vu, year=2016, title="Nästa år")
    path = f"{COMMITMENTS}/{proposed.id}"
    etag = await workflow.etag(workflow.manager, path)
    completed = full_commitment(plan["id"])
    del completed["business_plan_id"], completed["title"]
    await workflow.manager.patch(path, json=completed, headers={"if-match": etag})
    await workflow.approve(proposed.id)
    plan_again = await workflow.adopt_plan(plan["id"], expect=422)
    adopted = await workflow.act(workflow.committee, f"{path}/adoption", {"decision": workflow.decision("2015-09-10", "SDN 2015/140 § 9")})

    assert again.id == proposed.id and proposed.business_plan_id == uuid.UUID(plan["id"])
    assert proposed.status == "draft" and proposed.versions[0].committee_goal_id is None
    assert proposed.proposed_from_finding_id == finding
    assert next_year.year == 2016 and next_year.business_plan_id != proposed.business_plan_id
    assert plan_again["type"].endswith("/plan-adopted")
    assert adopted["status"] == "adopted" and adopted["version"]["effective_from"] == "2015-09-10"
    assert adopted["proposed_from_finding_id"] == str(finding)
    drafted = [e for e in await _events(harness, subject=proposed.id) if e["type"] == "goals.commitment.drafted"]
    assert drafted[0]["data"]["commitment"]["proposed_from_finding_id"] == str(finding)


async def test_a_commitment_is_closed_only_after_its_annual_follow_up(workflow, plan, full_commitment):
    created = await workflow.create(full_commitment(plan["id"]))
    await workflow.approve(created["id"])
    draft_close = await workflow.act(workflow.manager, f"{COMMITMENTS}/{created['id']}/closure", expect=422)
    await workflow.adopt_plan(plan["id"])
    early_close = await workflow.act(workflow.manager, f"{COMMITMENTS}/{created['id']}/closure", expect=422)

    assert draft_close["type"].endswith("/invalid-status")
    assert early_close["type"].endswith("/annual-follow-up-missing")
