"""Idempotency-Key on case intake, which looks the key up and stores its reply in the intake's own
two statements: a retry gets the first reply byte for byte, another body under the key is refused,
a key a request in flight claims first is a 409 with nothing created, and an expired record is
replaced."""

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta

import asyncpg
from sqlalchemy import func, select

from servicekit.dburl import plain_url
from servicekit.idempotency import record_key
from servicekit.tables import IdempotencyRecord, OutboxEvent

from feedback.models import cases

CASES = "/feedback/v1/cases"
PORTAL = "portal-1"  # FeedbackApi.portal()'s subject: the records are the portal's


def _body(org, description: str) -> dict:
    return {"kind": "complaint", "channel": "portal", "category_code": "forskola", "unit_id": str(org["FSK-UGGLAN"]),
            "description": description, "privacy": "anonymous"}


async def _counts(harness) -> tuple[int, int]:
    return (await harness.session.scalar(select(func.count()).select_from(cases)),
            await harness.session.scalar(select(func.count()).select_from(OutboxEvent)))


async def test_a_retry_gets_the_first_reply_byte_for_byte_and_another_body_is_refused(api, org, harness):
    key = {"Idempotency-Key": "intake-retry"}
    async with api.portal() as portal:
        first = await portal.post(CASES, json=_body(org, "Maten var kall."), headers=key)
        after_first = await _counts(harness)
        again = await portal.post(CASES, json=_body(org, "Maten var kall."), headers=key)
        other = await portal.post(CASES, json=_body(org, "Maten var varm."), headers=key)
    assert first.status_code == again.status_code == 201
    assert "idempotent-replayed" not in first.headers and again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content  # the registration number drawn in the insert included
    assert first.json()["registration_number"].startswith("SYN-")
    for header in ("location", "etag", "content-type", "case-token"):
        assert again.headers[header] == first.headers[header], header
    assert first.headers["location"] == f"{CASES}/{first.json()['id']}" and first.headers["etag"] == '"1"'
    assert other.status_code == 422 and other.json()["type"].endswith("/idempotency-key-reused")
    assert await _counts(harness) == after_first  # neither the replay nor the refusal made a case or an event
    stored = await harness.session.scalar(select(IdempotencyRecord.body).where(
        IdempotencyRecord.key_hash == record_key(PORTAL, "POST", CASES, "intake-retry")))
    assert bytes(stored) == first.content


async def test_a_key_a_request_in_flight_claims_first_is_a_409_and_nothing_is_written(api, org, harness, service_db):
    """The first request's record is written but not committed when this one looks (so the look-up
    does not see it); this one's insert waits on it, and the first commits: a live record, so the
    insert writes nothing (no case, no event) and the answer is 409."""
    key = "intake-raced"
    key_hash = record_key(PORTAL, "POST", CASES, key)
    before = await _counts(harness)
    backend = await harness.session.scalar(select(func.pg_backend_pid()))
    first = await asyncpg.connect(plain_url(service_db))
    try:
        transaction = first.transaction()
        await transaction.start()
        await first.execute(
            "INSERT INTO idempotency_records (key_hash, fingerprint, status_code, headers, body) VALUES ($1, $2, 201, '{}', $3)",
            key_hash, hashlib.sha256(b"the first request").hexdigest(), b"{}")
        async with api.portal() as portal:
            posting = asyncio.ensure_future(portal.post(CASES, json=_body(org, "Dörren kärvar."), headers={"Idempotency-Key": key}))
            while not await first.fetchval(  # until this request's insert waits on the first's row
                    "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1", backend):
                assert not posting.done(), posting.result().text
                await asyncio.sleep(0.005)
            await transaction.commit()
            raced = await posting
        assert raced.status_code == 409 and raced.json()["type"].endswith("/idempotency-in-flight")
        assert await _counts(harness) == before
    finally:
        # A request that (wrongly) kept its insert would hold the record's row lock until the test's
        # transaction ends: give up on the clean-up then rather than wait for ever.
        await first.execute("SET lock_timeout = '1s'")
        try:
            await first.execute("DELETE FROM idempotency_records WHERE key_hash = $1", key_hash)
        except asyncpg.LockNotAvailableError:
            pass
        await first.close()


async def test_an_expired_record_is_replaced_by_the_new_case(api, org, harness):
    key_hash = record_key(PORTAL, "POST", CASES, "intake-expired")
    harness.session.add(IdempotencyRecord(key_hash=key_hash, fingerprint="a day-old request", status_code=201, headers={},
                                          body=b"{}", created_at=datetime.now(UTC) - timedelta(hours=25)))
    await harness.session.flush()
    async with api.portal() as portal:
        fresh = await portal.post(CASES, json=_body(org, "Lampan är trasig."), headers={"Idempotency-Key": "intake-expired"})
        replay = await portal.post(CASES, json=_body(org, "Lampan är trasig."), headers={"Idempotency-Key": "intake-expired"})
    assert fresh.status_code == 201 and "idempotent-replayed" not in fresh.headers
    assert replay.headers["idempotent-replayed"] == "true" and replay.content == fresh.content
