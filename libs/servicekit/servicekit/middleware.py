"""One pure-ASGI middleware per service: request ID, internal assertion, metrics, access log.

Kept as a single plain ASGI callable because every request passes through it; Starlette's
BaseHTTPMiddleware would cost more than the endpoint on small requests.
"""

import logging
import re
import time
import uuid

from prometheus_client import Counter, Histogram
from starlette.requests import Request

from servicekit.assertion import ASSERTION_HEADER, AssertionError_, AssertionVerifier
from servicekit.logging import request_id_var
from servicekit.prefixes import ApiError, ErrorRenderer, prefix_of
from servicekit.problemdoc import PROBLEM_MEDIA_TYPE, problem_body

OPEN_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")

REQUESTS = Counter("http_requests_total", "HTTP requests served", ["method", "route", "status"])
LATENCY = Histogram(
    "http_request_duration_seconds", "Time to serve a request", ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
access_log = logging.getLogger("servicekit.access")


class ServiceMiddleware:
    def __init__(self, app, verifier: AssertionVerifier, renderers: dict[str, ErrorRenderer] | None = None) -> None:
        self.app = app
        self.verifier = verifier
        # Extra prefix -> its error renderer (servicekit.prefixes), for the refusals answered here.
        self.renderers = renderers or {}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = dict(scope["headers"])
        supplied = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = supplied if _REQUEST_ID.match(supplied) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        status_holder = [500]
        request_id_header = (b"x-request-id", request_id.encode())

        async def send_with_request_id(message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
                message["headers"] = [*message.get("headers", []), request_id_header]
            await send(message)

        try:
            path = scope["path"]
            if path not in OPEN_PATHS:
                assertion = headers.get(ASSERTION_HEADER.encode())
                if assertion is None:
                    await self._refuse(scope, receive, send_with_request_id, "This service is reached through the gateway; the internal assertion is missing.")
                    return
                try:
                    principal = self.verifier.verify(assertion.decode("latin-1"))
                except AssertionError_:
                    await self._refuse(scope, receive, send_with_request_id, "The internal assertion is invalid or expired.")
                    return
                scope.setdefault("state", {})["principal"] = principal
            await self.app(scope, receive, send_with_request_id)
        finally:
            route = scope.get("route")
            route_path = getattr(route, "path", "unmatched")
            elapsed = time.perf_counter() - started
            REQUESTS.labels(scope["method"], route_path, str(status_holder[0])).inc()
            LATENCY.labels(scope["method"], route_path).observe(elapsed)
            if access_log.isEnabledFor(logging.INFO) and route_path not in OPEN_PATHS:
                access_log.info(
                    "request", extra={"method": scope["method"], "route": route_path,
                                      "status": status_holder[0], "duration_ms": round(elapsed * 1000, 2)},
                )
            request_id_var.reset(token)

    async def _refuse(self, scope, receive, send, detail: str) -> None:
        path = scope["path"]
        prefix = prefix_of(path, self.renderers) if self.renderers else None
        if prefix is not None:
            response = self.renderers[prefix](Request(scope, receive), ApiError(401, detail, kind="missing-internal-assertion"))
            await response(scope, receive, send)
            return
        body = problem_body(401, detail, kind="missing-internal-assertion", instance=path)
        await send({
            "type": "http.response.start", "status": 401,
            "headers": [(b"content-type", PROBLEM_MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode())],
        })
        await send({"type": "http.response.body", "body": body})
