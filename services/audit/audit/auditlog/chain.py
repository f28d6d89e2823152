"""The hash chain: each entry's SHA-256 covers its content and the previous entry's hash.

An entry's hash is computed over a canonical JSON document (sorted keys, no whitespace) of every
column except its position, so a change of any field breaks that entry, a removal breaks the link
of the entry after it, and a reordering shows as a link that points at an entry further on. A
rewrite of the whole table with every hash recomputed is consistent in itself; only heads kept
outside audit's database (``audit.log.head``, anchored in goals) reveal it.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson

GENESIS = "0" * 64  # the "previous hash" of the first entry
HASHED_FIELDS = (
    "id", "recorded_at", "actor_subject", "actor_kind", "action", "entity_type", "entity_id",
    "committee_id", "outcome", "before", "after", "prev_hash",
)


def entry_hash(entry: dict[str, Any]) -> str:
    """SHA-256 (hex) of an entry's hashed fields; values as the database returns them."""
    document = {name: _plain(entry[name]) for name in HASHED_FIELDS}
    return hashlib.sha256(orjson.dumps(document, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)  # uuid


@dataclass(frozen=True)
class Tampering:
    kind: str  # altered | removed | reordered | rewritten
    sequence: int
    entry_id: str | None
    detail: str


@dataclass(frozen=True)
class AnchoredHead:
    sequence: int
    hash: str


def verify_chain(entries: list[dict[str, Any]], anchored: list[AnchoredHead]) -> Tampering | None:
    """The first tampering in ``entries`` (ordered by sequence), or None when the chain holds.

    Anchored heads are checked after the chain itself: an entry at a head's position must carry
    the head's hash, and the chain must still reach every head.
    """
    later_hashes = {entry["hash"]: entry["sequence"] for entry in entries}
    previous_hash, expected_sequence = GENESIS, 1
    for entry in entries:
        sequence, entry_id = entry["sequence"], str(entry["id"])
        if entry_hash(entry) != entry["hash"]:
            return Tampering("altered", sequence, entry_id, f"Entry {sequence} does not match its own hash: its content was changed.")
        if sequence != expected_sequence:
            return Tampering(
                "removed", expected_sequence, None,
                f"Entries {expected_sequence}–{sequence - 1} are missing before entry {sequence}.",
            )
        if entry["prev_hash"] != previous_hash:
            linked = later_hashes.get(entry["prev_hash"])
            if linked is not None and linked > sequence:
                return Tampering(
                    "reordered", sequence, entry_id,
                    f"Entry {sequence} was appended after the entry now at {linked}; the order was changed.",
                )
            return Tampering(
                "removed", sequence, entry_id,
                f"The entry before entry {sequence} is not the one it was chained to: an entry was removed.",
            )
        previous_hash, expected_sequence = entry["hash"], sequence + 1
    by_sequence = {entry["sequence"]: entry for entry in entries}
    last_agreeing = 0  # the newest anchored head the chain still agrees with
    for head in sorted(anchored, key=lambda head: head.sequence):
        entry = by_sequence.get(head.sequence)
        if entry is None:
            return Tampering(
                "removed", head.sequence, None,
                f"The anchored head {head.sequence} is no longer in the log: entries up to it were removed.",
            )
        if entry["hash"] != head.hash:
            return Tampering(
                "rewritten", head.sequence, str(entry["id"]),
                f"Entry {head.sequence} differs from the head anchored outside audit: an entry after {last_agreeing} "
                f"and at or before {head.sequence} was changed and the chain rewritten with recomputed hashes.",
            )
        last_agreeing = head.sequence
    return None
