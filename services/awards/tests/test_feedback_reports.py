"""Feedback reports through HTTP: built from the consensus, approved by another person, frozen on release, PDF/DOCX."""

import hashlib
import io
import json
from datetime import datetime, timedelta

from awards_bank import CONSENSUS, decided_round
from awards_examination import AREAS, BASE, TEAM, agree, examined_round, score
from docx import Document
from pypdf import PdfReader

from servicekit.orgtree import stockholm_today
from servicekit.orgtree.queries import STOCKHOLM

SWEDISH = "Åtgärdsplanen för året är tydlig: årshjul, mötesstruktur och uppföljning – ÅÄÖ åäö."


def band_of(value: int) -> str:
    for low, high in ((0, 5), (10, 25), (30, 45), (50, 65), (70, 85), (90, 100)):
        if low <= value <= high:
            return f"{low}-{high}"
    raise ValueError(value)


async def test_a_report_is_drafted_edited_approved_by_another_released_and_frozen(award, harness):
    decided = await decided_round(award)
    application = decided["application"]
    office = award.admin  # subject award-office
    editor = harness.client(roles=["award_admin"], subject="office-2")
    approver = harness.client(roles=["award_admin"], subject="office-3")
    unit = award.manager("SDF-SPT-STAB-VU")
    stranger = award.manager("SDF-RKI-AO-01")

    drafted = await office.post(f"{BASE}/feedback-reports", json={"application_id": application})
    assert drafted.status_code == 201, drafted.text
    report = drafted.json()
    assert report["status"] == "draft" and report["sha256"] is None and report["unit_name"] == "Enheten för verksamhetsutveckling"
    # One area per rubric area, each with the consensus band and the team's findings.
    assert [(a["number"], a["band"]) for a in report["areas"]] == [(n, band_of(v)) for n, v in zip(AREAS, CONSENSUS, strict=True)]
    assert report["areas"][1]["strengths"][0]["text"] == "Tydlig koppling mellan mål och uppföljning."
    assert (await office.post(f"{BASE}/feedback-reports", json={"application_id": application})).status_code == 409
    url = f"{BASE}/feedback-reports/{report['id']}"

    # Before release the unit sees nothing of it, one by one or listed.
    assert (await unit.get(url)).status_code == 404
    assert (await unit.get(f"{BASE}/feedback-reports")).json()["items"] == []
    assert (await office.get(f"{url}/document")).status_code == 409

    edited = await editor.patch(url, headers={"if-match": drafted.headers["etag"]}, json={
        "summary": SWEDISH,
        "areas": [{"number": 2, "improvements": [{"text": "Brukarnas röst kan höras tydligare i analysen.",
                                                  "lenses": ["benefit_to_residents"], "questions": ["2.3"]}]}]})
    assert edited.status_code == 200, edited.text
    assert edited.json()["areas"][1]["improvements"][0]["text"].startswith("Brukarnas röst")
    unknown = await editor.patch(url, headers={"if-match": edited.headers["etag"]}, json={"areas": [{"number": 9, "strengths": []}]})
    assert unknown.status_code == 422 and unknown.json()["type"].endswith("/unknown-areas")

    # Nobody approves what they wrote: neither the drafter nor the editor.
    for who in (office, editor):
        refused = await who.post(f"{url}/approval", headers={"if-match": edited.headers["etag"]})
        assert refused.status_code == 403 and refused.json()["type"].endswith("/own-report")
    assert (await approver.post(f"{url}/approval")).status_code == 428
    approved = await approver.post(f"{url}/approval", headers={"if-match": edited.headers["etag"]})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert (await editor.patch(url, headers={"if-match": approved.headers["etag"]}, json={"summary": "x"})).status_code == 409
    assert (await unit.get(url)).status_code == 404, "approved is not released"

    released = await office.post(f"{url}/release", headers={"if-match": approved.headers["etag"]},
                                 json={"registration_number": "KU 2015/17"})
    assert released.status_code == 200, released.text
    body = released.json()
    assert body["status"] == "released" and body["registration_number"] == "KU 2015/17"

    # The snapshot is the document: its SHA-256 is the digest of exactly the JSON served.
    snapshot = await unit.get(f"{url}/document", params={"format": "json"})
    assert snapshot.status_code == 200
    assert hashlib.sha256(snapshot.content).hexdigest() == body["sha256"] == snapshot.headers["x-snapshot-sha256"]
    frozen = json.loads(snapshot.content)
    assert frozen["summary"] == SWEDISH and frozen["registration_number"] == "KU 2015/17"
    assert frozen["unit"]["name"] == "Enheten för verksamhetsutveckling" and len(frozen["areas"]) == 8
    assert "office" not in snapshot.text and "ex-soc-1" not in snapshot.text, "no people in the document"

    # Now the unit reads its own report, the other unit still not; city-wide readers list it.
    assert (await unit.get(url)).status_code == 200
    assert [r["id"] for r in (await unit.get(f"{BASE}/feedback-reports")).json()["items"]] == [report["id"]]
    assert (await stranger.get(url)).status_code == 404 and (await stranger.get(f"{BASE}/feedback-reports")).json()["items"] == []
    city = harness.client(roles=["city_controller"])
    assert [r["id"] for r in (await city.get(f"{BASE}/feedback-reports")).json()["items"]] == [report["id"]]

    # PDF and DOCX come from the snapshot, Swedish letters intact.
    pdf = await unit.get(f"{url}/document", params={"format": "pdf"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in ("åäöÅÄÖ", "ÅÄÖ åäö", "Återkopplingsrapport – Kvalitetsutmärkelsen", "Enheten för verksamhetsutveckling",
                     "KU 2015/17", "Förbättringsområden", "Brukarnas röst kan höras tydligare"):
        if expected == "åäöÅÄÖ":
            assert all(letter in text for letter in expected), text
        else:
            assert expected in text, expected
    docx = await unit.get(f"{url}/document", params={"format": "docx"})
    assert docx.status_code == 200 and docx.headers["content-disposition"].endswith('aterkopplingsrapport-KU-2015-17.docx"')
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert SWEDISH in paragraphs and "2. Brukare/kunder" in paragraphs

    # Frozen: nothing changes it any more.
    assert (await editor.patch(url, headers={"if-match": released.headers["etag"]}, json={"summary": "Ny"})).status_code == 409
    again = await unit.get(f"{url}/document", params={"format": "json"})
    assert again.content == snapshot.content

    # The phase's exit condition waits for the other application's report.
    waiting = (await office.get(f"{BASE}/rounds/{award.id}/exit-conditions")).json()
    assert [(c["key"], c["met"]) for c in waiting["conditions"]] == [("feedback-reports-released", False)]
    assert "1 of 2 examined applications" in waiting["conditions"][0]["explanation"]
    other = (await office.post(f"{BASE}/feedback-reports", json={"application_id": decided["other"]})).json()
    other_url, first = f"{BASE}/feedback-reports/{other['id']}", {"if-match": f'"{other["revision"]}"'}
    approved = await approver.post(f"{other_url}/approval", headers=first)
    assert (await office.post(f"{other_url}/release", headers={"if-match": approved.headers["etag"]},
                              json={"registration_number": "KU 2015/18"})).status_code == 200
    done = (await office.get(f"{BASE}/rounds/{award.id}/exit-conditions")).json()
    assert done["can_move"] is True and done["conditions"][0]["met"] is True
    # The last phase reports whether every awarded unit (the development unit won) was asked for consent.
    await award.move("good_examples_published")
    last = (await office.get(f"{BASE}/rounds/{award.id}/exit-conditions")).json()["conditions"]
    assert [(c["key"], c["met"]) for c in last] == [("good-examples-consent-asked", False)]
    assert "1 of 1 awarded units" in last[0]["explanation"]
    assert (await unit.post(f"{BASE}/rounds/{award.id}/consents", json={
        "unit_id": str(award.city.ids["SDF-SPT-STAB-VU"]), "decision": "declined"})).status_code == 201
    asked = (await office.get(f"{BASE}/rounds/{award.id}/exit-conditions")).json()["conditions"]
    assert asked[0]["met"] is True and "0 good examples are published" in asked[0]["explanation"]


async def test_no_report_before_consensus_and_no_release_before_the_decision(award, harness):
    examined = await examined_round(award)
    application, ids = examined["application"], examined["examiners"]
    for subject in TEAM:
        await score(award, application, ids[subject], subject, {n: 50 for n in AREAS})
    await award.move("consensus")
    assert (await agree(award, application, "ex-soc-1", 1, 50)).status_code == 200
    early = await award.admin.post(f"{BASE}/feedback-reports", json={"application_id": application})
    assert early.status_code == 409 and early.json()["type"].endswith("/consensus-incomplete")
    assert early.json()["missing_areas"] == [2, 3, 4, 5, 6, 7, 8]
    assert (await award.admin.get(f"{BASE}/feedback-reports")).json()["items"] == []
    for number in AREAS[1:]:
        assert (await agree(award, application, "ex-soc-1", number, 50)).status_code == 200
    drafted = await award.admin.post(f"{BASE}/feedback-reports", json={"application_id": application})
    assert drafted.status_code == 201
    approved = await harness.client(roles=["award_admin"], subject="office-3").post(
        f"{BASE}/feedback-reports/{drafted.json()['id']}/approval", headers={"if-match": drafted.headers["etag"]})
    assert approved.status_code == 200
    refused = await award.admin.post(f"{BASE}/feedback-reports/{drafted.json()['id']}/release",
                                     headers={"if-match": approved.headers["etag"]}, json={"registration_number": "KU 1"})
    assert refused.status_code == 409 and refused.json()["type"].endswith("/round-phase-closed")
    assert (await award.admin.get(f"{BASE}/feedback-reports/{drafted.json()['id']}")).json()["status"] == "approved"
    blank = await award.admin.post(f"{BASE}/feedback-reports/{drafted.json()['id']}/release",
                                   headers={"if-match": approved.headers["etag"]}, json={"registration_number": "  "})
    assert blank.status_code == 422
    # A unit manager never drafts.
    assert (await award.manager("SDF-SPT-STAB-VU").post(f"{BASE}/feedback-reports", json={"application_id": application})).status_code == 403


async def test_a_past_rounds_days_come_only_from_a_system_import(award, harness):
    """An earlier approval or release day is an import (a system key with awards:write), as a case's earlier steps are
    in feedback; staff, admin included, get 422 and change nothing; nobody records a day still to come."""
    decided = await decided_round(award)
    office, approver = award.admin, harness.client(roles=["award_admin"], subject="office-3")
    drafted = await office.post(f"{BASE}/feedback-reports", json={"application_id": decided["other"]})
    other = drafted.json()
    other_url, first = f"{BASE}/feedback-reports/{other['id']}", {"if-match": drafted.headers["etag"]}
    platform = harness.client(roles=["admin"], subject="platform-admin")
    importer = harness.client(roles=[], actor="system", scopes=["awards:write"], subject="kansli-import")
    for who in (approver, platform):
        refused = await who.post(f"{other_url}/approval", headers=first, json={"approved_on": "2015-11-30"})
        assert refused.status_code == 422 and refused.json()["type"].endswith("/past-date-not-allowed"), refused.text
    tomorrow = (stockholm_today() + timedelta(days=1)).isoformat()
    for who in (platform, importer):
        refused = await who.post(f"{other_url}/approval", headers=first, json={"approved_on": tomorrow})
        assert refused.status_code == 422 and refused.json()["type"].endswith("/date-in-future"), refused.text
    # A system never takes the step itself: without an earlier day it is refused; so is a reading key's import.
    assert (await importer.post(f"{other_url}/approval", headers=first)).status_code == 403
    reading = harness.client(roles=[], actor="system", scopes=["awards:read"], subject="kansli-läsare")
    assert (await reading.post(f"{other_url}/approval", headers=first, json={"approved_on": "2015-11-30"})).status_code == 403
    unchanged = (await office.get(other_url)).json()
    assert (unchanged["status"], unchanged["revision"], unchanged["approved_at"]) == ("draft", other["revision"], None)

    imported = await importer.post(f"{other_url}/approval", headers=first, json={"approved_on": "2015-11-30"})
    assert imported.status_code == 200, imported.text
    assert datetime.fromisoformat(imported.json()["approved_at"]) == datetime(2015, 11, 30, tzinfo=STOCKHOLM)
    approved_etag = {"if-match": imported.headers["etag"]}
    refused = await platform.post(f"{other_url}/release", headers=approved_etag,
                                  json={"registration_number": "KU 2015/18", "released_on": "2015-12-01"})
    assert refused.status_code == 422 and refused.json()["type"].endswith("/past-date-not-allowed")
    assert (await office.get(other_url)).json()["status"] == "approved"
    early = await importer.post(f"{other_url}/release", headers=approved_etag,
                                json={"registration_number": "KU 2015/18", "released_on": "2015-11-29"})
    assert early.status_code == 422 and early.json()["type"].endswith("/released-before-approval")
    past = await importer.post(f"{other_url}/release", headers=approved_etag,
                               json={"registration_number": "KU 2015/18", "released_on": "2015-12-01"})
    assert past.status_code == 200, past.text
    assert datetime.fromisoformat(past.json()["released_at"]) == datetime(2015, 12, 1, tzinfo=STOCKHOLM)
    frozen_past = json.loads((await office.get(f"{other_url}/document", params={"format": "json"})).content)
    assert frozen_past["released_on"] == "2015-12-01"
    assert datetime.fromisoformat(frozen_past["released_at"]) == datetime(2015, 12, 1, tzinfo=STOCKHOLM)
    assert "kansli-import" not in json.dumps(frozen_past), "no people (nor keys) in the document"


async def test_each_document_format_has_its_own_etag_and_if_none_match_answers_304(award, harness):
    """JSON is the snapshot's bytes, so its digest is a strong ETag; PDF and DOCX are rendered again on every call with
    the render time inside, so theirs are weak, from the digest and the format. A matching If-None-Match gets 304 and no
    body, only after the same checks as the download itself (404 to a stranger, 409 before release)."""
    decided = await decided_round(award)
    office, approver = award.admin, harness.client(roles=["award_admin"], subject="office-3")
    unit, stranger = award.manager("SDF-SPT-STAB-VU"), award.manager("SDF-RKI-AO-01")
    drafted = await office.post(f"{BASE}/feedback-reports", json={"application_id": decided["application"]})
    url = f"{BASE}/feedback-reports/{drafted.json()['id']}"
    draft = await office.get(f"{url}/document", params={"format": "json"}, headers={"if-none-match": "*"})
    assert draft.status_code == 409 and draft.json()["type"].endswith("/feedback-report-not-released")
    approved = await approver.post(f"{url}/approval", headers={"if-match": drafted.headers["etag"]})
    released = await office.post(f"{url}/release", headers={"if-match": approved.headers["etag"]},
                                 json={"registration_number": "KU 2015/17"})
    assert released.status_code == 200, released.text

    downloads = {f: await unit.get(f"{url}/document", params={"format": f}) for f in ("json", "pdf", "docx")}
    assert all(d.status_code == 200 and d.content for d in downloads.values())
    sha = hashlib.sha256(downloads["json"].content).hexdigest()
    assert sha == released.json()["sha256"]
    tags = {f: d.headers["etag"] for f, d in downloads.items()}
    assert tags == {"json": f'"{sha}"', "pdf": f'W/"{sha}.pdf"', "docx": f'W/"{sha}.docx"'}
    assert all(d.headers["x-snapshot-sha256"] == sha for d in downloads.values())
    # Rendered again, the PDF keeps its tag; the default format is PDF.
    assert (await unit.get(f"{url}/document", params={"format": "pdf"})).headers["etag"] == tags["pdf"]
    assert (await unit.get(f"{url}/document")).headers["etag"] == tags["pdf"]

    for f, tag in tags.items():
        fresh = await unit.get(f"{url}/document", params={"format": f}, headers={"if-none-match": tag})
        assert fresh.status_code == 304 and fresh.content == b"", f
        assert fresh.headers["etag"] == tag and fresh.headers["x-snapshot-sha256"] == sha
    # Weak comparison: W/ aside, the same tag matches; so does a list naming it, and *.
    for header in (f'"{sha}.pdf"', f'"other", {tags["pdf"]}', "*"):
        assert (await unit.get(f"{url}/document", params={"format": "pdf"}, headers={"if-none-match": header})).status_code == 304
    # Another format's tag, or another snapshot's, is not this download's: the whole document again.
    for f, header in (("pdf", tags["json"]), ("json", tags["pdf"]), ("docx", tags["pdf"]), ("json", f'"{"0" * 64}"')):
        stale = await unit.get(f"{url}/document", params={"format": f}, headers={"if-none-match": header})
        assert stale.status_code == 200 and stale.headers["etag"] == tags[f] and stale.content, (f, header)
    assert (await unit.get(f"{url}/document", params={"format": "json"},
                           headers={"if-none-match": f'"{sha}-json"'})).content == downloads["json"].content
    # Knowing the tag does not open another unit's report.
    assert (await stranger.get(f"{url}/document", params={"format": "json"}, headers={"if-none-match": tags["json"]})).status_code == 404
