"""Who may call what: every operation of awards' OpenAPI document, as every role in and out of scope, keys and no one.

In scope is the development unit in Spånga-Tensta (the applicant); out of scope Rinkeby-Kista.
The examiner "examiner-in" sits in the application's confirmed team and has their own
examiner record; "examiner-out" has neither, so it sees no application and no record.
"""

import pytest

from awards_bank import is_bank_operation
from servicekit.testing.access import ALL_ROLES, Call, check_access, in_and_out, standard_callers

BASE = "/awards/v1"
HIDDEN_BY_404 = (
    "get_application", "change_application", "submit_application", "get_evidence", "get_examiner", "declare_conflict",
    "list_assessments", "get_assessment", "save_assessment", "submit_assessment", "get_consensus", "save_consensus_area",
    "save_site_visit",
)


def policy_by_name(callers) -> dict[str, set[str]]:
    """Endpoint function name → caller names allowed (the policy table, written before the code it checks)."""
    staff = {name for name, caller in callers.items() if caller.actor == "staff" and caller.roles}
    readers = staff | {"system:read", "system:write"}
    admins = in_and_out("admin", "award_admin")
    applicants = in_and_out("admin") | {"unit_manager:in"}
    # Applications: all for award office, city-wide readers and system keys; the unit's own scope; the team.
    application_readers = admins | in_and_out("city_controller") | {
        "unit_manager:in", "controller:in", "committee:in", "examiner:in", "system:read", "system:write",
    }
    return {
        "list_organisation_units": readers, "get_organisation_unit": readers, "get_organisation_subtree": readers,
        "create_round": admins, "list_rounds": readers, "get_round": readers, "change_round": admins,
        "get_exit_conditions": readers, "move_phase": admins, "get_rubric": readers, "replace_rubric": admins,
        "check_eligibility": admins, "record_winner": admins, "list_winners": readers,
        "create_application": applicants, "list_applications": readers, "get_application": application_readers,
        "change_application": applicants, "submit_application": applicants, "get_evidence": application_readers,
        "create_examiner": admins, "list_examiners": admins, "get_examiner": admins | {"examiner:in"},
        "change_examiner": admins, "add_training": admins, "enrol_examiner": admins, "list_pool": admins,
        "list_conflicts": admins | in_and_out("examiner"), "declare_conflict": admins | {"examiner:in"},
        "list_declared": admins | in_and_out("examiner"), "lift_conflict": admins,
        "propose_teams": admins, "get_plan": admins, "add_member": admins, "remove_member": admins, "confirm_plan": admins,
        # The examination: scores by the examiner themselves (a team-mate's and the award office's reads are hidden until
        # the whole team has submitted: 403), consensus and site visit by the team (or admin), the jury's views for the
        # jury and the award office, its shortlist and decision by the jury alone; the decision, once made, is public.
        "list_scoring_bands": readers, "list_assessments": admins | {"examiner:in"}, "get_assessment": {"examiner:in"},
        "save_assessment": {"examiner:in"}, "submit_assessment": {"examiner:in"},
        "export_assessments": admins | in_and_out("examiner"),
        "get_consensus": admins | {"examiner:in"}, "save_consensus_area": in_and_out("admin") | {"examiner:in"},
        "save_site_visit": in_and_out("admin") | {"examiner:in"},
        "get_jury_board": admins | in_and_out("jury"), "get_jury_application": admins | in_and_out("jury"),
        "set_shortlist": in_and_out("admin", "jury"), "decide": in_and_out("admin", "jury"),
        "get_decision": readers, "save_blinding_terms": admins,
    }


@pytest.fixture
async def confirmed(award):
    """A round in individual assessment: the development unit's application, a confirmed team holding examiner-in,
    who has saved a draft assessment of one area."""
    await award.create()
    application = await award.apply("SDF-SPT-STAB-VU")
    await award.close_applications()
    await award.check_eligibility()
    ids = {
        "examiner": await award.examiner("examiner-in", "FV-SOC-L1-01"),
        "other": await award.examiner("ex-utn-1", "FV-UTN-L1-01"),
        "third": await award.examiner("ex-utn-2", "FV-UTN-L1-02", experienced=False),
    }
    await award.propose()
    await award.confirm()
    declared = await award.admin.post(f"{BASE}/declared-conflicts", json={
        "examiner_id": ids["other"], "unit_id": str(award.city.ids["SDF-RKI-AO-01"]), "kind": "personal_tie",
        "description": "Närstående arbetar på enheten.",
    })
    assert declared.status_code == 201
    await award.move("individual_assessment")
    draft = await award.harness.client(roles=["examiner"], subject="examiner-in").put(
        f"{BASE}/applications/{application['id']}/assessments/{ids['examiner']}", json={"areas": [AREA_SCORE]},
    )
    assert draft.status_code == 200, draft.text
    return {"application": application["id"], "conflict": declared.json()["id"], **ids}


AREA_SCORE = {"area_number": 1, "band": "50-65", "score": 55, "strengths": [
    {"text": "Tydlig mötesstruktur.", "lenses": ["spreading_good_examples"], "questions": ["1.5"]}]}


async def test_every_operation_admits_exactly_its_callers(harness, award, confirmed):
    callers = standard_callers("awards", in_scope=award.city.scope("SDF-SPT-STAB-VU"), out_of_scope=award.city.scope("SDF-RKI"))
    assert set(ALL_ROLES) <= {name.split(":")[0] for name in callers}
    by_name = policy_by_name(callers)
    operation_ids = [spec["operationId"] for item in harness.app.openapi()["paths"].values() for spec in item.values()
                     if not is_bank_operation(spec["operationId"])]  # those are test_access_bank.py's
    name_of = {op: next(name for name in by_name if op.startswith(f"{name}_awards_v1_")) for op in operation_ids}
    policy = {op: by_name[name] for op, name in name_of.items()}
    op = {name: operation for operation, name in name_of.items()}
    round_etag = await award.etag()
    plan_etag = (await award.plan()).headers["etag"]
    application_etag = (await award.admin.get(f"{BASE}/applications/{confirmed['application']}")).headers["etag"]
    rubric = (await award.admin.get(f"{BASE}/rounds/{award.id}/rubric")).json()

    statuses = await check_access(
        harness, callers=callers, policy=policy, only=lambda operation: not is_bank_operation(operation.operation_id),
        not_found_denies=[op[name] for name in HIDDEN_BY_404],
        path_params={
            "round_id": award.id, "application_id": confirmed["application"], "examiner_id": confirmed["examiner"],
            "conflict_id": confirmed["conflict"], "unit_id": award.city.ids["SDF-SPT-STAB-VU"], "area_number": 1, "code": "A",
        },
        calls={
            op["create_round"]: Call(json={"prize": "renewal_prize", "year": award.year, "deadlines": (await award.read())["deadlines"]}),
            op["change_round"]: Call(json={"name": "Kvalitetsutmärkelsen (ändrad)"}, headers={"if-match": round_etag}),
            op["move_phase"]: Call(json={"to": "consensus"}, headers={"if-match": round_etag}),
            op["replace_rubric"]: Call(json={"areas": rubric["areas"]}, headers={"if-match": round_etag}),
            op["record_winner"]: Call(json={
                "prize": "quality_award", "year": 2012, "unit_id": str(award.city.ids["SDF-RKI-AO-01"]),
                "decision": {"reference": "KS 2012/1", "decided_on": "2012-11-20", "body_id": str(award.city.ids["STHLM"]),
                             "recorded_by": "ignored"},
            }),
            op["create_application"]: Call(json={"unit_id": str(award.city.ids["SDF-SPT-STAB-VU"])}),
            op["change_application"]: Call(json={"answers": {"1.1": "Ändrat"}}, headers={"if-match": application_etag}),
            op["submit_application"]: Call(headers={"if-match": application_etag}),
            op["create_examiner"]: Call(json={"subject_id": "ny-examinator", "unit_id": str(award.city.ids["FV-UTN-L1-02"])}),
            op["change_examiner"]: Call(json={"sectors": ["school"]}, headers={"if-match": '"2"'}),
            op["add_training"]: Call(json={"year": award.year - 1, "completed_on": f"{award.year - 1}-03-01"}),
            op["enrol_examiner"]: Call(json={"capacity": 3, "manager_approval": None}),
            op["declare_conflict"]: Call(json={
                "examiner_id": confirmed["examiner"], "unit_id": str(award.city.ids["SDF-RKI-AO-02"]), "kind": "earlier_employment",
                "description": "Arbetade där 2013.",
            }),
            op["lift_conflict"]: Call(json={"reason": "Relationen har upphört."}),
            op["add_member"]: Call(json={"application_id": confirmed["application"], "examiner_id": confirmed["examiner"]},
                                   headers={"if-match": plan_etag}),
            op["remove_member"]: Call(headers={"if-match": plan_etag}),
            op["confirm_plan"]: Call(headers={"if-match": plan_etag}),
            op["save_assessment"]: Call(json={"areas": [AREA_SCORE | {"score": 60}]}, headers={"if-match": '"1"'}),
            op["submit_assessment"]: Call(headers={"if-match": '"1"'}),
            op["save_consensus_area"]: Call(json={k: v for k, v in AREA_SCORE.items() if k != "area_number"}),
            op["save_site_visit"]: Call(json={"visited_on": "2015-10-20", "notes": "Besök."}),
            op["set_shortlist"]: Call(json={"codes": ["A"]}),
            op["decide"]: Call(json={"reference": "§ 1", "decided_on": "2015-11-12", "rationale": "Motivering.", "awards": []}),
            op["save_blinding_terms"]: Call(json={"people": ["Karin Lindqvist"]}),
        },
    )

    # Allowed calls really did what they say (valid requests, not validation errors) ...
    assert statuses[op["create_round"]]["award_admin:out"] == 201
    assert statuses[op["move_phase"]]["award_admin:in"] == 409  # the team has not submitted: exit conditions unmet
    assert statuses[op["save_assessment"]]["examiner:in"] == 200 and statuses[op["get_assessment"]]["award_admin:in"] == 403
    assert statuses[op["submit_assessment"]]["examiner:in"] == 422  # seven areas unscored
    assert statuses[op["decide"]]["jury:in"] == 409 and statuses[op["save_blinding_terms"]]["award_admin:in"] == 200
    assert statuses[op["get_application"]]["examiner:in"] == 200 and statuses[op["get_application"]]["examiner:out"] == 404
    assert statuses[op["declare_conflict"]]["examiner:in"] == 201
    assert statuses[op["list_rounds"]]["portal"] == 403 and statuses[op["list_rounds"]]["nobody"] == 401
    # ... and what a role may list is narrowed: unit managers out of scope see no application.
    outsider = harness.client(roles=["unit_manager"], org=award.city.scope("SDF-RKI"))
    assert (await outsider.get(f"{BASE}/applications")).json()["items"] == []
