"""Problem documents, the request-owned transaction, ETag, idempotency, pagination, assertions."""

import time

from sqlalchemy import func, select

from servicekit.assertion import mint_assertion
from servicekit.tables import IdempotencyRecord, OutboxEvent
from servicekit.testing.keys import signing_key_for_tests


async def count(session, model) -> int:
    return await session.scalar(select(func.count()).select_from(model))


async def test_validation_error_is_a_problem_listing_the_location(harness):
    async with harness.client() as client:
        response = await client.post("/sample/v1/notes", json={"title": ""})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert problem["errors"][0]["location"] == ["body", "title"]
    assert problem["request_id"] == response.headers["x-request-id"]


async def test_malformed_json_is_a_422_problem_not_a_500(harness):
    async with harness.client() as client:
        response = await client.post("/sample/v1/notes", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_unhandled_error_is_a_500_problem_without_internals(harness):
    async with harness.client() as client:
        response = await client.get("/sample/v1/crash")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "070-123" not in response.text and "RuntimeError" not in response.text


async def test_created_note_and_its_event_are_committed_together(harness):
    before = await count(harness.session, OutboxEvent)
    async with harness.client() as client:
        response = await client.post("/sample/v1/notes", json={"title": "Kvalitetsgaranti"})
    assert response.status_code == 201
    assert response.headers["etag"] == '"1"'
    assert await count(harness.session, OutboxEvent) == before + 1
    event = (await harness.session.scalars(select(OutboxEvent).order_by(OutboxEvent.position.desc()))).first()
    assert event.envelope["type"] == "sample.note.created"
    assert event.envelope["specversion"] == "1.0"
    assert event.envelope["data"]["title"] == "Kvalitetsgaranti"


async def test_error_response_rolls_back_rows_and_events(harness):
    before = await count(harness.session, OutboxEvent)
    async with harness.client() as client:
        response = await client.post("/sample/v1/notes", json={"title": "fail-after-write"})
        listing = await client.get("/sample/v1/notes", params={"limit": 500})
    assert response.status_code == 409
    assert await count(harness.session, OutboxEvent) == before
    assert all(note["title"] != "fail-after-write" for note in listing.json()["items"])


async def test_update_requires_if_match_and_refuses_a_stale_one(harness):
    async with harness.client() as client:
        created = (await client.post("/sample/v1/notes", json={"title": "v1"})).json()
        url = f"/sample/v1/notes/{created['id']}"
        missing = await client.patch(url, json={"title": "v2"})
        fresh = await client.patch(url, json={"title": "v2"}, headers={"if-match": '"1"'})
        stale = await client.patch(url, json={"title": "v3"}, headers={"if-match": '"1"'})
    assert missing.status_code == 428
    assert fresh.status_code == 200 and fresh.headers["etag"] == '"2"'
    assert stale.status_code == 412
    assert stale.json()["current_etag"] == '"2"'


async def test_idempotency_key_replays_the_first_reply(harness):
    headers = {"idempotency-key": "abc-123"}
    async with harness.client() as client:
        first = await client.post("/sample/v1/notes", json={"title": "once"}, headers=headers)
        second = await client.post("/sample/v1/notes", json={"title": "once"}, headers=headers)
        other_body = await client.post("/sample/v1/notes", json={"title": "twice"}, headers=headers)
        listing = await client.get("/sample/v1/notes", params={"limit": 500})
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["location"] == first.headers["location"]
    assert second.headers["idempotent-replayed"] == "true"
    assert other_body.status_code == 422
    assert [n["title"] for n in listing.json()["items"]].count("once") == 1
    assert await count(harness.session, IdempotencyRecord) >= 1


async def test_idempotency_replaces_an_expired_record_and_never_stores_over_a_live_one(harness):
    from datetime import UTC, datetime, timedelta

    from servicekit.idempotency import record_key

    old = record_key("tester", "POST", "/sample/v1/notes", "old-key")
    harness.session.add(IdempotencyRecord(key_hash=old, fingerprint="stale", status_code=201, headers={}, body=b"{}",
                                          created_at=datetime.now(UTC) - timedelta(hours=25)))
    await harness.session.flush()
    async with harness.client() as client:
        fresh = await client.post("/sample/v1/notes", json={"title": "after-expiry"}, headers={"idempotency-key": "old-key"})
        replay = await client.post("/sample/v1/notes", json={"title": "after-expiry"}, headers={"idempotency-key": "old-key"})
        before = await count(harness.session, OutboxEvent)
        raced = await client.post("/sample/v1/notes", json={"title": "raced"}, headers={"idempotency-key": "raced-key"})
        listing = await client.get("/sample/v1/notes", params={"limit": 500})
    assert fresh.status_code == 201 and "idempotent-replayed" not in fresh.headers
    assert replay.status_code == 201 and replay.headers["idempotent-replayed"] == "true" and replay.json() == fresh.json()
    assert raced.status_code == 409 and raced.json()["type"].endswith("/idempotency-in-flight")
    assert await count(harness.session, OutboxEvent) == before
    assert all(note["title"] != "raced" for note in listing.json()["items"])


async def test_idempotency_key_is_per_principal(harness):
    headers = {"idempotency-key": "shared-key"}
    async with harness.client(subject="alice") as alice, harness.client(subject="bob") as bob:
        a = await alice.post("/sample/v1/notes", json={"title": "alice"}, headers=headers)
        b = await bob.post("/sample/v1/notes", json={"title": "bob"}, headers=headers)
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


async def test_pagination_walks_every_row_once(harness):
    async with harness.client() as client:
        for i in range(7):
            await client.post("/sample/v1/notes", json={"title": f"page-{i}"})
        seen, cursor = [], None
        while True:
            params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
            page = (await client.get("/sample/v1/notes", params=params)).json()
            seen += [n["id"] for n in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        bad = await client.get("/sample/v1/notes", params={"cursor": "not-a-cursor!"})
        too_big = await client.get("/sample/v1/notes", params={"limit": 100000})
    assert len(seen) == len(set(seen)) >= 7
    assert bad.status_code == 400 and bad.json()["type"].endswith("invalid-cursor")
    assert too_big.status_code == 422


async def test_calls_without_a_valid_assertion_are_refused(harness):
    async with harness.anonymous_client() as client:
        missing = await client.get("/sample/v1/notes")
        forged = await client.get("/sample/v1/notes", headers={"x-internal-assertion": "eyJhbGciOiJub25lIn0.e30."})
        health = await client.get("/healthz")
        metrics = await client.get("/metrics")
        expired = await client.get("/sample/v1/notes", headers={"x-internal-assertion": mint_assertion(
            signing_key_for_tests(), audience="sample", subject="x", actor_kind="staff", roles=["admin"],
            now=time.time() - 120)})
        other_audience = await client.get("/sample/v1/notes", headers={"x-internal-assertion": mint_assertion(
            signing_key_for_tests(), audience="goals", subject="x", actor_kind="staff", roles=["admin"])})
    assert missing.status_code == forged.status_code == expired.status_code == other_audience.status_code == 401
    assert missing.headers["content-type"] == "application/problem+json"
    assert health.status_code == 200 and metrics.status_code == 200


async def test_readyz_reports_database_and_redis(harness):
    async with harness.anonymous_client() as client:
        ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "up", "redis": "up"}


async def test_roles_and_key_scopes_decide_access(harness):
    async with harness.client(roles=["examiner"]) as examiner, \
            harness.client(actor="system", roles=[], scopes=["sample:read"]) as reader:
        denied = await examiner.get("/sample/v1/notes")
        allowed_read = await reader.get("/sample/v1/notes")
        denied_write = await reader.post("/sample/v1/notes", json={"title": "nope"})
    assert denied.status_code == 403
    assert allowed_read.status_code == 200
    assert denied_write.status_code == 403


async def test_openapi_document_describes_errors_as_problem_documents(harness):
    async with harness.client() as client:
        document = (await client.get("/sample/v1/openapi.json")).json()
    create = document["paths"]["/sample/v1/notes"]["post"]["responses"]
    assert create["422"]["content"]["application/problem+json"]["schema"]["$ref"] == "#/components/schemas/ValidationProblem"
    assert create["default"]["content"]["application/problem+json"]["schema"]["$ref"] == "#/components/schemas/Problem"
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert "errors" in document["components"]["schemas"]["ValidationProblem"]["properties"]
