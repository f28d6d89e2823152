"""Frozen report documents (ARCHITECTURE.md "Reports are snapshots"): their text and digest.

A report frozen on submission is stored as the JSON text it was, with the SHA-256 of that text,
and never serialised again: the JSON download serves the stored bytes and XLSX, CSV, PDF and DOCX
are rendered from them. What a document holds, who freezes it, its registration number and how
a correction supersedes an earlier report are each service's own.
"""

import hashlib

import orjson

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

