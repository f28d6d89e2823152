"""Awards through the gateway: a unit in goals' tree applies, the award office forms a team, the examiner reads it.

The organisation comes from goals by events (awards' read model); every call goes through the
gateway with staff tokens, so roles and organisation scopes are the gateway's assertions.
"""

import uuid
from datetime import date, timedelta

import httpx
import pytest
from platform_support import next_round_year, unit_in, wait_until

from awards.rubrics.defaults import QUALITY_AWARD_AREAS

QUESTIONS = [q["number"] for area in QUALITY_AWARD_AREAS for q in area["questions"]]
PHASES = [
    "open_for_applications", "eligibility", "individual_assessment", "consensus", "jury_shortlist", "site_visits",
    "jury_decision", "feedback_reports_released", "good_examples_published",
]


@pytest.fixture(scope="module")
def key_client(gateway_url, api_key):
    with httpx.Client(base_url=gateway_url, headers={"x-api-key": api_key}, timeout=30) as http:
        yield http


def _as(gateway_url, token):
    return httpx.Client(base_url=gateway_url, headers={"authorization": f"Bearer {token}"}, timeout=60)


@pytest.fixture(scope="module")
def units(key_client) -> dict[str, str]:
    """A district with the applying unit and a specialist administration with three examiners' units."""
    city = key_client.get("/goals/v1/organisation-units", params={"type": "city"}).json()["items"]
    if not city:
        city = [key_client.post("/goals/v1/organisation-units", json={
            "code": "STHLM", "name": "Stockholms stad", "type": "city", "effective_date": "2010-01-01"}).json()]
    tag = uuid.uuid4().hex[:5].upper()
    specs = [
        ("committee", f"SDN-A{tag}", "Spånga-Tensta stadsdelsnämnd", "district_committee", "city"),
        ("administration", f"SDF-A{tag}", "Spånga-Tensta stadsdelsförvaltning", "administration", "committee"),
        ("staff", f"SDF-A{tag}-STAB", "Strategiska staben", "department", "administration"),
        ("applicant", f"SDF-A{tag}-STAB-VU", "Enheten för verksamhetsutveckling", "unit", "staff"),
        ("other_committee", f"FN-A{tag}", "Socialnämnden", "specialist_committee", "city"),
        ("other_administration", f"FV-A{tag}", "Socialförvaltningen", "administration", "other_committee"),
        ("other_department", f"FV-A{tag}-L1", "Stöd till vuxna", "department", "other_administration"),
        *((f"examiner_unit_{n}", f"FV-A{tag}-L1-0{n}", f"Stöd till vuxna {n}", "unit", "other_department") for n in (1, 2, 3)),
    ]
    ids = {"city": city[0]["id"]}
    for key, code, name, unit_type, parent in specs:
        created = key_client.post("/goals/v1/organisation-units", json={
            "code": code, "name": name, "type": unit_type, "parent_id": ids[parent], "effective_date": "2010-01-01"})
        assert created.status_code == 201, created.text
        ids[key] = created.json()["id"]
    for unit_id in ids.values():
        wait_until(lambda unit_id=unit_id: unit_in(key_client, "awards", unit_id), what="unit in awards")
    return ids


def test_a_round_through_the_gateway_from_application_to_the_examiners_view(stack, gateway_url, units):
    admin = _as(gateway_url, stack.mint_token(["award_admin"], sub="gw-award-office"))
    manager = _as(gateway_url, stack.mint_token(["unit_manager"], org=[units["applicant"]], sub="gw-enhetschef"))
    stranger = _as(gateway_url, stack.mint_token(["unit_manager"], org=[units["other_administration"]], sub="gw-annan-chef"))
    year = next_round_year()
    open_until = date.today() + timedelta(days=10)
    created = admin.post("/awards/v1/rounds", json={
        "prize": "quality_award", "year": year, "name": f"Kvalitetsutmärkelsen {year} (test)",
        "deadlines": {phase: (open_until + timedelta(days=10 * n)).isoformat() for n, phase in enumerate(PHASES)},
    })
    assert created.status_code == 201, created.text
    round_id = created.json()["id"]

    draft = manager.post(f"/awards/v1/rounds/{round_id}/applications", json={
        "unit_id": units["applicant"], "sector": "management_and_support",
        "answers": {number: f"Svar på fråga {number}." for number in QUESTIONS},
    })
    assert draft.status_code == 201, draft.text
    application_id = draft.json()["id"]
    assert stranger.get(f"/awards/v1/applications/{application_id}").status_code == 404
    submitted = manager.post(f"/awards/v1/applications/{application_id}/submission", headers={"if-match": draft.headers["etag"]})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"

    current = admin.get(f"/awards/v1/rounds/{round_id}")
    closed = admin.patch(f"/awards/v1/rounds/{round_id}", headers={"if-match": current.headers["etag"]}, json={
        "deadlines": current.json()["deadlines"] | {"open_for_applications": (date.today() - timedelta(days=1)).isoformat()}})
    assert closed.status_code == 200, closed.text
    moved = admin.post(f"/awards/v1/rounds/{round_id}/phase-transitions", json={"to": "eligibility"},
                       headers={"if-match": closed.headers["etag"]})
    assert moved.status_code == 200, moved.text
    assert admin.post(f"/awards/v1/rounds/{round_id}/eligibility-checks").json()["eligible"] == 1

    subjects = [f"gw-examinator-{n}-{uuid.uuid4().hex[:4]}" for n in (1, 2, 3)]
    for n, subject in enumerate(subjects, 1):
        examiner = admin.post("/awards/v1/examiners", json={
            "subject_id": subject, "unit_id": units[f"examiner_unit_{n}"], "sectors": ["management_and_support"],
            "stated_rounds_served": 1 if n == 1 else 0})
        assert examiner.status_code == 201, examiner.text
        examiner_id = examiner.json()["id"]
        assert admin.post(f"/awards/v1/examiners/{examiner_id}/trainings",
                          json={"year": year, "completed_on": f"{year}-02-01"}).status_code == 201
        assert admin.put(f"/awards/v1/rounds/{round_id}/examiners/{examiner_id}", json={
            "capacity": 1, "manager_approval": {"manager_subject_id": f"chef-{n}", "approved_on": f"{year}-01-15"}}).status_code == 200

    proposal = admin.post(f"/awards/v1/rounds/{round_id}/assignment-proposals")
    assert proposal.status_code == 201, proposal.text
    team = proposal.json()["teams"][0]
    assert {m["subject_id"] for m in team["members"]} == set(subjects)
    assert proposal.json()["solver"]["gap"] == 0
    confirmed = admin.post(f"/awards/v1/rounds/{round_id}/assignment/confirmation", headers={"if-match": proposal.headers["etag"]})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"

    examiner = _as(gateway_url, stack.mint_token(["examiner"], sub=subjects[0]))
    seen = examiner.get("/awards/v1/applications").json()["items"]
    assert [a["id"] for a in seen] == [application_id]
    assert seen[0]["unit_name"] == "Enheten för verksamhetsutveckling"
    assert admin.get(f"/awards/v1/rounds/{round_id}/exit-conditions").json()["can_move"] is True


def test_the_merged_openapi_document_describes_the_awards_api(gateway_url):
    document = httpx.get(f"{gateway_url}/openapi.json", timeout=30).json()
    proposal = document["paths"]["/awards/v1/rounds/{round_id}/assignment-proposals"]["post"]
    assert "examinatorsteam" in proposal["description"]
    assert "/awards/v1/applications/{application_id}/submission" in document["paths"]


def test_a_units_adopted_commitment_and_its_follow_up_reach_its_application_as_evidence(stack, gateway_url, key_client):
    """goals → awards by events: an adopted commitment and its follow-up become the application's evidence."""
    if "/goals/v1/commitments" not in httpx.get(f"{gateway_url}/openapi.json", timeout=30).json()["paths"]:
        pytest.skip("goals does not serve commitments in this build")
    year = next_round_year()
    tag = uuid.uuid4().hex[:5].upper()
    city = key_client.get("/goals/v1/organisation-units", params={"type": "city"}).json()["items"][0]["id"]

    def unit(code, name, unit_type, parent):
        created = key_client.post("/goals/v1/organisation-units", json={
            "code": code, "name": name, "type": unit_type, "parent_id": parent, "effective_date": "2010-01-01"})
        assert created.status_code == 201, created.text
        return created.json()["id"]

    committee = unit(f"SDN-E{tag}", "Spånga-Tensta stadsdelsnämnd", "district_committee", city)
    administration = unit(f"SDF-E{tag}", "Spånga-Tensta stadsdelsförvaltning", "administration", committee)
    applicant = unit(f"SDF-E{tag}-VU", "Enheten för verksamhetsutveckling", "unit", administration)
    wait_until(lambda: unit_in(key_client, "awards", applicant), what="unit in awards")

    def ok(response, status=200):
        assert response.status_code == status, response.text
        return response.json()

    admin = _as(gateway_url, stack.mint_token(["admin"], sub="gw-ev-admin"))
    member = _as(gateway_url, stack.mint_token(["committee"], org=[committee], sub="gw-ev-namnd"))
    manager = _as(gateway_url, stack.mint_token(["unit_manager"], org=[applicant], sub="gw-ev-enhetschef"))
    controller = _as(gateway_url, stack.mint_token(["controller"], org=[committee], sub="gw-ev-controller"))
    vision = ok(admin.post("/goals/v1/goals", json={
        "level": "vision", "unit_id": city, "from_year": year, "to_year": year + 20, "title": f"Vision {tag}"}), 201)
    direction = ok(admin.post("/goals/v1/goals", json={
        "level": "direction_goal", "unit_id": city, "from_year": year, "to_year": year + 2, "parent_id": vision["id"],
        "title": "Ett ekonomiskt hållbart Stockholm"}), 201)
    area = ok(admin.post("/goals/v1/goals", json={
        "level": "area_goal", "unit_id": city, "from_year": year, "to_year": year + 2, "parent_id": direction["id"],
        "title": "Stadens verksamheter är effektiva och håller god kvalitet"}), 201)
    goal = ok(member.post("/goals/v1/goals", json={
        "level": "committee_goal", "unit_id": committee, "from_year": year, "parent_id": area["id"],
        "title": "Planering, stöd, styrning och uppföljning ökar effektiviteten och skapar en hållbar kvalitet"}), 201)
    plan = ok(manager.post("/goals/v1/business-plans", json={"unit_id": applicant, "year": year}), 201)
    created = manager.post("/goals/v1/commitments", json={
        "business_plan_id": plan["id"], "title": "Budgetprocessen är tydlig", "committee_goal_id": goal["id"],
        "expected_result": {"type": "target_picture",
                            "description": "Enheterna får information om och har tillgång till stöd i budgetprocessens alla delar."},
        "ways_of_working": {"plan": "Anvisningar med tidplaner utarbetas."},
        "follow_up_plan": {"how": "Enkät två gånger om året.", "who": "Verksamhetscontroller"},
        "responsible": {"subject_id": "gw-ev-enhetschef", "unit_id": applicant},
    })
    commitment = ok(created, 201)
    path = f"/goals/v1/commitments/{commitment['id']}"
    submitted = ok(manager.post(f"{path}/submission", headers={"if-match": created.headers["etag"]}))
    ok(controller.post(f"{path}/assessment", json={"outcome": "approved"}, headers={"if-match": f'"{submitted["revision"]}"'}))
    ok(member.post(f"/goals/v1/business-plans/{plan['id']}/adoption",
                   headers={"if-match": member.get(f"/goals/v1/business-plans/{plan['id']}").headers["etag"]},
                   json={"decision": {"reference": f"SDN {year}/{tag} § 3", "decided_on": f"{year}-02-18", "body_id": committee}}))
    ok(manager.post(f"{path}/follow-ups", json={
        "period": f"{year}-T1", "assessment": "partly_fulfilled", "result": "Anvisningar och tidplaner togs fram.",
        "analysis": "Avdelningscheferna behöver förankra arbetet inom respektive avdelning."}), 201)

    award_admin = _as(gateway_url, stack.mint_token(["award_admin"], sub="gw-ev-office"))
    open_until = date.today() + timedelta(days=10)
    round_id = ok(award_admin.post("/awards/v1/rounds", json={
        "prize": "renewal_prize", "year": year,
        "deadlines": {phase: (open_until + timedelta(days=10 * n)).isoformat() for n, phase in enumerate(PHASES)},
    }), 201)["id"]
    draft = ok(manager.post(f"/awards/v1/rounds/{round_id}/applications", json={
        "unit_id": applicant, "answers": {number: "Svar." for number in ("1.1", "2.1", "3.1", "4.1", "5.1")}}), 201)

    def evidence_with_follow_up():
        evidence = ok(manager.get(f"/awards/v1/applications/{draft['id']}/evidence"))
        found = [c for c in evidence["commitments"] if c["commitment_id"] == commitment["id"]]
        return found and found[0]["latest_follow_up"] and found[0]

    live = wait_until(evidence_with_follow_up, what="commitment and follow-up in awards' evidence")
    # Reported follow-ups mark the commitment followed up in goals; its own event may come after the follow-up's.
    assert live["title"] == "Budgetprocessen är tydlig" and live["status"] in ("adopted", "followed_up")
    assert live["latest_follow_up"]["period"] == f"{year}-T1" and live["latest_follow_up"]["assessment"] == "partly_fulfilled"
    submitted_application = ok(manager.post(f"/awards/v1/applications/{draft['id']}/submission", headers={"if-match": '"1"'}))
    assert submitted_application["evidence"]["frozen"] is True
    assert [c["title"] for c in submitted_application["evidence"]["commitments"]] == ["Budgetprocessen är tydlig"]
