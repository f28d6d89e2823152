"""Authentication at the edge: API keys and staff tokens become an ``Identity``.

Verified credentials are cached in memory for a short TTL (default 30 s), so the hot path is one
dict lookup, and a revocation still bites within the TTL. Concurrent misses for the same
credential share one database query. The assertion forwarded to a service is minted from the
identity and reused for a few seconds (see ``Identity.assertion_for``).
"""

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import asyncpg
from servicekit.assertion import mint_assertion

from gateway.keys import KeyRepository, secret_matches, split_key
from gateway.ratelimit import RateLimit
from gateway.tokens import StaffTokenVerifier, TokenError

log = logging.getLogger("gateway.auth")

READ_METHODS = frozenset({b"GET", b"HEAD", b"OPTIONS"})
CACHE_MAX_ENTRIES = 10_000
CHALLENGE = 'Bearer realm="qm", ApiKey realm="qm", header="X-API-Key"'


class AuthError(Exception):
    """Answered as a problem document; 401s carry a ``WWW-Authenticate`` challenge."""

    def __init__(self, status: int, detail: str, challenge: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.challenge = challenge


@dataclass(eq=False)
class Identity:
    subject: str
    actor_kind: str  # staff | system | portal | anonymous
    roles: tuple[str, ...] = ()
    org_scope: tuple[str, ...] = ()
    key_scopes: tuple[str, ...] = ()
    # Wall-clock end of validity (a token's exp); None for API keys.
    expires_at: float | None = None
    # Services this identity may read / write; None means any (staff: the services check roles).
    readable: frozenset[str] | None = None
    writable: frozenset[str] | None = None
    may_submit_feedback: bool = False
    rate_key: str = ""
    # The key's own rate limit; None: the gateway's default.
    rate_limit: RateLimit | None = None
    _assertions: dict[str, tuple[str, float]] = field(default_factory=dict, repr=False)

    def allows(self, service: str, method: bytes) -> bool:
        if self.readable is None:
            return True
        if method in READ_METHODS:
            return service in self.readable
        if service in self.writable:  # type: ignore[operator]
            return True
        return method == b"POST" and service == "feedback" and self.may_submit_feedback

    def assertion_for(self, minter: "AssertionMinter", audience: str) -> str:
        """The internal assertion for ``audience``, minted at most every ``reuse_seconds``.

        Signing costs ~95 µs (half of a whole FastAPI request); reusing an assertion for a few
        seconds removes that from the hot path. A reused assertion cannot carry each request's
        ID, so reused assertions carry none (``rid`` null) and services take the request ID from
        the ``X-Request-ID`` header the gateway always forwards.
        """
        cached = self._assertions.get(audience)
        now = time.monotonic()
        if cached is not None and cached[1] > now:
            return cached[0]
        token = minter.mint(self, audience)
        self._assertions[audience] = (token, now + minter.reuse_seconds)
        return token


class AssertionMinter:
    def __init__(self, private_key, lifetime_seconds: int, reuse_seconds: float) -> None:
        self._key = private_key
        self._lifetime = lifetime_seconds
        self.reuse_seconds = reuse_seconds

    def mint(self, identity: Identity, audience: str, request_id: str | None = None) -> str:
        return mint_assertion(
            self._key, audience=audience, subject=identity.subject, actor_kind=identity.actor_kind,
            roles=identity.roles, org_scope=identity.org_scope, key_scopes=identity.key_scopes,
            request_id=request_id, lifetime_seconds=self._lifetime,
        )


# The gateway's own calls to services (OpenAPI documents).
GATEWAY_IDENTITY = Identity(subject="gateway", actor_kind="system")
# A caller without credentials on a public path (gateway.public); limited per client address.
ANONYMOUS_IDENTITY = Identity(subject="anonymous", actor_kind="anonymous", readable=frozenset(), writable=frozenset())


@dataclass
class _Entry:
    identity: Identity | None
    error: AuthError | None
    fresh_until: float  # monotonic
    # A verified key may be served past ``fresh_until`` up to here while the database is down.
    stale_until: float


def _key_identity(key) -> Identity:
    readable = frozenset(s.split(":")[0] for s in key.scopes if s.endswith(":read"))
    writable = frozenset(s.split(":")[0] for s in key.scopes if s.endswith(":write"))
    return Identity(
        subject=key.key_id, actor_kind=key.actor_kind, org_scope=key.org_scope, key_scopes=key.scopes,
        readable=readable, writable=writable, may_submit_feedback="feedback:submit" in key.scopes,
        rate_key=f"key:{key.key_id}",
        rate_limit=RateLimit(key.rate_limit_per_minute) if key.rate_limit_per_minute else None,
    )


class Authenticator:
    def __init__(self, db: asyncpg.Pool, verifier: StaffTokenVerifier, *, cache_seconds: float,
                 stale_seconds: float) -> None:
        self._keys = KeyRepository(db)
        self._verifier = verifier
        self._cache_seconds = cache_seconds
        self._stale_seconds = stale_seconds
        self._cache: dict[tuple[bool, bytes], _Entry] = {}
        self._inflight: dict[tuple[bool, bytes], asyncio.Future] = {}

    def cached(self, api_key: bytes | None, authorization: bytes | None) -> Identity | None:
        """The identity for already verified, unexpired credentials (the hot path), else None."""
        if api_key is not None:
            if authorization is not None:
                return None
            entry = self._cache.get((True, api_key))
        elif authorization is not None and authorization[:7].lower() == b"bearer ":
            entry = self._cache.get((False, authorization[7:].strip()))
        else:
            return None
        if entry is None or entry.identity is None or entry.fresh_until <= time.monotonic():
            return None
        identity = entry.identity
        if identity.expires_at is not None and identity.expires_at + 1 <= time.time():
            return None
        return identity

    async def authenticate(self, api_key: bytes | None, authorization: bytes | None) -> Identity:
        """The identity for the credentials, or AuthError; ``cached`` first avoids a coroutine."""
        if api_key is not None and authorization is not None:
            raise AuthError(401, "Send either an API key or a bearer token, not both.", CHALLENGE)
        if api_key is not None:
            cache_key = (True, api_key)
        elif authorization is not None:
            scheme, _, token = authorization.partition(b" ")
            if scheme.lower() != b"bearer" or not token.strip():
                raise AuthError(401, "Use the Bearer scheme for tokens.", CHALLENGE)
            cache_key = (False, token.strip())
        else:
            raise AuthError(401, "Authentication required: send an X-API-Key header or a bearer token.", CHALLENGE)

        entry = self._cache.get(cache_key)
        now = time.monotonic()
        if entry is None or entry.fresh_until <= now:
            entry = await self._verify_once(cache_key, entry)
        if entry.identity is None:
            raise entry.error  # type: ignore[misc]
        identity = entry.identity
        if identity.expires_at is not None and identity.expires_at + 1 <= time.time():
            raise AuthError(401, "The token has expired.", 'Bearer realm="qm", error="invalid_token"')
        return identity

    async def _verify_once(self, cache_key: tuple[bool, bytes], previous: _Entry | None) -> _Entry:
        pending = self._inflight.get(cache_key)
        if pending is not None:
            return await asyncio.shield(pending)
        future = asyncio.get_running_loop().create_future()
        self._inflight[cache_key] = future
        try:
            is_key, credential = cache_key
            entry = await (self._verify_key(credential, previous) if is_key else self._verify_token(credential))
            self._store(cache_key, entry)
            future.set_result(entry)
            return entry
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here; waiters re-raise it themselves
            raise
        finally:
            del self._inflight[cache_key]

    async def _verify_key(self, presented: bytes, previous: _Entry | None) -> _Entry:
        now = time.monotonic()
        parts = split_key(presented.decode("latin-1"))
        if parts is None:
            return self._rejection("The API key is malformed.")
        key_id, secret = parts
        try:
            key = await self._keys.get(key_id)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            if previous is not None and previous.identity is not None and previous.stale_until > now:
                log.warning("key database unreachable; serving a cached key", extra={"key_id": key_id})
                # Retry the database in a few seconds, not on every request.
                return _Entry(previous.identity, None, now + min(5.0, self._cache_seconds), previous.stale_until)
            log.error("key database unreachable", extra={"error": str(exc)})
            raise AuthError(503, "Authentication is temporarily unavailable.") from exc
        if key is None or not secret_matches(secret, key.secret_sha256):
            return self._rejection("The API key is not valid.")
        wall = datetime.now(UTC)
        if key.revoked(wall):
            return self._rejection("The API key has been revoked.")
        if key.revoked_at is None:
            fresh = self._cache_seconds
            stale = fresh + self._stale_seconds
        else:  # a rotated key in its grace period: not a moment past its end, database up or down
            fresh = stale = min(self._cache_seconds, (key.revoked_at - wall).total_seconds())
        return _Entry(_key_identity(key), None, now + fresh, now + stale)

    async def _verify_token(self, token: bytes) -> _Entry:
        now = time.monotonic()
        if not self._verifier.configured:
            return self._rejection("Bearer tokens are not accepted here.", bearer=True)
        try:
            claims = await self._verifier.verify(token.decode("latin-1"))
        except TokenError as exc:
            return self._rejection(str(exc).capitalize() + ".", bearer=True)
        identity = Identity(
            subject=claims["sub"], actor_kind="staff", roles=tuple(claims["roles"]), org_scope=tuple(claims["org"]),
            expires_at=float(claims["exp"]), rate_key=f"sub:{claims['sub']}",
        )
        fresh = min(self._cache_seconds, max(0.0, identity.expires_at - time.time()))  # type: ignore[operator]
        return _Entry(identity, None, now + fresh, now + fresh)

    def _rejection(self, detail: str, bearer: bool = False) -> _Entry:
        challenge = 'Bearer realm="qm", error="invalid_token"' if bearer else CHALLENGE
        now = time.monotonic()
        return _Entry(None, AuthError(401, detail, challenge), now + self._cache_seconds, now)

    def _store(self, cache_key: tuple[bool, bytes], entry: _Entry) -> None:
        cache = self._cache
        cache[cache_key] = entry
        if len(cache) > CACHE_MAX_ENTRIES:
            # Insertion order approximates age; drop the oldest tenth (random keys from a scanner
            # must not grow the cache without bound).
            for stale in list(cache)[: CACHE_MAX_ENTRIES // 10]:
                del cache[stale]
