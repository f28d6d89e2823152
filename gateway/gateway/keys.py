"""API keys: format, hashing and the repository over the gateway's own PostgreSQL database.

A key reads ``qm_<key_id>_<secret>``. The key id is public (it names the key in listings, logs
and assertions); the secret is 256 random bits, stored only as its SHA-256 (a slow password hash
buys nothing for secrets of that entropy and would cost the hot path).
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

KEY_PREFIX = "qm"
ACTOR_KINDS = ("system", "portal")
SCOPE_PATTERN = re.compile(r"^(goals|feedback|audit|awards):(read|write)$|^feedback:submit$")
_KEY_PATTERN = re.compile(r"^qm_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")

_COLUMNS = ("key_id, name, secret_sha256, scopes, actor_kind, org_scope, created_at, revoked_at, rotated_from,"
            " rate_limit_per_minute")


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    name: str
    scopes: tuple[str, ...]
    actor_kind: str
    org_scope: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None
    rotated_from: str | None
    secret_sha256: bytes = b""
    # Requests per minute for this key (burst: a tenth of it); None: the gateway's default.
    rate_limit_per_minute: int | None = None

    def revoked(self, now: datetime) -> bool:
        return self.revoked_at is not None and self.revoked_at <= now


def split_key(presented: str) -> tuple[str, str] | None:
    """(key id, secret) of a well-formed key, else None."""
    match = _KEY_PATTERN.match(presented)
    return (match.group(1), match.group(2)) if match else None


def secret_matches(secret: str, stored_sha256: bytes) -> bool:
    return hmac.compare_digest(hashlib.sha256(secret.encode()).digest(), stored_sha256)


def validate(name: str, scopes: list[str], actor_kind: str, org_scope: list[str],
             rate_limit_per_minute: int | None = None) -> None:
    if not name.strip():
        raise ValueError("a key needs a name")
    if not scopes:
        raise ValueError("a key needs at least one scope")
    for scope in scopes:
        if not SCOPE_PATTERN.match(scope):
            raise ValueError(f"unknown scope {scope!r}; use <goals|feedback|audit|awards>:<read|write> or feedback:submit")
    if actor_kind not in ACTOR_KINDS:
        raise ValueError(f"actor kind must be one of {', '.join(ACTOR_KINDS)}")
    if any(not unit.strip() for unit in org_scope):
        raise ValueError("organisation unit ids must not be empty")
    if rate_limit_per_minute is not None and rate_limit_per_minute <= 0:
        raise ValueError("a key's rate limit must be a positive number of requests per minute")


def _record(row: asyncpg.Record) -> ApiKey:
    return ApiKey(
        key_id=row["key_id"], name=row["name"], scopes=tuple(row["scopes"]), actor_kind=row["actor_kind"],
        org_scope=tuple(row["org_scope"]), created_at=row["created_at"], revoked_at=row["revoked_at"],
        rotated_from=row["rotated_from"], secret_sha256=bytes(row["secret_sha256"]),
        rate_limit_per_minute=row["rate_limit_per_minute"],
    )


class KeyRepository:
    def __init__(self, db: asyncpg.Pool | asyncpg.Connection) -> None:
        self._db = db

    async def create(self, name: str, scopes: list[str], actor_kind: str, org_scope: list[str],
                     rotated_from: str | None = None, rate_limit_per_minute: int | None = None) -> tuple[ApiKey, str]:
        """Store a new key; returns it with the full key string, which is never shown again."""
        validate(name, scopes, actor_kind, org_scope, rate_limit_per_minute)
        key_id = secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        row = await self._db.fetchrow(
            f"INSERT INTO api_keys (key_id, name, secret_sha256, scopes, actor_kind, org_scope, rotated_from,"
            f" rate_limit_per_minute) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {_COLUMNS}",
            key_id, name.strip(), hashlib.sha256(secret.encode()).digest(), sorted(set(scopes)), actor_kind,
            sorted(set(org_scope)), rotated_from, rate_limit_per_minute,
        )
        return _record(row), f"{KEY_PREFIX}_{key_id}_{secret}"

    async def get(self, key_id: str) -> ApiKey | None:
        row = await self._db.fetchrow(f"SELECT {_COLUMNS} FROM api_keys WHERE key_id = $1", key_id)
        return _record(row) if row else None

    async def list(self) -> list[ApiKey]:
        rows = await self._db.fetch(f"SELECT {_COLUMNS} FROM api_keys ORDER BY created_at, key_id")
        return [_record(row) for row in rows]

    async def revoke(self, key_id: str, after: timedelta = timedelta(0)) -> ApiKey | None:
        """Revoke now (or after a grace period); an earlier revocation stands."""
        row = await self._db.fetchrow(
            f"UPDATE api_keys SET revoked_at = LEAST(COALESCE(revoked_at, 'infinity'), now() + $2::interval)"
            f" WHERE key_id = $1 RETURNING {_COLUMNS}",
            key_id, after,
        )
        return _record(row) if row else None

    async def rotate(self, key_id: str, grace: timedelta) -> tuple[ApiKey, str, ApiKey] | None:
        """Issue a successor with the same name, scopes, actor and rate limit; the old key ends after ``grace``."""
        old = await self.get(key_id)
        if old is None:
            return None
        new, presented = await self.create(old.name, list(old.scopes), old.actor_kind, list(old.org_scope),
                                           rotated_from=old.key_id, rate_limit_per_minute=old.rate_limit_per_minute)
        revoked = await self.revoke(old.key_id, grace)
        assert revoked is not None
        return new, presented, revoked
