"""Who reaches the follow-up plan and its risk weights: every such operation of audit's OpenAPI document as every caller.

The plan follows its committee like the rest of internal control (test_access.py): the in-scope
callers sit at Spånga-Tensta's administration, the out-of-scope ones at Rinkeby-Kista's committee;
lists are filtered rather than refused; only the committee (and admin) adopts.
"""

import pytest
from sqlalchemy import func, select

from servicekit.testing.access import Call, check_access, in_and_out, standard_callers

from audit.follow_up_plans.tables import follow_up_plans, risk_weights

PLAN_PATHS = ("/audit/v1/follow-up-plans", "/audit/v1/follow-up-risk-weights")


def is_plan_operation(op) -> bool:
    return op.path.startswith(PLAN_PATHS)


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
    plan = "audit_v1_follow_up_plans__plan_id_"
    return {
        "list_follow_up_risk_weights_audit_v1_follow_up_risk_weights_get": list_readers,
        "create_follow_up_risk_weights_audit_v1_follow_up_risk_weights_post": editors,
        "list_follow_up_plans_audit_v1_follow_up_plans_get": list_readers,
        "create_follow_up_plan_audit_v1_follow_up_plans_post": editors,
        f"get_follow_up_plan_{plan}_get": readers,
        f"recalculate_follow_up_plan_{plan}_recalculation_post": editors,
        f"change_follow_up_plan_item_{plan}_items__item_id__put": editors,
        f"adopt_follow_up_plan_{plan}_adoption_post": {"committee:in"} | admin,
    }


@pytest.fixture
async def records(people, tree, contractor, contract_body):
    """A contract of Spånga-Tensta's committee and its draft follow-up plan for 2015."""
    auditor = people(["internal_auditor"], subject="fixture-auditor")
    await auditor.post("/contracts", contract_body(contractor, places=60), expect=201)
    plan = (await auditor.post("/follow-up-plans", {"committee_id": str(tree["SDN-SPT"]), "year": 2015}, expect=201)).json()
    return {"plan": plan}


async def test_every_follow_up_plan_operation_admits_exactly_its_callers(harness, callers, tree, records):
    async def counts() -> tuple:
        return (await harness.session.scalar(select(func.count()).select_from(follow_up_plans)),
                await harness.session.scalar(select(func.count()).select_from(risk_weights)))

    before = await counts()
    plan = "audit_v1_follow_up_plans__plan_id_"
    etag = {"if-match": '"1"'}
    weights = {"open_findings": 2, "serious_findings": 3, "escalations": 5, "lex_sarah_cases": 1, "places": 0.05,
               "annual_value_msek": 0.05}
    statuses = await check_access(
        harness, callers=callers, policy=policy(), only=is_plan_operation,
        path_params={"plan_id": records["plan"]["id"], "item_id": records["plan"]["items"][0]["id"]},
        calls={
            "create_follow_up_risk_weights_audit_v1_follow_up_risk_weights_post": Call(json={
                "committee_id": str(tree["SDN-SPT"]), "weights": weights, "note": "Ny version.",
                "thresholds": {"visit": 3, "user_survey": 4, "unannounced_visit": 8, "night_visit": 12}}),
            "create_follow_up_plan_audit_v1_follow_up_plans_post": Call(json={"committee_id": str(tree["SDN-SPT"]), "year": 2016}),
            f"recalculate_follow_up_plan_{plan}_recalculation_post": Call(headers=etag),
            f"change_follow_up_plan_item_{plan}_items__item_id__put": Call(json={"planned_types": ["visit"]}, headers=etag),
            f"adopt_follow_up_plan_{plan}_adoption_post": Call(json={
                "reference": "SDN 2014/500 § 8", "decided_on": "2014-12-11", "body_id": str(tree["SDN-SPT"])}, headers=etag),
        },
    )
    # Allowed writes really went through, and out-of-scope refusals were about scope.
    assert statuses["create_follow_up_plan_audit_v1_follow_up_plans_post"]["internal_auditor:in"] == 201
    assert statuses["create_follow_up_risk_weights_audit_v1_follow_up_risk_weights_post"]["controller:in"] == 201
    assert statuses[f"adopt_follow_up_plan_{plan}_adoption_post"]["committee:in"] == 200
    assert statuses[f"get_follow_up_plan_{plan}_get"]["internal_auditor:out"] == 403
    assert statuses["list_follow_up_plans_audit_v1_follow_up_plans_get"]["portal"] == 403
    # Every call was rolled back.
    assert await counts() == before
