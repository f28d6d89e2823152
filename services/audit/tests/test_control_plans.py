"""Internal-control plans: controls under the committee, reviewers outside the reviewed unit, adoption."""

from datetime import date

import pytest


async def _draft(people, tree):
    auditor = people(["internal_auditor"], subject="auditor-a")
    plan = (await auditor.post("/control-plans", {"committee_id": str(tree["SDN-SPT"]), "year": 2015}, expect=201)).json()
    return auditor, f"/control-plans/{plan['id']}", plan


async def test_a_new_plan_reviews_from_april_to_november(people, tree):
    _, _, plan = await _draft(people, tree)
    assert (plan["review_from"], plan["review_to"], plan["status"]) == ("2015-04-01", "2015-11-30", "draft")


@pytest.mark.parametrize(
    ("reviewed", "reviewer_unit", "reason"),
    [
        ("SDF-SPT-STAB", "SDF-SPT-STAB", "works in the reviewed unit"),
        ("SDF-SPT-STAB", "SDF-SPT-STAB-VU", "lies below the reviewed unit"),
        ("SDF-SPT-STAB-EKL", "SDF-SPT-STAB", "directly above the reviewed unit"),
    ],
)
async def test_a_reviewer_inside_the_reviewed_unit_is_refused(people, tree, year, log_rows, reviewed, reviewer_unit, reason):
    auditor, path, plan = await _draft(people, tree)
    refused = await auditor.post(f"{path}/items", year.item(reviewed=reviewed, reviewer_unit=reviewer_unit), expect=422, if_match_of=path)
    assert refused.json()["type"].endswith("/reviewer-not-independent")
    assert reason in refused.json()["detail"] and refused.json()["day"] == "2015-04-01"
    assert (await auditor.get(path)).json() == plan
    (entry,) = await log_rows(outcome="refused")
    assert entry["action"] == "add_control_item" and entry["after"]["problem"] == "reviewer-not-independent"


async def test_a_reviewer_two_levels_up_or_beside_is_independent(people, tree, year):
    auditor, path, _ = await _draft(people, tree)
    # The administration sits two levels above Ekonomi och lokaler; a sibling department is beside Förskola.
    await auditor.post(f"{path}/items", year.item(reviewed="SDF-SPT-STAB-EKL", reviewer_unit="SDF-SPT"), expect=201, if_match_of=path)
    plan = (await auditor.post(f"{path}/items", year.item(reviewed="SDF-SPT-FSK", reviewer_unit="SDF-SPT-AOF"), expect=201,
                               if_match_of=path)).json()
    assert len(plan["items"]) == 2


async def test_independence_holds_on_every_day_of_the_window_not_only_the_first(people, tree, year, move_unit):
    # From 1 July 2015 Enheten för verksamhetsutveckling moves under Förskola: independent in April, not from July.
    await move_unit("SDF-SPT-STAB-VU", "SDF-SPT-FSK", date(2015, 7, 1))
    auditor, path, _ = await _draft(people, tree)
    refused = await auditor.post(f"{path}/items", year.item(reviewed="SDF-SPT-FSK", reviewer_unit="SDF-SPT-STAB-VU"), expect=422,
                                 if_match_of=path)
    assert refused.json()["day"] == "2015-07-01"


async def test_controls_stay_within_the_committee_and_follow_the_years_risks(people, tree, year):
    auditor, path, _ = await _draft(people, tree)
    other = await auditor.post(f"{path}/items", year.item(reviewed="SDF-RKI", reviewer_unit="SDF-SPT-STAB"), expect=422, if_match_of=path)
    assert other.json()["type"].endswith("/unit-outside-committee")
    analysis = (await auditor.post("/risk-analyses", {"unit_id": str(tree["SDF-SPT-FSK"]), "year": 2015}, expect=201)).json()
    apath = f"/risk-analyses/{analysis['id']}"
    analysis = (await auditor.post(f"{apath}/risks", year.risk(in_control_plan=False), expect=201, if_match_of=apath)).json()
    not_marked = await auditor.post(f"{path}/items", year.item(risk_id=analysis["risks"][0]["id"]), expect=422, if_match_of=path)
    assert not_marked.json()["type"].endswith("/risk-not-for-plan")
    analysis = (await auditor.post(f"{apath}/risks", year.risk(), expect=201, if_match_of=apath)).json()
    plan = (await auditor.post(f"{path}/items", year.item(risk_id=analysis["risks"][1]["id"]), expect=201, if_match_of=path)).json()
    assert plan["items"][0]["risk_id"] == analysis["risks"][1]["id"]


async def test_the_committee_adopts_the_plan_and_the_event_carries_no_people(people, tree, year, outbox):
    plan = await year.adopted_plan(year=2015)
    assert plan["status"] == "adopted" and plan["adopted_by"] == "nämnd-1" and plan["requested_by"] == "auditor-a"
    (event,) = await outbox("audit.plan.adopted")
    payload = event["data"]["plan"]
    assert payload["committee_id"] == str(tree["SDN-SPT"]) and payload["year"] == 2015
    assert payload["items"][0]["reviewer_unit_id"] == str(tree["SDF-SPT-STAB-VU"])
    assert "granskare-1" not in str(event["data"]), "the reviewer's subject id stays in audit"
    auditor = people(["internal_auditor"])
    path = f"/control-plans/{plan['id']}"
    locked = await auditor.post(f"{path}/items", year.item(), expect=409, if_match_of=path)
    assert locked.json()["type"].endswith("/plan-not-draft")


async def test_only_the_committee_itself_adopts_and_not_the_requester(people, tree, year):
    both = people(["internal_auditor", "committee"], subject="same-person")
    plan = (await both.post("/control-plans", {"committee_id": str(tree["SDN-SPT"]), "year": 2015}, expect=201)).json()
    path = f"/control-plans/{plan['id']}"
    await both.post(f"{path}/items", year.item(), expect=201, if_match_of=path)
    await both.post(f"{path}/adoption-request", expect=200, if_match_of=path)
    own = await both.post(f"{path}/adoption", year.decision(tree["SDN-SPT"], "2014-12-10"), expect=403, if_match_of=path)
    assert own.json()["type"].endswith("/own-request")
    committee = people(["committee"], subject="nämnd-1")
    wrong = await committee.post(f"{path}/adoption", year.decision(tree["SDF-SPT"], "2014-12-10"), expect=422, if_match_of=path)
    assert wrong.json()["type"].endswith("/invalid-decision-body")
    await committee.post(f"{path}/adoption", year.decision(tree["SDN-SPT"], "2014-12-10"), expect=428)
