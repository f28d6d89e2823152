"""Frozen report documents (ARCHITECTURE.md "Reports are snapshots"): their text, digest and downloads.

A report frozen on submission is stored as the JSON text it was, with the SHA-256 of that text,
and never serialised again: the JSON download serves the stored bytes and XLSX, CSV, PDF and DOCX
are rendered from them. What a document holds, who freezes it, its registration number and how
a correction supersedes an earlier report are each service's own.
"""

import hashlib
import unicodedata
from urllib.parse import quote

import orjson
from fastapi import Response

# Part of every stored digest: a snapshot's sha256 is over the text these options wrote.
JSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS


def freeze(document: dict) -> tuple[str, str]:
    """(the JSON text to store and serve, its SHA-256 as hex).

    Sorted keys, two-space indentation, UTF-8 with non-ASCII letters as they are; the digest is
    over exactly those bytes. For the documents the services freeze (strings, integers, decimal
    fractions, booleans, null) the text equals ``json.dumps(document, indent=2, sort_keys=True,
    ensure_ascii=False)``, but orjson writes tiny floats without an exponent (1e-05 as 0.00001):
    check a snapshot against its stored text, never against a document serialised again.
    """
    text = orjson.dumps(document, option=JSON_OPTIONS).decode()
    return text, hashlib.sha256(text.encode()).hexdigest()


def etag(sha256: str) -> str:
    """The ETag of a frozen document: its SHA-256, which names its bytes for good."""
    return f'"{sha256}"'


def rendered_etag(sha256: str, format: str) -> str:
    """The ETag of a frozen document rendered in another format (XLSX, CSV, PDF, DOCX): one per
    format (a validator names a representation, RFC 9110 8.8.3) and weak, since the renderers
    stamp the time of rendering into the file (openpyxl's save time, fpdf2's CreationDate and /ID,
    the DOCX's ZIP entry times): the same content from the same snapshot, not the same bytes."""
    return f'W/"{sha256}.{format}"'


def none_match(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names ``etag`` or is ``*`` (the weak comparison RFC 9110
    13.1.2 prescribes for it: ``W/`` aside, the same tag)."""
    if if_none_match is None:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag.removeprefix("W/") in candidates


def json_download(text: str, *, sha256: str) -> Response:
    """The frozen JSON byte for byte as stored, its SHA-256 the ETag."""
    return Response(text, media_type="application/json", headers={"etag": etag(sha256)})


def attachment(filename: str) -> str:
    """The Content-Disposition of a download named ``filename`` (RFC 6266).

    Names carry registration numbers, so slashes become dashes and quotes go. A header holds
    Latin-1 only, and a dash or letter beyond it in a diarienummer would fail the response: a
    name that is not plain ASCII goes as ``filename*`` in UTF-8, with an ASCII stand-in (å as a,
    anything else as a dash) for clients that read only ``filename``.
    """
    name = filename.replace("/", "-").replace("\\", "-").replace('"', "")
    if name.isascii() and name.isprintable():
        return f'attachment; filename="{name}"'
    plain = "".join(c if c.isascii() and c.isprintable() else "-"
                    for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"
