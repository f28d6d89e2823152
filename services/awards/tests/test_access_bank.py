"""Who may call the feedback reports, the quality figures and the good-examples bank: every operation, every caller.

State: a decided round (the development unit won) in feedback_reports_released, its application's report
released, the other application's report a draft, a good example published with the unit's consent.
In scope is the development unit; out of scope Rinkeby-Kista (where the other application's unit is).
"""

import pytest

from awards_bank import BANK_OPERATIONS, decided_round, is_bank_operation
from servicekit.testing.access import Call, check_access, in_and_out, standard_callers

BASE = "/awards/v1"
HIDDEN_BY_404 = ("get_report", "get_document", "get_example", "list_uptakes", "record_uptake")


def policy_by_name(callers) -> dict[str, set[str]]:
    staff = {name for name, caller in callers.items() if caller.actor == "staff" and caller.roles}
    readers = staff | {"system:read", "system:write"}
    admins = in_and_out("admin", "award_admin")
    # A released report: the office, city-wide readers and keys, and the unit's own scope (manager, controller, committee).
    report_readers = admins | in_and_out("city_controller") | {
        "unit_manager:in", "controller:in", "committee:in", "system:read", "system:write"}
    return {
        "create_report": admins, "list_reports": readers, "get_report": report_readers, "change_report": admins,
        "approve_report": admins, "release_report": admins, "get_document": report_readers,
        "calculate_agreement": admins, "get_quality_report": admins,
        "record_consent": admins | {"unit_manager:in"}, "list_consents": readers,
        "create_example": admins, "search_examples": readers, "get_example": readers, "change_example": admins,
        "publish_example": admins, "withdraw_example": admins,
        # Uptake is recorded by a committee, controller or unit manager for a unit in their own scope (admin anywhere).
        "record_uptake": in_and_out("admin") | {"committee:in", "controller:in", "unit_manager:in"}, "list_uptakes": readers,
    }


@pytest.fixture
async def bank(award, harness):
    decided = await decided_round(award)
    office, approver = award.admin, harness.client(roles=["award_admin"], subject="office-3")
    report = await office.post(f"{BASE}/feedback-reports", json={"application_id": decided["application"]})
    approved = await approver.post(f"{BASE}/feedback-reports/{report.json()['id']}/approval", headers={"if-match": report.headers["etag"]})
    released = await office.post(f"{BASE}/feedback-reports/{report.json()['id']}/release", headers={"if-match": approved.headers["etag"]},
                                 json={"registration_number": "KU 2015/17"})
    assert released.status_code == 200, released.text
    draft = await office.post(f"{BASE}/feedback-reports", json={"application_id": decided["other"]})
    assert draft.status_code == 201
    unit = str(award.city.ids["SDF-SPT-STAB-VU"])
    assert (await award.manager("SDF-SPT-STAB-VU").post(f"{BASE}/rounds/{award.id}/consents",
                                                          json={"unit_id": unit, "decision": "given"})).status_code == 201
    example = await office.post(f"{BASE}/good-examples", json={
        "application_id": decided["application"], "title": "Årshjul för uppföljning", "summary": "Årshjulet.",
        "body": "Tertialrapporter och resultatdialoger.", "areas": ["6"], "lenses": ["analysis_for_improvement"]})
    published = await office.post(f"{BASE}/good-examples/{example.json()['id']}/publication", headers={"if-match": example.headers["etag"]})
    assert published.status_code == 200, published.text
    return {"report": released.json(), "report_etag": released.headers["etag"], "draft": draft.json(),
            "example": published.json(), "example_etag": published.headers["etag"], **decided}


async def test_every_bank_operation_admits_exactly_its_callers(harness, award, bank):
    callers = standard_callers("awards", in_scope=award.city.scope("SDF-SPT-STAB-VU"), out_of_scope=award.city.scope("SDF-RKI"))
    by_name = policy_by_name(callers)
    assert set(by_name) == set(BANK_OPERATIONS)
    operation_ids = [spec["operationId"] for item in harness.app.openapi()["paths"].values() for spec in item.values()
                     if is_bank_operation(spec["operationId"])]
    name_of = {op: next(name for name in by_name if op.startswith(f"{name}_awards_v1_")) for op in operation_ids}
    assert set(name_of.values()) == set(BANK_OPERATIONS), "every bank operation is in the document"
    policy = {op: by_name[name] for op, name in name_of.items()}
    op = {name: operation for operation, name in name_of.items()}
    unit = str(award.city.ids["SDF-SPT-STAB-VU"])
    draft_etag = f'"{bank["draft"]["revision"]}"'
    statuses = await check_access(
        harness, callers=callers, policy=policy, not_found_denies=[op[name] for name in HIDDEN_BY_404],
        only=lambda operation: is_bank_operation(operation.operation_id),
        path_params={"round_id": award.id, "report_id": bank["report"]["id"], "example_id": bank["example"]["id"]},
        calls={
            op["create_report"]: Call(json={"application_id": bank["application"]}),
            op["change_report"]: Call(json={"summary": "Ändrad."}, headers={"if-match": draft_etag},
                                      path_params={"report_id": bank["draft"]["id"]}),
            op["approve_report"]: Call(headers={"if-match": draft_etag}, path_params={"report_id": bank["draft"]["id"]}),
            op["release_report"]: Call(json={"registration_number": "KU 2015/99"}, headers={"if-match": bank["report_etag"]}),
            op["get_document"]: Call(params={"format": "json"}),
            op["calculate_agreement"]: Call(json={"ratings": [
                {"examiner": e, "unit": u, "value": v} for e, u, v in (("A", "1", 50), ("B", "1", 55), ("A", "2", 70), ("B", "2", 70))]}),
            op["record_consent"]: Call(json={"unit_id": unit, "decision": "given", "decided_by": "enhetschef"}),
            op["create_example"]: Call(json={"application_id": bank["application"], "title": "Mötesstruktur", "summary": "Möten.",
                                             "body": "Varje måndag.", "areas": ["3"], "lenses": ["spreading_good_examples"]}),
            op["search_examples"]: Call(params={"q": "årshjul"}),
            op["change_example"]: Call(json={"title": "Ny titel"}, headers={"if-match": bank["example_etag"]}),
            op["publish_example"]: Call(headers={"if-match": bank["example_etag"]}),
            op["withdraw_example"]: Call(json={"reason": "Ersatt."}, headers={"if-match": bank["example_etag"]}),
            op["record_uptake"]: Call(json={"unit_id": unit, "note": "Vi använder årshjulet."}),
        },
    )
    # Allowed calls did what they say ...
    assert statuses[op["create_report"]]["award_admin:in"] == 409  # the application already has its report
    assert statuses[op["approve_report"]]["award_admin:out"] == 200 and statuses[op["change_report"]]["award_admin:in"] == 200
    assert statuses[op["get_document"]]["unit_manager:in"] == 200 and statuses[op["get_document"]]["unit_manager:out"] == 404
    assert statuses[op["calculate_agreement"]]["award_admin:in"] == 200
    assert statuses[op["withdraw_example"]]["award_admin:in"] == 200 and statuses[op["publish_example"]]["award_admin:in"] == 409
    assert statuses[op["record_uptake"]]["committee:in"] == 201 and statuses[op["record_consent"]]["unit_manager:in"] == 201
    # ... and lists are narrowed: a unit out of scope lists no report; the draft is the office's alone.
    outsider = harness.client(roles=["unit_manager"], org=award.city.scope("SDF-RKI"))
    assert (await outsider.get(f"{BASE}/feedback-reports")).json()["items"] == []
    assert (await outsider.get(f"{BASE}/feedback-reports/{bank['draft']['id']}")).status_code == 404
    own = award.manager("SDF-SPT-STAB-VU")
    assert [r["id"] for r in (await own.get(f"{BASE}/feedback-reports")).json()["items"]] == [bank["report"]["id"]]
