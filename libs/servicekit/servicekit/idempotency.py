"""Idempotency-Key for creating POSTs.

Keyed by principal + method + path + key and kept 24 hours. The reply is stored in the same
transaction as the create (a before-commit hook of ``TransactionalRoute``), so a replay returns
exactly what the first request's client got. A transaction-scoped advisory lock on the key
detects a request still in flight (409); the same key with another body is 422.
"""

import hashlib
from datetime import UTC, datetime, timedelta

from fastapi import Request, Response
from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.problems import ProblemError
from servicekit.tables import IdempotencyRecord

RETENTION = timedelta(hours=24)
_REPLAYED_HEADERS = ("location", "etag", "content-type")


class IdempotentReplay(Exception):
    """Raised to answer with the stored reply; carries plain values (the session rolls back)."""

    def __init__(self, record: IdempotencyRecord) -> None:
        self.status_code = record.status_code
        self.headers = dict(record.headers) | {"idempotent-replayed": "true"}
        self.body = bytes(record.body)


def replay_response(replay: IdempotentReplay) -> Response:
    return Response(replay.body, status_code=replay.status_code, headers=replay.headers)


async def idempotency_key(request: Request) -> None:
    """FastAPI dependency for creating endpoints; a no-op without the header."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return
    if not 1 <= len(key) <= 255:
        raise ProblemError(400, "Idempotency-Key must be 1–255 characters.", kind="invalid-idempotency-key")
    principal = getattr(request.state, "principal", None)
    subject = principal.subject if principal else "anonymous"
    key_hash = hashlib.sha256("\x1f".join((subject, request.method, request.url.path, key)).encode()).hexdigest()
    fingerprint = hashlib.sha256(await request.body()).hexdigest()
    session: AsyncSession = request.state.db_session

    lock_id = int.from_bytes(bytes.fromhex(key_hash[:16]), "big", signed=True)
    locked = (await session.execute(text("SELECT pg_try_advisory_xact_lock(:id)"), {"id": lock_id})).scalar_one()
    if not locked:
        raise ProblemError(409, "A request with this Idempotency-Key is still being processed.", kind="idempotency-in-flight")

    record = await session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.key_hash == key_hash,
            IdempotencyRecord.created_at > func.now() - RETENTION,
        )
    )
    if record is not None:
        if record.fingerprint != fingerprint:
            raise ProblemError(
                422, "This Idempotency-Key was used with a different request body.", kind="idempotency-key-reused"
            )
        raise IdempotentReplay(record)

    async def store(request: Request, response: Response, session: AsyncSession) -> None:
        # An expired record under the same key is replaced.
        await session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.key_hash == key_hash))
        session.add(
            IdempotencyRecord(
                key_hash=key_hash,
                fingerprint=fingerprint,
                status_code=response.status_code,
                headers={k: v for k, v in response.headers.items() if k in _REPLAYED_HEADERS},
                body=bytes(response.body),
            )
        )

    request.state.before_commit.append(store)


async def prune_idempotency_records(session: AsyncSession) -> int:
    result = await session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < datetime.now(UTC) - RETENTION)
    )
    return result.rowcount or 0
