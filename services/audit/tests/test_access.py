"""Who may call what: every operation of audit's OpenAPI document as every caller, against the policy.

Internal-control data follows the committee concerned: the in-scope callers sit at Spånga-Tensta's
administration (inside the committee whose data the fixtures are), the out-of-scope callers at
Rinkeby-Kista's committee. Lists are filtered rather than refused, so they admit both.
"""

import pytest
from sqlalchemy import func, select

from servicekit.tables import OutboxEvent
from servicekit.testing.access import Call, check_access, in_and_out, standard_callers

from audit.models import audit_log



@pytest.fixture
def callers(tree):
    return standard_callers("audit", in_scope=(tree["SDF-SPT"],), out_of_scope=(tree["SDN-RKI"],))


def policy() -> dict[str, set[str]]:
    from servicekit.testing.access import ALL_ROLES

    everyone_staff = in_and_out(*ALL_ROLES)
    keys = {"system:read", "system:write"}
    admin = in_and_out("admin")
    city = admin | in_and_out("city_controller")
    committee_readers = {"internal_auditor:in", "controller:in", "committee:in"} | city | keys
    list_readers = in_and_out("internal_auditor", "controller", "committee") | city | keys
    editors = {"internal_auditor:in", "controller:in"} | admin
    deciders = {"committee:in"} | admin
    auditors = {"internal_auditor:in"} | admin
    closers = {"internal_auditor:in", "controller:in"} | admin
    log_readers = in_and_out("internal_auditor") | admin
    return {
        "list_organisation_units_audit_v1_organisation_units_get": everyone_staff | keys,
        "get_organisation_unit_audit_v1_organisation_units__unit_id__get": everyone_staff | keys,
        "get_organisation_subtree_audit_v1_organisation_units__unit_id__subtree_get": everyone_staff | keys,
        "list_risk_scales_audit_v1_risk_scales_get": everyone_staff | keys,
        "get_risk_scale_audit_v1_risk_scales__scale_id__get": everyone_staff | keys,
        "create_risk_scale_audit_v1_risk_scales_post": auditors,
        "replace_risk_scale_audit_v1_risk_scales__scale_id__put": auditors,
        "list_risk_analyses_audit_v1_risk_analyses_get": list_readers,
        "get_risk_analysis_audit_v1_risk_analyses__analysis_id__get": committee_readers,
        "create_risk_analysis_audit_v1_risk_analyses_post": editors,
        "add_risk_audit_v1_risk_analyses__analysis_id__risks_post": editors,
        "change_risk_audit_v1_risk_analyses__analysis_id__risks__risk_id__put": editors,
        "remove_risk_audit_v1_risk_analyses__analysis_id__risks__risk_id__delete": editors,
        "request_risk_analysis_adoption_audit_v1_risk_analyses__analysis_id__adoption_request_post": editors,
        "adopt_risk_analysis_audit_v1_risk_analyses__analysis_id__adoption_post": deciders,
        "return_risk_analysis_audit_v1_risk_analyses__analysis_id__return_post": deciders,
        "list_control_plans_audit_v1_control_plans_get": list_readers,
        "get_control_plan_audit_v1_control_plans__plan_id__get": committee_readers,
        "create_control_plan_audit_v1_control_plans_post": editors,
        "add_control_item_audit_v1_control_plans__plan_id__items_post": editors,
        "change_control_item_audit_v1_control_plans__plan_id__items__item_id__put": editors,
        "remove_control_item_audit_v1_control_plans__plan_id__items__item_id__delete": editors,
        "request_control_plan_adoption_audit_v1_control_plans__plan_id__adoption_request_post": editors,
        "adopt_control_plan_audit_v1_control_plans__plan_id__adoption_post": deciders,
        "create_review_audit_v1_reviews_post": auditors,
        "list_reviews_audit_v1_reviews_get": committee_readers,
        "get_review_audit_v1_reviews__review_id__get": committee_readers,
        "create_finding_audit_v1_reviews__review_id__findings_post": auditors,
        "list_findings_audit_v1_findings_get": list_readers | in_and_out("unit_manager"),
        "get_finding_audit_v1_findings__finding_id__get": committee_readers | {"unit_manager:in"},
        "create_action_plan_audit_v1_findings__finding_id__action_plan_post": auditors,
        "change_action_plan_audit_v1_findings__finding_id__action_plan_patch": auditors | {"unit_manager:in"},
        "verify_action_plan_audit_v1_findings__finding_id__action_plan_verification_post": auditors,
        "request_finding_closure_audit_v1_findings__finding_id__closure_request_post": auditors,
        "close_finding_audit_v1_findings__finding_id__closure_post": closers,
        "run_carry_over_check_audit_v1_carry_over_checks_post": admin,
        "list_reports_audit_v1_reports_get": list_readers,
        "create_report_audit_v1_reports_post": auditors,
        "get_report_audit_v1_reports__report_id__get": committee_readers,
        "change_report_audit_v1_reports__report_id__patch": auditors,
        "request_report_sending_audit_v1_reports__report_id__sending_request_post": auditors,
        "send_report_audit_v1_reports__report_id__sending_post": closers,
        "get_report_snapshot_audit_v1_reports__report_id__snapshot_get": committee_readers,
        "get_report_xlsx_audit_v1_reports__report_id__snapshot_xlsx_get": committee_readers,
        "list_audit_log_audit_v1_audit_log_get": log_readers,
        "verify_audit_log_audit_v1_audit_log_verification_post": log_readers,
        "publish_audit_log_head_audit_v1_audit_log_head_publications_post": admin,
    }


@pytest.fixture
async def records(people, tree, year):
    """One of everything, in Spånga-Tensta: a free scale, draft analysis and plan, a finding with an action plan, a draft report."""
    auditor = people(["internal_auditor"], subject="fixture-auditor")
    scale_body = {
        "code": "ACCESS-2X2", "owner_unit_id": str(tree["SDN-SPT"]), "name": "Test",
        "probability_levels": [{"value": 1, "label": "Låg", "description": "x"}, {"value": 2, "label": "Hög", "description": "x"}],
        "consequence_levels": [{"value": 1, "label": "Liten", "description": "x"}, {"value": 2, "label": "Stor", "description": "x"}],
        "levels": [{"key": "low", "label": "Låg", "description": "x"}], "grid": [["low", "low"], ["low", "low"]],
    }
    scale = (await auditor.post("/risk-scales", scale_body, expect=201)).json()
    analysis = (await auditor.post("/risk-analyses", {"unit_id": str(tree["SDF-SPT-FSK"]), "year": 2015}, expect=201)).json()
    apath = f"/risk-analyses/{analysis['id']}"
    analysis = (await auditor.post(f"{apath}/risks", year.risk(), expect=201, if_match_of=apath)).json()
    draft = (await auditor.post("/control-plans", {"committee_id": str(tree["SDN-SPT"]), "year": 2015}, expect=201)).json()
    ppath = f"/control-plans/{draft['id']}"
    draft = (await auditor.post(f"{ppath}/items", year.item(), expect=201, if_match_of=ppath)).json()
    adopted = await year.adopted_plan(year=2014)
    finding = await year.finding_with_action_plan(adopted)
    report = (await auditor.post("/reports", {"committee_id": str(tree["SDN-SPT"]), "year": 2015, "period": "T2",
                                              "title": "Rapport", "meeting_date": "2015-09-24"}, expect=201)).json()
    etags = {name: (await auditor.get(path)).headers["etag"] for name, path in (
        ("scale", f"/risk-scales/{scale['id']}"), ("analysis", apath), ("plan", ppath),
        ("finding", f"/findings/{finding['id']}"), ("report", f"/reports/{report['id']}"),
    )}
    return {"scale_body": scale_body, "scale": scale, "analysis": analysis, "draft": draft, "adopted": adopted,
            "finding": finding, "report": report, "etags": etags}


def calls(tree, year, records) -> dict[str, Call]:
    etag = {name: {"if-match": value} for name, value in records["etags"].items()}
    content = {k: v for k, v in records["scale_body"].items() if k not in ("code", "owner_unit_id")}
    decision = year.decision(tree["SDN-SPT"], "2014-12-10")
    return {
        "create_risk_scale_audit_v1_risk_scales_post": Call(json=records["scale_body"]),
        "replace_risk_scale_audit_v1_risk_scales__scale_id__put": Call(json=content, headers=etag["scale"]),
        "create_risk_analysis_audit_v1_risk_analyses_post": Call(json={"unit_id": str(tree["SDF-SPT-IOF"]), "year": 2016}),
        "add_risk_audit_v1_risk_analyses__analysis_id__risks_post": Call(json=year.risk(), headers=etag["analysis"]),
        "change_risk_audit_v1_risk_analyses__analysis_id__risks__risk_id__put": Call(json=year.risk(), headers=etag["analysis"]),
        "remove_risk_audit_v1_risk_analyses__analysis_id__risks__risk_id__delete": Call(headers=etag["analysis"]),
        "request_risk_analysis_adoption_audit_v1_risk_analyses__analysis_id__adoption_request_post": Call(headers=etag["analysis"]),
        "adopt_risk_analysis_audit_v1_risk_analyses__analysis_id__adoption_post": Call(json=decision, headers=etag["analysis"]),
        "return_risk_analysis_audit_v1_risk_analyses__analysis_id__return_post": Call(headers=etag["analysis"]),
        "create_control_plan_audit_v1_control_plans_post": Call(json={"committee_id": str(tree["SDN-SPT"]), "year": 2016}),
        "add_control_item_audit_v1_control_plans__plan_id__items_post": Call(json=year.item(), headers=etag["plan"]),
        "change_control_item_audit_v1_control_plans__plan_id__items__item_id__put": Call(json=year.item(), headers=etag["plan"]),
        "remove_control_item_audit_v1_control_plans__plan_id__items__item_id__delete": Call(headers=etag["plan"]),
        "request_control_plan_adoption_audit_v1_control_plans__plan_id__adoption_request_post": Call(headers=etag["plan"]),
        "adopt_control_plan_audit_v1_control_plans__plan_id__adoption_post": Call(json=decision, headers=etag["plan"]),
        "create_review_audit_v1_reviews_post": Call(json={
            "item_id": records["adopted"]["items"][0]["id"], "performed_on": "2014-06-02", "sample": "10", "result": "deficiencies",
            "summary": "Brister.",
        }),
        "list_reviews_audit_v1_reviews_get": Call(params={"plan_id": records["adopted"]["id"]}),
        "create_finding_audit_v1_reviews__review_id__findings_post": Call(json={"severity": "low", "description": "Brist."}),
        "create_action_plan_audit_v1_findings__finding_id__action_plan_post": Call(json={
            "action": "Åtgärd", "owner_subject": "chef", "owner_unit_id": str(tree["SDF-SPT-FSK"]), "deadline": "2015-03-01",
        }, headers=etag["finding"]),
        "change_action_plan_audit_v1_findings__finding_id__action_plan_patch": Call(json={"evidence": "Underlag"}, headers=etag["finding"]),
        "verify_action_plan_audit_v1_findings__finding_id__action_plan_verification_post": Call(
            json={"verified_on": "2015-04-01", "effective": True, "note": "ok"}, headers=etag["finding"]),
        "request_finding_closure_audit_v1_findings__finding_id__closure_request_post": Call(headers=etag["finding"]),
        "close_finding_audit_v1_findings__finding_id__closure_post": Call(headers=etag["finding"]),
        "run_carry_over_check_audit_v1_carry_over_checks_post": Call(json={"as_of": "2015-10-01"}),
        "create_report_audit_v1_reports_post": Call(json={"committee_id": str(tree["SDN-SPT"]), "year": 2015, "period": "VB",
                                                          "title": "Rapport", "meeting_date": "2016-02-18"}),
        "change_report_audit_v1_reports__report_id__patch": Call(json={"title": "Ny titel"}, headers=etag["report"]),
        "request_report_sending_audit_v1_reports__report_id__sending_request_post": Call(
            json={"registration_number": "SDN 2015/1"}, headers=etag["report"]),
        "send_report_audit_v1_reports__report_id__sending_post": Call(headers=etag["report"]),
        "verify_audit_log_audit_v1_audit_log_verification_post": Call(json={"anchored_heads": []}),
    }


async def test_every_audit_operation_admits_exactly_its_callers(harness, callers, tree, year, records):
    outbox_before = await harness.session.scalar(select(func.count()).select_from(OutboxEvent))
    statuses = await check_access(
        harness, callers=callers, policy=policy(),
        path_params={
            "unit_id": tree["SDF-SPT"], "scale_id": records["scale"]["id"], "analysis_id": records["analysis"]["id"],
            "risk_id": records["analysis"]["risks"][0]["id"], "plan_id": records["draft"]["id"],
            "item_id": records["draft"]["items"][0]["id"], "review_id": records["finding"]["review_id"],
            "finding_id": records["finding"]["id"], "report_id": records["report"]["id"],
        },
        calls=calls(tree, year, records),
        # lex Sarah's strict rule: test_lex_sarah_access.py; contracts: test_contracts_access.py; follow-up plans:
        # test_follow_up_plans_access.py
        only=lambda op: "/lex-sarah/" not in op.path and not op.path.startswith(
            ("/audit/v1/contracts", "/audit/v1/contract-", "/audit/v1/follow-up-")),
    )
    # Allowed writes really went through (a valid request), and the out-of-scope refusals were about scope.
    assert statuses["create_risk_analysis_audit_v1_risk_analyses_post"]["internal_auditor:in"] == 201
    assert statuses["change_action_plan_audit_v1_findings__finding_id__action_plan_patch"]["unit_manager:in"] == 200
    assert statuses["adopt_control_plan_audit_v1_control_plans__plan_id__adoption_post"]["committee:in"] == 409  # not requested yet
    assert statuses["get_finding_audit_v1_findings__finding_id__get"]["internal_auditor:out"] == 403
    assert statuses["list_risk_analyses_audit_v1_risk_analyses_get"]["portal"] == 403
    assert statuses["list_risk_analyses_audit_v1_risk_analyses_get"]["nobody"] == 401
    # Every call was rolled back, its audit-log entry with it.
    assert await harness.session.scalar(select(func.count()).select_from(OutboxEvent)) == outbox_before
    assert await harness.session.scalar(select(func.max(audit_log.c.sequence))) is not None
