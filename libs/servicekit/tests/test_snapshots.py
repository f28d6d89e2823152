"""Frozen documents: the stored text and digest of a known document stay what every service stored before them."""

import hashlib
import json

from servicekit.snapshots import attachment, freeze

# A document of the kind the services freeze: nested objects and lists, Swedish letters, null, a boolean,
# integers and decimal fractions.
KNOWN = {
    "snapshot_version": 1, "report_id": "5b0e8c8e-2d4b-4e0a-9a55-3f1b2c7d9e10",
    "title": "Synpunkter och klagomål 2015-T1 – Spånga-Tensta", "registration_number": "SDN-SPT 2015/0412",
    "committee": {"name": "Spånga-Tensta stadsdelsnämnd", "id": "0c7a1d52-6a0e-4c8e-8f43-2b9d7f6a1e33"},
    "frozen_at": "2015-05-12T08:30:00+00:00", "corrects": None, "correction_reason": None,
    "statistics": {"cases": 42, "within_deadline": 0.875, "median_days": 3.5, "suppressed": [None, 4], "rated": True,
                   "units": [], "promises": {}},
}
# What goals', feedback's, audit's and awards' own freeze functions gave for KNOWN before they shared this one.
KNOWN_SHA256 = "cf25885c72e0e11043c854058647913b41f286de7d3b27ba3ab49ff646d65919"


def test_a_known_document_freezes_to_the_text_and_digest_the_rule_gives():
    text, digest = freeze(KNOWN)
    by_hand = json.dumps(KNOWN, indent=2, sort_keys=True, ensure_ascii=False)
    assert text == by_hand
    assert digest == hashlib.sha256(by_hand.encode("utf-8")).hexdigest() == KNOWN_SHA256
    assert "Spånga-Tensta stadsdelsnämnd" in text, "letters as they are, not escaped"
    # The order of the keys as built does not matter: the same document, the same snapshot.
    assert freeze(dict(reversed(KNOWN.items()))) == (text, digest)


def test_download_names_keep_ascii_as_it_was_and_carry_the_rest_in_utf8():
    assert attachment("rapport-2015-VB-v2.xlsx") == 'attachment; filename="rapport-2015-VB-v2.xlsx"'
    assert attachment('synpunkter-2015-T1-SDN-SPT 2015/0412".csv') == \
        'attachment; filename="synpunkter-2015-T1-SDN-SPT 2015-0412.csv"'
    named = attachment("återkoppling-KU 2015–17.pdf")
    assert named == ("attachment; filename=\"aterkoppling-KU 2015-17.pdf\"; "
                     "filename*=UTF-8''%C3%A5terkoppling-KU%202015%E2%80%9317.pdf")
    named.encode("latin-1")  # what a header can carry
