"""One OpenAPI document for the whole platform, merged from the services' own, plus a docs page.

Each service publishes ``/<service>/v1/openapi.json`` with paths already carrying its prefix, so
paths merge as they are. Components merge by name; a name that two services define differently
is renamed ``<service>.<Name>`` in every service that has it (and every reference to it in that
service's document follows), so no service's schema silently wins. Service-level security is
replaced by the gateway's: callers authenticate with an API key or a bearer token, never with
the internal assertion, which is removed from the documented parameters. On ``/open311/v2`` the
key may also be the ``api_key`` parameter. An operation a service declares public
(``security: []``) stays so only where the gateway's public paths let callers without
credentials through; elsewhere the document says what the gateway does: credentials needed.
"""

import asyncio
import functools
import logging
import re
import time
from typing import Any

import orjson

from gateway import open311
from gateway.auth import GATEWAY_IDENTITY, AssertionMinter
from gateway.public import PublicPaths
from gateway.tracing import request_id
from gateway.upstream import UpstreamError, UpstreamPool, fetch

log = logging.getLogger("gateway.openapi")

FETCH_TIMEOUT_SECONDS = 5.0
CACHE_SECONDS = 60.0
# A document missing a service is retried sooner.
PARTIAL_CACHE_SECONDS = 5.0
JSON = b"application/json"
HTML = b"text/html; charset=utf-8"
JAVASCRIPT = b"text/javascript; charset=utf-8"
CSS = b"text/css; charset=utf-8"
ASSET_CACHE = b"cache-control: public, max-age=86400\r\n"
SECURITY_SCHEMES = {
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key",
               "description": "A key issued to a calling system or portal: qm_<key id>_<secret>."},
    "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
               "description": "A staff token from the city's identity provider."},
    "apiKeyParameter": {"type": "apiKey", "in": "query", "name": "api_key",
                        "description": "Open311 GeoReport v2 only: the API key as the api_key query parameter or"
                                       " form field (POST); the gateway removes it before forwarding."},
}
OPEN311_SECURITY = [{"apiKey": []}, {"apiKeyParameter": []}, {"bearer": []}]
_TEMPLATE_PARAMETER = re.compile(r"\{[^}/]*\}")
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def merge(documents: dict[str, dict[str, Any]], unavailable: dict[str, str], version: str = "1",
          public_paths: PublicPaths | None = None) -> dict[str, Any]:
    """Merge service documents (service name -> document); ``unavailable`` names those left out.

    ``public_paths``: the gateway's; None leaves every ``security: []`` as the service said."""
    renames = _clashing_names(documents)
    paths: dict[str, Any] = {}
    components: dict[str, dict[str, Any]] = {}
    tags: dict[str, Any] = {}
    for service, document in documents.items():
        renamed = renames.get(service, {})
        document = _rewrite_refs(document, {
            f"#/components/{section}/{name}": f"#/components/{section}/{new}" for (section, name), new in renamed.items()
        })
        for path, item in (document.get("paths") or {}).items():
            if path in paths:
                log.warning("path published by two services; keeping the first", extra={"path": path, "service": service})
                continue
            paths[path] = _public_path_item(path, item, public_paths)
        for section, entries in (document.get("components") or {}).items():
            if section == "securitySchemes":
                continue
            target = components.setdefault(section, {})
            for name, definition in entries.items():
                target[renamed.get((section, name), name)] = definition
        for tag in document.get("tags") or []:
            tags.setdefault(tag.get("name"), tag)

    components["securitySchemes"] = SECURITY_SCHEMES
    included = sorted(documents)
    description = "All services of the quality-management platform behind the gateway."
    if unavailable:
        description += " Not included (unavailable when this document was built): " + ", ".join(sorted(unavailable)) + "."
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "City of Stockholm quality management API", "version": version, "description": description},
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": components,
        "security": [{"apiKey": []}, {"bearer": []}],
        "x-upstreams": {
            **{service: {"status": "included"} for service in included},
            **{service: {"status": "unavailable", "reason": reason} for service, reason in sorted(unavailable.items())},
        },
    }
    if tags:
        merged["tags"] = list(tags.values())
    return merged


def _clashing_names(documents: dict[str, dict[str, Any]]) -> dict[str, dict[tuple[str, str], str]]:
    """service -> {(section, name): new name} for names that services define differently."""
    seen: dict[tuple[str, str], dict[str, bytes]] = {}
    for service, document in documents.items():
        for section, entries in (document.get("components") or {}).items():
            if section == "securitySchemes" or not isinstance(entries, dict):
                continue
            for name, definition in entries.items():
                seen.setdefault((section, name), {})[service] = orjson.dumps(definition, option=orjson.OPT_SORT_KEYS)
    renames: dict[str, dict[str, str]] = {}
    for (section, name), definitions in seen.items():
        if len(set(definitions.values())) > 1:
            for service in definitions:
                renames.setdefault(service, {})[(section, name)] = f"{service}.{name}"
    return renames


def _rewrite_refs(node: Any, renames: dict[str, str]) -> Any:
    """A copy of ``node`` with every string equal to a renamed ref replaced ($ref, discriminator maps)."""
    if not renames:
        return node
    if isinstance(node, dict):
        return {key: _rewrite_refs(value, renames) for key, value in node.items()}
    if isinstance(node, list):
        return [_rewrite_refs(value, renames) for value in node]
    if isinstance(node, str):
        return renames.get(node, node)
    return node


def _public_path_item(path: str, item: dict[str, Any], public_paths: PublicPaths | None) -> dict[str, Any]:
    """The path item with the gateway's security instead of the service's, and without the
    internal assertion header."""
    item = dict(item)
    if "parameters" in item:
        item["parameters"] = _public_parameters(item["parameters"])
    is_open311 = open311.under_prefix(path.encode())
    # A concrete path the template stands for, to test against the public-path rules.
    example = _TEMPLATE_PARAMETER.sub("x", path).encode()
    for method in _HTTP_METHODS:
        operation = item.get(method)
        if isinstance(operation, dict):
            # ``security: []`` marks a public operation (servicekit.auth.PublicPrincipal).
            public = operation.get("security") == [] and (
                public_paths is None or public_paths.matches(method.upper().encode(), example))
            operation = {key: value for key, value in operation.items() if key != "security"}
            if public:
                operation["security"] = []
            elif is_open311:
                operation["security"] = OPEN311_SECURITY
            if "parameters" in operation:
                operation["parameters"] = _public_parameters(operation["parameters"])
            item[method] = operation
    return item


def _public_parameters(parameters: list[Any]) -> list[Any]:
    return [
        parameter for parameter in parameters
        if not (isinstance(parameter, dict) and parameter.get("in") == "header"
                and str(parameter.get("name", "")).lower() == "x-internal-assertion")
    ]


class OpenApiAggregator:
    def __init__(self, pools: dict[str, UpstreamPool], minter: AssertionMinter, version: str,
                 public_paths: PublicPaths | None = None) -> None:
        self._pools = pools
        self._minter = minter
        self._version = version
        self._public_paths = public_paths
        self._cached: tuple[float, bytes] | None = None
        self._lock = asyncio.Lock()

    async def document(self) -> tuple:
        async with self._lock:
            if self._cached is None or self._cached[0] <= time.monotonic():
                self._cached = await self._build()
            return 200, JSON, self._cached[1], b"cache-control: no-cache\r\n"

    async def docs_page(self) -> tuple:
        return 200, HTML, DOCS_HTML, b""

    async def docs_script(self) -> tuple:
        return 200, JAVASCRIPT, _swagger_asset("swagger-ui-bundle.js"), ASSET_CACHE

    async def docs_stylesheet(self) -> tuple:
        return 200, CSS, _swagger_asset("swagger-ui.css"), ASSET_CACHE

    async def _build(self) -> tuple[float, bytes]:
        services = list(self._pools)
        results = await asyncio.gather(*(self._fetch(service) for service in services))
        documents: dict[str, dict] = {}
        unavailable: dict[str, str] = {}
        for service, (document, reason) in zip(services, results, strict=True):
            if document is not None:
                documents[service] = document
            else:
                unavailable[service] = reason
        body = orjson.dumps(merge(documents, unavailable, self._version, self._public_paths))
        ttl = PARTIAL_CACHE_SECONDS if unavailable else CACHE_SECONDS
        return time.monotonic() + ttl, body

    async def _fetch(self, service: str) -> tuple[dict | None, str]:
        rid = request_id(None)
        headers = {
            "x-internal-assertion": self._minter.mint(GATEWAY_IDENTITY, service, request_id=rid),
            "x-request-id": rid,
        }
        try:
            status, body = await fetch(self._pools[service], f"/{service}/v1/openapi.json", headers,
                                       timeout=FETCH_TIMEOUT_SECONDS)
        except UpstreamError as exc:
            return None, exc.detail
        if status != 200:
            return None, f"the service answered {status}"
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None, "the service's document is not JSON"
        if not isinstance(document, dict) or not isinstance(document.get("paths", {}), dict):
            return None, "the service's document is not an OpenAPI document"
        return document, ""


DOCS_HTML = b"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>City of Stockholm quality management API</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});
  </script>
</body>
</html>
"""


@functools.cache
def _swagger_asset(name: str) -> bytes:
    """Swagger UI's files from the pinned swagger-ui-bundle-v2 package: the docs page works
    without internet access (city networks, this project's machines), and the version is pinned."""
    from swagger_ui_bundle import swagger_ui_path

    return (swagger_ui_path / name).read_bytes()
