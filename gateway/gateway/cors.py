"""CORS for the portals: preflights answered at the edge without authentication."""

ALLOW_METHODS = b"GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
# Response headers a portal's script may read.
EXPOSE_HEADERS = b"ETag, Location, Retry-After, X-Request-ID, Link, WWW-Authenticate"
MAX_AGE = b"600"


class CorsPolicy:
    def __init__(self, origins: frozenset[str]) -> None:
        self._any = "*" in origins
        self._origins = frozenset(origin.encode() for origin in origins if origin != "*")
        self._headers_cache: dict[bytes, bytes] = {}

    @property
    def enabled(self) -> bool:
        return self._any or bool(self._origins)

    def allowed(self, origin: bytes) -> bool:
        return self._any or origin in self._origins

    def response_headers(self, origin: bytes | None) -> bytes:
        """Headers to add to an ordinary response (b"" when the origin is absent or not allowed)."""
        if origin is None or not self.allowed(origin):
            return b""
        cached = self._headers_cache.get(origin)
        if cached is None:
            if self._any:
                cached = b"access-control-allow-origin: *\r\n"
            else:
                cached = b"access-control-allow-origin: %b\r\nvary: origin\r\n" % origin
            cached += b"access-control-expose-headers: %b\r\n" % EXPOSE_HEADERS
            if len(self._headers_cache) < 1000:  # allowed origins only, but '*' allows any
                self._headers_cache[origin] = cached
        return cached

    def preflight_headers(self, origin: bytes, requested_headers: bytes | None) -> bytes | None:
        """Headers of a successful preflight answer, or None if the origin is not allowed."""
        if not self.allowed(origin):
            return None
        allow_origin = b"*" if self._any else origin
        headers = (
            b"access-control-allow-origin: %b\r\naccess-control-allow-methods: %b\r\n"
            b"access-control-max-age: %b\r\nvary: origin, access-control-request-headers\r\n"
            % (allow_origin, ALLOW_METHODS, MAX_AGE)
        )
        if requested_headers:
            # Every request header is acceptable to us; credentials travel in headers, not cookies.
            headers += b"access-control-allow-headers: %b\r\n" % requested_headers
        return headers
