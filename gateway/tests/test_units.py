"""Pure pieces: OpenAPI merging, the circuit breaker's states, public-path rules, client addresses."""

import time
from ipaddress import ip_network

import pytest

from gateway.circuit import CLOSED, HALF_OPEN, OPEN, CircuitBreaker
from gateway.openapi import merge
from gateway.public import ClientAddresses, PublicPaths


def test_merge_keeps_discriminator_mappings_consistent():
    goals = {"paths": {}, "components": {"schemas": {
        "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}],
                "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}},
        "Cat": {"type": "object"}}}}
    audit = {"paths": {}, "components": {"schemas": {"Cat": {"type": "string"}}}}
    merged = merge({"goals": goals, "audit": audit}, {})
    schemas = merged["components"]["schemas"]
    assert set(schemas) == {"Pet", "goals.Cat", "audit.Cat"}
    assert schemas["Pet"]["discriminator"]["mapping"]["cat"] == "#/components/schemas/goals.Cat"
    assert merged["x-upstreams"] == {"audit": {"status": "included"}, "goals": {"status": "included"}}


def test_circuit_breaker_cycle():
    breaker = CircuitBreaker(threshold=2, reset_seconds=0.05)
    assert breaker.allow() is None
    breaker.failure()
    breaker.success()  # not consecutive
    breaker.failure()
    assert breaker.state == CLOSED
    breaker.failure()
    assert breaker.state == OPEN and breaker.allow() is not None
    time.sleep(0.06)
    assert breaker.allow() is None and breaker.state == HALF_OPEN  # the probe
    assert breaker.allow() is not None  # only one probe at a time
    breaker.release_probe()
    assert breaker.allow() is None
    breaker.success()
    assert breaker.state == CLOSED and breaker.allow() is None


def test_public_path_rules():
    rules = PublicPaths.parse("GET /open311/v2/**, GET /feedback/v1/my-cases/*, POST /feedback/v1/my-cases/*/rating,"
                              " GET /goals/v1/guarantees/*.json")
    assert rules.prefixes == {b"open311/v2", b"feedback/v1", b"goals/v1"}
    assert rules.matches(b"GET", b"/open311/v2/requests/1.xml")
    assert rules.matches(b"HEAD", b"/open311/v2")
    assert not rules.matches(b"POST", b"/open311/v2/requests.json")
    assert not rules.matches(b"GET", b"/open311/v2x/requests.json")
    assert rules.matches(b"POST", b"/feedback/v1/my-cases/SYN-1/rating")
    assert not rules.matches(b"GET", b"/feedback/v1/my-cases/SYN-1/rating")
    assert not rules.matches(b"GET", b"/feedback/v1/my-cases/")
    assert rules.matches(b"GET", b"/goals/v1/guarantees/g-1.json")
    assert not rules.matches(b"GET", b"/goals/v1/guarantees/g-1.xml")
    for bad in ("/open311/v2/**", "GET open311/v2", "GET /*/v2/x", "GET /open311/v2/**/x", "GET /a/b/c**"):
        with pytest.raises(ValueError):
            PublicPaths.parse(bad)


def test_client_address_resolution():
    trusted = ClientAddresses((ip_network("10.0.0.0/8"), ip_network("::1/128")))
    assert trusted.resolve("192.0.2.1", b"203.0.113.5") == "192.0.2.1"  # peer not trusted: header ignored
    assert trusted.resolve("10.0.0.2", b"203.0.113.5") == "203.0.113.5"
    assert trusted.resolve("10.0.0.2", b"198.51.100.1, 203.0.113.5, 10.0.0.9") == "203.0.113.5"
    assert trusted.resolve("::1", b"2001:db8::7") == "2001:db8::7"
    assert trusted.resolve("10.0.0.2", b"10.1.1.1, 10.2.2.2") == "10.1.1.1"  # all trusted: the farthest
    assert trusted.resolve("10.0.0.2", b"not-an-address") == "not-an-address"
    assert trusted.resolve("10.0.0.2", None) == "10.0.0.2"
    assert ClientAddresses(()).resolve("192.0.2.1", b"203.0.113.5") == "192.0.2.1"
    key = trusted.rate_key("10.0.0.2", b"203.0.113.5")
    assert key.startswith("addr:") and "203.0.113.5" not in key


def test_merge_documents_public_operations_only_where_the_gateway_lets_callers_through():
    rules = PublicPaths.parse("GET /open311/v2/**, GET /feedback/v1/my-cases/*")
    operation = {"responses": {}}
    feedback = {"paths": {
        "/open311/v2/requests/{request_id}.{format}": {"get": {**operation, "security": []},
                                                        "post": {**operation, "security": [{"internal": []}]}},
        "/feedback/v1/my-cases/{registration_number}": {"get": {**operation, "security": []}},
        # The service says public, the gateway does not let anonymous callers through here.
        "/feedback/v1/statistics": {"get": {**operation, "security": []}},
        "/feedback/v1/cases": {"get": {**operation, "security": [{"internal": []}]}},
    }}
    paths = merge({"feedback": feedback}, {}, public_paths=rules)["paths"]
    assert paths["/open311/v2/requests/{request_id}.{format}"]["get"]["security"] == []
    assert paths["/feedback/v1/my-cases/{registration_number}"]["get"]["security"] == []
    assert "security" not in paths["/feedback/v1/statistics"]["get"]  # the document's default: credentials
    assert "security" not in paths["/feedback/v1/cases"]["get"]
    open311_post = paths["/open311/v2/requests/{request_id}.{format}"]["post"]["security"]
    assert {"apiKeyParameter": []} in open311_post and {"apiKey": []} in open311_post


def test_the_access_log_names_no_subject_on_protected_paths(tmp_path):
    from gateway.accesslog import AccessLog

    with open(tmp_path / "access.log", "wb") as out:
        log = AccessLog(fd=out.fileno(), hide_subject_prefixes=(b"/audit/v1/lex-sarah/",))
        log.record("r1", b"POST", b"/audit/v1/lex-sarah/reports", 201, "audit", "reporter-1", 0.01)
        log.record("r2", b"GET", b"/audit/v1/risk-analyses", 200, "audit", "auditor-1", 0.01)
        log.flush()
    first, second = (tmp_path / "access.log").read_text().splitlines()
    assert "reporter-1" not in first and '"subject":null' in first
    assert '"subject":"auditor-1"' in second


def test_by_default_lex_sarah_paths_log_no_subject_and_feedbacks_public_reads_need_no_credentials():
    from gateway.config import GatewaySettings

    settings = GatewaySettings()
    assert settings.hidden_subject_prefixes() == (b"/audit/v1/lex-sarah/",)
    public = settings.public_path_rules()
    assert public.matches(b"GET", b"/feedback/v1/categories") and public.matches(b"GET", b"/feedback/v1/units/u-1/guarantees")
    assert not public.matches(b"POST", b"/feedback/v1/categories") and not public.matches(b"GET", b"/feedback/v1/cases")
