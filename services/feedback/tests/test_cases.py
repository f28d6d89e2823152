"""Cases through HTTP: routing, the lifecycle, transfers, idempotent intake, the resident's token."""

import re
from datetime import date

from sqlalchemy import func, select

from servicekit.tables import OutboxEvent

from feedback.models import cases

CASES = "/feedback/v1/cases"


async def test_a_case_goes_to_the_named_unit_else_the_committees_route_else_the_central_intake(api, org):
    named = (await api.create(unit_id=str(org["FSK-UGGLAN"]))).json()
    assert named["unit_id"] == str(org["FSK-UGGLAN"]) and named["routed_by"] == "sender"

    unrouted = (await api.create(category_code="park")).json()
    assert unrouted["unit_id"] == str(org["STHLM"]) and unrouted["routed_by"] == "central_intake"

    async with api.staff("SDN-SPT", roles=["controller"]) as controller:
        route = await controller.put(
            f"/feedback/v1/committees/{org['SDN-SPT']}/category-routes/park", json={"unit_id": str(org["SDF-SPT-SM"])}
        )
        outside = await controller.put(
            f"/feedback/v1/committees/{org['SDN-SPT']}/category-routes/ovrigt", json={"unit_id": str(org["BRO-PARK"])}
        )
        other_committee = await controller.put(
            f"/feedback/v1/committees/{org['SDN-BRO']}/category-routes/park", json={"unit_id": str(org["BRO-PARK"])}
        )
    assert route.status_code == 200, route.text
    assert outside.status_code == 422 and outside.json()["type"].endswith("/unit-outside-committee")
    assert other_committee.status_code == 403

    routed = (await api.create(category_code="park")).json()
    assert routed["unit_id"] == str(org["SDF-SPT-SM"]) and routed["routed_by"] == "category"
    assert re.fullmatch(r"SYN-\d{4}-\d{6}", routed["registration_number"])

    # Bromma routes the category too: without a committee named, the central intake decides.
    async with api.staff("SDN-BRO", roles=["committee"]) as bromma:
        assert (await bromma.put(
            f"/feedback/v1/committees/{org['SDN-BRO']}/category-routes/park", json={"unit_id": str(org["BRO-PARK"])}
        )).status_code == 200
    ambiguous = (await api.create(category_code="park")).json()
    chosen = (await api.create(category_code="park", committee_id=str(org["SDN-BRO"]))).json()
    assert ambiguous["routed_by"] == "central_intake"
    assert chosen["unit_id"] == str(org["BRO-PARK"])


async def test_registration_numbers_rise_within_the_year_of_receipt(api, org):
    first = (await api.create()).json()["registration_number"]
    second = (await api.create()).json()["registration_number"]
    letter = (await api.create(channel="letter", received_at="2025-12-30T10:00:00+01:00")).json()["registration_number"]
    year = date.today().year
    assert first.startswith(f"SYN-{year}-") and second.startswith(f"SYN-{year}-")
    assert int(second[-6:]) > int(first[-6:])
    assert letter.startswith("SYN-2025-")


async def test_a_registration_number_past_six_digits_keeps_every_digit(api, org, harness):
    await harness.session.execute(select(func.setval("case_number_seq", 1_234_566)))
    await harness.session.commit()
    assert (await api.create(received_at="2025-12-30T10:00:00+01:00")).json()["registration_number"] == "SYN-2025-1234567"


async def test_the_lifecycle_records_who_when_and_why_and_keeps_the_answer(api, org, harness):
    case_id = (await api.create(unit_id=str(org["FSK-UGGLAN"]))).json()["id"]
    async with api.staff("FSK-UGGLAN", subject="handler-7") as handler:
        await api.move(case_id, "acknowledged", client=handler, reason="Mottagen av enheten")
        await api.move(case_id, "assigned", client=handler, assignee="handler-7")
        await api.move(case_id, "in_progress", client=handler)
        answered = (await api.move(case_id, "answered", client=handler, answer="Grinden är lagad.", measures="Ny grind monterad.")).json()
        closed = (await api.move(case_id, "closed", client=handler, reason="Klart")).json()
    assert answered["answer"] == "Grinden är lagad." and answered["measures"] == "Ny grind monterad."
    assert closed["status"] == "closed" and closed["closed_at"] is not None
    steps = [(event["action"], event["from_status"], event["to_status"], event["by_subject"]) for event in closed["history"]]
    assert steps == [
        ("created", None, "received", "admin-1"),
        ("transition", "received", "acknowledged", "handler-7"),
        ("transition", "acknowledged", "assigned", "handler-7"),
        ("transition", "assigned", "in_progress", "handler-7"),
        ("transition", "in_progress", "answered", "handler-7"),
        ("transition", "answered", "closed", "handler-7"),
    ]
    assert closed["history"][1]["reason"] == "Mottagen av enheten"

    reopened = (await api.move(case_id, "reopened", reason="Grinden gick sönder igen")).json()
    assert reopened["status"] == "reopened" and reopened["closed_at"] is None

    published = (await harness.session.execute(
        select(OutboxEvent.type, OutboxEvent.envelope).where(OutboxEvent.subject == case_id).order_by(OutboxEvent.position)
    )).all()
    assert [event_type for event_type, _ in published] == [
        "feedback.case.received", "feedback.case.acknowledged", "feedback.case.answered", "feedback.case.closed",
        "feedback.case.reopened",
    ]
    last = published[-1].envelope["data"]["case"]
    assert (last["status"], last["revision"], last["unit_id"]) == ("reopened", 7, str(org["FSK-UGGLAN"]))
    assert "Grinden" not in str([envelope for _, envelope in published])  # neither the resident's words nor the answer


async def test_invalid_transitions_and_stale_etags_change_nothing(api, org):
    case_id = (await api.create(unit_id=str(org["FSK-UGGLAN"]))).json()["id"]
    skip = await api.move(case_id, "closed", expect=422)
    assert skip.json()["type"].endswith("/invalid-transition")
    await api.walk(case_id, "acknowledged", "assigned", "in_progress")
    no_answer = await api.move(case_id, "answered", expect=422)
    assert no_answer.json()["type"].endswith("/answer-missing")
    await api.walk(case_id, "answered", "closed")
    answer_closed = await api.move(case_id, "answered", expect=422, answer="Igen")
    assert answer_closed.json()["type"].endswith("/invalid-transition")

    async with api.admin() as admin:
        stale = await admin.post(f"{CASES}/{case_id}/transitions", json={"to": "reopened", "reason": "x"}, headers={"If-Match": '"1"'})
        missing = await admin.post(f"{CASES}/{case_id}/transitions", json={"to": "reopened", "reason": "x"})
        after = (await admin.get(f"{CASES}/{case_id}")).json()
    assert stale.status_code == 412 and missing.status_code == 428
    assert after["status"] == "closed" and after["revision"] == 6  # created, then five steps


async def test_duplicates_link_to_a_parent_and_withdrawn_cases_are_finished(api, org):
    parent = (await api.create(unit_id=str(org["FSK-UGGLAN"]))).json()["id"]
    copy = (await api.create(unit_id=str(org["FSK-UGGLAN"]))).json()["id"]
    itself = await api.move(copy, "duplicate", expect=422, parent_case_id=copy)
    duplicate = (await api.move(copy, "duplicate", parent_case_id=parent, reason="Samma grind")).json()
    assert itself.json()["type"].endswith("/invalid-parent")
    assert duplicate["status"] == "duplicate" and duplicate["parent_case_id"] == parent
    withdrawn = (await api.move(parent, "withdrawn", reason="Avsändaren återkallade")).json()
    assert withdrawn["status"] == "withdrawn"
    await api.move(parent, "acknowledged", expect=422)


async def test_a_transfer_moves_the_case_and_keeps_history_and_deadlines(api, org):
    created = (await api.create(category_code="park")).json()
    case_id = created["id"]
    async with api.staff("STHLM", subject="intake-1") as intake:
        current = await intake.get(f"{CASES}/{case_id}")
        moved = await intake.post(
            f"{CASES}/{case_id}/transfer", json={"unit_id": str(org["BRO-PARK"]), "reason": "Gäller Brommaparken"},
            headers={"If-Match": current.headers["etag"]},
        )
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["unit_id"] == str(org["BRO-PARK"]) and body["committee_id"] == str(org["SDN-BRO"])
    assert (body["acknowledge_due"], body["answer_due"]) == (created["acknowledge_due"], created["answer_due"])
    transfer = body["history"][-1]
    assert (transfer["action"], transfer["from_unit_id"], transfer["to_unit_id"], transfer["by_subject"]) == (
        "transfer", str(org["STHLM"]), str(org["BRO-PARK"]), "intake-1")
    async with api.staff("STHLM") as intake_again, api.staff("SDN-BRO", roles=["controller"]) as bromma:
        assert (await intake_again.get(f"{CASES}/{case_id}")).status_code == 200  # the city's scope covers Bromma
        assert (await bromma.get(f"{CASES}/{case_id}")).status_code == 200


async def test_a_retried_post_makes_one_case_and_hands_out_the_same_token(api, org, harness):
    key = {"Idempotency-Key": "retry-1"}
    async with api.portal() as portal:
        first = await portal.post(CASES, json={**_body(org), "channel": "portal"}, headers=key)
        again = await portal.post(CASES, json={**_body(org), "channel": "portal"}, headers=key)
        other = await portal.post(CASES, json={**_body(org), "channel": "portal", "kind": "praise"}, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert first.json()["id"] == again.json()["id"]
    assert first.headers["case-token"] == again.headers["case-token"]
    assert other.status_code == 422
    count = await harness.session.scalar(select(func.count()).select_from(cases))
    assert count == 1


def _body(org) -> dict:
    return {"kind": "complaint", "category_code": "forskola", "unit_id": str(org["FSK-UGGLAN"]),
            "description": "Maten var kall.", "privacy": "anonymous"}


async def test_the_resident_reads_and_rates_their_own_case_with_the_token(api, org):
    created = await api.create(unit_id=str(org["FSK-UGGLAN"]))
    other = (await api.create(unit_id=str(org["FSK-UGGLAN"]))).json()["registration_number"]
    token, number = created.headers["case-token"], created.json()["registration_number"]
    mine_path = f"/feedback/v1/my-cases/{number}"
    async with api.anonymous() as anyone:
        mine = await anyone.get(mine_path, headers={"Case-Token": token})
        wrong = await anyone.get(mine_path, headers={"Case-Token": token[:-2] + "xx"})
        none = await anyone.get(mine_path)
        not_that_one = await anyone.get(f"/feedback/v1/my-cases/{other}", headers={"Case-Token": token})
        early = await anyone.post(f"{mine_path}/rating", json={"rating": 4}, headers={"Case-Token": token})
    assert mine.status_code == 200 and mine.json()["status_sv"] == "Mottagen"
    assert wrong.status_code == none.status_code == not_that_one.status_code == 404
    assert early.status_code == 422
    await api.walk(created.json()["id"], "acknowledged", "assigned", "in_progress", "answered")
    async with api.anonymous() as anyone:
        rated = await anyone.post(f"{mine_path}/rating", json={"rating": 4, "comment": "Snabbt"}, headers={"Case-Token": token})
        bad = await anyone.post(f"{mine_path}/rating", json={"rating": 9}, headers={"Case-Token": token})
    assert rated.status_code == 200 and rated.json()["rating"] == 4 and rated.json()["answer"] == "Vi har lagat grinden."
    assert bad.status_code == 422
    async with api.anonymous() as anyone:
        twice = await anyone.post(f"{mine_path}/rating", json={"rating": 1, "comment": "Ändrat mig"}, headers={"Case-Token": token})
        tokenless = await anyone.post(f"{mine_path}/rating", json={"rating": 1})
        wrong_token = await anyone.post(f"{mine_path}/rating", json={"rating": 1}, headers={"Case-Token": token[:-2] + "xx"})
        after = (await anyone.get(mine_path, headers={"Case-Token": token})).json()
    assert twice.status_code == 409 and twice.json()["type"].endswith("/already-rated")
    assert tokenless.status_code == wrong_token.status_code == 404
    assert tokenless.headers["content-type"] == "application/problem+json"
    assert after["rating"] == 4  # the first rating stands


async def test_bad_input_is_a_problem_and_changes_nothing(api, org, harness):
    async with api.admin() as admin:
        responses = [
            await admin.post(CASES, content=b"{not json", headers={"content-type": "application/json"}),
            await admin.post(CASES, json={**_body(org), "channel": "phone", "category_code": "nope"}),
            await admin.post(CASES, json={**_body(org), "channel": "phone", "unit_id": "00000000-0000-0000-0000-000000000000"}),
            await admin.post(CASES, json={**_body(org), "channel": "phone", "description": "x" * 4001}),
            await admin.post(CASES, json={**_body(org), "channel": "phone", "privacy": "named"}),
            await admin.post(CASES, json={**_body(org), "channel": "phone", "contact": {"email": "a@b.se"}}),
            await admin.post(CASES, json={**_body(org), "channel": "phone", "received_at": "2031-01-01T00:00:00+01:00"}),
            await admin.post(CASES, json={**_body(org), "channel": "phone", "attributes": {"kind": "x" * 201}}),
            await admin.get(f"{CASES}?cursor=garbage"),
            await admin.get(f"{CASES}/not-a-uuid"),
        ]
    assert [r.status_code for r in responses] == [422, 422, 422, 422, 422, 422, 422, 422, 400, 422]
    assert all(r.headers["content-type"] == "application/problem+json" for r in responses)
    assert await harness.session.scalar(select(func.count()).select_from(cases)) == 0


async def test_lists_are_narrowed_to_the_callers_scope(api, org):
    ugglan = (await api.create(unit_id=str(org["FSK-UGGLAN"]))).json()["id"]
    bromma = (await api.create(unit_id=str(org["BRO-PARK"]), category_code="park")).json()["id"]
    async with api.portal() as portal:
        mine = (await api.create(client=portal, channel="portal", unit_id=str(org["FSK-BJORKEN"]))).json()["id"]
        portal_list = (await portal.get(CASES)).json()["items"]
        portal_other = await portal.get(f"{CASES}/{ugglan}")
        portal_own = (await portal.get(f"{CASES}/{mine}")).json()
    async with api.staff("FSK-UGGLAN") as handler, api.staff("SDN-SPT", roles=["controller"]) as controller:
        handler_list = {c["id"] for c in (await handler.get(CASES)).json()["items"]}
        controller_list = {c["id"] for c in (await controller.get(CASES)).json()["items"]}
        hidden = await handler.get(f"{CASES}/{bromma}")
    assert [c["id"] for c in portal_list] == [mine]
    assert portal_other.status_code == 404
    assert portal_own["description"] is None and portal_own["history"] is None
    assert handler_list == {ugglan}
    assert controller_list == {ugglan, mine}
    assert hidden.status_code == 404


async def test_a_step_from_the_previous_register_keeps_its_time_within_the_case_history(api, org):
    case_id = (await api.create(unit_id=str(org["FSK-UGGLAN"]), received_at="2015-03-02T09:00:00+01:00")).json()["id"]
    async with api.importer() as importer:
        for at, kind in (("2015-03-02T08:59:00+01:00", "invalid-step-time"), ("2015-03-03T10:00:00", "invalid-step-time"),
                         ("2099-01-01T10:00:00+01:00", "invalid-step-time")):
            refused = await api.move(case_id, "acknowledged", client=importer, expect=422, at=at)
            assert refused.json()["type"].endswith(f"/{kind}"), at
        acknowledged = (await api.move(case_id, "acknowledged", client=importer, at="2015-03-03T10:00:00+01:00")).json()
        assert acknowledged["acknowledged_at"].startswith("2015-03-03T09:00:00") and acknowledged["revision"] == 2
        assert acknowledged["history"][-1]["at"].startswith("2015-03-03T09:00:00")
        assert (acknowledged["history"][-1]["by_kind"], acknowledged["history"][-1]["by_subject"]) == ("system", "import-1")
        await api.move(case_id, "assigned", client=importer, assignee="handler-1", at="2015-03-04T08:00:00+01:00")
        await api.move(case_id, "in_progress", client=importer, at="2015-03-04T08:30:00+01:00")
        before = await api.move(case_id, "answered", client=importer, expect=422, answer="Svar", at="2015-03-03T09:59:00+01:00")
        assert before.json()["type"].endswith("/invalid-step-time")
        answered = (await api.move(case_id, "answered", client=importer, answer="Svar", at="2015-03-09T15:00:00+01:00")).json()
    assert answered["answered_at"].startswith("2015-03-09T14:00:00")


async def test_staff_take_a_step_now_and_cannot_give_it_another_time(api, org):
    case_id = (await api.create(unit_id=str(org["FSK-UGGLAN"]), received_at="2015-03-02T09:00:00+01:00")).json()["id"]
    async with api.staff("FSK-UGGLAN") as handler:
        for at in ("2015-03-03T10:00:00+01:00", "2015-03-03T10:00:00"):
            refused = await api.move(case_id, "acknowledged", client=handler, expect=422, at=at)
            assert refused.json()["type"].endswith("/invalid-step-time") and "system" in refused.json()["detail"], at
        unchanged = (await handler.get(f"/feedback/v1/cases/{case_id}")).json()
        assert (unchanged["status"], unchanged["revision"], len(unchanged["history"])) == ("received", 1, 1)
        acknowledged = (await api.move(case_id, "acknowledged", client=handler)).json()
    assert acknowledged["acknowledged_at"][:4] != "2015" and acknowledged["history"][-1]["by_kind"] == "staff"
    async with api.importer() as importer:  # an import still may, within the case's history
        await api.move(case_id, "assigned", client=importer, assignee="handler-1", at=acknowledged["acknowledged_at"])
    async with api.portal() as portal:  # whoever may not handle a case at all is refused as before
        assert (await api.move(case_id, "in_progress", client=portal, expect=404, at=acknowledged["acknowledged_at"])).status_code == 404
