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

A route whose create is one hand-written statement, after a look-up of its own, carries both in
them instead (``idempotency_claim``, ``LOOK_UP_SQL``, ``store_sql``): two round trips fewer, and
with ``servicekit.db.single_statement_writes`` two more (no BEGIN, no COMMIT). Without a
transaction around both there is no lock to hold between them; a request in flight is found at
the store instead: the create statement stores the reply first and creates only if it was stored
(``STORED_OR_NO_KEY``), so a second request with the key waits on the first's uncommitted record,
then finds it live and answers 409 with nothing written. Feedback's case intake does this, the
busiest create.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import orjson
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

    def __init__(self, *, status_code: int, headers: dict, body: bytes) -> None:
        self.status_code = status_code
        self.headers = dict(headers) | {"idempotent-replayed": "true"}
        self.body = bytes(body)


def replay_response(replay: IdempotentReplay) -> Response:
    return Response(replay.body, status_code=replay.status_code, headers=replay.headers)


def record_key(subject: str, method: str, path: str, key: str) -> str:
    """The record's key: SHA-256 of who, method, path and the Idempotency-Key."""
    return hashlib.sha256("\x1f".join((subject, method, path, key)).encode()).hexdigest()


@dataclass(frozen=True)
class IdempotencyClaim:
    """A request's Idempotency-Key, checked for shape: whose record it names and the body's fingerprint."""

    key_hash: str
    fingerprint: str

    @property
    def lock_id(self) -> int:
        return int.from_bytes(bytes.fromhex(self.key_hash[:16]), "big", signed=True)

    def check(self, *, locked: bool | None, fingerprint: str | None, status_code: int | None, headers, body) -> None:
        """After the look-up: 409 while another request holds the key, 422 for another body under
        it, the stored reply (``IdempotentReplay``) for the same body; nothing for a first request."""
        if not locked:
            raise _in_flight()
        if fingerprint is not None:
            if fingerprint != self.fingerprint:
                raise ProblemError(
                    422, "This Idempotency-Key was used with a different request body.", kind="idempotency-key-reused"
                )
            raise IdempotentReplay(status_code=status_code, headers=headers, body=body)


async def idempotency_claim(request: Request) -> IdempotencyClaim | None:
    """FastAPI dependency: the key checked, nothing looked up (None without the header). For a
    route that looks the record up and stores its reply in its own statements."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not 1 <= len(key) <= 255:
        raise ProblemError(400, "Idempotency-Key must be 1–255 characters.", kind="invalid-idempotency-key")
    principal = getattr(request.state, "principal", None)
    subject = principal.subject if principal else "anonymous"
    return IdempotencyClaim(
        key_hash=record_key(subject, request.method, request.url.path, key),
        fingerprint=hashlib.sha256(await request.body()).hexdigest(),
    )


async def idempotency_key(request: Request) -> None:
    """FastAPI dependency for creating endpoints; a no-op without the header."""
    claim = await idempotency_claim(request)
    if claim is None:
        return
    session: AsyncSession = request.state.db_session
    record = (await session.execute(_LOCK_AND_LOOK_UP, {"lock_id": claim.lock_id, "key_hash": claim.key_hash})).one()
    claim.check(locked=record.locked, fingerprint=record.fingerprint, status_code=record.status_code,
                headers=record.headers, body=record.body)

    async def store(request: Request, response: Response, session: AsyncSession) -> None:
        stored = await session.scalar(_STORE, {
            "key_hash": claim.key_hash, "fingerprint": claim.fingerprint, "status_code": response.status_code,
            "headers": replayed_headers(response.headers), "body": bytes(response.body),
        })
        if stored is None:  # the first request with this key committed after this one looked
            raise _in_flight()

    request.state.before_commit.append(store)


def replayed_headers(headers) -> dict[str, str]:
    """The reply's headers a replay repeats."""
    return {k: v for k, v in headers.items() if k in _REPLAYED_HEADERS}


# ---------------------------------------------------------------- in a route's own statements
# The record under the key if it is younger than the retention, as SQL for a CTE of the route's
# look-up (one row; NULLs without a key or record), with ``look_up_params``; no lock (see above).
LOOK_UP_SQL = """
    SELECT r.fingerprint AS idempotency_fingerprint, r.status_code AS idempotency_status_code,
           r.headers AS idempotency_headers, r.body AS idempotency_body
    FROM (SELECT 1) one LEFT JOIN idempotency_records r
      ON r.key_hash = CAST(:idempotency_key_hash AS text)
     AND r.created_at > now() - CAST(:idempotency_retention AS interval)
"""


def look_up_params(claim: IdempotencyClaim | None) -> dict:
    return {"idempotency_key_hash": claim.key_hash if claim else None, "idempotency_retention": RETENTION}


def check_looked_up(claim: IdempotencyClaim | None, row) -> None:
    """``IdempotencyClaim.check`` on the columns ``LOOK_UP_SQL`` added to ``row``."""
    if claim is not None:
        claim.check(locked=True, fingerprint=row.idempotency_fingerprint, status_code=row.idempotency_status_code,
                    headers=row.idempotency_headers, body=row.idempotency_body)


# The create's condition in its statement, with the ``store_sql`` CTE named ``stored``: without a
# key always; with one only if the reply was stored (no live record under the key).
STORED_OR_NO_KEY = "(CAST(:idempotency_key_hash AS text) IS NULL OR EXISTS (SELECT 1 FROM stored))"


@dataclass(frozen=True)
class StoredReply:
    """A create's reply as its record keeps it, split around a value its statement draws (a
    registration number from a sequence): ``head + drawn + tail`` is the body."""

    status_code: int
    headers: dict[str, str]
    head: bytes
    tail: bytes

    def body(self, drawn: str) -> bytes:
        """The reply's body with the value the statement drew: the bytes the record holds."""
        return self.head + drawn.encode() + self.tail


def store_sql(*, source: str, drawn: str) -> str:
    """The reply stored as ``_STORE`` does, as a data-modifying CTE (``stored``) of the route's
    create statement: one row from ``source`` (a CTE of what the statement draws), ``drawn`` the SQL
    text expression over it that goes between the reply's head and tail. Returns ``key_hash``: no
    row back although a key was given means a live record is there (``STORED_OR_NO_KEY``,
    ``check_stored``)."""
    return f"""
    INSERT INTO idempotency_records (key_hash, fingerprint, status_code, headers, body)
    SELECT CAST(:idempotency_key_hash AS text), CAST(:idempotency_fingerprint AS text),
           CAST(:idempotency_status_code AS integer), CAST(:idempotency_headers AS jsonb),
           CAST(:idempotency_head AS bytea) || convert_to({drawn}, 'UTF8') || CAST(:idempotency_tail AS bytea)
    FROM {source} WHERE CAST(:idempotency_key_hash AS text) IS NOT NULL
    ON CONFLICT (key_hash) DO UPDATE SET
        fingerprint = excluded.fingerprint, status_code = excluded.status_code, headers = excluded.headers,
        body = excluded.body, created_at = now()
    WHERE idempotency_records.created_at <= now() - CAST(:idempotency_retention AS interval)
    RETURNING key_hash
"""


def store_params(claim: IdempotencyClaim | None, reply: StoredReply | None) -> dict:
    """``store_sql``'s parameters: all NULL without a key (nothing stored)."""
    if claim is None or reply is None:
        return dict.fromkeys(("idempotency_key_hash", "idempotency_fingerprint", "idempotency_status_code",
                              "idempotency_headers", "idempotency_head", "idempotency_tail"), None) | {"idempotency_retention": RETENTION}
    return {
        "idempotency_key_hash": claim.key_hash, "idempotency_fingerprint": claim.fingerprint,
        "idempotency_status_code": reply.status_code, "idempotency_headers": orjson.dumps(replayed_headers(reply.headers)).decode(),
        "idempotency_head": reply.head, "idempotency_tail": reply.tail, "idempotency_retention": RETENTION,
    }


def check_stored(claim: IdempotencyClaim | None, stored: bool) -> None:
    """409 when the create statement wrote nothing: the first request with the key committed after this one looked."""
    if claim is not None and not stored:
        raise _in_flight()


def _in_flight() -> ProblemError:
    return ProblemError(409, "A request with this Idempotency-Key is still being processed.", kind="idempotency-in-flight")


async def prune_idempotency_records(session: AsyncSession) -> int:
    result = await session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < datetime.now(UTC) - RETENTION)
    )
    return result.rowcount or 0
