"""Staff bearer tokens: JWKS key sets (file and OIDC URL), verification, dev minting and key files.

Keys are picked by ``kid`` so a new signing key can be added to the JWKS before tokens signed with
it appear, and the old one removed once its tokens have expired. Each key verifies only with its
own algorithm (no ``alg`` confusion). The ``kid`` of a key we generate is its RFC 7638 thumbprint,
so the signing key file alone determines it.
"""

import asyncio
import base64
import hashlib
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

log = logging.getLogger("gateway.tokens")

ROLES = frozenset({
    "admin", "city_controller", "committee", "controller", "unit_manager", "feedback_handler",
    "internal_auditor", "lex_sarah_officer", "award_admin", "examiner", "jury",
})
# Clock skew tolerated between the token issuer and us.
LEEWAY_SECONDS = 30
OIDC_REFRESH_SECONDS = 600
# An unknown kid triggers at most one refetch per this interval (it may be garbage).
OIDC_MIN_REFETCH_SECONDS = 30


class TokenError(Exception):
    """The token is malformed, unsigned by a known key, expired or lacks required claims."""


def load_private_key(path: str):
    with open(path, "rb") as fh:
        return serialization.load_pem_private_key(fh.read(), password=None)


def public_jwk(public_key) -> dict[str, Any]:
    """The public JWK of an Ed25519 or P-256 key, with its thumbprint as ``kid``."""
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(public_key))
        members = {"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"]}
        alg = "EdDSA"
    elif isinstance(public_key, ec.EllipticCurvePublicKey) and public_key.curve.name == "secp256r1":
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(public_key))
        members = {"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"], "y": jwk["y"]}
        alg = "ES256"
    else:
        raise ValueError("token signing keys must be Ed25519 or EC P-256")
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    kid = base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).rstrip(b"=").decode()
    return {**members, "kid": kid, "alg": alg, "use": "sig"}


def parse_jwks(document: dict[str, Any]) -> dict[str | None, jwt.PyJWK]:
    """kid -> key; keys that are not for signatures or that PyJWT cannot use are skipped."""
    keys: dict[str | None, jwt.PyJWK] = {}
    for entry in document.get("keys", []):
        if entry.get("use", "sig") != "sig":
            continue
        try:
            keys[entry.get("kid")] = jwt.PyJWK(entry)
        except jwt.PyJWKError as exc:
            log.warning("skipping unusable JWKS key", extra={"kid": entry.get("kid"), "error": str(exc)})
    return keys


def mint_staff_token(private_key, *, subject: str, roles: list[str], org: list[str], issuer: str,
                     ttl_seconds: int, audience: str = "") -> str:
    """A staff token as an identity provider would issue it (development and tests)."""
    jwk = public_jwk(private_key.public_key())
    now = int(time.time())
    claims: dict[str, Any] = {"iss": issuer, "sub": subject, "roles": roles, "org": org, "iat": now,
                              "exp": now + ttl_seconds}
    if audience:
        claims["aud"] = audience
    return jwt.encode(claims, private_key, algorithm=jwk["alg"], headers={"kid": jwk["kid"]})


def generate_dev_keys(directory: str | Path) -> list[Path]:
    """Write a dev key set into ``directory``, keeping files that exist; returns those written."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def write(name: str, data: bytes, private: bool) -> None:
        path = target / name
        if path.exists():
            return
        # Created with restrictive permissions from the start, not chmod-ed afterwards.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        written.append(path)

    pem = serialization.Encoding.PEM
    assertion_private = target / "assertion_private.pem"
    if assertion_private.exists():
        assertion_key = load_private_key(str(assertion_private))
    else:
        assertion_key = ed25519.Ed25519PrivateKey.generate()
        write(assertion_private.name, assertion_key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                                   serialization.NoEncryption()), True)
    write("assertion_public.pem",
          assertion_key.public_key().public_bytes(pem, serialization.PublicFormat.SubjectPublicKeyInfo), False)

    signing_path = target / "token_signing.pem"
    if signing_path.exists():
        signing_key = load_private_key(str(signing_path))
    else:
        signing_key = ed25519.Ed25519PrivateKey.generate()
        write(signing_path.name, signing_key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                           serialization.NoEncryption()), True)
    jwks = {"keys": [public_jwk(signing_key.public_key())]}
    write("token_jwks.json", json.dumps(jwks, indent=2).encode() + b"\n", False)
    return written


class OidcKeys:
    """An OIDC issuer's JWKS fetched over HTTPS, cached, refetched on an unknown kid."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.keys: dict[str | None, jwt.PyJWK] = {}
        self._fetched_at = 0.0
        self._attempted_at = float("-inf")
        self._lock = asyncio.Lock()

    async def get(self, kid: str | None) -> jwt.PyJWK | None:
        now = time.monotonic()
        stale = now - self._fetched_at > OIDC_REFRESH_SECONDS
        if (kid not in self.keys or stale) and now - self._attempted_at > OIDC_MIN_REFETCH_SECONDS:
            await self.refresh()
        return self.keys.get(kid)

    async def refresh(self) -> None:
        import aiohttp  # off the hot path; only when an OIDC issuer is configured

        async with self._lock:
            if time.monotonic() - self._attempted_at <= OIDC_MIN_REFETCH_SECONDS:
                return  # another request refreshed while we waited
            self._attempted_at = time.monotonic()
            try:
                timeout = aiohttp.ClientTimeout(total=5)
                async with aiohttp.ClientSession(timeout=timeout) as session:
                    async with session.get(self.url) as response:
                        response.raise_for_status()
                        document = await response.json(content_type=None)
                self.keys = parse_jwks(document)
                self._fetched_at = time.monotonic()
            except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                log.warning("cannot fetch the OIDC JWKS; keeping the keys we have", extra={"error": str(exc)})


class StaffTokenVerifier:
    def __init__(self, *, jwks_file: str = "", issuer: str, audience: str = "", oidc_jwks_url: str = "",
                 oidc_issuer: str = "") -> None:
        self._file_keys: dict[str | None, jwt.PyJWK] = {}
        if jwks_file:
            with open(jwks_file, encoding="utf-8") as fh:
                self._file_keys = parse_jwks(json.load(fh))
        self._issuer = issuer
        self._audience = audience or None
        self._oidc = OidcKeys(oidc_jwks_url) if oidc_jwks_url else None
        self._oidc_issuer = oidc_issuer or issuer

    @property
    def configured(self) -> bool:
        return bool(self._file_keys) or self._oidc is not None

    async def verify(self, token: str) -> dict[str, Any]:
        """The token's claims, normalised: ``sub`` str, ``roles`` and ``org`` lists of str."""
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError as exc:
            raise TokenError("the token is not a JWT") from exc
        key, issuer = self._file_keys.get(kid), self._issuer
        if key is None and kid is None and len(self._file_keys) == 1:
            key = next(iter(self._file_keys.values()))
        if key is None and self._oidc is not None:
            key, issuer = await self._oidc.get(kid), self._oidc_issuer
        if key is None:
            raise TokenError("the token is signed with an unknown key")
        try:
            claims = jwt.decode(
                token, key.key, algorithms=[key.algorithm_name], issuer=issuer, audience=self._audience,
                options={"require": ["exp", "sub", "iss"], "verify_aud": self._audience is not None},
                leeway=LEEWAY_SECONDS,
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenError("the token has expired") from exc
        except jwt.PyJWTError as exc:
            raise TokenError(f"the token is not valid: {exc}") from exc
        roles, org = claims.get("roles") or [], claims.get("org") or []
        if not isinstance(claims["sub"], str) or not claims["sub"]:
            raise TokenError("the token's subject is not a string")
        if not _str_list(roles) or not _str_list(org):
            raise TokenError("the token's roles and org claims must be lists of strings")
        # Unknown roles are dropped rather than forwarded: services only know the platform's ids.
        claims["roles"] = sorted(ROLES.intersection(roles))
        claims["org"] = org
        return claims


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)
