"""GeoReport v2 documents in JSON or XML, with the spec's element names, and its error list.

XML is generated with the standard library's ElementTree (nothing is parsed here; incoming
bodies are form-encoded). Lists become repeated child elements named as the spec names them.
"""

from typing import Any
from xml.etree import ElementTree

import orjson
from starlette.requests import Request
from starlette.responses import Response

from servicekit.prefixes import ApiError

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
# Child element names of the spec's lists.
ITEM_NAMES = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value"}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ElementTree.Element, record: dict) -> None:
    for name, value in record.items():
        child = ElementTree.SubElement(element, name)
        if isinstance(value, dict):
            _fill(child, value)
        elif isinstance(value, list):
            for item in value:
                grandchild = ElementTree.SubElement(child, ITEM_NAMES[name])
                if isinstance(item, dict):
                    _fill(grandchild, item)
                else:
                    grandchild.text = _text(item)
        else:
            child.text = _text(value)


def xml_document(root: str, *, items: list[dict] | None = None, item: str | None = None, record: dict | None = None) -> bytes:
    element = ElementTree.Element(root)
    if record is not None:
        _fill(element, record)
    for entry in items or ():
        _fill(ElementTree.SubElement(element, item), entry)
    return ElementTree.tostring(element, encoding="utf-8", xml_declaration=True)


def respond(format: str, *, root: str, item: str | None = None, items: list[dict] | None = None,
            record: dict | None = None, status: int = 200, headers: dict | None = None) -> Response:
    """A list (``items`` under ``root``/``item``) or one ``record``; JSON shows a list as an array."""
    if format == "xml":
        return Response(xml_document(root, items=items, item=item, record=record), status, headers, media_type=XML_TYPE)
    body = record if record is not None else items
    return Response(orjson.dumps(body), status, headers, media_type=JSON_TYPE)


def format_of(path: str) -> str:
    return "xml" if path.endswith(".xml") else "json"


def spec_status(error: ApiError) -> int:
    """GeoReport v2 has no 422: what the request got wrong is a 400."""
    return 400 if error.status == 422 else error.status


def describe(error: ApiError) -> str:
    if error.issues:
        return "; ".join(f"{'.'.join(str(p) for p in issue['location'][1:]) or 'request'}: {issue['message']}" for issue in error.issues)
    return error.description


def render_error(request: Request, error: ApiError) -> Response:
    status = spec_status(error)
    errors = [{"code": status, "description": describe(error)}]
    return respond(format_of(request.url.path), root="errors", item="error", items=errors, status=status, headers=dict(error.headers))


ERROR_RESPONSE = {
    "description": "GeoReport v2 errors: a list of {code, description} (XML: <errors><error>).",
    "content": {
        "application/json": {"schema": {"type": "array", "items": {"type": "object", "properties": {
            "code": {"type": "integer"}, "description": {"type": "string"}}}}},
        "text/xml": {"schema": {"type": "string"}},
    },
}
