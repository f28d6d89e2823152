"""The award examination through the gateway: scores kept from team-mates, consensus, the jury on blinded data, the decision.

The organisation comes from goals by events (awards' read model); every call goes through the
gateway with staff tokens, so roles and scopes are the gateway's assertions, and the decision
leaves awards as ``awards.round.decided`` on its stream.
"""

import json
import uuid
from datetime import date, timedelta

import httpx
import redis
from platform_support import next_round_year, unit_in, wait_until

from servicekit.events.envelope import ENVELOPE_FIELD

from awards.rubrics.defaults import QUALITY_AWARD_AREAS

QUESTIONS = [q["number"] for area in QUALITY_AWARD_AREAS for q in area["questions"]]
AREAS = [area["number"] for area in QUALITY_AWARD_AREAS]
PHASES = [
    "open_for_applications", "eligibility", "individual_assessment", "consensus", "jury_shortlist", "site_visits",
    "jury_decision", "feedback_reports_released", "good_examples_published",
]


def _ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def _area(number: int, score: int, band: str) -> dict:
    return {"area_number": number, "band": band, "score": score, "strengths": [
        {"text": "Tydlig uppföljning enligt årshjulet.", "lenses": ["analysis_for_improvement"], "questions": [f"{number}.1"]}]}


def test_the_merged_openapi_document_describes_the_examination(gateway_url):
    document = httpx.get(f"{gateway_url}/openapi.json", timeout=30).json()
    paths = document["paths"]
    assert "poängintervall" in paths["/awards/v1/applications/{application_id}/assessments/{examiner_id}"]["put"]["description"]
    assert "motivering" in paths["/awards/v1/applications/{application_id}/consensus/{area_number}"]["put"]["description"]
    assert "avidentifierat" in paths["/awards/v1/rounds/{round_id}/jury/applications"]["get"]["description"]
    assert "Domarkommitténs beslut" in paths["/awards/v1/rounds/{round_id}/jury/decision"]["post"]["description"]


def test_an_application_is_examined_and_decided_through_the_gateway(stack, gateway_url, api_key):
    keys = httpx.Client(base_url=gateway_url, headers={"x-api-key": api_key}, timeout=30)

    def as_(roles, sub, org=()):
        return httpx.Client(base_url=gateway_url, timeout=60,
                            headers={"authorization": f"Bearer {stack.mint_token(roles, sub=sub, org=list(org))}"})

    city = keys.get("/goals/v1/organisation-units", params={"type": "city"}).json()["items"]
    if not city:
        city = [_ok(keys.post("/goals/v1/organisation-units", json={
            "code": "STHLM", "name": "Stockholms stad", "type": "city", "effective_date": "2010-01-01"}), 201)]
    tag = uuid.uuid4().hex[:5].upper()
    ids = {"city": city[0]["id"]}
    for key, code, name, unit_type, parent in (
        ("committee", f"SDN-X{tag}", f"Hässelby-Vällingby {tag} stadsdelsnämnd", "district_committee", "city"),
        ("administration", f"SDF-X{tag}", f"Hässelby-Vällingby {tag} stadsdelsförvaltning", "administration", "committee"),
        ("applicant", f"SDF-X{tag}-KV", f"Kvalitetsenheten {tag}", "unit", "administration"),
        ("other_committee", f"FN-X{tag}", f"Kulturnämnden {tag}", "specialist_committee", "city"),
        ("other_administration", f"FV-X{tag}", f"Kulturförvaltningen {tag}", "administration", "other_committee"),
        *((f"examiner_unit_{n}", f"FV-X{tag}-0{n}", f"Stadsbiblioteket {tag} {n}", "unit", "other_administration") for n in (1, 2, 3)),
    ):
        ids[key] = _ok(keys.post("/goals/v1/organisation-units", json={
            "code": code, "name": name, "type": unit_type, "parent_id": ids[parent], "effective_date": "2010-01-01"}), 201)["id"]
    for unit_id in ids.values():
        wait_until(lambda unit_id=unit_id: unit_in(keys, "awards", unit_id), what="unit in awards")

    office = as_(["award_admin"], "gw-ex-office")
    manager = as_(["unit_manager"], "gw-ex-chef", org=[ids["applicant"]])
    year = next_round_year()
    open_until = date.today() + timedelta(days=10)
    round_id = _ok(office.post("/awards/v1/rounds", json={
        "prize": "quality_award", "year": year,
        "deadlines": {phase: (open_until + timedelta(days=10 * n)).isoformat() for n, phase in enumerate(PHASES)}}), 201)["id"]
    answer = f"Kvalitetsenheten {tag} i Hässelby-Vällingby {tag} följer upp sina åtaganden enligt årshjulet."
    draft = manager.post(f"/awards/v1/rounds/{round_id}/applications", json={
        "unit_id": ids["applicant"], "sector": "management_and_support", "answers": {q: answer for q in QUESTIONS}})
    application_id = _ok(draft, 201)["id"]
    _ok(manager.post(f"/awards/v1/applications/{application_id}/submission", headers={"if-match": draft.headers["etag"]}))

    def move(to):
        current = office.get(f"/awards/v1/rounds/{round_id}")
        return _ok(office.post(f"/awards/v1/rounds/{round_id}/phase-transitions", json={"to": to},
                               headers={"if-match": current.headers["etag"]}))

    current = office.get(f"/awards/v1/rounds/{round_id}")
    _ok(office.patch(f"/awards/v1/rounds/{round_id}", headers={"if-match": current.headers["etag"]}, json={
        "deadlines": current.json()["deadlines"] | {"open_for_applications": (date.today() - timedelta(days=1)).isoformat()}}))
    move("eligibility")
    _ok(office.post(f"/awards/v1/rounds/{round_id}/eligibility-checks"))
    subjects = [f"gw-ex-examinator-{n}-{tag}" for n in (1, 2, 3)]
    examiner_ids = {}
    for n, subject in enumerate(subjects, 1):
        examiner = _ok(office.post("/awards/v1/examiners", json={
            "subject_id": subject, "unit_id": ids[f"examiner_unit_{n}"], "sectors": ["management_and_support"],
            "stated_rounds_served": 1 if n == 1 else 0}), 201)
        examiner_ids[subject] = examiner["id"]
        _ok(office.post(f"/awards/v1/examiners/{examiner['id']}/trainings", json={"year": year, "completed_on": f"{year}-02-01"}), 201)
        _ok(office.put(f"/awards/v1/rounds/{round_id}/examiners/{examiner['id']}", json={
            "capacity": 1, "manager_approval": {"manager_subject_id": f"chef-{n}", "approved_on": f"{year}-01-15"}}))
    proposal = office.post(f"/awards/v1/rounds/{round_id}/assignment-proposals")
    _ok(proposal, 201)
    _ok(office.post(f"/awards/v1/rounds/{round_id}/assignment/confirmation", headers={"if-match": proposal.headers["etag"]}))
    move("individual_assessment")

    # Scores 60, 55 and 60 on every area: a team-mate's stay hidden through the gateway until all have submitted.
    team = {subject: as_(["examiner"], subject) for subject in subjects}
    for subject, value in zip(subjects, (60, 55, 60), strict=True):
        url = f"/awards/v1/applications/{application_id}/assessments/{examiner_ids[subject]}"
        saved = team[subject].put(url, json={"areas": [_area(n, value, "50-65") for n in AREAS]})
        _ok(saved)
        if subject == subjects[0]:
            early = team[subjects[1]].get(url)
            assert early.status_code == 403 and early.headers["content-type"].startswith("application/problem+json")
        _ok(team[subject].post(f"{url}/submission", headers={"if-match": saved.headers["etag"]}))
    assert [a["score"] for a in _ok(team[subjects[1]].get(
        f"/awards/v1/applications/{application_id}/assessments/{examiner_ids[subjects[0]]}"))["areas"]] == [60] * 8
    move("consensus")
    second = examiner_ids[subjects[1]]
    for number in AREAS:
        body = {"band": "50-65", "score": 60, "strengths": _area(number, 60, "50-65")["strengths"]}
        refused = team[subjects[0]].put(f"/awards/v1/applications/{application_id}/consensus/{number}", json=body)
        assert refused.status_code == 422 and refused.json()["examiners"] == [second], "55 → 60 needs a reason"
        _ok(team[subjects[0]].put(f"/awards/v1/applications/{application_id}/consensus/{number}",
                                  json=body | {"reasons": {second: "Svaren visar systematisk uppföljning."}}))
    move("jury_shortlist")

    jury = as_(["jury"], "gw-ex-jury")
    board = _ok(jury.get(f"/awards/v1/rounds/{round_id}/jury/applications"))
    assert [(i["label"], i["weighted_score"]) for i in board["items"]] == [("Sökande A", 60.0)]
    _ok(jury.put(f"/awards/v1/rounds/{round_id}/jury/shortlist", json={"codes": ["A"]}))
    move("site_visits")
    _ok(team[subjects[2]].put(f"/awards/v1/applications/{application_id}/site-visit", json={
        "visited_on": f"{year}-10-01", "notes": f"Besök på Kvalitetsenheten {tag}."}))
    move("jury_decision")
    blinded = _ok(jury.get(f"/awards/v1/rounds/{round_id}/jury/applications/A"))
    shown = json.dumps(blinded, ensure_ascii=False).casefold()
    assert f"kvalitetsenheten {tag}".casefold() not in shown and "hässelby" not in shown and "vällingby" not in shown
    assert blinded["answers"]["1.1"] == "Sökande A i Stadsdel 1 följer upp sina åtaganden enligt årshjulet."
    assert blinded["site_visit_notes"] == "Besök på Sökande A."

    decided = _ok(jury.post(f"/awards/v1/rounds/{round_id}/jury/decision", json={
        "reference": f"Domarkommittén {year} § 2", "decided_on": f"{year}-11-10", "rationale": "Väl genomfört.",
        "awards": [{"code": "A", "placement": "winner", "rationale": "Systematisk uppföljning."}]}), 201)
    assert [(a["unit_id"], a["committee_id"]) for a in decided["awards"]] == [(ids["applicant"], ids["committee"])]
    public = _ok(office.get(f"/awards/v1/rounds/{round_id}/jury/decision"))
    assert public["awards"][0]["unit_name"] == f"Kvalitetsenheten {tag}"

    streams = redis.Redis.from_url(stack.redis_url)

    def published():
        for _, fields in streams.xrange(f"{stack.stream_prefix}awards.events"):
            envelope = json.loads(fields[ENVELOPE_FIELD])
            if envelope["type"] == "awards.round.decided" and envelope["subject"] == round_id:
                return envelope["data"]
        return None

    event = wait_until(published, what="awards.round.decided on awards' stream")
    assert [(a["unit_id"], a["placement"]) for a in event["awards"]] == [(ids["applicant"], "winner")]
