"""Reviews → findings → action plans → follow-up → closing, and the carry-over of what remains."""

import uuid
from datetime import UTC, datetime

from contracts.goals import (
    COMMITMENT_DRAFTED,
    CommitmentChanged,
    CommitmentState,
    CommitmentVersion,
    FollowUpPlan,
    WaysOfWorking,
)

from servicekit.events.envelope import Envelope

from audit.jobs import carry_over


async def test_a_review_lies_in_the_window_of_an_adopted_plan_and_snapshots_the_method(people, tree, year):
    auditor = people(["internal_auditor"])
    draft = (await auditor.post("/control-plans", {"committee_id": str(tree["SDN-SPT"]), "year": 2015}, expect=201)).json()
    path = f"/control-plans/{draft['id']}"
    draft = (await auditor.post(f"{path}/items", year.item(), expect=201, if_match_of=path)).json()
    body = {"item_id": draft["items"][0]["id"], "performed_on": "2015-05-02", "sample": "20", "result": "no_remarks", "summary": "Ok."}
    not_adopted = await auditor.post("/reviews", body, expect=409)
    assert not_adopted.json()["type"].endswith("/plan-not-adopted")

    plan = await year.adopted_plan(year=2014)
    body["item_id"] = plan["items"][0]["id"]
    outside = await auditor.post("/reviews", body | {"performed_on": "2014-12-01"}, expect=422)
    assert outside.json()["type"].endswith("/outside-review-window")
    review = (await auditor.post("/reviews", body | {"performed_on": "2014-04-01"}, expect=201)).json()
    assert review["method"] == "Stickprov mot attestordningen"
    no_findings = await auditor.post(f"/reviews/{review['id']}/findings", {"severity": "low", "description": "x"}, expect=422)
    assert no_findings.json()["type"].endswith("/review-without-deficiencies")


async def test_the_year_of_a_finding_from_opening_to_closing(people, tree, year, outbox, log_rows):
    plan = await year.adopted_plan(year=2014)
    finding = await year.finding_with_action_plan(plan)
    path = f"/findings/{finding['id']}"
    assert finding["status"] == "open" and finding["action_plan"]["status"] == "planned"
    # Reviewed in 2014: followed up March–June 2015, carried over on 1 October 2015 into the plan for 2016.
    assert (finding["action_plan"]["follow_up_from"], finding["action_plan"]["follow_up_to"]) == ("2015-03-01", "2015-06-30")
    assert (finding["carry_over_on"], finding["carry_over_year"]) == ("2015-10-01", 2016)
    (opened,) = await outbox("audit.finding.opened")
    assert opened["data"]["finding"]["id"] == finding["id"] and "chef-fsk" not in str(opened)

    auditor, colleague = people(["internal_auditor"], subject="auditor-a"), people(["internal_auditor"], subject="auditor-b")
    owner = people(["unit_manager"], org_code="SDF-SPT-FSK", subject="chef-fsk")
    other_manager = people(["unit_manager"], org_code="SDF-SPT-AOF", subject="chef-aof")

    not_verified = await auditor.post(f"{path}/closure-request", expect=409, if_match_of=path)
    assert not_verified.json()["type"].endswith("/action-not-verified")

    await other_manager.patch(f"{path}/action-plan", {"status": "in_progress"}, expect=403, headers=await auditor.etag(path))
    await owner.patch(f"{path}/action-plan", {"deadline": "2016-01-01"}, expect=403, if_match_of=path)
    assert [f["id"] for f in (await owner.get("/findings")).json()["items"]] == [finding["id"]]
    assert (await other_manager.get("/findings")).json()["items"] == []
    await owner.patch(f"{path}/action-plan", {"status": "in_progress"}, expect=200, if_match_of=path)
    early = await auditor.post(f"{path}/action-plan/verification", {"verified_on": "2015-04-10", "effective": True, "note": "x"},
                               expect=409, if_match_of=path)
    assert early.json()["type"].endswith("/action-not-implemented")
    done = await owner.patch(f"{path}/action-plan", {"status": "implemented", "evidence": "Utbildning 2015-02-12, ny attestordning."},
                             expect=200, if_match_of=path)
    assert done.json()["action_plan"]["evidence"].startswith("Utbildning")

    the_owner_verifies = people(["internal_auditor", "unit_manager"], org_code="SDN-SPT", subject="chef-fsk")
    own = await the_owner_verifies.post(f"{path}/action-plan/verification",
                                        {"verified_on": "2015-04-10", "effective": True, "note": "x"}, expect=403, if_match_of=path)
    assert own.json()["type"].endswith("/own-request")
    weak = (await auditor.post(f"{path}/action-plan/verification",
                               {"verified_on": "2015-04-10", "effective": False, "note": "Två av tio fakturor utan attest."},
                               expect=200, if_match_of=path)).json()
    assert (weak["action_plan"]["effect"], weak["action_plan"]["status"]) == ("not_effective", "in_progress")
    await owner.patch(f"{path}/action-plan", {"status": "implemented"}, expect=200, if_match_of=path)
    verified = (await auditor.post(f"{path}/action-plan/verification",
                                   {"verified_on": "2015-05-15", "effective": True, "note": "Tio av tio fakturor attesterade."},
                                   expect=200, if_match_of=path)).json()
    assert verified["action_plan"]["effect"] == "effective" and verified["action_plan"]["verified_by"] == "auditor-a"

    await auditor.post(f"{path}/closure-request", expect=200, if_match_of=path)
    own_approval = await auditor.post(f"{path}/closure", expect=403, if_match_of=path)
    assert own_approval.json()["type"].endswith("/own-request")
    closed = (await colleague.post(f"{path}/closure", expect=200, if_match_of=path)).json()
    assert closed["status"] == "closed" and closed["closed_by"] == "auditor-b"
    (event,) = await outbox("audit.finding.closed")
    assert event["data"]["finding"]["status"] == "closed"
    after_close = await owner.patch(f"{path}/action-plan", {"evidence": "mer"}, expect=409, if_match_of=path)
    assert after_close.json()["type"].endswith("/finding-closed")

    refused = [(e["action"], e["after"]["problem"]) for e in await log_rows(outcome="refused")]
    assert refused == [
        ("request_finding_closure", "action-not-verified"), ("change_action_plan", "out-of-scope"),
        ("change_action_plan", "forbidden"), ("verify_action_plan", "action-not-implemented"),
        ("verify_action_plan", "own-request"), ("close_finding", "own-request"), ("change_action_plan", "finding-closed"),
    ]


async def test_a_finding_not_verified_effective_by_1_october_is_carried_over_once(harness, people, tree, year, outbox):
    plan = await year.adopted_plan(year=2014)
    finding = await year.finding_with_action_plan(plan)
    settings = harness.app.state.settings
    async with harness.app.state.sessionmaker() as session:
        await carry_over(session, settings, datetime(2015, 9, 30, 12, tzinfo=UTC))  # the day before: nothing yet
        await session.commit()
    assert await outbox("audit.finding.unresolved") == []
    async with harness.app.state.sessionmaker() as session:
        # 22:30 UTC on 30 September is already 1 October in Stockholm.
        await carry_over(session, settings, datetime(2015, 9, 30, 22, 30, tzinfo=UTC))
        await session.commit()
    (event,) = await outbox("audit.finding.unresolved")
    state = event["data"]["finding"]
    assert (state["id"], state["unresolved_on"], state["carry_over_year"], state["unit_id"]) == (
        finding["id"], "2015-10-01", 2016, str(tree["SDF-SPT-FSK"]),
    )
    assert state["action_plan"]["effect"] == "not_verified"
    admin = people(["admin"], org_code=None)
    again = (await admin.post("/carry-over-checks", {"as_of": "2015-10-02"}, expect=200)).json()
    assert again["unresolved"] == [] and len(await outbox("audit.finding.unresolved")) == 1
    await admin.post("/carry-over-checks", {"as_of": "2999-01-01"}, expect=422)
    await people(["internal_auditor"]).post("/carry-over-checks", {}, expect=403)


async def test_a_verified_finding_is_not_carried_over(people, tree, year, outbox):
    plan = await year.adopted_plan(year=2014)
    finding = await year.finding_with_action_plan(plan)
    path = f"/findings/{finding['id']}"
    await people(["unit_manager"], org_code="SDF-SPT-FSK", subject="chef-fsk").patch(
        f"{path}/action-plan", {"status": "implemented"}, expect=200, if_match_of=path)
    await people(["internal_auditor"], subject="auditor-a").post(
        f"{path}/action-plan/verification", {"verified_on": "2015-05-15", "effective": True, "note": "ok"}, expect=200, if_match_of=path)
    result = (await people(["admin"], org_code=None).post("/carry-over-checks", {"as_of": "2015-10-01"}, expect=200)).json()
    assert result["unresolved"] == [] and await outbox("audit.finding.unresolved") == []


def _commitment_event(finding_id, *, unit_id, revision: int, status: str, title: str) -> Envelope:
    version = CommitmentVersion(
        version=1, effective_from=None, decision=None, title=title, committee_goal_id=None,
        ways_of_working=WaysOfWorking(), follow_up_plan=FollowUpPlan(), responsible_unit_id=None,
    )
    state = CommitmentState(
        id=uuid.UUID(int=7), revision=revision, business_plan_id=uuid.UUID(int=8), unit_id=unit_id, year=2016,
        status=status, proposed_from_finding_id=uuid.UUID(finding_id), versions=[version],
    )
    return Envelope(source="/goals", type=COMMITMENT_DRAFTED, subject=str(state.id),
                    data=CommitmentChanged(commitment=state).model_dump(mode="json"))


async def test_the_finding_shows_the_commitment_goals_proposed_from_it(people, tree, year, apply_event):
    plan = await year.adopted_plan(year=2014)
    finding = await year.finding_with_action_plan(plan)
    unit = tree["SDF-SPT-FSK"]
    newer = _commitment_event(finding["id"], unit_id=unit, revision=2, status="submitted", title="Attestordningen följs")
    older = _commitment_event(finding["id"], unit_id=unit, revision=1, status="draft", title="Kvarstående brist: attest")
    assert await apply_event(newer) and await apply_event(older)  # out of order: the newest revision wins
    assert not await apply_event(newer), "a redelivered event changes nothing"
    shown = (await people(["controller"]).get(f"/findings/{finding['id']}")).json()
    assert shown["proposed_commitments"] == [{
        "commitment_id": str(uuid.UUID(int=7)), "business_plan_id": str(uuid.UUID(int=8)), "unit_id": str(unit),
        "year": 2016, "status": "submitted", "title": "Attestordningen följs", "revision": 2,
    }]
