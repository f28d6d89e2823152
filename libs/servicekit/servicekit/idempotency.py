"""Idempotency-Key for creating POSTs.

Keyed by principal + method + path + key and kept 24 hours. The reply is stored in the same
transaction as the create (a before-commit hook of ``TransactionalRoute``), so a replay returns
exactly what the first request's client got. A transaction-scoped advisory lock on the key
detects a request still in flight (409); the same key with another body is 422.

Two statements per request: the lock taken and the record looked up in one, the reply stored
(replacing an expired record) in the other. The look-up's snapshot is taken just before the lock,
so a first request committing in between is not seen; the store then finds its live record, and
the request answers 409 like one in flight, its own changes rolled back (a retry replays the
first request's reply): never two creates for one key.
"""

import hashlib
from datetime import UTC, datetime, timedelta

from fastapi import Request, Response
from sqlalchemy import Interval, and_, bindparam, delete, func, literal_column, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.problems import ProblemError
from servicekit.tables import IdempotencyRecord

RETENTION = timedelta(hours=24)
_REPLAYED_HEADERS = ("location", "etag", "content-type")


_RECORDS = IdempotencyRecord.__table__
_RETENTION = bindparam("retention", RETENTION, type_=Interval)
_one = select(literal_column("1").label("one")).subquery("one")
# The lock, and the record under the key if it is younger than the retention (built once).
_LOCK_AND_LOOK_UP = select(
    func.pg_try_advisory_xact_lock(bindparam("lock_id")).label("locked"),
    _RECORDS.c.fingerprint, _RECORDS.c.status_code, _RECORDS.c.headers, _RECORDS.c.body,
).select_from(_one.outerjoin(_RECORDS, and_(
    _RECORDS.c.key_hash == bindparam("key_hash"), _RECORDS.c.created_at > func.now() - _RETENTION,
)))
_insert = pg_insert(_RECORDS).values(
    key_hash=bindparam("key_hash"), fingerprint=bindparam("fingerprint"), status_code=bindparam("status_code"),
    headers=bindparam("headers"), body=bindparam("body"),
)
# The reply, replacing an expired record under the same key; no row back: a live record is there.
_STORE = _insert.on_conflict_do_update(
    index_elements=[_RECORDS.c.key_hash],
    set_={"fingerprint": _insert.excluded.fingerprint, "status_code": _insert.excluded.status_code,
          "headers": _insert.excluded.headers, "body": _insert.excluded.body, "created_at": func.now()},
    where=_RECORDS.c.created_at <= func.now() - _RETENTION,
).returning(_RECORDS.c.key_hash)


class IdempotentReplay(Exception):
    """Raised to answer with the stored reply; carries plain values (the session rolls back)."""

    def __init__(self, record) -> None:
        self.status_code = record.status_code
        self.headers = dict(record.headers) | {"idempotent-replayed": "true"}
        self.body = bytes(record.body)


def replay_response(replay: IdempotentReplay) -> Response:
    return Response(replay.body, status_code=replay.status_code, headers=replay.headers)


def record_key(subject: str, method: str, path: str, key: str) -> str:
    """The record's key: SHA-256 of who, method, path and the Idempotency-Key."""
    return hashlib.sha256("\x1f".join((subject, method, path, key)).encode()).hexdigest()


async def idempotency_key(request: Request) -> None:
    """FastAPI dependency for creating endpoints; a no-op without the header."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return
    if not 1 <= len(key) <= 255:
        raise ProblemError(400, "Idempotency-Key must be 1–255 characters.", kind="invalid-idempotency-key")
    principal = getattr(request.state, "principal", None)
    subject = principal.subject if principal else "anonymous"
    key_hash = record_key(subject, request.method, request.url.path, key)
    fingerprint = hashlib.sha256(await request.body()).hexdigest()
    session: AsyncSession = request.state.db_session

    lock_id = int.from_bytes(bytes.fromhex(key_hash[:16]), "big", signed=True)
    record = (await session.execute(_LOCK_AND_LOOK_UP, {"lock_id": lock_id, "key_hash": key_hash})).one()
    if not record.locked:
        raise _in_flight()
    if record.fingerprint is not None:
        if record.fingerprint != fingerprint:
            raise ProblemError(
                422, "This Idempotency-Key was used with a different request body.", kind="idempotency-key-reused"
            )
        raise IdempotentReplay(record)

    async def store(request: Request, response: Response, session: AsyncSession) -> None:
        stored = await session.scalar(_STORE, {
            "key_hash": key_hash, "fingerprint": fingerprint, "status_code": response.status_code,
            "headers": {k: v for k, v in response.headers.items() if k in _REPLAYED_HEADERS},
            "body": bytes(response.body),
        })
        if stored is None:  # the first request with this key committed after this one looked
            raise _in_flight()

    request.state.before_commit.append(store)


def _in_flight() -> ProblemError:
    return ProblemError(409, "A request with this Idempotency-Key is still being processed.", kind="idempotency-in-flight")


async def prune_idempotency_records(session: AsyncSession) -> int:
    result = await session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < datetime.now(UTC) - RETENTION)
    )
    return result.rowcount or 0
