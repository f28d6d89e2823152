"""A per-run Ed25519 key pair standing in for the gateway's, so tests can mint assertions."""

from functools import cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from servicekit.inprocess import AssertionSigner


@cache
def signer_for_tests() -> AssertionSigner:
    return AssertionSigner()


def signing_key_for_tests() -> Ed25519PrivateKey:
    return signer_for_tests().private_key


def public_key_pem_for_tests() -> str:
    return signer_for_tests().public_key_pem()
