"""Who reaches lex Sarah: every lex Sarah operation of audit's OpenAPI document as every caller.

Stricter than the rest of audit (test_access.py): a case is read and worked only by the
lex Sarah officers of the committee concerned — not admin, not city_controller, no key, not
another committee's officers. Every read of a case, and every refused attempt, is in the
verified audit log.
"""

import pytest

from servicekit.testing.access import ALL_ROLES, Call, check_access, in_and_out, standard_callers

LEX_SARAH = "/lex-sarah/"


@pytest.fixture
def callers(tree):
    return standard_callers("audit", in_scope=(tree["SDF-SPT"],), out_of_scope=(tree["SDN-RKI"],))


@pytest.fixture
async def case(people, tree) -> dict:
    reporter = people(["unit_manager"], org_code="SDF-SPT-AOF-01", subject="access-reporter")
    receipt = (await reporter.post("/lex-sarah/reports", {
        "unit_id": str(tree["SDF-SPT-AOF-01"]), "area": "elderly_care", "occurred_on": "2014-03-03",
        "reported_on": "2014-03-03", "description": "Brukaren fick fel läkemedel.",
    }, expect=201)).json()
    return receipt


def policy() -> dict[str, set[str]]:
    officer = {"lex_sarah_officer:in"}
    staff = in_and_out(*ALL_ROLES)
    keys = {"system:read", "system:write"}
    summary_readers = officer | {"internal_auditor:in", "controller:in", "committee:in"} | in_and_out("admin", "city_controller") | keys
    case_ops = ("get_lex_sarah_case", "get_lex_sarah_reporter", "receive_lex_sarah_report", "start_lex_sarah_investigation",
                "add_lex_sarah_record_entry", "decide_lex_sarah_seriousness", "notify_ivo_lex_sarah", "follow_up_lex_sarah_case",
                "close_lex_sarah_case")
    paths = {"get_lex_sarah_case": "", "get_lex_sarah_reporter": "_reporter", "receive_lex_sarah_report": "_reception",
             "start_lex_sarah_investigation": "_investigation", "add_lex_sarah_record_entry": "_record_entries",
             "decide_lex_sarah_seriousness": "_seriousness_decision", "notify_ivo_lex_sarah": "_ivo_notification",
             "follow_up_lex_sarah_case": "_follow_up", "close_lex_sarah_case": "_closure"}
    rows = {f"{name}_audit_v1_lex_sarah_cases__case_id_{paths[name]}_{'get' if name.startswith('get') else 'post'}": officer
            for name in case_ops}
    return rows | {
        "report_lex_sarah_audit_v1_lex_sarah_reports_post": staff,
        "list_lex_sarah_cases_audit_v1_lex_sarah_cases_get": in_and_out("lex_sarah_officer"),  # filtered to their committees
        "get_lex_sarah_routine_audit_v1_lex_sarah_routines__committee_id__get": officer,
        "set_lex_sarah_routine_audit_v1_lex_sarah_routines__committee_id__put": officer,
        "list_lex_sarah_legal_references_audit_v1_lex_sarah_legal_references_get": staff | keys,
        "add_lex_sarah_legal_reference_audit_v1_lex_sarah_legal_references_post": in_and_out("admin"),
        "get_lex_sarah_yearly_summary_audit_v1_lex_sarah_yearly_summary_get": summary_readers,
        "publish_lex_sarah_yearly_summary_audit_v1_lex_sarah_yearly_summaries_post": officer,
    }


def calls(tree, case: dict) -> dict[str, Call]:
    etag = {"if-match": '"1"'}
    case_path = "audit_v1_lex_sarah_cases__case_id_"
    return {
        "report_lex_sarah_audit_v1_lex_sarah_reports_post": Call(json={
            "unit_id": str(tree["SDF-SPT-AOF-01"]), "area": "elderly_care", "occurred_on": "2014-04-01", "description": "Fall."}),
        f"receive_lex_sarah_report_{case_path}_reception_post": Call(
            json={"received_on": "2014-03-03", "protective_measures": "Tillsyn."}, headers=etag),
        f"start_lex_sarah_investigation_{case_path}_investigation_post": Call(
            json={"started_on": "2014-03-04", "investigator_subject": "utredare"}, headers=etag),
        f"add_lex_sarah_record_entry_{case_path}_record_entries_post": Call(json={
            "topic": "what_happened", "kind": "fact", "entry_date": "2014-03-04", "source": "interview", "content": "Uppgift."},
            headers=etag),
        f"decide_lex_sarah_seriousness_{case_path}_seriousness_decision_post": Call(
            json={"decided_on": "2014-03-20", "seriousness": "not_serious", "reason": "Bedömning."}, headers=etag),
        f"notify_ivo_lex_sarah_{case_path}_ivo_notification_post": Call(json={"notified_on": "2014-03-21"}, headers=etag),
        f"follow_up_lex_sarah_case_{case_path}_follow_up_post": Call(json={"followed_up_on": "2014-05-01", "actions": [
            {"description": "Ny rutin.", "changes_routine": True, "effective": True}]}, headers=etag),
        f"close_lex_sarah_case_{case_path}_closure_post": Call(json={"closed_on": "2014-05-02"}, headers=etag),
        "set_lex_sarah_routine_audit_v1_lex_sarah_routines__committee_id__put": Call(
            json={"genast": 1, "omedelbart": 1, "utan_drojsmal": 3, "skyndsamt": 28, "snarast": 7}, headers={"if-match": '"0"'}),
        "add_lex_sarah_legal_reference_audit_v1_lex_sarah_legal_references_post": Call(json={
            "topic": "report_duty", "act": "Socialtjänstlag (2025:400)", "provision": "27 kap. 3 §", "title": "Rapportering",
            "valid_from": "2025-07-01"}),
        "get_lex_sarah_yearly_summary_audit_v1_lex_sarah_yearly_summary_get": Call(
            params={"committee_id": str(tree["SDN-SPT"]), "year": 2014}),
        "publish_lex_sarah_yearly_summary_audit_v1_lex_sarah_yearly_summaries_post": Call(
            json={"committee_id": str(tree["SDN-SPT"]), "year": 2014}),
    }


async def test_only_the_committees_lex_sarah_officers_reach_a_case(harness, callers, tree, case):
    statuses = await check_access(
        harness, callers=callers, policy=policy(), path_params={"case_id": case["id"], "committee_id": tree["SDN-SPT"]},
        calls=calls(tree, case), only=lambda op: LEX_SARAH in op.path,
    )
    read = statuses["get_lex_sarah_case_audit_v1_lex_sarah_cases__case_id__get"]
    assert read["lex_sarah_officer:in"] == 200
    assert {read[name] for name in ("admin:in", "city_controller:in", "lex_sarah_officer:out", "system:read", "portal")} == {403}
    assert statuses["receive_lex_sarah_report_audit_v1_lex_sarah_cases__case_id__reception_post"]["lex_sarah_officer:in"] == 200


async def test_every_read_of_a_case_is_in_the_verified_audit_log(harness, callers, tree, case, people):
    path = f"/audit/v1/lex-sarah/cases/{case['id']}"
    readers = {name: caller for name, caller in callers.items() if caller.asserted}
    for name, caller in readers.items():
        async with harness.client(roles=caller.roles, org=caller.org, actor=caller.actor, scopes=caller.scopes,
                                  subject=caller.subject) as client:
            expected = {"lex_sarah_officer:in": 200, "anonymous": 401}.get(name, 403)
            assert (await client.get(path)).status_code == expected, name
    auditor = people(["internal_auditor"], org_code="SDF-SPT", subject="log-auditor")
    verification = (await auditor.post("/audit-log/verification", {"anchored_heads": []}, expect=200)).json()
    assert verification["intact"] is True
    entries = (await auditor.get("/audit-log", params={"entity_id": case["id"], "limit": 500})).json()["items"]
    reads = [(entry["actor_subject"], entry["outcome"]) for entry in entries if entry["action"] in (
        "lex_sarah.case.read", "get_lex_sarah_case")]
    expected = [(caller.subject, "done" if name == "lex_sarah_officer:in" else "refused") for name, caller in readers.items()]
    assert reads == expected
    # The entry of the read holds the case's hash, not its contents.
    [read] = [entry for entry in entries if entry["action"] == "lex_sarah.case.read"]
    assert set(read["after"]) == {"sha256"} and "läkemedel" not in str(entries)
