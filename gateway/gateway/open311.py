"""Open311 GeoReport v2 at the edge: the spec's error format and its ``api_key`` parameter.

GeoReport v2 clients cannot be changed, so on ``/open311/v2`` the gateway speaks their dialect:

- every error the gateway itself answers there is the spec's error list, JSON
  ``[{"code": 401, "description": "..."}]`` or XML ``<errors><error><code>401</code>
  <description>...</description></error></errors>``, as the path's ``.xml``/``.json`` suffix says
  (JSON when the path has neither: discovery-less clients ask for ``.json`` by default);
- the key travels as the spec sends it: ``api_key`` in the form-encoded POST body or in the
  query string. It is taken out of what is forwarded (the body is re-framed with its new
  Content-Length), so no service, log or stored reply ever sees it.

The service renders its own errors on these paths the same way (servicekit's extra prefix).
"""

from urllib.parse import unquote_plus
from xml.sax.saxutils import escape

import orjson

PREFIX = b"/open311/v2"
JSON_TYPE = b"application/json; charset=utf-8"
XML_TYPE = b"text/xml; charset=utf-8"
FORM_TYPE = b"application/x-www-form-urlencoded"


def under_prefix(path: bytes) -> bool:
    return path.startswith(PREFIX) and (len(path) == len(PREFIX) or path[len(PREFIX)] == 0x2F)


def error_body(path: bytes, status: int, description: str) -> tuple[bytes, bytes]:
    """(content type, body) of the spec's error list, in the format the path names."""
    if path.endswith(b".xml"):
        body = ('<?xml version="1.0" encoding="utf-8"?>\n<errors><error><code>%d</code>'
                "<description>%s</description></error></errors>\n" % (status, escape(description)))
        return XML_TYPE, body.encode()
    return JSON_TYPE, orjson.dumps([{"code": status, "description": description}])


class DuplicateKey(ValueError):
    """``api_key`` appears more than once in one place."""


def take_api_key(encoded: bytes) -> tuple[bytes, bytes | None]:
    """Split ``api_key`` out of a query string or form body: (the rest, the key or None).

    The other parameters are kept byte for byte (without an ``api_key`` the input is returned as
    it is). An empty ``api_key=`` counts as none (clients send it when not configured); two of
    them are refused rather than guessed between.
    """
    kept: list[bytes] = []
    key: bytes | None = None
    found = False
    for pair in encoded.split(b"&"):
        name, _, value = pair.partition(b"=")
        if unquote_plus(name.decode("latin-1")) == "api_key":
            if found:
                raise DuplicateKey("api_key is given more than once")
            found = True
            decoded = unquote_plus(value.decode("latin-1")).strip()
            key = decoded.encode("latin-1") if decoded else None
        elif pair:
            kept.append(pair)
    return (b"&".join(kept) if found else encoded), key


def take_query_api_key(url: bytes) -> tuple[bytes, bytes | None]:
    """The URL without its ``api_key`` query parameter, and the key."""
    path, mark, query = url.partition(b"?")
    if not mark:
        return url, None
    rest, key = take_api_key(query)
    if rest is query:
        return url, key
    return (path + b"?" + rest if rest else path), key


def is_form(content_type: bytes | None) -> bool:
    return content_type is not None and content_type.partition(b";")[0].strip().lower() == FORM_TYPE
