"""The good-examples bank and the feedback report through the gateway, after a round decided through it.

Units come from goals by events; staff tokens carry the roles and scopes the gateway asserts. A
committee elsewhere in the city searches the bank (Swedish full text) and records its uptake;
the unit downloads its released report as PDF; publication leaves awards as
``awards.good-example.published`` on its stream.
"""

import io
import json
import uuid
from datetime import date, timedelta

import httpx
import redis
from platform_support import next_round_year, unit_in, wait_until
from pypdf import PdfReader

from servicekit.events.envelope import ENVELOPE_FIELD

from awards.rubrics.defaults import QUALITY_AWARD_AREAS

PHASES = ("open_for_applications", "eligibility", "individual_assessment", "consensus", "jury_shortlist", "site_visits",
          "jury_decision", "feedback_reports_released", "good_examples_published")
AW = "/awards/v1"


def _json(response, *status: int):
    assert response.status_code in (status or (200,)), response.text
    return response.json()


def test_a_committee_finds_a_published_good_example_through_the_gateway(stack, gateway_url, api_key):
    key = httpx.Client(base_url=gateway_url, headers={"x-api-key": api_key}, timeout=30)

    def staff(roles, sub, org=()):
        token = stack.mint_token(list(roles), sub=sub, org=list(org))
        return httpx.Client(base_url=gateway_url, timeout=60, headers={"authorization": f"Bearer {token}"})

    tag = uuid.uuid4().hex[:5].upper()
    root = key.get("/goals/v1/organisation-units", params={"type": "city"}).json()["items"] or [_json(key.post(
        "/goals/v1/organisation-units", json={"code": "STHLM", "name": "Stockholms stad", "type": "city",
                                               "effective_date": "2010-01-01"}), 201)]
    units = {"city": root[0]["id"]}
    tree = [("sdn", "district_committee", f"Skarpnäck {tag} stadsdelsnämnd", "city"),
            ("sdf", "administration", f"Skarpnäck {tag} stadsdelsförvaltning", "sdn"),
            ("unit", "unit", f"Enheten för kvalitet {tag}", "sdf"),
            ("fn", "specialist_committee", f"Idrottsnämnden {tag}", "city"),
            ("fv", "administration", f"Idrottsförvaltningen {tag}", "fn")]
    tree += [(f"ex{n}", "unit", f"Idrottsenhet {tag} {n}", "fv") for n in range(3)]
    for name, kind, title, parent in tree:
        units[name] = _json(key.post("/goals/v1/organisation-units", json={
            "code": f"GX{tag}-{name.upper()}", "name": title, "type": kind, "parent_id": units[parent],
            "effective_date": "2010-01-01"}), 201)["id"]
    for unit_id in units.values():
        wait_until(lambda unit_id=unit_id: unit_in(key, "awards", unit_id), what="unit in awards' read model")

    office, approver = staff(["award_admin"], f"gx-office-{tag}"), staff(["award_admin"], f"gx-approver-{tag}")
    manager = staff(["unit_manager"], f"gx-chef-{tag}", org=[units["unit"]])
    year = next_round_year()
    start = date.today() + timedelta(days=5)
    round_id = _json(office.post(f"{AW}/rounds", json={"prize": "quality_award", "year": year, "deadlines": {
        phase: (start + timedelta(days=7 * n)).isoformat() for n, phase in enumerate(PHASES)}}), 201)["id"]

    def to(phase):
        etag = office.get(f"{AW}/rounds/{round_id}").headers["etag"]
        _json(office.post(f"{AW}/rounds/{round_id}/phase-transitions", json={"to": phase}, headers={"if-match": etag}))

    questions = [q["number"] for area in QUALITY_AWARD_AREAS for q in area["questions"]]
    created = manager.post(f"{AW}/rounds/{round_id}/applications", json={
        "unit_id": units["unit"], "sector": "management_and_support",
        "answers": dict.fromkeys(questions, "Vi följer upp åtagandena på enhetsmötena enligt årshjulet.")})
    app_id = _json(created, 201)["id"]
    _json(manager.post(f"{AW}/applications/{app_id}/submission", headers={"if-match": created.headers["etag"]}))
    current = office.get(f"{AW}/rounds/{round_id}")
    _json(office.patch(f"{AW}/rounds/{round_id}", headers={"if-match": current.headers["etag"]}, json={"deadlines": current.json()[
        "deadlines"] | {"open_for_applications": (date.today() - timedelta(days=1)).isoformat()}}))
    to("eligibility")
    _json(office.post(f"{AW}/rounds/{round_id}/eligibility-checks"))
    team = {}
    for n in range(3):
        subject = f"gx-exam-{n}-{tag}"
        record = _json(office.post(f"{AW}/examiners", json={"subject_id": subject, "unit_id": units[f"ex{n}"],
                                                           "sectors": ["management_and_support"], "stated_rounds_served": 2 - n}), 201)
        _json(office.post(f"{AW}/examiners/{record['id']}/trainings", json={"year": year, "completed_on": f"{year}-03-01"}), 201)
        _json(office.put(f"{AW}/rounds/{round_id}/examiners/{record['id']}", json={
            "capacity": 1, "manager_approval": {"manager_subject_id": f"gx-boss-{n}", "approved_on": f"{year}-02-01"}}))
        team[record["id"]] = staff(["examiner"], subject)
    proposal = office.post(f"{AW}/rounds/{round_id}/assignment-proposals")
    _json(proposal, 201)
    _json(office.post(f"{AW}/rounds/{round_id}/assignment/confirmation", headers={"if-match": proposal.headers["etag"]}))
    to("individual_assessment")
    finding = [{"text": "Årshjulet styr uppföljningen.", "lenses": ["analysis_for_improvement"], "questions": ["6.3"]}]
    scored = [{"area_number": a["number"], "band": "70-85", "score": 75, "strengths": finding} for a in QUALITY_AWARD_AREAS]
    for examiner_id, client in team.items():
        url = f"{AW}/applications/{app_id}/assessments/{examiner_id}"
        saved = client.put(url, json={"areas": scored})
        _json(client.post(f"{url}/submission", headers={"if-match": saved.headers["etag"]}))
    to("consensus")
    first = next(iter(team.values()))
    for area in QUALITY_AWARD_AREAS:
        _json(first.put(f"{AW}/applications/{app_id}/consensus/{area['number']}",
                        json={"band": "70-85", "score": 75, "strengths": finding}))
    to("jury_shortlist")
    jury = staff(["jury"], f"gx-jury-{tag}")
    _json(jury.put(f"{AW}/rounds/{round_id}/jury/shortlist", json={"codes": ["A"]}))
    to("site_visits")
    _json(first.put(f"{AW}/applications/{app_id}/site-visit", json={"visited_on": f"{year}-10-02", "notes": "Årshjulet visades."}))
    to("jury_decision")
    _json(jury.post(f"{AW}/rounds/{round_id}/jury/decision", json={
        "reference": f"Domarkommittén {year} § 4", "decided_on": f"{year}-11-11", "rationale": "Föredömligt.",
        "awards": [{"code": "A", "placement": "winner", "rationale": "Årshjulet."}]}), 201)
    to("feedback_reports_released")

    # The report: drafted, approved by another administrator, released; the unit downloads its PDF.
    report = office.post(f"{AW}/feedback-reports", json={"application_id": app_id})
    report_id = _json(report, 201)["id"]
    approved = approver.post(f"{AW}/feedback-reports/{report_id}/approval", headers={"if-match": report.headers["etag"]})
    _json(office.post(f"{AW}/feedback-reports/{report_id}/release", headers={"if-match": approved.headers["etag"]},
                      json={"registration_number": f"KU {year}/3"}))
    pdf = manager.get(f"{AW}/feedback-reports/{report_id}/document", params={"format": "pdf"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert f"Enheten för kvalitet {tag}" in text and "Årshjulet styr uppföljningen." in text

    # The good example: refused without consent, published with it.
    draft = office.post(f"{AW}/good-examples", json={
        "application_id": app_id, "title": f"Årshjul {tag} för uppföljning",
        "summary": "Tertialrapporter och resultatdialoger enligt ett årshjul.", "body": "Uppföljningarna följer årshjulet.",
        "areas": ["6"], "lenses": ["analysis_for_improvement"]})
    example_id = _json(draft, 201)["id"]
    refused = office.post(f"{AW}/good-examples/{example_id}/publication", headers={"if-match": draft.headers["etag"]})
    assert refused.status_code == 409 and refused.headers["content-type"].startswith("application/problem+json")
    _json(manager.post(f"{AW}/rounds/{round_id}/consents", json={"unit_id": units["unit"], "decision": "given"}), 201)
    _json(office.post(f"{AW}/good-examples/{example_id}/publication", headers={"if-match": draft.headers["etag"]}))

    # Another committee, anywhere in the city, finds it by Swedish full text and records its uptake once.
    sports = staff(["committee"], f"gx-namnd-{tag}", org=[units["fn"]])
    found = _json(sports.get(f"{AW}/good-examples", params={"q": f"årshjulet {tag}"}))["items"]
    assert [item["id"] for item in found] == [example_id]
    assert found[0]["committee_id"] == units["sdn"] and found[0]["rank"] > 0
    assert _json(sports.post(f"{AW}/good-examples/{example_id}/uptakes", json={"unit_id": units["fn"]}), 201)["counted"] is True
    assert _json(sports.post(f"{AW}/good-examples/{example_id}/uptakes", json={"unit_id": units["fn"]}), 200)["counted"] is False
    assert _json(sports.get(f"{AW}/good-examples/{example_id}"))["uptake_count"] == 1
    assert key.get(f"{AW}/good-examples", params={"q": tag}).status_code == 200, "an awards:read key reads the bank"

    streams = redis.Redis.from_url(stack.redis_url)

    def published():
        for _, fields in streams.xrange(f"{stack.stream_prefix}awards.events"):
            envelope = json.loads(fields[ENVELOPE_FIELD])
            if envelope["type"] == "awards.good-example.published" and envelope["subject"] == example_id:
                return envelope["data"]["example"]
        return None

    event = wait_until(published, what="awards.good-example.published on awards' stream")
    assert (event["unit_id"], event["committee_id"], event["withdrawn"], event["year"]) == (units["unit"], units["sdn"], False, year)
