"""/healthz, /readyz, /metrics, the merged /openapi.json and /docs: public, no credentials."""

import json

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _get(http, url):
    async with http.get(url) as response:
        return response.status, response.headers, await response.read()


async def test_healthz_depends_on_nothing(gw_launch, gw_http, gw_port):
    url = await gw_launch(database_url=f"postgresql://postgres@127.0.0.1:{gw_port}/none")
    status, _, body = await _get(gw_http, url + "/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok"}


async def test_readyz_is_degraded_not_failed_by_a_down_upstream(gw_url, gw_http):
    status, _, body = await _get(gw_http, gw_url + "/readyz")
    assert status == 200
    report = json.loads(body)
    assert report["status"] == "degraded"
    assert report["checks"] == {"database": "up", "redis": "up"}
    assert report["upstreams"]["goals"]["status"] == "up"
    assert report["upstreams"]["awards"]["status"] == "down"
    assert report["upstreams"]["awards"]["circuit"] == "closed"


async def test_readyz_fails_without_the_key_database(gw_launch, gw_http, gw_port):
    url = await gw_launch(database_url=f"postgresql://postgres@127.0.0.1:{gw_port}/none")
    status, _, body = await _get(gw_http, url + "/readyz")
    assert status == 503
    assert json.loads(body)["checks"]["database"] == "down"


async def test_metrics_count_requests_per_upstream(gw_url, gw_keys, gw_http):
    _, key = await gw_keys(["goals:read"])
    async with gw_http.get(gw_url + "/goals/v1/x", headers={"X-API-Key": key}) as response:
        assert response.status == 200
    status, headers, body = await _get(gw_http, gw_url + "/metrics")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    text = body.decode()
    assert 'gateway_requests_total{status="200",upstream="goals"}' in text
    assert 'gateway_request_duration_seconds_bucket{le="0.1",upstream="goals"}' in text


async def test_merged_openapi_document(gw_url, gw_http):
    status, _, body = await _get(gw_http, gw_url + "/openapi.json")
    assert status == 200
    document = json.loads(body)
    assert {"/goals/v1/items", "/feedback/v1/items", "/open311/v2/items", "/audit/v1/items"} <= set(document["paths"])
    schemas = document["components"]["schemas"]
    # Identical definitions merge; differing ones are prefixed by service, references follow.
    assert "Problem" in schemas and "Item" not in schemas
    assert {"goals.Item", "feedback.Item", "audit.Item"} <= set(schemas)
    operation = document["paths"]["/goals/v1/items"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/goals.Item"
    assert operation["parameters"] == []  # the internal assertion is not part of the public API
    assert set(document["components"]["securitySchemes"]) == {"apiKey", "apiKeyParameter", "bearer"}
    assert document["x-upstreams"]["awards"]["status"] == "unavailable"
    assert "awards" in document["info"]["description"]


async def test_docs_page(gw_url, gw_http):
    status, headers, body = await _get(gw_http, gw_url + "/docs")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"/openapi.json" in body


async def test_docs_page_serves_swagger_ui_itself(gw_url, gw_http):
    """No CDN: the page must work on a network without internet access."""
    _, _, page = await _get(gw_http, gw_url + "/docs")
    assert b"https://" not in page
    script = await _get(gw_http, gw_url + "/docs/swagger-ui-bundle.js")
    style = await _get(gw_http, gw_url + "/docs/swagger-ui.css")
    assert script[0] == 200 and script[1]["Content-Type"].startswith("text/javascript") and b"SwaggerUIBundle" in script[2]
    assert style[0] == 200 and style[1]["Content-Type"].startswith("text/css") and len(style[2]) > 10_000
