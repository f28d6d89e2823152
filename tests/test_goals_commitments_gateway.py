"""A commitment written, assessed and adopted through the gateway, with staff tokens as the city issues them."""

import uuid

import httpx
import pytest


@pytest.fixture(scope="module")
def key_client(gateway_url, api_key):
    with httpx.Client(base_url=gateway_url, headers={"x-api-key": api_key}, timeout=30) as http:
        yield http


def _unit(client, *, code: str, name: str, type: str, parent_id: str | None) -> str:
    response = client.post("/goals/v1/organisation-units", json={
        "code": code, "name": name, "type": type, "parent_id": parent_id, "effective_date": "2016-01-01",
    })
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _staff(gateway_url, stack, roles, org, sub) -> httpx.Client:
    token = stack.mint_token(roles, org=org, sub=sub)
    return httpx.Client(base_url=gateway_url, headers={"authorization": f"Bearer {token}"}, timeout=30)


def _ok(response: httpx.Response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def test_a_commitment_is_drafted_assessed_and_adopted_through_the_gateway(gateway_url, stack, key_client):
    tag = uuid.uuid4().hex[:6].upper()
    cities = key_client.get("/goals/v1/organisation-units", params={"type": "city"}).json()["items"]
    city = cities[0]["id"] if cities else _unit(key_client, code="STHLM", name="Stockholms stad", type="city", parent_id=None)
    committee = _unit(key_client, code=f"SDN-{tag}", name="Spånga-Tensta stadsdelsnämnd", type="district_committee", parent_id=city)
    administration = _unit(key_client, code=f"SDF-{tag}", name="Spånga-Tensta stadsdelsförvaltning", type="administration",
                           parent_id=committee)
    unit = _unit(key_client, code=f"SDF-{tag}-VU", name="Enheten för verksamhetsutveckling", type="unit", parent_id=administration)

    with (
        _staff(gateway_url, stack, ["admin"], [], "gw-admin") as admin,
        _staff(gateway_url, stack, ["committee"], [committee], "gw-namnd") as member,
        _staff(gateway_url, stack, ["unit_manager"], [unit], "gw-enhetschef") as manager,
        _staff(gateway_url, stack, ["controller"], [committee], "gw-controller") as controller,
    ):
        vision = _ok(admin.post("/goals/v1/goals", json={
            "level": "vision", "unit_id": city, "from_year": 2016, "to_year": 2040, "title": f"Vision 2040 {tag}"}), 201)
        direction = _ok(admin.post("/goals/v1/goals", json={
            "level": "direction_goal", "unit_id": city, "from_year": 2016, "to_year": 2018, "parent_id": vision["id"],
            "title": "Ett ekonomiskt hållbart Stockholm"}), 201)
        area = _ok(admin.post("/goals/v1/goals", json={
            "level": "area_goal", "unit_id": city, "from_year": 2016, "to_year": 2018, "parent_id": direction["id"],
            "title": "Stadens verksamheter är effektiva och håller god kvalitet"}), 201)
        goal = _ok(member.post("/goals/v1/goals", json={
            "level": "committee_goal", "unit_id": committee, "from_year": 2016, "parent_id": area["id"],
            "title": "Planering, stöd, styrning och uppföljning ökar effektiviteten och skapar en hållbar kvalitet"}), 201)
        plan = _ok(manager.post("/goals/v1/business-plans", json={"unit_id": unit, "year": 2016}), 201)
        body = {
            "business_plan_id": plan["id"], "title": "Budgetprocessen är tydlig", "committee_goal_id": goal["id"],
            "expected_result": {"type": "target_picture",
                                "description": "Enheterna får information om och har tillgång till stöd i budgetprocessens alla delar."},
            "ways_of_working": {"plan": "Anvisningar med tidplaner utarbetas.", "steer": "Förslag på nämndmål.",
                                "support": "Stöd under skrivperioderna."},
            "follow_up_plan": {"how": "Enkät två gånger om året.", "who": "Verksamhetscontroller"},
            "responsible": {"subject_id": "gw-enhetschef", "unit_id": unit},
        }
        created = manager.post("/goals/v1/commitments", json=body, headers={"idempotency-key": f"vp-{tag}"})
        replayed = manager.post("/goals/v1/commitments", json=body, headers={"idempotency-key": f"vp-{tag}"})
        commitment = _ok(created, 201)
        path = f"/goals/v1/commitments/{commitment['id']}"
        submitted = _ok(manager.post(f"{path}/submission", headers={"if-match": created.headers["etag"]}))
        own = manager.post(f"{path}/assessment", json={"outcome": "approved"}, headers={"if-match": f'"{submitted["revision"]}"'})
        approved = _ok(controller.post(f"{path}/assessment", json={"outcome": "approved"},
                                       headers={"if-match": f'"{submitted["revision"]}"'}))
        plan_etag = member.get(f"/goals/v1/business-plans/{plan['id']}").headers["etag"]
        adopted_plan = _ok(member.post(f"/goals/v1/business-plans/{plan['id']}/adoption", headers={"if-match": plan_etag}, json={
            "decision": {"reference": f"SDN 2016/{tag} § 3", "decided_on": "2016-02-18", "body_id": committee}}))
        before = manager.get(path, params={"as_of": "2016-02-17"})
        held = _ok(manager.get(path, params={"as_of": "2016-03-01"}))
        sight = _ok(manager.get("/goals/v1/line-of-sight", params={"unit_id": unit, "year": 2016}))
        by_key = key_client.post("/goals/v1/commitments", json=body | {"title": "Nyckel"})
        # The roll-up (goals/rollup): the follow-up counts at once; the committee's verdict counts for the goal above.
        follow_up = _ok(manager.post(f"{path}/follow-ups", json={
            "period": "2016-T1", "result": "Anvisningar och tidplan kom ut i tid.", "assessment": "fulfilled"}), 201)
        rolled = _ok(member.get(f"/goals/v1/goals/{goal['id']}/rollup", params={"period": "2016-T1"}))
        _ok(member.put(f"/goals/v1/goals/{goal['id']}/verdicts/2016-T1", headers={"if-match": '"0"'}, json={
            "assessment": "partly_fulfilled", "analysis": "Enheternas återkoppling återstår."}))
        area_rolled = _ok(admin.get(f"/goals/v1/goals/{area['id']}/rollup", params={"period": "2016-T1"}))

    assert replayed.json()["id"] == commitment["id"] and replayed.headers.get("idempotent-replayed") == "true"
    assert own.status_code == 403  # a unit manager does not assess
    assert approved["status"] == "approved"
    assert adopted_plan["status"] == "adopted" and adopted_plan["decision"]["recorded_by"] == "gw-namnd"
    assert [(c["id"], c["status"]) for c in adopted_plan["commitments"]] == [(commitment["id"], "adopted")]
    assert before.status_code == 404
    assert held["version"]["effective_from"] == "2016-02-18" and held["version"]["decision"]["reference"] == f"SDN 2016/{tag} § 3"
    assert [link["title"] for link in sight["commitments"][0]["chain"]] == [
        vision["title"], direction["title"], area["title"], goal["title"],
    ]
    assert by_key.status_code == 403  # a system key records data but never writes commitments
    # One commitment, fulfilled: 1×1 / 1 = 1.0 → fulfilled. Above, the committee's verdict (partly, 0.5) replaces it.
    assert [(i["id"], i["follow_up_id"]) for i in rolled["explanation"]["inputs"]] == [(commitment["id"], follow_up["id"])]
    assert rolled["fulfilment"]["score"] == 1.0 and rolled["fulfilment"]["assessment"] == "fulfilled"
    assert area_rolled["fulfilment"]["score"] == 0.5 and area_rolled["fulfilment"]["assessment"] == "partly_fulfilled"
    assert [(o["kind"], o["replaced"], o["applied"]) for o in area_rolled["explanation"]["overrides"]] == [
        ("committee-verdict", "fulfilled", "partly_fulfilled"),
    ]


def test_the_merged_openapi_document_describes_commitments_in_swedish_terms(gateway_url):
    document = httpx.get(f"{gateway_url}/openapi.json", timeout=30).json()
    paths = document["paths"]

    for path in ("/goals/v1/line-of-sight", "/goals/v1/commitments/{commitment_id}/changes",
                 "/goals/v1/business-plans/{plan_id}/adoption", "/goals/v1/commitments/{commitment_id}/follow-ups",
                 "/goals/v1/goals/{goal_id}/rollup", "/goals/v1/rollup", "/goals/v1/goals/{goal_id}/verdicts/{period}"):
        assert path in paths, path
    assert "trovärdighetsbedömning" in paths["/goals/v1/commitments/{commitment_id}/assessment"]["post"]["description"].lower()
    assert "röda tråden" in paths["/goals/v1/line-of-sight"]["get"]["description"]
