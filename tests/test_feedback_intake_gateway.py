"""Case intake through the real gateway, where its two statements (the look-up, the insert) each
commit on their own, with no transaction around them (the services' own tests run them inside
the test's transaction): a retry under an Idempotency-Key gets the first reply byte for byte and
the case is there; another body under the key is refused; and a key another request claimed first,
its record not yet committed when this one looked, is a 409 with nothing written."""

import asyncio
import hashlib
import uuid

import asyncpg
import httpx
import pytest
from platform_support import unit_in, wait_until

from servicekit.idempotency import record_key

CASES = "/feedback/v1/cases"
SUBJECT = "intake-gateway-tests"


@pytest.fixture(scope="module")
def staff(gateway_url, stack):
    token = stack.mint_token(["admin"], sub=SUBJECT, ttl=3600)
    with httpx.Client(base_url=gateway_url, headers={"authorization": f"Bearer {token}"}, timeout=30) as http:
        yield http


@pytest.fixture(scope="module")
def unit(system, staff) -> dict:
    found = system.get("/goals/v1/organisation-units", params={"type": "city"}).json()["items"]
    city = found[0] if found else system.post("/goals/v1/organisation-units", json={
        "code": "STHLM", "name": "Stockholms stad", "type": "city", "effective_date": "2010-01-01"}).json()
    suffix = uuid.uuid4().hex[:6].upper()
    parent = city
    for code, name, unit_type in ((f"SDN-I{suffix}", "Skarpnäcks stadsdelsnämnd", "district_committee"),
                                  (f"SDF-I{suffix}", "Skarpnäcks stadsdelsförvaltning", "administration"),
                                  (f"BIB-I{suffix}", "Skarpnäcks bibliotek", "unit")):
        created = system.post("/goals/v1/organisation-units", json={
            "code": code, "name": name, "type": unit_type, "parent_id": parent["id"], "effective_date": "2015-01-01"})
        assert created.status_code == 201, created.text
        parent = created.json()
    wait_until(lambda: unit_in(system, "feedback", parent["id"]), what="unit in feedback")
    category = f"bib-{suffix.lower()}"
    assert staff.post("/feedback/v1/categories", json={"code": category, "name_sv": "Bibliotek"}).status_code == 201
    return {"id": parent["id"], "category": category}


def _body(unit, description: str) -> dict:
    return {"kind": "complaint", "channel": "e_mail", "category_code": unit["category"], "unit_id": unit["id"],
            "privacy": "anonymous", "description": description}


def test_a_retry_replays_the_committed_reply_and_another_body_is_refused(staff, unit):
    key = {"Idempotency-Key": f"gw-retry-{uuid.uuid4().hex[:8]}"}
    first = staff.post(CASES, json=_body(unit, "Öppettiderna stämmer inte."), headers=key)
    again = staff.post(CASES, json=_body(unit, "Öppettiderna stämmer inte."), headers=key)
    other = staff.post(CASES, json=_body(unit, "Öppettiderna stämmer."), headers=key)
    assert first.status_code == again.status_code == 201, first.text
    assert again.headers["idempotent-replayed"] == "true" and again.content == first.content
    assert again.headers["case-token"] == first.headers["case-token"]
    assert other.status_code == 422 and other.json()["type"].endswith("/idempotency-key-reused")
    read = staff.get(first.headers["location"])
    assert read.status_code == 200 and read.json()["registration_number"] == first.json()["registration_number"]
    listed = staff.get(CASES, params={"unit_id": unit["id"], "limit": 100}).json()["items"]
    assert [case["id"] for case in listed].count(first.json()["id"]) == 1


def test_a_key_claimed_first_by_a_request_in_flight_is_a_409_and_nothing_is_written(staff, unit, stack):
    key = f"gw-raced-{uuid.uuid4().hex[:8]}"
    key_hash = record_key(SUBJECT, "POST", CASES, key)
    description = f"Lånet gick inte att förnya ({key})."

    async def race() -> httpx.Response:
        first = await asyncpg.connect(stack.database_url("feedback"))
        try:
            transaction = first.transaction()
            await transaction.start()  # the first request's record, written, not yet committed
            await first.execute(
                "INSERT INTO idempotency_records (key_hash, fingerprint, status_code, headers, body) "
                "VALUES ($1, $2, 201, '{}', '\\x7b7d')", key_hash, hashlib.sha256(b"the first request").hexdigest())
            posting = asyncio.ensure_future(asyncio.to_thread(
                staff.post, CASES, json=_body(unit, description), headers={"Idempotency-Key": key}))
            while not await first.fetchval(  # until this request's insert waits on the first's record
                    "SELECT count(*) > 0 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"):
                assert not posting.done(), (await posting).text
                await asyncio.sleep(0.005)
            await transaction.commit()
            raced = await posting
            written = await first.fetchval("SELECT count(*) FROM cases WHERE description = $1", description)
            events = await first.fetchval(  # events of cases that are not there: none
                "SELECT count(*) FROM outbox WHERE type = 'feedback.case.received' "
                "AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.id::text = outbox.subject)")
            await first.execute("DELETE FROM idempotency_records WHERE key_hash = $1", key_hash)
            return raced, written, events
        finally:
            await first.close()

    raced, written, orphan_events = asyncio.run(race())
    assert raced.status_code == 409 and raced.json()["type"].endswith("/idempotency-in-flight"), raced.text
    assert written == 0 and orphan_events == 0
