"""A per-run Ed25519 key pair standing in for the gateway's, so tests can mint assertions."""

from functools import cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from servicekit.assertion import mint_assertion


@cache
def signing_key_for_tests() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_key_pem_for_tests() -> str:
    return signing_key_for_tests().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def assertion_headers(
    audience: str,
    *,
    roles=("admin",),
    org=(),
    actor: str = "staff",
    scopes=(),
    subject: str = "tester",
) -> dict[str, str]:
    token = mint_assertion(
        signing_key_for_tests(), audience=audience, subject=subject, actor_kind=actor,
        roles=list(roles), org_scope=[str(unit) for unit in org], key_scopes=list(scopes),
    )
    return {"x-internal-assertion": token}
