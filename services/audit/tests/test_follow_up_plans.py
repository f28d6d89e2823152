"""The yearly follow-up plan weighted by risk: hand-computed scores, their explanation, the proposed types,
versioned weights, adoption by decision, planned against done; bad input changes nothing and is logged."""

import pytest
from sqlalchemy import func, select

from audit.follow_up_plans.tables import follow_up_plans, risk_weights

# The city's default weights (migration 0006) and thresholds, written out here to compute by hand.
W = {"open_findings": 2, "serious_findings": 3, "escalations": 5, "lex_sarah_cases": 1, "places": 0.02, "annual_value_msek": 0.05}
LEX_SARAH_TEXT = "Brukaren lämnades ensam under natten."
ALL_TYPES = ["document_review", "visit", "unannounced_visit", "night_visit", "user_survey"]


@pytest.fixture
def auditor(people):
    return people(["internal_auditor"], subject="auditor-a")


async def _finding(auditor, contract: dict, *, on: str, requirement: int, severity: str, resolved: bool | None,
                   escalate_on: str | None = None) -> dict:
    """A follow-up on ``on`` with one finding; optionally an action plan and its re-check, and an escalation."""
    follow_up = (await auditor.post(f"/contracts/{contract['id']}/follow-ups", {
        "type": "night_visit" if severity == "serious" else "visit", "performed_on": on, "summary": "Uppföljning."}, expect=201)).json()
    finding = (await auditor.post(f"/contract-follow-ups/{follow_up['id']}/findings", {
        "requirement_id": contract["requirements"][requirement]["id"], "severity": severity, "description": "Brist."},
        expect=201)).json()
    path = f"/contract-findings/{finding['id']}"
    if resolved is None:
        return finding
    await auditor.put(f"{path}/action-plan", {"action": "Åtgärd.", "deadline": "2014-12-31", "submitted_on": on}, expect=200,
                      if_match_of=path)
    finding = (await auditor.post(f"{path}/recheck", {"rechecked_on": "2014-12-15", "resolved": resolved, "note": "Återkontroll."},
                                  expect=200, if_match_of=path)).json()
    if escalate_on:
        finding = (await auditor.post(f"{path}/escalation", {"escalated_on": escalate_on, "reason": "Risk för de boende."},
                                      expect=200, if_match_of=path)).json()
    return finding


@pytest.fixture
async def year_2014(people, tree, contractor, contract_body, auditor):
    """Spånga-Tensta's contracts and what 2014 showed of them: findings, an escalation and lex Sarah reports."""
    care_home = (await auditor.post("/contracts", contract_body(
        contractor, places=60, annual_value_sek=40_000_000, night_operations=True), expect=201)).json()
    in_house = (await auditor.post("/contracts", contract_body(
        tree["SDF-SPT-AOF-01"], reference="SDF 2014/1", places=40, night_operations=True), expect=201)).json()
    preschool = (await auditor.post("/contracts", contract_body(
        tree["SDF-SPT-FSK-01"], reference="SDF 2015/7", valid_from="2015-01-01", valid_to="2015-12-31", places=80,
        annual_value_sek=10_000_000), expect=201)).json()
    ended = (await auditor.post("/contracts", contract_body(
        tree["SDF-SPT-AOF-01"], reference="SDF 2012/3", valid_from="2012-01-01", valid_to="2014-12-31"), expect=201)).json()
    # The care home in 2014: a serious staffing deficiency that remained and was escalated, a minor one resolved.
    await _finding(auditor, care_home, on="2014-11-05", requirement=1, severity="serious", resolved=False, escalate_on="2015-01-15")
    await _finding(auditor, care_home, on="2014-04-02", requirement=0, severity="minor", resolved=True)
    # 2013 is not the year before 2015: a finding then does not count.
    await _finding(auditor, ended, on="2013-05-05", requirement=0, severity="major", resolved=None)
    # Lex Sarah: two reports at the contractor in 2014 count; one in 2015 and one at another unit do not.
    reporter = people(["unit_manager"], org_code="SDF-SPT-AOF", subject="undersköterska")
    for unit, day in ((contractor, "2014-03-03"), (contractor, "2014-09-09"), (contractor, "2015-01-10"),
                      (tree["SDF-SPT-FSK-01"], "2014-06-06")):
        await reporter.post("/lex-sarah/reports", {"unit_id": str(unit), "area": "elderly_care", "occurred_on": day,
                                                   "reported_on": day, "description": LEX_SARAH_TEXT}, expect=201)
    return {"care_home": care_home, "in_house": in_house, "preschool": preschool, "ended": ended}


def _parts(item: dict) -> dict:
    return {part["factor"]: (part["value"], part["weight"], part["points"]) for part in item["explanation"]}


async def test_the_plan_ranks_contracts_by_a_hand_computed_score_and_explains_it(auditor, tree, year_2014, log_rows):
    created = await auditor.post("/follow-up-plans", {"committee_id": str(tree["SDN-SPT"]), "year": 2015}, expect=201)
    plan = created.json()
    assert created.headers["location"] == f"/audit/v1/follow-up-plans/{plan['id']}" and created.headers["etag"] == '"1"'
    assert plan["status"] == "draft" and plan["weights"]["committee_id"] is None and plan["weights"]["version"] == 1
    # Care home: 1 open × 2 + 1 serious × 3 + 1 escalated × 5 + 2 lex Sarah reports × 1 + 60 places × 0.02 + 40 MSEK × 0.05
    care_home = 15.2  # = 2 + 3 + 5 + 2 + 1.2 + 2
    preschool = 3.1  # = 80 places × 0.02 + 10 MSEK × 0.05 + 1 lex Sarah report × 1 = 1.6 + 0.5 + 1
    in_house = 0.8  # = 40 places × 0.02; no findings, no reports, no value recorded
    items = plan["items"]
    assert [(i["contract_reference"], i["rank"], i["score"]) for i in items] == [
        ("SDN 2013/45", 1, care_home), ("SDF 2015/7", 2, preschool), ("SDF 2014/1", 3, in_house)]  # SDF 2012/3 ended in 2014
    assert _parts(items[0]) == {
        "open_findings": (1, 2, 2), "serious_findings": (1, 3, 3), "escalations": (1, 5, 5), "lex_sarah_cases": (2, 1, 2),
        "places": (60, 0.02, 1.2), "annual_value_msek": (40, 0.05, 2)}
    assert _parts(items[2])["annual_value_msek"] == (None, 0.05, 0)
    # Thresholds: visit 3, user survey 4, unannounced 8, night 12 (night only with night operations).
    assert items[0]["proposed_types"] == ALL_TYPES and items[0]["kind"] == "contract"
    assert items[1]["proposed_types"] == ["document_review", "visit"] and items[1]["kind"] == "operations"
    assert items[2]["proposed_types"] == ["document_review"]
    assert items[0]["planned_types"] == items[0]["proposed_types"]
    assert plan["summary"] | {"by_type": None} == {"planned": 8, "done": 0, "unplanned": 0, "follow_ups": 0,
                                                   "by_kind": {"contract": 0, "operations": 0}, "by_type": None}
    (entry,) = await log_rows(action="follow_up_plan.created")
    assert entry["committee_id"] == tree["SDN-SPT"] and entry["after"]["items"][0]["score"] == care_home
    # The lex Sarah factor is a count: nothing of a case reaches the plan or its log entry.
    assert LEX_SARAH_TEXT not in created.text and LEX_SARAH_TEXT not in str(entry)
    again = await auditor.post("/follow-up-plans", {"committee_id": str(tree["SDN-SPT"]), "year": 2015}, expect=409)
    assert again.json()["type"].endswith("/follow-up-plan-exists")


async def test_a_new_weights_version_rescores_a_draft_and_the_adopted_plan_keeps_its_version(
    people, auditor, tree, year_2014, log_rows,
):
    plan = (await auditor.post("/follow-up-plans", {"committee_id": str(tree["SDN-SPT"]), "year": 2015}, expect=201)).json()
    weights = {**W, "escalations": 10, "places": 0}
    thresholds = {"visit": 3, "user_survey": 4, "unannounced_visit": 8, "night_visit": 12}
    version = (await auditor.post("/follow-up-risk-weights", {
        "committee_id": str(tree["SDN-SPT"]), "weights": weights, "thresholds": thresholds,
        "note": "Eskaleringar väger tyngre; platser räknas inte."}, expect=201)).json()
    assert version["version"] == 1 and version["committee_id"] == str(tree["SDN-SPT"])
    path = f"/follow-up-plans/{plan['id']}"
    plan = (await auditor.post(f"{path}/recalculation", expect=200, if_match_of=path)).json()
    # Care home: 2 + 3 + 10 + 2 + 0 + 2 = 19; preschool: 1 + 0.5; in-house: 0.
    assert [(i["contract_reference"], i["score"]) for i in plan["items"]] == [("SDN 2013/45", 19), ("SDF 2015/7", 1.5),
                                                                              ("SDF 2014/1", 0)]
    assert plan["weights"]["id"] == version["id"] and plan["revision"] == 2
    versions = (await auditor.get("/follow-up-risk-weights", params={"committee_id": str(tree["SDN-SPT"])})).json()
    assert [(v["committee_id"], v["version"]) for v in versions] == [(None, 1), (str(tree["SDN-SPT"]), 1)]
    committee = people(["committee"], subject="nämnd-1")
    adopted = (await committee.post(f"{path}/adoption", {"reference": "SDN 2014/500 § 8", "decided_on": "2014-12-11",
                                                         "body_id": str(tree["SDN-SPT"])}, expect=200, if_match_of=path)).json()
    assert adopted["status"] == "adopted" and adopted["decision"]["recorded_by"] == "nämnd-1"
    # A later version changes nothing in the adopted plan.
    await auditor.post("/follow-up-risk-weights", {"committee_id": str(tree["SDN-SPT"]), "weights": W, "thresholds": thresholds,
                                                   "note": "Tillbaka."}, expect=201)
    assert (await auditor.get(path)).json()["weights"]["id"] == version["id"]
    for refused in (await auditor.post(f"{path}/recalculation", expect=409, if_match_of=path),
                    await auditor.put(f"{path}/items/{adopted['items'][0]['id']}", {"planned_types": ["visit"]}, expect=409,
                                      if_match_of=path)):
        assert refused.json()["type"].endswith("/follow-up-plan-not-draft")
    actions = [e["action"] for e in await log_rows(outcome="done") if e["entity_type"] in ("follow_up_plan", "follow_up_risk_weights")]
    assert actions == ["follow_up_plan.created", "follow_up_weights.created", "follow_up_plan.recalculated",
                       "follow_up_plan.adopted", "follow_up_weights.created"]


async def test_planned_follow_ups_link_to_the_follow_ups_done(people, auditor, tree, year_2014):
    plan = (await auditor.post("/follow-up-plans", {"committee_id": str(tree["SDN-SPT"]), "year": 2015}, expect=201)).json()
    path = f"/follow-up-plans/{plan['id']}"
    in_house = next(i for i in plan["items"] if i["contract_reference"] == "SDF 2014/1")
    # The committee wants a night inspection of every care home: planned for the in-house one too.
    changed = (await auditor.put(f"{path}/items/{in_house['id']}", {
        "planned_types": ["night_visit", "document_review"], "note": "Oanmäld nattillsyn på alla boenden."}, expect=200,
        if_match_of=path)).json()
    item = next(i for i in changed["items"] if i["id"] == in_house["id"])
    assert item["planned_types"] == ["document_review", "night_visit"] and item["proposed_types"] == ["document_review"]
    await auditor.put(f"{path}/items/{in_house['id']}", {"planned_types": ["visit", "visit"]}, expect=422, if_match_of=path)
    committee = people(["committee"], subject="nämnd-1")
    await committee.post(f"{path}/adoption", {"reference": "SDN 2014/500 § 8", "decided_on": "2014-12-11",
                                              "body_id": str(tree["SDN-SPT"])}, expect=200, if_match_of=path)
    care_home, in_house_contract = year_2014["care_home"], year_2014["in_house"]
    done = {}
    for contract, follow_up_type, day in ((care_home, "document_review", "2015-03-01"), (care_home, "night_visit", "2015-10-10"),
                                          (in_house_contract, "night_visit", "2015-10-10"), (in_house_contract, "visit", "2015-05-05"),
                                          (care_home, "visit", "2014-12-30")):  # the last one is 2014's, not the plan year's
        done[(contract["reference"], follow_up_type, day[:4])] = (await auditor.post(f"/contracts/{contract['id']}/follow-ups", {
            "type": follow_up_type, "performed_on": day, "summary": "Uppföljning."}, expect=201)).json()["id"]
    plan = (await auditor.get(path)).json()
    items = {i["contract_reference"]: i for i in plan["items"]}
    progress = {p["type"]: (p["planned"], p["follow_up_ids"]) for p in items["SDN 2013/45"]["progress"]}
    assert progress == {"document_review": (True, [done[("SDN 2013/45", "document_review", "2015")]]),
                        "visit": (True, []), "unannounced_visit": (True, []),
                        "night_visit": (True, [done[("SDN 2013/45", "night_visit", "2015")]]), "user_survey": (True, [])}
    assert not items["SDN 2013/45"]["done"]
    in_house_progress = {p["type"]: (p["planned"], p["follow_up_ids"]) for p in items["SDF 2014/1"]["progress"]}
    assert in_house_progress == {"document_review": (True, []), "visit": (False, [done[("SDF 2014/1", "visit", "2015")]]),
                                 "night_visit": (True, [done[("SDF 2014/1", "night_visit", "2015")]])}
    # Planned: 5 (care home) + 2 (preschool) + 2 (in-house) = 9; done: 2 + 0 + 1; one unplanned visit.
    summary = plan["summary"]
    assert (summary["planned"], summary["done"], summary["unplanned"], summary["follow_ups"]) == (9, 3, 1, 4)
    assert summary["by_kind"] == {"contract": 2, "operations": 2}
    assert summary["by_type"]["night_visit"] == 2 and summary["by_type"]["visit"] == 1


async def test_bad_weights_and_an_adoption_without_decision_change_nothing_and_are_logged(people, auditor, tree, year_2014,
                                                                                          harness, log_rows):
    async def versions() -> int:
        return await harness.session.scalar(select(func.count()).select_from(risk_weights))

    before = await versions()
    thresholds = {"visit": 3, "user_survey": 4, "unannounced_visit": 8, "night_visit": 12}
    body = {"committee_id": str(tree["SDN-SPT"]), "weights": W, "thresholds": thresholds, "note": "Ny version."}
    for bad, kind in (({**body, "weights": {**W, "places": 101}}, "validation-error"),
                      ({**body, "weights": {**W, "escalations": -1}}, "validation-error"),
                      ({**body, "weights": dict.fromkeys(W, 0)}, "weights-all-zero"),
                      ({**body, "thresholds": {**thresholds, "night_visit": 5}}, "thresholds-out-of-order")):
        refused = await auditor.post("/follow-up-risk-weights", bad, expect=422)
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"].endswith(f"/{kind}")
    assert await versions() == before
    logged = [e for e in await log_rows(outcome="refused") if e["action"] == "create_follow_up_risk_weights"]
    assert [e["after"]["problem"] for e in logged] == ["validation-error", "validation-error", "weights-all-zero",
                                                       "thresholds-out-of-order"]
    assert logged[0]["before"]["attempt"]["weights"]["places"] == 101

    plan = (await auditor.post("/follow-up-plans", {"committee_id": str(tree["SDN-SPT"]), "year": 2015}, expect=201)).json()
    path = f"/follow-up-plans/{plan['id']}"
    committee = people(["committee"], subject="nämnd-1")
    without = await committee.post(f"{path}/adoption", {}, expect=422, if_match_of=path)
    assert without.json()["type"].endswith("/validation-error")
    by_other = await committee.post(f"{path}/adoption", {"reference": "RKN 2014/1", "decided_on": "2014-12-11",
                                                         "body_id": str(tree["SDN-RKI"])}, expect=422, if_match_of=path)
    assert by_other.json()["type"].endswith("/invalid-decision-body")
    after = (await auditor.get(path)).json()
    assert after["status"] == "draft" and after["decision"] is None and after["revision"] == 1
    refusals = [e for e in await log_rows(outcome="refused") if e["action"] == "adopt_follow_up_plan"]
    assert [e["after"]["problem"] for e in refusals] == ["validation-error", "invalid-decision-body"]
    assert all(e["entity_id"] == plan["id"] for e in refusals)
    # Nor is a plan proposed for a unit that is not a committee.
    await auditor.post("/follow-up-plans", {"committee_id": str(tree["SDF-SPT"]), "year": 2015}, expect=422)
    assert await harness.session.scalar(select(func.count()).select_from(follow_up_plans)) == 1


async def test_an_empty_plan_is_not_adopted_and_other_committees_see_no_plan(people, tree):
    auditor = people(["internal_auditor"], org_code="SDN-RKI", subject="auditor-rki")
    plan = (await auditor.post("/follow-up-plans", {"committee_id": str(tree["SDN-RKI"]), "year": 2015}, expect=201)).json()
    assert plan["items"] == [] and plan["summary"]["planned"] == 0
    path = f"/follow-up-plans/{plan['id']}"
    committee = people(["committee"], org_code="SDN-RKI")
    empty = await committee.post(f"{path}/adoption", {"reference": "RKN 2014/1", "decided_on": "2014-12-11",
                                                      "body_id": str(tree["SDN-RKI"])}, expect=422, if_match_of=path)
    assert empty.json()["type"].endswith("/follow-up-plan-empty")
    spt = people(["internal_auditor"])
    assert (await spt.get("/follow-up-plans")).json()["items"] == []
    await spt.get(path, expect=403)
    assert [p["id"] for p in (await auditor.get("/follow-up-plans", params={"year": 2015})).json()["items"]] == [plan["id"]]
