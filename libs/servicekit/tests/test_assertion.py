"""The internal assertion verifier, including its cache of verified tokens."""

import time

import pytest

from servicekit.assertion import AssertionError_, AssertionVerifier, mint_assertion
from servicekit.testing.keys import public_key_pem_for_tests, signing_key_for_tests


def mint(**overrides) -> str:
    options = dict(audience="goals", subject="alice", actor_kind="staff", roles=["controller"], org_scope=["u1"])
    options.update(overrides)
    return mint_assertion(signing_key_for_tests(), **options)


def test_a_verified_assertion_is_served_from_the_cache_until_it_expires():
    verifier = AssertionVerifier(public_key_pem_for_tests(), audience="goals")
    token = mint(lifetime_seconds=2)  # iat is whole seconds: at least one second of validity left
    first = verifier.verify(token)
    assert verifier.verify(token) is first  # no second signature check
    assert (first.subject, first.roles, first.org_scope) == ("alice", frozenset({"controller"}), frozenset({"u1"}))
    time.sleep(2.1)
    assert verifier.verify(token) is not first  # expired from the cache: checked again


def test_a_tampered_token_is_refused_even_next_to_a_cached_one():
    verifier = AssertionVerifier(public_key_pem_for_tests(), audience="goals")
    token = mint()
    verifier.verify(token)
    header, payload, signature = token.split(".")
    tampered = ".".join((header, payload, signature[:-4] + ("AAAA" if not signature.endswith("AAAA") else "BBBB")))
    with pytest.raises(AssertionError_):
        verifier.verify(tampered)


def test_assertions_for_another_service_or_too_long_lived_are_refused():
    verifier = AssertionVerifier(public_key_pem_for_tests(), audience="goals")
    with pytest.raises(AssertionError_):
        verifier.verify(mint(audience="audit"))
    import jwt

    long_lived = jwt.encode(
        {"iss": "qm-gateway", "aud": "goals", "sub": "x", "iat": int(time.time()), "exp": int(time.time()) + 3600},
        signing_key_for_tests(), algorithm="EdDSA",
    )
    with pytest.raises(AssertionError_):
        verifier.verify(long_lived)
