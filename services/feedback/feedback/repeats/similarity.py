"""How alike two residents' texts are, after Swedish-aware normalisation.

Normalising casefolds (å, ä and ö stay letters of their own: "gård" and "gard" differ, as they do
in Swedish), turns punctuation into spaces and collapses whitespace. The score is rapidfuzz's
token sort ratio (0–100): word order does not matter ("Trasig är grinden" = "Grinden är trasig"),
and every word added or missing lowers it.
"""

import re
import uuid

from rapidfuzz import fuzz, process

_PUNCTUATION = re.compile(r"[^\w\s]|_")
_WHITESPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _WHITESPACE.sub(" ", _PUNCTUATION.sub(" ", text.casefold())).strip()


def most_similar(text: str, candidates: dict[uuid.UUID, str], *, threshold: float) -> tuple[uuid.UUID, float] | None:
    """The candidate most like ``text`` with a score of at least ``threshold``, if any."""
    found = process.extractOne(
        text, candidates, scorer=fuzz.token_sort_ratio, processor=normalise, score_cutoff=threshold,
    )
    if found is None:
        return None
    _, score, case_id = found
    return case_id, round(score, 2)
