"""Who may call what in goals: every operation of its OpenAPI document, as every caller.

The policy is in conftest (``access_policy``): reads for any staff role or goals key, scoped
reads in the unit's committee, KF levels by admin, nämndmål and decisions by the committee,
drafting and follow-up by the unit's manager, credibility by controllers and the committee; keys
never write goals, plans, commitments or follow-ups (a past follow-up imported by a city-wide key,
with its reported_on, is test_follow_ups'), portals and nobody read nothing here.
"""

import access_policy_foreign

from servicekit.testing.access import check_access

CREATE_COMMITMENT = "create_commitment_goals_v1_commitments_post"
ADOPT_PLAN = "adopt_business_plan_goals_v1_business_plans__plan_id__adoption_post"
GET_COMMITMENT = "get_commitment_goals_v1_commitments__commitment_id__get"
ASSESS = "assess_commitment_goals_v1_commitments__commitment_id__assessment_post"
CREATE_GOAL = "create_goal_goals_v1_goals_post"
REPORT = "report_follow_up_goals_v1_commitments__commitment_id__follow_ups_post"
CHANGE = "change_commitment_goals_v1_commitments__commitment_id__changes_post"
CREATE_UNIT = "create_organisation_unit_goals_v1_organisation_units_post"
CHANGE_UNIT = "change_organisation_unit_goals_v1_organisation_units__unit_id__patch"
CLOSE_UNIT = "close_organisation_unit_goals_v1_organisation_units__unit_id__closure_post"
LIST_UNITS = "list_organisation_units_goals_v1_organisation_units_get"
PUBLISHED = "list_published_quality_guarantees_goals_v1_published_quality_guarantees_get"
GET_GUARANTEE = "get_quality_guarantee_goals_v1_quality_guarantees__guarantee_id__get"
CREATE_GUARANTEE = "create_quality_guarantee_goals_v1_quality_guarantees_post"
IMPORT_BUDGET = "import_budget_figures_goals_v1_budget_figures_imports_post"


async def test_every_goals_operation_admits_exactly_its_callers(harness, access_callers, access_policy, access_requests, outbox_count):
    before = await outbox_count()

    statuses = await check_access(harness, callers=access_callers, policy=access_policy, **access_requests)

    # Allowed calls were valid requests that succeeded, not validation errors ...
    assert statuses[CREATE_COMMITMENT]["unit_manager:in"] == statuses[CREATE_GOAL]["committee:in"] == 201
    assert statuses[ASSESS]["controller:in"] == statuses[ASSESS]["committee:in"] == 200
    assert statuses[CHANGE]["committee:in"] == 200 and statuses[REPORT]["unit_manager:in"] == 201
    assert statuses[GET_COMMITMENT]["feedback_handler:in"] == 200 and statuses[GET_COMMITMENT]["unit_manager:out"] == 403
    assert statuses[CREATE_UNIT]["admin:out"] == statuses[CREATE_UNIT]["system:write"] == 201
    assert statuses[CHANGE_UNIT]["admin:in"] == statuses[CLOSE_UNIT]["system:write"] == 200
    assert statuses[LIST_UNITS]["portal"] == 403 and statuses[LIST_UNITS]["nobody"] == 401
    # ... the plan is adopted already, so a second adoption is a rule's 422, not a denial.
    assert statuses[ADOPT_PLAN]["committee:in"] == 422 and statuses[ADOPT_PLAN]["committee:out"] == 403
    assert statuses[CREATE_COMMITMENT]["system:write"] == statuses[GET_COMMITMENT]["portal"] == 403
    assert statuses[GET_COMMITMENT]["nobody"] == 401
    # Indicators, budget figures, quality guarantees (rows in access_policy_indicators.py).
    assert statuses[PUBLISHED]["portal"] == 200 and statuses[GET_GUARANTEE]["portal"] == 403
    assert statuses[IMPORT_BUDGET]["system:write"] == 200 and statuses[CREATE_GUARANTEE]["unit_manager:in"] == 201
    # Other services' figures (rows in access_policy_foreign.py) answered with figures in scope.
    assert access_policy_foreign.expected_ok(statuses)
    # Every call was rolled back.
    assert await outbox_count() == before
