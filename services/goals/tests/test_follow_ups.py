"""Follow-ups per period: the suggested assessment by rule, the person's verdict, analysis, lateness."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from servicekit.orgtree import stockholm_today
from servicekit.tables import OutboxEvent

COMMITMENTS, FOLLOW_UPS = "/goals/v1/commitments", "/goals/v1/follow-ups"
CHECKLIST = {
    "type": "checklist", "description": "Medarbetarna har en god arbetsmiljö.",
    "items": [
        {"id": "sjukfranvaro", "text": "Sjukfrånvaron är lägre än 2 procent"},
        {"id": "ami", "text": "AMI ligger 5 procentenheter över förvaltningens resultat"},
        {"id": "delaktighet", "text": "Medarbetarna är delaktiga i att planera och följa upp enhetens arbete"},
        {"id": "tydlighet", "text": "Mål och resultatkrav är tydliga"},
    ],
}
PICTURE = {"type": "target_picture", "description": "Enhetens arbete bidrar till utveckling och kvalitet i verksamheterna."}


@pytest.fixture
def adopt(workflow, plan, full_commitment):
    """Adopt a commitment (with the given expected result, default: sick leave below 2 %) with the 2015 plan."""

    async def adopt(expected_result: dict | None = None) -> dict:
        body = full_commitment(plan["id"])
        if expected_result is not None:
            body["expected_result"] = expected_result
        created = await workflow.create(body)
        await workflow.approve(created["id"])
        await workflow.adopt_plan(plan["id"], "2014-12-15")
        return created

    return adopt


async def _report(client, commitment_id, *, expect: int = 201, **body) -> dict:
    response = await client.post(f"{COMMITMENTS}/{commitment_id}/follow-ups", json=body)
    assert response.status_code == expect, response.text
    return response.json()


async def test_a_target_value_is_suggested_against_the_target_and_the_partly_band(manager, adopt):
    commitment = await adopt()  # sjukfrånvaro less_than 2, partly band 10 % → misses up to 0.2 are partly
    t1 = await _report(manager, commitment["id"], period="2015-T1", outcome_value=1.8, assessment="fulfilled")
    t2 = await _report(manager, commitment["id"], period="2015-T2", outcome_value=2.0, assessment="partly_fulfilled")
    without_analysis = await _report(manager, commitment["id"], expect=422, period="2015-VB", outcome_value=2.5, assessment="not_fulfilled")
    vb = await _report(
        manager, commitment["id"], period="2015-VB", outcome_value=2.5, assessment="not_fulfilled",
        analysis="Två långtidssjukskrivningar under hösten.", next_steps="Rehabiliteringsplaner och tätare avstämningar.",
    )

    assert (t1["suggested_assessment"], t2["suggested_assessment"], vb["suggested_assessment"]) == (
        "fulfilled", "partly_fulfilled", "not_fulfilled",
    )
    assert t1["suggestion_basis"] == {"rule": "target_value", "outcome": 1.8, "comparison": "less_than", "target": 2.0, "partly_band": 0.1}
    assert without_analysis["type"].endswith("/analysis-required")
    assert vb["analysis"] == "Två långtidssjukskrivningar under hösten." and vb["commitment_version"] == 1


async def test_a_verdict_that_differs_from_the_suggestion_needs_an_analysis(manager, adopt):
    commitment = await adopt()
    refused = await _report(manager, commitment["id"], expect=422, period="2015-T1", outcome_value=1.0, assessment="partly_fulfilled")
    accepted = await _report(
        manager, commitment["id"], period="2015-T1", outcome_value=1.0, assessment="partly_fulfilled",
        analysis="Låg sjukfrånvaro men hög arbetsbelastning periodvis.",
    )

    assert refused["type"].endswith("/analysis-required") and refused["suggested_assessment"] == "fulfilled"
    assert (accepted["suggested_assessment"], accepted["assessment"]) == ("fulfilled", "partly_fulfilled")


async def test_a_checklist_is_suggested_by_the_share_reached(manager, adopt):
    commitment = await adopt(CHECKLIST)
    half = await _report(manager, commitment["id"], period="2015-T1", reached_item_ids=["ami", "sjukfranvaro"], assessment="partly_fulfilled")
    quarter = await _report(
        manager, commitment["id"], period="2015-T2", reached_item_ids=["ami"], assessment="not_fulfilled", analysis="Ny chef under våren.",
    )
    all_four = await _report(
        manager, commitment["id"], period="2015-VB", reached_item_ids=["ami", "sjukfranvaro", "delaktighet", "tydlighet"],
        assessment="fulfilled",
    )

    assert (half["suggested_assessment"], quarter["suggested_assessment"], all_four["suggested_assessment"]) == (
        "partly_fulfilled", "not_fulfilled", "fulfilled",
    )
    assert half["suggestion_basis"] == {"rule": "checklist", "reached": 2, "total": 4, "share": 0.5}
    assert half["reached_item_ids"] == ["ami", "sjukfranvaro"]


async def test_a_target_picture_gets_no_suggestion_and_the_outcome_must_fit_the_type(manager, adopt):
    picture = await adopt(PICTURE)
    wrong_shape = await _report(manager, picture["id"], expect=422, period="2015-T1", outcome_value=3, assessment="fulfilled")
    no_words = await _report(manager, picture["id"], expect=422, period="2015-T1", assessment="fulfilled")
    judged = await _report(
        manager, picture["id"], period="2015-T1", result="Mötesstrukturen är tydliggjord.", assessment="fulfilled",
    )

    assert wrong_shape["type"].endswith("/outcome-does-not-apply") and no_words["type"].endswith("/outcome-required")
    assert judged["suggested_assessment"] is None and judged["suggestion_basis"] is None and judged["assessment"] == "fulfilled"


async def test_only_adopted_commitments_of_the_periods_year_are_followed_up_once_per_period(
    manager, workflow, plan, full_commitment, adopt, outbox_count
):
    draft = await workflow.create(full_commitment(plan["id"], title="Utkast"))
    adopted = await adopt()
    await _report(manager, adopted["id"], period="2015-T1", outcome_value=1.8, assessment="fulfilled")
    before = await outbox_count()

    unadopted = await _report(manager, draft["id"], expect=422, period="2015-T1", outcome_value=1.8, assessment="fulfilled")
    other_year = await _report(manager, adopted["id"], expect=422, period="2016-T1", outcome_value=1.8, assessment="fulfilled")
    twice = await _report(manager, adopted["id"], expect=422, period="2015-T1", outcome_value=1.7, assessment="fulfilled")
    no_such_period = await _report(manager, adopted["id"], expect=422, period="2015-T3", outcome_value=1.7, assessment="fulfilled")
    unknown_item = await _report(manager, adopted["id"], expect=422, period="2015-T2", reached_item_ids=["x"], assessment="fulfilled")

    assert unadopted["type"].endswith("/commitment-not-adopted")
    assert other_year["type"].endswith("/period-outside-year")
    assert twice["type"].endswith("/follow-up-exists")
    assert no_such_period["type"].endswith("/validation-error")
    assert unknown_item["type"].endswith("/outcome-does-not-apply")
    assert await outbox_count() == before


async def test_a_late_follow_up_is_accepted_and_marked_and_reported_today(manager, adopt):
    commitment = await adopt()
    late = await _report(manager, commitment["id"], period="2015-T1", outcome_value=1.8, assessment="fulfilled")

    # No reported_on: today (Europe/Stockholm), long after 31 May 2015 (T1's deadline): accepted, marked late.
    assert (late["reported_on"], late["deadline"], late["late"]) == (stockholm_today().isoformat(), "2015-05-31", True)


async def test_a_past_report_is_an_import_by_a_city_wide_system_key_never_by_staff(harness, manager, adopt, tree, outbox_count):
    commitment = await adopt()
    t2 = {"period": "2015-T2", "outcome_value": 1.8, "assessment": "fulfilled"}
    tomorrow = (stockholm_today() + timedelta(days=1)).isoformat()
    before = await outbox_count()
    async with (
        harness.client(roles=("admin",), subject="admin-1") as admin,
        harness.client(roles=(), actor="system", scopes=("goals:write",), subject="register-import") as importer,
        harness.client(roles=(), actor="system", scopes=("goals:write",), org=(tree.ids["SDN-SPT"],), subject="scoped-key") as scoped,
        harness.client(roles=(), actor="system", scopes=("goals:read",), subject="read-key") as read_key,
    ):
        by_admin = await _report(admin, commitment["id"], expect=422, **t2, reported_on="2015-09-20")
        by_manager = await _report(manager, commitment["id"], expect=422, **t2, reported_on="2015-09-20")
        by_scoped_key = await _report(scoped, commitment["id"], expect=403, **t2, reported_on="2015-09-20")
        by_read_key = await _report(read_key, commitment["id"], expect=403, **t2, reported_on="2015-09-20")
        key_today = await _report(importer, commitment["id"], expect=403, **t2)  # a key never reports a follow-up itself
        in_future = await _report(importer, commitment["id"], expect=422, **t2, reported_on=tomorrow)
        nothing = (await admin.get(FOLLOW_UPS, params={"commitment_id": commitment["id"]})).json()["items"]
        events = await outbox_count()
        imported = await _report(importer, commitment["id"], **t2, reported_on="2015-09-20")
        read_back = (await admin.get(f"{FOLLOW_UPS}/{imported['id']}")).json()

    assert by_admin["type"].endswith("/past-date-not-allowed") and by_manager["type"].endswith("/past-date-not-allowed")
    assert by_scoped_key["type"].endswith("/forbidden") and by_read_key["type"].endswith("/forbidden")
    assert key_today["type"].endswith("/forbidden") and in_future["type"].endswith("/reported-on-in-future")
    assert nothing == [] and events == before
    # Reported on 20 September, before T2's default deadline (30 September): on time.
    assert (read_back["reported_on"], read_back["deadline"], read_back["late"]) == ("2015-09-20", "2015-09-30", False)
    assert await outbox_count() == before + 1


async def test_a_period_follows_up_the_version_in_force_on_its_last_day(manager, workflow, adopt, full_commitment, plan):
    commitment = await adopt()
    stricter = full_commitment(plan["id"])["expected_result"] | {"target": 1.5}
    await workflow.act(workflow.committee, f"{COMMITMENTS}/{commitment['id']}/changes",
                       {"decision": workflow.decision("2015-06-01", "SDN 2015/88 § 4"), "expected_result": stricter})
    t1 = await _report(manager, commitment["id"], period="2015-T1", outcome_value=1.8, assessment="fulfilled")
    t2 = await _report(manager, commitment["id"], period="2015-T2", outcome_value=1.8, assessment="not_fulfilled",
                       analysis="Målet skärptes i juni.")

    # T1 ends 30 April, under version 1 (below 2); T2 ends 31 August, under version 2 (below 1.5, band 0.15).
    assert (t1["commitment_version"], t1["suggested_assessment"]) == (1, "fulfilled")
    assert (t2["commitment_version"], t2["suggested_assessment"]) == (2, "not_fulfilled")


async def test_a_follow_up_is_corrected_with_if_match_and_published_without_who_reported_it(harness, manager, adopt):
    commitment = await adopt()
    reported = await _report(manager, commitment["id"], period="2015-T1", outcome_value=1.8, assessment="fulfilled")
    path = f"{FOLLOW_UPS}/{reported['id']}"
    stale = await manager.patch(path, json={"outcome_value": 2.1}, headers={"if-match": '"5"'})
    needs_analysis = await manager.patch(path, json={"outcome_value": 2.1}, headers={"if-match": '"1"'})
    corrected = await manager.patch(path, json={"outcome_value": 2.1, "assessment": "partly_fulfilled"}, headers={"if-match": '"1"'})
    events = [e for (e,) in await harness.session.execute(
        select(OutboxEvent.envelope).where(OutboxEvent.subject == reported["id"]).order_by(OutboxEvent.position)
    )]

    assert stale.status_code == 412
    assert needs_analysis.status_code == 422 and needs_analysis.json()["suggested_assessment"] == "partly_fulfilled"
    assert corrected.status_code == 200 and corrected.json()["suggested_assessment"] == "partly_fulfilled"
    assert corrected.headers["etag"] == '"2"'
    assert [e["type"] for e in events] == ["goals.follow-up.reported", "goals.follow-up.reported"]
    assert events[-1]["data"]["follow_up"]["outcome_value"] == 2.1 and "manager-vu" not in str(events)


async def test_a_followed_up_commitment_closes_after_its_annual_report(manager, workflow, adopt):
    commitment = await adopt()
    await _report(manager, commitment["id"], period="2015-VB", outcome_value=1.2, assessment="fulfilled")
    followed = (await manager.get(f"{COMMITMENTS}/{commitment['id']}")).json()
    closed = await workflow.act(manager, f"{COMMITMENTS}/{commitment['id']}/closure")
    after = await _report(manager, commitment["id"], expect=422, period="2015-T2", outcome_value=1.2, assessment="fulfilled")

    assert followed["status"] == "followed_up" and closed["status"] == "closed"
    assert after["type"].endswith("/commitment-not-adopted")


async def test_follow_ups_are_reported_by_the_units_manager_and_read_in_scope(harness, manager, controller, adopt, tree):
    commitment = await adopt()
    body = {"period": "2015-T1", "outcome_value": 1.8, "assessment": "fulfilled"}
    by_controller = await controller.post(f"{COMMITMENTS}/{commitment['id']}/follow-ups", json=body)
    async with harness.client(roles=("unit_manager",), org=(tree.ids["SDF-SPT-IOF"],), subject="manager-iof") as other:
        by_other = await other.post(f"{COMMITMENTS}/{commitment['id']}/follow-ups", json=body)
        other_list = (await other.get(FOLLOW_UPS)).json()["items"]
    reported = await _report(manager, commitment["id"], **body)
    listed = (await controller.get(FOLLOW_UPS, params={"period": "2015-T1"})).json()["items"]

    assert by_controller.status_code == by_other.status_code == 403 and other_list == []
    assert [item["id"] for item in listed] == [reported["id"]]
