"""Public operations: the paths callable without credentials, and who the anonymous caller is.

``GATEWAY_PUBLIC_PATHS`` lists ``METHOD /path/pattern`` rules (``*`` within one segment, a
trailing ``/**`` any rest). A request matching one and carrying no credentials is forwarded as
the ``anonymous`` actor (no roles, scopes or organisation scope) and rate-limited per client
address; servicekit accepts that actor only on operations that declare themselves public, so a
rule naming a path whose operation is not public still gets a 401 from the service.

The client address is the peer, unless the peer is a trusted proxy
(``GATEWAY_TRUSTED_PROXIES``): then X-Forwarded-For is read from the right, skipping trusted
proxies, and the first address that is not one is the client (what the client itself wrote on
the left cannot displace what trusted proxies appended). Rate-limit keys hold a hash of the
address, never the address itself.
"""

import hashlib
import re
from collections.abc import Iterable
from ipaddress import IPv4Network, IPv6Network, ip_address

_RULE = re.compile(r"^([A-Z]+)\s+(/\S*)$")
_LITERAL_PREFIX = re.compile(r"^/[^*/]+/[^*/]+(/|$)")


class PublicPaths:
    """Matches (method, path) against the configured rules; one compiled pattern per method."""

    def __init__(self, rules: Iterable[tuple[str, str]]) -> None:
        by_method: dict[str, list[str]] = {}
        prefixes: set[bytes] = set()
        for method, pattern in rules:
            misplaced_rest = "**" in pattern and (not pattern.endswith("/**") or "**" in pattern[:-3])
            if not _LITERAL_PREFIX.match(pattern) or misplaced_rest:
                raise ValueError(f"public path {pattern!r}: start with a literal /service/version prefix;"
                                 " '**' only as the last segment")
            regex = _pattern_regex(pattern)
            for each in (method, "HEAD") if method == "GET" else (method,):
                by_method.setdefault(each, []).append(regex)
            prefixes.add("/".join(pattern.split("/")[1:3]).encode())
        self._patterns = {method.encode(): re.compile("|".join(f"(?:{r})" for r in regexes).encode())
                          for method, regexes in by_method.items()}
        # Route-table prefixes (``open311/v2``) some rule lies under: other paths skip the match.
        self.prefixes = frozenset(prefixes)

    @classmethod
    def parse(cls, text: str) -> "PublicPaths":
        rules = []
        for item in text.split(","):
            item = item.strip()
            if not item:
                continue
            match = _RULE.match(item)
            if match is None:
                raise ValueError(f"public path {item!r} is not 'METHOD /path/pattern'")
            rules.append((match.group(1), match.group(2)))
        return cls(rules)

    def matches(self, method: bytes, path: bytes) -> bool:
        pattern = self._patterns.get(method)
        return pattern is not None and pattern.fullmatch(path) is not None


def _pattern_regex(pattern: str) -> str:
    rest = ""
    if pattern.endswith("/**"):
        pattern, rest = pattern[:-3], "(?:/.*)?"
    return "[^/]+".join(re.escape(part) for part in pattern.split("*")) + rest


Network = IPv4Network | IPv6Network


class ClientAddresses:
    """The client's address behind trusted proxies, as a rate-limit key."""

    def __init__(self, trusted: tuple[Network, ...]) -> None:
        self._trusted = trusted

    def rate_key(self, peer: str, forwarded_for: bytes | None) -> str:
        address = self.resolve(peer, forwarded_for)
        return "addr:" + hashlib.blake2b(address.encode(), digest_size=12).hexdigest()

    def resolve(self, peer: str, forwarded_for: bytes | None) -> str:
        if not self._trusted or forwarded_for is None or not self._is_trusted(peer):
            return peer
        hops = [hop.strip() for hop in forwarded_for.decode("latin-1").split(",") if hop.strip()]
        for hop in reversed(hops):
            if not self._is_trusted(hop):
                return hop[:64]
        return hops[0][:64] if hops else peer  # all trusted: the farthest one

    def _is_trusted(self, address: str) -> bool:
        try:
            parsed = ip_address(address)
        except ValueError:
            return False
        return any(parsed in network for network in self._trusted)
