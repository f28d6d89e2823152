"""Pure pieces: OpenAPI merging, the circuit breaker's states."""

import time

from gateway.circuit import CLOSED, HALF_OPEN, OPEN, CircuitBreaker
from gateway.openapi import merge


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
