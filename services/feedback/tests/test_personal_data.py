"""Personal data: a canary contact detail planted in cases is found nowhere it must not be —
not in logs, outbox rows (what the relay streams to Redis), idempotency records, /metrics,
public or portal responses, nor in any column of the database other than as ciphertext.
Plus the rules around it: privacy modes, who reads contact details, redaction, retention."""

import logging
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import text

from feedback.config import FeedbackSettings
from feedback.jobs import run_key_rotation, run_retention

CANARY = f"kanariefagel-{uuid.uuid4().hex[:12]}"
CANARY_EMAIL = f"{CANARY}@example.se"
CANARY_PHONE = "+46 70 123 45 67"
CANARY_NAME = f"Astrid {CANARY}"
CASES = "/feedback/v1/cases"


async def _every_place_in_the_database(harness, needles: list[str]) -> list[str]:
    """Every column of every table in the service's schema that holds one of the needles."""
    session = harness.session
    columns = await session.execute(text(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name <> 'alembic_version'"
    ))
    found = []
    for table, column, data_type in columns:
        for needle in needles:
            if data_type == "bytea":
                condition = f'position(convert_to(:needle, \'UTF8\') in "{column}") > 0'
            else:
                condition = f'"{column}"::text LIKE \'%\' || :needle || \'%\''
            hits = await session.scalar(text(f'SELECT count(*) FROM "{table}" WHERE {condition}'), {"needle": needle})
            if hits:
                found.append(f"{table}.{column}: {needle}")
    return found


async def test_a_planted_contact_detail_is_found_nowhere_but_in_its_sealed_row(api, org, harness, caplog):
    caplog.set_level(logging.DEBUG)
    contact = {"name": CANARY_NAME, "email": CANARY_EMAIL, "phone": CANARY_PHONE, "postal_address": f"{CANARY}vägen 1"}
    async with api.portal() as portal:
        created = await portal.post(CASES, headers={"Idempotency-Key": "canary-1"}, json={
            "kind": "complaint", "channel": "portal", "category_code": "forskola", "unit_id": str(org["FSK-UGGLAN"]),
            "description": "Maten var kall.", "privacy": "named", "contact": contact,
        })
        replayed = await portal.post(CASES, headers={"Idempotency-Key": "canary-1"}, json={
            "kind": "complaint", "channel": "portal", "category_code": "forskola", "unit_id": str(org["FSK-UGGLAN"]),
            "description": "Maten var kall.", "privacy": "named", "contact": contact,
        })
        rejected = await portal.post(CASES, json={
            "kind": "complaint", "channel": "portal", "category_code": "forskola", "description": "x",
            "privacy": "named", "contact": {"phone": CANARY},
        })
        open311 = await portal.post("/open311/v2/requests.xml", headers={
            "content-type": "application/x-www-form-urlencoded", "Idempotency-Key": "canary-2",
        }, content=urlencode({"service_code": "park", "lat": "59.38", "long": "17.9", "description": "Skräp",
                              "email": CANARY_EMAIL, "first_name": "Astrid", "last_name": CANARY, "phone": CANARY_PHONE}).encode())
        portal_view = await portal.get(f"{CASES}/{created.json()['id']}")
        portal_list = await portal.get(CASES)
    assert created.status_code == replayed.status_code == open311.status_code == 201
    assert rejected.status_code == 422
    token = created.headers["case-token"]
    case_id = created.json()["id"]
    await api.walk(case_id, "acknowledged", "assigned", "in_progress", "answered", "closed")

    async with api.anonymous() as anyone:
        public = [
            await anyone.get("/open311/v2/requests.json"), await anyone.get("/open311/v2/requests.xml"),
            await anyone.get(f"/open311/v2/requests/{created.json()['registration_number']}.xml"),
            await anyone.get(f"/feedback/v1/my-cases/{created.json()['registration_number']}", headers={"Case-Token": token}),
        ]
    async with api.staff("SDN-SPT", roles=["controller"]) as controller:
        staff_views = [await controller.get(f"{CASES}/{case_id}"), await controller.get(CASES)]
    async with harness.anonymous_client() as scraper:
        metrics = await scraper.get("/metrics")

    needles = [CANARY, CANARY_PHONE, token]
    texts = {
        "replies": [r.text for r in (created, replayed, rejected, open311, portal_view, portal_list, *public, *staff_views)],
        "reply headers": [str({k: v for k, v in r.headers.items() if k != "case-token"}) for r in (created, replayed)],
        "metrics": [metrics.text],
        "logs": [record.getMessage() + str(record.__dict__) for record in caplog.records],
    }
    for place, values in texts.items():
        for needle in needles:
            assert not any(needle in value for value in values), f"{needle} in {place}"
    assert token not in str(caplog.records)
    # Outbox rows (streamed verbatim to Redis), idempotency records and every other column.
    assert await _every_place_in_the_database(harness, needles) == []
    assert len(caplog.records) > 0 and "feedback.case.received" in (await harness.session.scalar(text("SELECT string_agg(type, ',') FROM outbox")))

    # The unit's handler does read them, decrypted, when the case is named.
    async with api.staff("FSK-UGGLAN") as handler:
        seen = (await handler.get(f"{CASES}/{case_id}/contact")).json()
    assert seen["email"] == CANARY_EMAIL and seen["name"] == CANARY_NAME


async def test_privacy_modes_decide_who_reads_contact_details(api, org):
    contact = {"email": "kim@example.se"}
    named = (await api.create(unit_id=str(org["FSK-UGGLAN"]), privacy="named", contact=contact)).json()["id"]
    confidential = (await api.create(unit_id=str(org["FSK-UGGLAN"]), privacy="confidential", contact=contact)).json()["id"]
    anonymous = (await api.create(unit_id=str(org["FSK-UGGLAN"]))).json()["id"]
    async with api.staff("FSK-UGGLAN") as handler, api.staff("STHLM", subject="intake-1") as intake, \
            api.staff("SDN-SPT", roles=["controller"]) as controller, api.portal() as portal:
        assert (await handler.get(f"{CASES}/{named}/contact")).status_code == 200
        assert (await handler.get(f"{CASES}/{confidential}/contact")).status_code == 403
        assert (await intake.get(f"{CASES}/{confidential}/contact")).json()["email"] == "kim@example.se"
        assert (await handler.get(f"{CASES}/{anonymous}/contact")).status_code == 404
        assert (await controller.get(f"{CASES}/{named}/contact")).status_code == 403  # reads cases, not senders
        assert (await portal.get(f"{CASES}/{named}/contact")).status_code == 404


async def test_redaction_removes_a_passage_and_records_who_what_and_when(api, org):
    case_id = (await api.create(unit_id=str(org["FSK-UGGLAN"]), description="Pedagogen Eva Ek var otrevlig mot mitt barn.")).json()["id"]
    async with api.staff("FSK-UGGLAN", subject="handler-9") as handler:
        current = await handler.get(f"{CASES}/{case_id}")
        redacted = await handler.post(f"{CASES}/{case_id}/redactions", headers={"If-Match": current.headers["etag"]},
                                      json={"field": "description", "passage": "Eva Ek", "reason": "Namn på anställd"})
        missing = await handler.post(f"{CASES}/{case_id}/redactions", headers={"If-Match": redacted.headers["etag"]},
                                     json={"field": "description", "passage": "Eva Ek", "reason": "igen"})
        records = (await handler.get(f"{CASES}/{case_id}/redactions")).json()
    assert redacted.status_code == 200
    assert redacted.json()["description"] == "Pedagogen [borttaget] var otrevlig mot mitt barn."
    assert missing.status_code == 422
    assert [(r["field"], r["removed_characters"], r["by_subject"], r["reason"]) for r in records] == [
        ("description", len("Eva Ek"), "handler-9", "Namn på anställd")]
    assert "Eva Ek" not in str(records)


async def test_retention_erases_contact_details_after_closing_unless_on_legal_hold(api, org, harness):
    ids = {}
    for name in ("old", "held", "recent", "open"):
        ids[name] = (await api.create(unit_id=str(org["FSK-UGGLAN"]), privacy="named", contact={"email": f"{name}@example.se"})).json()["id"]
    for name in ("old", "held", "recent"):
        await api.walk(ids[name], "acknowledged", "assigned", "in_progress", "answered", "closed")
    async with api.staff("FSK-UGGLAN", roles=["unit_manager"]) as manager:
        current = await manager.get(f"{CASES}/{ids['held']}")
        hold = await manager.put(f"{CASES}/{ids['held']}/legal-hold", headers={"If-Match": current.headers["etag"]},
                                 json={"hold": True, "reason": "Överklagande pågår"})
    assert hold.status_code == 200 and hold.json()["legal_hold"] is True
    settings = FeedbackSettings()
    sessions = harness.app.state.sessionmaker
    # "recent" was closed within the period: run the clock to just before and just after it ends for "old".
    await harness.session.execute(text("UPDATE cases SET closed_at = closed_at - interval '400 days' WHERE id IN (:a, :b)"),
                                  {"a": ids["old"], "b": ids["held"]})
    assert await run_retention(settings, sessions, datetime.now(UTC)) == 1
    assert await run_retention(settings, sessions, datetime.now(UTC) + timedelta(days=1)) == 0
    async with api.staff("FSK-UGGLAN") as handler:
        views = {name: (await handler.get(f"{CASES}/{case_id}/contact")).json() for name, case_id in ids.items()}
    assert views["old"] == {"name": None, "email": None, "phone": None, "postal_address": None, "erased": True}
    assert views["held"]["email"] == "held@example.se"
    assert views["recent"]["email"] == "recent@example.se" and views["open"]["email"] == "open@example.se"


async def test_contact_keys_rotate_and_old_rows_are_resealed(api, org, harness, monkeypatch):
    from cryptography.fernet import Fernet

    case_id = (await api.create(unit_id=str(org["FSK-UGGLAN"]), privacy="named", contact={"email": "rotate@example.se"})).json()["id"]
    old_key = FeedbackSettings().contact_key_list()[0]
    new_key = Fernet.generate_key().decode()
    monkeypatch.setenv("FEEDBACK_CONTACT_KEYS", f"{new_key},{old_key}")
    assert await run_key_rotation(FeedbackSettings(), harness.app.state.sessionmaker, datetime.now(UTC)) == 1
    sealed = await harness.session.scalar(text("SELECT ciphertext FROM case_contacts WHERE case_id = :id"), {"id": case_id})
    assert Fernet(new_key).decrypt(sealed) == b'{"email":"rotate@example.se"}'
    assert await run_key_rotation(FeedbackSettings(), harness.app.state.sessionmaker, datetime.now(UTC)) == 0
