"""Contracts with providers and their follow-ups: the complaint routine is required, a follow-up lies in the
contract period, a finding names a contract requirement and runs action plan → re-check; all in the audit log."""


async def test_a_contract_with_a_contractor_gets_its_committee_and_administration(people, tree, contractor, log_rows, contract_body):
    auditor = people(["internal_auditor"], subject="auditor-a")
    created = await auditor.post("/contracts", contract_body(contractor), expect=201)
    contract = created.json()
    assert created.headers["location"] == f"/audit/v1/contracts/{contract['id']}"
    assert contract["provider_kind"] == "contractor"
    assert contract["committee_id"] == str(tree["SDN-SPT"]) and contract["administration_id"] == str(tree["SDF-SPT"])
    assert [r["category"] for r in contract["requirements"]] == ["quality", "staffing", "complaint_routine"]
    assert (await auditor.get(f"/contracts/{contract['id']}")).json() == contract
    (entry,) = await log_rows(action="contract.created")
    assert entry["actor_subject"] == "auditor-a" and entry["after"]["reference"] == "SDN 2013/45"
    assert entry["committee_id"] == tree["SDN-SPT"]


async def test_an_in_house_unit_has_a_contract_too_and_its_follow_ups_are_operations_follow_ups(people, tree, contract_body):
    controller = people(["controller"])
    contract = (await controller.post("/contracts", contract_body(tree["SDF-SPT-AOF-01"], reference="SDF 2014/1"), expect=201)).json()
    assert contract["provider_kind"] == "in_house"
    follow_up = (await controller.post(f"/contracts/{contract['id']}/follow-ups", {
        "type": "document_review", "performed_on": "2014-05-12", "summary": "Tio genomförandeplaner granskade.",
    }, expect=201)).json()
    assert follow_up["kind"] == "operations"


async def test_a_contract_without_a_complaint_routine_is_refused_and_the_attempt_logged(people, contractor, log_rows, contract_body):
    auditor = people(["internal_auditor"], subject="auditor-a")
    body = contract_body(contractor)
    body["requirements"] = [r for r in body["requirements"] if r["category"] != "complaint_routine"]
    refused = await auditor.post("/contracts", body, expect=422)
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"].endswith("/complaint-routine-missing")
    assert (await auditor.get("/contracts")).json()["items"] == []
    (entry,) = await log_rows(outcome="refused")
    assert entry["action"] == "create_contract" and entry["after"]["problem"] == "complaint-routine-missing"
    # Nor without saying how quality is followed up, nor with a period that ends before it begins.
    await auditor.post("/contracts", contract_body(contractor, quality_follow_up=" "), expect=422)
    await auditor.post("/contracts", contract_body(contractor, valid_to="2013-12-31"), expect=422)


async def test_a_committee_or_administration_is_no_provider(people, tree, contract_body):
    auditor = people(["internal_auditor"])
    refused = await auditor.post("/contracts", contract_body(tree["SDF-SPT"]), expect=422)
    assert refused.json()["type"].endswith("/invalid-provider")


async def test_every_follow_up_type_inside_the_period_and_none_outside(people, contractor, log_rows, contract_body):
    auditor = people(["internal_auditor"], subject="auditor-a")
    contract = (await auditor.post("/contracts", contract_body(contractor), expect=201)).json()
    path = f"/contracts/{contract['id']}/follow-ups"
    days = {"document_review": "2014-03-10", "visit": "2014-04-02", "unannounced_visit": "2014-06-17",
            "night_visit": "2014-11-05", "user_survey": "2014-10-01"}
    for follow_up_type, day in days.items():
        await auditor.post(path, {"type": follow_up_type, "performed_on": day, "summary": "Uppföljning."}, expect=201)
    listed = (await auditor.get(path, params={"limit": 3})).json()
    assert [f["performed_on"] for f in listed["items"]] == ["2014-03-10", "2014-04-02", "2014-06-17"]
    rest = (await auditor.get(path, params={"limit": 3, "cursor": listed["next_cursor"]})).json()
    assert [f["type"] for f in rest["items"]] == ["user_survey", "night_visit"] and rest["next_cursor"] is None
    assert {f["kind"] for f in listed["items"] + rest["items"]} == {"contract"}
    # The day after the contract's last day, and the day before its first, are outside its period.
    for day in ("2017-01-01", "2013-12-31"):
        refused = await auditor.post(path, {"type": "visit", "performed_on": day, "summary": "x"}, expect=422)
        assert refused.json()["type"].endswith("/outside-contract-period")
    await auditor.post(path, {"type": "visit", "performed_on": "2016-12-31", "summary": "Sista dagen."}, expect=201)
    assert len(await log_rows(action="contract.follow_up_recorded")) == 6
    assert [e["before"]["attempt"]["performed_on"] for e in await log_rows(outcome="refused")] == ["2017-01-01", "2013-12-31"]


async def test_a_finding_runs_action_plan_then_recheck_and_may_remain(people, contractor, log_rows, contract_body):
    auditor = people(["internal_auditor"], subject="auditor-a")
    contract = (await auditor.post("/contracts", contract_body(contractor), expect=201)).json()
    staffing = contract["requirements"][1]["id"]
    night = (await auditor.post(f"/contracts/{contract['id']}/follow-ups", {
        "type": "night_visit", "performed_on": "2014-11-05", "summary": "Oanmäld nattinspektion.",
    }, expect=201)).json()
    findings = f"/contract-follow-ups/{night['id']}/findings"
    finding = (await auditor.post(findings, {"requirement_id": staffing, "severity": "serious",
                                              "description": "En undersköterska i tjänst natten till 6 november."}, expect=201)).json()
    assert finding["status"] == "open" and finding["requirement_id"] == staffing
    path = f"/contract-findings/{finding['id']}"
    # A re-check before any action plan is out of order.
    early = await auditor.post(f"{path}/recheck", {"rechecked_on": "2014-12-01", "resolved": True, "note": "x"},
                               expect=409, if_match_of=path)
    assert early.json()["type"].endswith("/no-action-plan")
    # The deadline must lie after the follow-up that found the deficiency.
    plan = {"action": "Schemat ändras så att två undersköterskor arbetar varje natt.", "deadline": "2014-11-05",
            "submitted_on": "2014-11-20"}
    await auditor.put(f"{path}/action-plan", plan, expect=422, if_match_of=path)
    planned = (await auditor.put(f"{path}/action-plan", plan | {"deadline": "2015-01-31"}, expect=200, if_match_of=path)).json()
    assert planned["status"] == "action_planned" and planned["action_plan"]["deadline"] == "2015-01-31"
    # A stale ETag changes nothing.
    await auditor.post(f"{path}/recheck", {"rechecked_on": "2015-02-10", "resolved": False, "note": "x"}, expect=412,
                       headers={"if-match": '"1"'})
    remaining = (await auditor.post(f"{path}/recheck", {
        "rechecked_on": "2015-02-10", "resolved": False, "note": "Fortfarande en undersköterska två nätter av tio.",
    }, expect=200, if_match_of=path)).json()
    assert remaining["status"] == "remaining" and remaining["revision"] == 3
    listed = (await auditor.get(f"/contracts/{contract['id']}/findings", params={"status": "remaining"})).json()["items"]
    assert [f["id"] for f in listed] == [finding["id"]]
    assert (await auditor.get(f"/contracts/{contract['id']}/findings", params={"status": "resolved"})).json()["items"] == []
    actions = [e["action"] for e in await log_rows(entity_type="contract_finding")]
    assert actions == ["contract.finding_recorded", "contract.action_plan_set", "contract.rechecked"]
    # After the re-check the plan can no longer be changed.
    late = await auditor.put(f"{path}/action-plan", plan | {"deadline": "2015-06-30"}, expect=409, if_match_of=path)
    assert late.json()["type"].endswith("/finding-rechecked")


async def test_a_finding_must_name_a_requirement_of_its_own_contract(people, tree, contractor, contract_body):
    auditor = people(["internal_auditor"])
    first = (await auditor.post("/contracts", contract_body(contractor), expect=201)).json()
    other = (await auditor.post("/contracts", contract_body(tree["SDF-SPT-AOF-01"], reference="SDF 2014/1"), expect=201)).json()
    visit = (await auditor.post(f"/contracts/{first['id']}/follow-ups", {
        "type": "visit", "performed_on": "2014-04-02", "summary": "Besök."}, expect=201)).json()
    refused = await auditor.post(f"/contract-follow-ups/{visit['id']}/findings", {
        "requirement_id": other["requirements"][0]["id"], "severity": "minor", "description": "x"}, expect=422)
    assert refused.json()["type"].endswith("/requirement-not-in-contract")


async def test_other_committees_see_nothing_and_the_city_controller_reads(people, contractor, contract_body):
    auditor = people(["internal_auditor"])
    contract = (await auditor.post("/contracts", contract_body(contractor), expect=201)).json()
    elsewhere = people(["internal_auditor"], org_code="SDN-RKI")
    assert (await elsewhere.get("/contracts")).json()["items"] == []
    await elsewhere.get(f"/contracts/{contract['id']}", expect=403)
    await elsewhere.post(f"/contracts/{contract['id']}/follow-ups", {"type": "visit", "performed_on": "2014-04-02",
                                                                    "summary": "x"}, expect=403)
    city = people(["city_controller"], org_code=None)
    assert [c["id"] for c in (await city.get("/contracts")).json()["items"]] == [contract["id"]]
    await city.post("/contracts", contract_body(contractor, reference="X"), expect=403)


async def _remaining_serious_deficiency(auditor, contract: dict) -> dict:
    """A night visit finds the staffing requirement broken; the re-check after the action plan finds it still broken."""
    night = (await auditor.post(f"/contracts/{contract['id']}/follow-ups", {
        "type": "night_visit", "performed_on": "2014-11-05", "summary": "Oanmäld nattinspektion."}, expect=201)).json()
    finding = (await auditor.post(f"/contract-follow-ups/{night['id']}/findings", {
        "requirement_id": contract["requirements"][1]["id"], "severity": "serious",
        "description": "En undersköterska i tjänst natten till 6 november."}, expect=201)).json()
    path = f"/contract-findings/{finding['id']}"
    await auditor.put(f"{path}/action-plan", {"action": "Två undersköterskor varje natt.", "deadline": "2015-01-31",
                                              "submitted_on": "2014-11-20"}, expect=200, if_match_of=path)
    return (await auditor.post(f"{path}/recheck", {"rechecked_on": "2015-02-10", "resolved": False,
                                                    "note": "Kvarstår två nätter av tio."}, expect=200, if_match_of=path)).json()


async def test_a_serious_remaining_deficiency_is_escalated_to_the_responsible_administration(
    people, tree, contractor, contract_body, outbox, log_rows,
):
    auditor = people(["internal_auditor"], subject="auditor-a")
    contract = (await auditor.post("/contracts", contract_body(contractor), expect=201)).json()
    finding = await _remaining_serious_deficiency(auditor, contract)
    path = f"/contract-findings/{finding['id']}"
    early = await auditor.post(f"{path}/escalation", {"escalated_on": "2015-02-09", "reason": "x"}, expect=422, if_match_of=path)
    assert early.json()["type"].endswith("/invalid-escalation-date")
    escalated = (await auditor.post(f"{path}/escalation", {"escalated_on": "2015-02-12", "reason": "Risk för de boendes säkerhet."},
                                    expect=200, if_match_of=path)).json()
    assert escalated["escalation"]["escalated_on"] == "2015-02-12"
    await auditor.post(f"{path}/escalation", {"escalated_on": "2015-02-13", "reason": "igen"}, expect=409, if_match_of=path)
    (event,) = await outbox("audit.contract.deficiency-escalated")
    data = event["data"]
    assert data["administration_id"] == str(tree["SDF-SPT"]) and data["requirement_code"] == "4.2"
    assert (data["found_on"], data["rechecked_on"], data["escalated_on"]) == ("2014-11-05", "2015-02-10", "2015-02-12")
    assert "auditor-a" not in str(event)  # who escalated stays in audit
    # Listed for the administration's internal auditors, not for another administration's.
    at_administration = people(["internal_auditor"], org_code="SDF-SPT")
    (listed,) = (await at_administration.get("/contract-escalations")).json()["items"]
    assert listed["finding"]["id"] == finding["id"] and listed["contract_reference"] == "SDN 2013/45"
    assert (await people(["internal_auditor"], org_code="SDF-RKI").get("/contract-escalations")).json()["items"] == []
    assert [e["action"] for e in await log_rows(entity_type="contract_finding")][-1] == "contract.deficiency_escalated"


async def test_only_a_serious_remaining_deficiency_is_escalated(people, contractor, contract_body):
    auditor = people(["internal_auditor"])
    contract = (await auditor.post("/contracts", contract_body(contractor), expect=201)).json()
    visit = (await auditor.post(f"/contracts/{contract['id']}/follow-ups", {
        "type": "visit", "performed_on": "2014-04-02", "summary": "Besök."}, expect=201)).json()
    open_finding = (await auditor.post(f"/contract-follow-ups/{visit['id']}/findings", {
        "requirement_id": contract["requirements"][0]["id"], "severity": "serious", "description": "Planer saknas."}, expect=201)).json()
    path = f"/contract-findings/{open_finding['id']}"
    refused = await auditor.post(f"{path}/escalation", {"escalated_on": "2014-05-01", "reason": "x"}, expect=409, if_match_of=path)
    assert refused.json()["type"].endswith("/not-a-serious-remaining-deficiency")


async def test_the_sanction_ladder_is_climbed_in_order_by_decision_and_termination_ends_the_contract(
    people, tree, contractor, contract_body, year, log_rows,
):
    auditor, committee = people(["internal_auditor"]), people(["committee"], subject="nämnd-1")
    contract = (await auditor.post("/contracts", contract_body(contractor), expect=201)).json()
    finding = await _remaining_serious_deficiency(auditor, contract)
    path = f"/contracts/{contract['id']}"
    decision = year.decision(tree["SDN-SPT"], "2015-02-19", reference="SDN 2015/30 § 4")

    def step(name: str) -> dict:
        return {"step": name, "reason": "Kvarstående brist i nattbemanningen.", "finding_id": finding["id"], "decision": decision}

    # No decision: bad input. Skipping to a penalty: refused, naming the next step.
    await committee.post(f"{path}/sanctions", {k: v for k, v in step("correction").items() if k != "decision"}, expect=422,
                         if_match_of=path)
    skipped = await committee.post(f"{path}/sanctions", step("penalty"), expect=422, if_match_of=path)
    assert skipped.json()["type"].endswith("/sanction-step-skipped") and skipped.json()["next_step"] == "correction"
    # A decision by another committee's body is not the ordering committee's.
    await committee.post(f"{path}/sanctions", step("correction") | {"decision": year.decision(tree["SDN-RKI"], "2015-02-19")},
                         expect=422, if_match_of=path)
    for name in ("correction", "price_reduction", "price_reduction", "penalty"):
        contract = (await committee.post(f"{path}/sanctions", step(name), expect=200, if_match_of=path)).json()
    assert contract["sanction_step"] == "penalty" and contract["status"] == "active"
    assert [s["step"] for s in contract["sanctions"]] == ["correction", "price_reduction", "price_reduction", "penalty"]
    assert contract["sanctions"][0]["decision"]["reference"] == "SDN 2015/30 § 4"
    ended = (await committee.post(f"{path}/sanctions", step("termination"), expect=200, if_match_of=path)).json()
    assert ended["status"] == "terminated"
    await committee.post(f"{path}/sanctions", step("termination"), expect=409, if_match_of=path)
    await auditor.post(f"{path}/follow-ups", {"type": "visit", "performed_on": "2015-03-01", "summary": "x"}, expect=409)
    logged = [e["action"] for e in await log_rows(entity_type="contract") if e["outcome"] == "done"]
    assert logged == ["contract.created", "contract.sanction.correction", "contract.sanction.price_reduction",
                      "contract.sanction.price_reduction", "contract.sanction.penalty", "contract.sanction.termination"]
    assert len([e for e in await log_rows(outcome="refused") if e["action"] == "add_contract_sanction"]) == 4


async def test_an_escalation_reported_to_the_citys_elderly_care_administration_is_listed_there(
    people, demo_tree, contract_body, outbox, log_rows,
):
    tree = demo_tree
    auditor = people(["internal_auditor"])
    contract = (await auditor.post("/contracts", contract_body(tree["SDF-SPT-AOF-E1"]), expect=201)).json()
    finding = await _remaining_serious_deficiency(auditor, contract)
    path = f"/contract-findings/{finding['id']}"
    body = {"escalated_on": "2015-02-12", "reason": "Risk för de boendes säkerhet."}
    # A department is no recipient: nothing changes, the attempt is logged.
    refused = await auditor.post(f"{path}/escalation", body | {"reported_to_unit_id": str(tree["SDF-SPT-AOF"])}, expect=422,
                                 if_match_of=path)
    assert refused.json()["type"].endswith("/invalid-report-recipient")
    assert (await auditor.get(path)).json()["escalation"] is None
    assert [e["after"]["problem"] for e in await log_rows(outcome="refused")] == ["invalid-report-recipient"]
    escalated = (await auditor.post(f"{path}/escalation", body | {"reported_to_unit_id": str(tree["FV-ALN"])}, expect=200,
                                    if_match_of=path)).json()
    assert escalated["escalation"]["reported_to_unit_id"] == str(tree["FV-ALN"])
    (event,) = await outbox("audit.contract.deficiency-escalated")
    assert event["data"]["reported_to_unit_id"] == str(tree["FV-ALN"])
    at_elderly_care = people(["internal_auditor"], org_code="FV-ALN")
    assert [e["finding"]["id"] for e in (await at_elderly_care.get("/contract-escalations")).json()["items"]] == [finding["id"]]
    # Another city-wide administration's auditors do not see it.
    assert (await people(["internal_auditor"], org_code="SDF-RKI").get("/contract-escalations")).json()["items"] == []
