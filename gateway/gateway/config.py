"""Gateway settings (env prefix ``GATEWAY_``) and the routing table derived from them."""

from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_network
from urllib.parse import urlsplit

from pydantic import model_validator
from servicekit.settings import ServiceSettings, service_config

from gateway.public import PublicPaths
from gateway.ratelimit import RateLimit

# Path prefix -> service name. The path is forwarded unchanged, so a service answers under the
# same prefix directly and through the gateway. open311 is feedback's GeoReport v2 intake.
ROUTE_PREFIXES: dict[str, str] = {
    "goals/v1": "goals",
    "feedback/v1": "feedback",
    "open311/v2": "feedback",
    "audit/v1": "audit",
    "awards/v1": "awards",
}
SERVICES = ("goals", "feedback", "audit", "awards")


class GatewaySettings(ServiceSettings):
    model_config = service_config("GATEWAY_")

    service_name: str = "gateway"

    # Upstream base URLs (scheme://host:port; no path: paths are forwarded unchanged).
    upstream_goals: str = "http://127.0.0.1:8001"
    upstream_feedback: str = "http://127.0.0.1:8002"
    upstream_audit: str = "http://127.0.0.1:8003"
    upstream_awards: str = "http://127.0.0.1:8004"
    # The wait for the response head, and the longest pause within a response body.
    upstream_timeout_seconds: float = 30.0
    upstream_connect_timeout_seconds: float = 2.0
    # Extra attempts when nothing came back (connect error, connection closed before any answer),
    # idempotent methods only.
    upstream_retries: int = 2
    # Per upstream and worker; waiting for a free connection counts against the timeout.
    upstream_max_connections: int = 256
    # Below uvicorn's 5 s keep-alive so we drop idle connections before the service does.
    upstream_idle_seconds: float = 4.0
    circuit_failure_threshold: int = 5
    circuit_reset_seconds: float = 10.0

    # Authentication.
    assertion_private_key_file: str = ""
    assertion_lifetime_seconds: int = 30
    # A minted assertion is reused for the same principal and service this long (signing costs
    # ~95 µs, about half a service's whole request); see auth.Identity.assertion_for.
    assertion_reuse_seconds: float = 5.0
    token_jwks_file: str = ""
    token_signing_key_file: str = ""
    token_issuer: str = "qm-dev"
    token_audience: str = ""
    oidc_jwks_url: str = ""
    oidc_issuer: str = ""
    # Verified API keys are cached this long, so a revocation bites within it.
    key_cache_seconds: float = 30.0
    # If the key database is unreachable, a key verified before keeps working this long.
    key_cache_stale_seconds: float = 300.0

    # Rate limits per principal (GCRA in Redis); burst 0 means a tenth of a minute's allowance.
    # A key with its own limit (``keys create --rate-limit``) has that one instead.
    rate_limit_per_minute: int = 6000
    rate_limit_burst: int = 0

    # Open311 at the edge (README "Open311 at the edge"). Operations callable without
    # credentials, comma-separated ``METHOD /path/pattern``: ``*`` matches within one path segment,
    # a trailing ``/**`` any rest of the path; a GET rule also admits HEAD. Without credentials the
    # caller is forwarded as the ``anonymous`` actor; with credentials, as itself even where its
    # scopes would not cover the request (the service decides what it shows).
    public_paths: str = (
        "GET /open311/v2/**, GET /feedback/v1/my-cases/*, POST /feedback/v1/my-cases/*/rating,"
        " GET /feedback/v1/categories, GET /feedback/v1/categories/*, GET /feedback/v1/units/*/guarantees"
    )
    # Anonymous callers are limited per client address.
    anonymous_rate_limit_per_minute: int = 300
    anonymous_rate_limit_burst: int = 0
    # Peers (addresses or CIDR networks, comma-separated) whose X-Forwarded-For names the client;
    # from anyone else the header is ignored and the peer is the client.
    trusted_proxies: str = ""
    # Open311 form bodies are read whole (for their api_key) up to this size; 413 beyond.
    form_max_bytes: int = 1024 * 1024

    cors_origins: str = ""
    max_body_bytes: int = 32 * 1024 * 1024
    # One JSON line per request (batched writes, see accesslog.py).
    access_log: bool = True
    # Path prefixes (comma-separated) whose access-log lines carry no subject: on lex Sarah paths
    # the caller's identity is protected data (the reporter of a case, an officer's reads are in
    # audit's own tamper-evident log instead).
    access_log_hide_subject_prefixes: str = "/audit/v1/lex-sarah/"
    # Seconds a stopping worker waits for in-flight requests.
    shutdown_grace_seconds: float = 10.0
    keepalive_seconds: float = 75.0
    db_pool_size: int = 4

    @model_validator(mode="after")
    def _check(self) -> "GatewaySettings":
        for service in SERVICES:
            Upstream.parse(service, self.upstream_url(service))
        if self.assertion_lifetime_seconds > 60:
            raise ValueError("assertion lifetime must be at most 60 seconds")
        if self.assertion_reuse_seconds >= self.assertion_lifetime_seconds - 5:
            raise ValueError("assertion reuse must leave at least 5 s of the assertion's lifetime")
        self.default_rate_limit()
        self.anonymous_rate_limit()
        self.public_path_rules()
        self.trusted_proxy_networks()
        return self

    def upstream_url(self, service: str) -> str:
        return getattr(self, f"upstream_{service}")

    def upstreams(self) -> dict[str, "Upstream"]:
        return {service: Upstream.parse(service, self.upstream_url(service)) for service in SERVICES}

    def cors_origin_set(self) -> frozenset[str]:
        return frozenset(origin.strip().rstrip("/") for origin in self.cors_origins.split(",") if origin.strip())

    def default_rate_limit(self) -> RateLimit:
        return RateLimit(self.rate_limit_per_minute, self.rate_limit_burst)

    def anonymous_rate_limit(self) -> RateLimit:
        return RateLimit(self.anonymous_rate_limit_per_minute, self.anonymous_rate_limit_burst)

    def hidden_subject_prefixes(self) -> tuple[bytes, ...]:
        return tuple(item.strip().encode() for item in self.access_log_hide_subject_prefixes.split(",") if item.strip())

    def public_path_rules(self) -> PublicPaths:
        return PublicPaths.parse(self.public_paths)

    def trusted_proxy_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        return tuple(ip_network(item.strip(), strict=False) for item in self.trusted_proxies.split(",") if item.strip())


@dataclass(frozen=True)
class Upstream:
    name: str
    scheme: str
    host: str
    port: int

    @classmethod
    def parse(cls, name: str, url: str) -> "Upstream":
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"upstream {name}: {url!r} is not an http(s) URL")
        if parts.path not in ("", "/") or parts.query:
            raise ValueError(f"upstream {name}: {url!r} must not carry a path; paths are forwarded unchanged")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return cls(name, parts.scheme, parts.hostname, port)
