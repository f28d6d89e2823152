"""The first-start content after the decision: the released feedback report and seed 004's good examples."""

import io
import json

from pypdf import PdfReader
from test_demo import _tree_for

from awards.demo import UNIT_CODES, load
from awards.demo_bank import EXAMPLES, REGISTRATION_NUMBER, SUMMARY, UPTAKE_UNIT

BASE = "/awards/v1"


async def test_the_demo_releases_the_report_and_publishes_the_good_examples(harness, city_of):
    ids = await city_of(_tree_for(UNIT_CODES))
    await load(harness)
    await load(harness)  # idempotent

    admin = harness.client(roles=["award_admin"])
    round_ = (await admin.get(f"{BASE}/rounds", params={"year": 2015})).json()["items"][0]
    conditions = (await admin.get(f"{BASE}/rounds/{round_['id']}/exit-conditions")).json()["conditions"]
    assert [(c["key"], c["met"]) for c in conditions] == [("good-examples-consent-asked", True)]
    unit = harness.client(roles=["unit_manager"], org=(str(ids["SDF-SPT-STAB-VU"]),))
    [report] = (await unit.get(f"{BASE}/feedback-reports")).json()["items"]
    assert (report["status"], report["registration_number"], report["summary"]) == ("released", REGISTRATION_NUMBER, SUMMARY)
    # The round is of 2015: approved and released on its days then (Stockholm), not on the day the demo ran.
    assert (report["approved_at"], report["released_at"]) == ("2015-11-29T23:00:00Z", "2015-11-30T23:00:00Z")
    assert json.loads((await unit.get(f"{BASE}/feedback-reports/{report['id']}/document", params={"format": "json"})).content)[
        "released_on"] == "2015-12-01"
    assert [a["band"] for a in report["areas"]] == ["50-65", "30-45", "50-65", "70-85", "50-65", "70-85", "50-65", "50-65"]
    pdf = await unit.get(f"{BASE}/feedback-reports/{report['id']}/document", params={"format": "pdf"})
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Enheten för verksamhetsutveckling" in text and "Förbättringsområden" in text and "årshjulet styr" in text
    docx = await unit.get(f"{BASE}/feedback-reports/{report['id']}/document", params={"format": "docx"})
    assert docx.status_code == 200 and docx.content.startswith(b"PK")

    committee = harness.client(roles=["committee"], org=(str(ids["SDN-RKI"]),))
    published = (await committee.get(f"{BASE}/good-examples", params={"year": 2015})).json()["items"]
    assert sorted(e["title"] for e in published) == sorted(e["title"] for e in EXAMPLES)
    wheel = (await committee.get(f"{BASE}/good-examples", params={"q": "tertialrapport"})).json()["items"]
    assert wheel[0]["title"] == "Årshjul för uppföljning" and wheel[0]["uptake_count"] == 1
    meetings = (await committee.get(f"{BASE}/good-examples", params={"q": "enhetsmöte frukost"})).json()["items"]
    assert [e["title"] for e in meetings] == ["Mötesstruktur med veckovisa enhetsmöten"]
    uptakes = (await committee.get(f"{BASE}/good-examples/{wheel[0]['id']}/uptakes")).json()
    assert [u["unit_id"] for u in uptakes] == [str(ids[UPTAKE_UNIT])]
