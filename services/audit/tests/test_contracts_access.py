"""Who reaches contracts and their follow-ups: every contract operation of audit's OpenAPI document as every caller.

A contract follows its ordering committee like the rest of internal control (test_access.py): the
in-scope callers sit at Spånga-Tensta's administration, the out-of-scope ones at Rinkeby-Kista's
committee; lists are filtered rather than refused.
"""

import pytest
from sqlalchemy import func, select

from servicekit.testing.access import Call, check_access, in_and_out, standard_callers

from audit.contracts.tables import contracts

CONTRACT_PATHS = ("/audit/v1/contracts", "/audit/v1/contract-")


def is_contract_operation(op) -> bool:
    return op.path.startswith(CONTRACT_PATHS)


@pytest.fixture
def callers(tree):
    return standard_callers("audit", in_scope=(tree["SDF-SPT"],), out_of_scope=(tree["SDN-RKI"],))


def policy() -> dict[str, set[str]]:
    keys = {"system:read", "system:write"}
    admin = in_and_out("admin")
    city = admin | in_and_out("city_controller")
    readers = {"internal_auditor:in", "controller:in", "committee:in"} | city | keys
    list_readers = in_and_out("internal_auditor", "controller", "committee") | city | keys
    editors = {"internal_auditor:in", "controller:in"} | admin
    contract, finding = "audit_v1_contracts__contract_id_", "audit_v1_contract_findings__finding_id_"
    return {
        "list_contracts_audit_v1_contracts_get": list_readers,
        "create_contract_audit_v1_contracts_post": editors,
        f"get_contract_{contract}_get": readers,
        f"create_follow_up_{contract}_follow_ups_post": editors,
        f"list_follow_ups_{contract}_follow_ups_get": readers,
        "create_contract_finding_audit_v1_contract_follow_ups__follow_up_id__findings_post": editors,
        f"list_contract_findings_{contract}_findings_get": readers,
        f"get_contract_finding_{finding}_get": readers,
        f"set_contract_action_plan_{finding}_action_plan_put": editors,
        f"recheck_contract_finding_{finding}_recheck_post": editors,
        f"escalate_contract_finding_{finding}_escalation_post": editors,
        "list_contract_escalations_audit_v1_contract_escalations_get": in_and_out("internal_auditor", "city_controller") | admin,
        f"add_contract_sanction_{contract}_sanctions_post": editors | {"committee:in"},
    }


@pytest.fixture
async def records(people, contractor, contract_body):
    """A contract of Spånga-Tensta's committee, an unannounced visit and an open finding."""
    auditor = people(["internal_auditor"], subject="fixture-auditor")
    contract = (await auditor.post("/contracts", contract_body(contractor), expect=201)).json()
    follow_up = (await auditor.post(f"/contracts/{contract['id']}/follow-ups", {
        "type": "unannounced_visit", "performed_on": "2014-06-17", "summary": "Oanmält besök."}, expect=201)).json()
    finding = (await auditor.post(f"/contract-follow-ups/{follow_up['id']}/findings", {
        "requirement_id": contract["requirements"][0]["id"], "severity": "major", "description": "Planer saknas."}, expect=201)).json()
    return {"contract": contract, "follow_up": follow_up, "finding": finding}


async def test_every_contract_operation_admits_exactly_its_callers(harness, callers, tree, contractor, contract_body, records):
    contracts_before = await harness.session.scalar(select(func.count()).select_from(contracts))
    finding = "audit_v1_contract_findings__finding_id_"
    statuses = await check_access(
        harness, callers=callers, policy=policy(), only=is_contract_operation,
        path_params={"contract_id": records["contract"]["id"], "follow_up_id": records["follow_up"]["id"],
                     "finding_id": records["finding"]["id"]},
        calls={
            "create_contract_audit_v1_contracts_post": Call(json=contract_body(contractor, reference="SDN 2014/9")),
            "create_follow_up_audit_v1_contracts__contract_id__follow_ups_post": Call(
                json={"type": "user_survey", "performed_on": "2014-10-01", "summary": "Brukarundersökning."}),
            "create_contract_finding_audit_v1_contract_follow_ups__follow_up_id__findings_post": Call(json={
                "requirement_id": records["contract"]["requirements"][1]["id"], "severity": "minor", "description": "x"}),
            f"set_contract_action_plan_{finding}_action_plan_put": Call(json={
                "action": "Planer upprättas.", "deadline": "2014-09-30", "submitted_on": "2014-07-01"}, headers={"if-match": '"1"'}),
            f"recheck_contract_finding_{finding}_recheck_post": Call(
                json={"rechecked_on": "2014-10-15", "resolved": True, "note": "ok"}, headers={"if-match": '"1"'}),
            f"escalate_contract_finding_{finding}_escalation_post": Call(
                json={"escalated_on": "2014-10-20", "reason": "x"}, headers={"if-match": '"1"'}),
            "add_contract_sanction_audit_v1_contracts__contract_id__sanctions_post": Call(json={
                "step": "correction", "reason": "Planer saknas.", "decision": {
                    "reference": "SDN 2014/50", "decided_on": "2014-08-21", "body_id": str(tree["SDN-SPT"])}},
                headers={"if-match": '"1"'}),
        },
    )
    # Allowed writes really went through, and out-of-scope refusals were about scope.
    assert statuses["create_contract_audit_v1_contracts_post"]["internal_auditor:in"] == 201
    assert statuses[f"set_contract_action_plan_{finding}_action_plan_put"]["controller:in"] == 200
    assert statuses[f"recheck_contract_finding_{finding}_recheck_post"]["internal_auditor:in"] == 409  # no action plan yet
    assert statuses[f"get_contract_finding_{finding}_get"]["internal_auditor:out"] == 403
    assert statuses["list_contracts_audit_v1_contracts_get"]["portal"] == 403
    assert statuses["add_contract_sanction_audit_v1_contracts__contract_id__sanctions_post"]["committee:in"] == 200
    # Every call was rolled back.
    assert await harness.session.scalar(select(func.count()).select_from(contracts)) == contracts_before
