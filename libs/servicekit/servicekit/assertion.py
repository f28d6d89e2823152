"""The gateway's internal assertion: a short-lived Ed25519-signed JWT forwarded to services.

Services hold only the public key, so no service can mint one. Claims:

- ``iss`` ``qm-gateway``; ``aud`` the target service (``goals``, ``feedback``, ...)
- ``sub`` the caller (staff subject, API-key id, ``anonymous``); ``act`` ``staff`` | ``system`` | ``portal`` | ``anonymous``
- ``roles`` role ids; ``org`` organisation-unit ids the caller's scope is rooted at
- ``scopes`` API-key scopes (``goals:read`` ...); ``rid`` the request ID
- ``iat``/``exp`` with a lifetime of at most 60 seconds
"""

import time
from dataclasses import dataclass, field

import jwt

ASSERTION_HEADER = "x-internal-assertion"
ISSUER = "qm-gateway"
MAX_LIFETIME_SECONDS = 60
ALGORITHM = "EdDSA"
# The actor of a caller without credentials on a public path (see servicekit.auth).
ANONYMOUS_ACTOR = "anonymous"


class AssertionError_(Exception):
    """The assertion is missing, malformed, expired or not for this service."""


@dataclass(frozen=True)
class Principal:
    """Who is calling, as the gateway established it."""

    subject: str
    actor_kind: str  # staff | system | portal | anonymous (see servicekit.auth)
    roles: frozenset[str] = field(default_factory=frozenset)
    org_scope: frozenset[str] = field(default_factory=frozenset)
    key_scopes: frozenset[str] = field(default_factory=frozenset)
    request_id: str | None = None


class AssertionVerifier:
    """Verifies assertions, remembering verified ones until they expire.

    The gateway reuses an assertion per principal for a few seconds, and a signature check costs
    far more than the rest of a small request, so a verified token is kept (by its exact bytes,
    which the signature covers) until its ``exp``. The cache is bounded and pruned of expired
    entries when full.
    """

    CACHE_SIZE = 4096

    def __init__(self, public_key_pem: str, audience: str) -> None:
        if not public_key_pem:
            raise ValueError("no assertion public key configured")
        self._key = _load_public_key(public_key_pem)
        self._audience = audience
        self._verified: dict[str, tuple[float, Principal]] = {}

    def verify(self, token: str) -> Principal:
        now = time.time()
        cached = self._verified.get(token)
        if cached is not None:
            if now < cached[0]:
                return cached[1]
            del self._verified[token]
        expires, principal = self._verify_signature(token)
        if len(self._verified) >= self.CACHE_SIZE:
            self._verified = {t: entry for t, entry in self._verified.items() if entry[0] > now}
            if len(self._verified) >= self.CACHE_SIZE:
                self._verified.clear()
        self._verified[token] = (expires, principal)
        return principal

    def _verify_signature(self, token: str) -> tuple[float, Principal]:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
                leeway=5,
            )
        except jwt.PyJWTError as exc:
            raise AssertionError_(str(exc)) from exc
        if claims["exp"] - claims["iat"] > MAX_LIFETIME_SECONDS:
            raise AssertionError_("assertion lifetime exceeds 60 seconds")
        actor_kind = str(claims.get("act", "system"))
        # An anonymous caller holds nothing, whatever else the claims say.
        holds = actor_kind != ANONYMOUS_ACTOR
        return claims["exp"], Principal(
            subject=str(claims["sub"]),
            actor_kind=actor_kind,
            roles=frozenset(claims.get("roles") or ()) if holds else frozenset(),
            org_scope=frozenset(claims.get("org") or ()) if holds else frozenset(),
            key_scopes=frozenset(claims.get("scopes") or ()) if holds else frozenset(),
            request_id=claims.get("rid"),
        )


def _load_public_key(pem: str):
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    return load_pem_public_key(pem.encode())


def mint_assertion(
    private_key,
    *,
    audience: str,
    subject: str,
    actor_kind: str,
    roles: list[str] | tuple[str, ...] = (),
    org_scope: list[str] | tuple[str, ...] = (),
    key_scopes: list[str] | tuple[str, ...] = (),
    request_id: str | None = None,
    lifetime_seconds: int = 30,
    now: float | None = None,
) -> str:
    """Sign an assertion. Only the gateway (and test fixtures) hold the private key."""
    issued = int(now if now is not None else time.time())
    claims = {
        "iss": ISSUER,
        "aud": audience,
        "sub": subject,
        "act": actor_kind,
        "roles": list(roles),
        "org": list(org_scope),
        "scopes": list(key_scopes),
        "rid": request_id,
        "iat": issued,
        "exp": issued + min(lifetime_seconds, MAX_LIFETIME_SECONDS),
    }
    return jwt.encode(claims, private_key, algorithm=ALGORITHM)
