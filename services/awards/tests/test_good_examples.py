"""The good-examples bank through HTTP: drafts, Swedish full-text search, consent, publication, uptake."""

import pytest
from sqlalchemy import select

from servicekit.tables import OutboxEvent

BASE = "/awards/v1"
MEETINGS = {
    "kind": "practice", "title": "Mötesstruktur med veckovisa enhetsmöten",
    "summary": "Varje måndag ett enhetsmöte med gemensam frukost där alla medarbetare deltar.",
    "body": "Enhetschefen fyller en återkommande dagordning; medarbetarna anmäler vad de vill lyfta.",
    "areas": ["3", "4"], "lenses": ["spreading_good_examples"],
}
WHEEL = {
    "kind": "practice", "title": "Årshjul för uppföljning",
    "summary": "Verksamhetsberättelse, tertialrapporter och resultatdialoger följer ett årshjul.",
    "body": "Uppföljningar av handlingsplaner mars–juni och granskningar april–november, rapporterade till nämnden.",
    "areas": ["5", "6"], "lenses": ["analysis_for_improvement"],
}


@pytest.fixture
async def applied(award):
    await award.create()
    application = await award.apply("SDF-SPT-STAB-VU")
    return application


async def _draft(award, application, body) -> dict:
    response = await award.admin.post(f"{BASE}/good-examples", json={"application_id": application["id"], **body})
    assert response.status_code == 201, response.text
    return response.json()


async def test_drafts_are_searched_in_swedish_and_ranked(award, applied, harness):
    meetings = await _draft(award, applied, MEETINGS)
    wheel = await _draft(award, applied, WHEEL)
    assert meetings["status"] == "draft" and meetings["unit_id"] == str(award.city.ids["SDF-SPT-STAB-VU"])
    # The committee above the development unit is Spånga-Tensta stadsdelsnämnd.
    assert meetings["committee_id"] == str(award.city.ids["SDN-SPT"]) and meetings["year"] == award.year
    assert meetings["uptake_count"] == 0 and meetings["unit_name"] == "Enheten för verksamhetsutveckling"

    async def search(client, **params):
        response = await client.get(f"{BASE}/good-examples", params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    # Drafts are the office's: nobody else sees them, in lists or one by one.
    committee = harness.client(roles=["committee"], org=award.city.scope("SDN-RKI"))
    assert await search(committee) == [] and await search(committee, status="draft") == []
    assert (await committee.get(f"{BASE}/good-examples/{meetings['id']}")).status_code == 404
    # Swedish stemming: "uppföljning" finds "uppföljningar" and "Uppföljning"; the wheel has it in its title
    # (weight A), nothing else has it at all.
    assert await search(award.admin, status="draft", q="uppföljning") == [wheel["id"]]
    # "enhetsmöte" finds "enhetsmöten" and "enhetsmöte" (the meetings example only); "medarbetarna" finds "medarbetare".
    assert await search(award.admin, status="draft", q="enhetsmöte") == [meetings["id"]]
    assert await search(award.admin, status="draft", q="medarbetarna") == [meetings["id"]]
    assert await search(award.admin, status="draft", q="uppföljning OR frukost") in ([wheel["id"], meetings["id"]],
                                                                                       [meetings["id"], wheel["id"]])
    # Rank: a title hit (A) outranks a body-only hit (C) for the same word.
    both = await _draft(award, applied, {**WHEEL, "title": "Granskningar", "summary": "Internkontroll.",
                                         "body": "Årshjul och uppföljning i kroppen."})
    ranked = (await award.admin.get(f"{BASE}/good-examples", params={"status": "draft", "q": "uppföljning"})).json()["items"]
    assert [item["id"] for item in ranked] == [wheel["id"], both["id"]]
    assert ranked[0]["rank"] > ranked[1]["rank"] > 0
    # Filters: area and lens.
    assert await search(award.admin, status="draft", area="4") == [meetings["id"]]
    assert set(await search(award.admin, status="draft", lens="analysis_for_improvement")) == {wheel["id"], both["id"]}


async def test_bad_drafts_and_publication_out_of_phase_change_nothing(award, applied, harness):
    for body, kind in (
        ({**MEETINGS, "areas": ["9"]}, "unknown-areas"),
        ({**MEETINGS, "lenses": ["beauty"]}, None),
        ({**MEETINGS, "title": " "}, None),
    ):
        response = await award.admin.post(f"{BASE}/good-examples", json={"application_id": applied["id"], **body})
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        if kind:
            assert response.json()["type"].endswith("/" + kind)
    draft = await _draft(award, applied, MEETINGS)
    manager = award.manager("SDF-SPT-STAB-VU")
    forbidden = await manager.post(f"{BASE}/good-examples", json={"application_id": applied["id"], **MEETINGS})
    assert forbidden.status_code == 403
    # The round is still open for applications: publishing waits for the jury's decision, even with consent.
    consent = await manager.post(f"{BASE}/rounds/{award.id}/consents", json={
        "unit_id": applied["unit_id"], "decision": "given", "note": "Mötesstruktur och årshjul får spridas."})
    assert consent.status_code == 201, consent.text
    assert consent.json()["decided_by"] == "manager-SDF-SPT-STAB-VU" and consent.json()["current"] is True
    early = await award.admin.post(f"{BASE}/good-examples/{draft['id']}/publication", headers={"if-match": f'"{draft["revision"]}"'})
    assert early.status_code == 409 and early.json()["type"].endswith("/round-phase-closed")
    assert (await award.admin.get(f"{BASE}/good-examples/{draft['id']}")).json()["status"] == "draft"
    events = (await harness.session.execute(select(OutboxEvent.type))).scalars().all()
    assert "awards.good-example.published" not in events


async def test_consent_is_recorded_with_who_and_when(award, applied, harness):
    unit = applied["unit_id"]
    # The office records on the unit's behalf, saying who decided; without that, a 422.
    missing = await award.admin.post(f"{BASE}/rounds/{award.id}/consents", json={"unit_id": unit, "decision": "given"})
    assert missing.status_code == 422 and missing.json()["type"].endswith("/consent-decider-missing")
    recorded = await award.admin.post(f"{BASE}/rounds/{award.id}/consents", json={
        "unit_id": unit, "decision": "given", "decided_by": "enhetschef-vu", "decided_on": "2015-12-02"})
    assert recorded.status_code == 201
    assert (recorded.json()["decided_by"], recorded.json()["decided_on"], recorded.json()["recorded_by"]) == (
        "enhetschef-vu", "2015-12-02", "award-office")
    declined = await award.manager("SDF-SPT-STAB-VU").post(f"{BASE}/rounds/{award.id}/consents", json={
        "unit_id": unit, "decision": "declined", "note": "Vi vill vänta."})
    assert declined.status_code == 201
    listed = (await award.admin.get(f"{BASE}/rounds/{award.id}/consents")).json()
    assert [(c["decision"], c["current"]) for c in listed] == [("given", False), ("declined", True)]
    # Another unit's manager neither records for the unit nor sees its consents.
    other = award.manager("SDF-RKI-AO-01")
    assert (await other.post(f"{BASE}/rounds/{award.id}/consents", json={"unit_id": unit, "decision": "given"})).status_code == 403
    assert (await other.get(f"{BASE}/rounds/{award.id}/consents")).json() == []
    # A unit without an application in the round has nothing to consent to.
    stranger = await award.admin.post(f"{BASE}/rounds/{award.id}/consents", json={
        "unit_id": str(award.city.ids["SDF-RKI-AO-01"]), "decision": "given", "decided_by": "x"})
    assert stranger.status_code == 422 and stranger.json()["type"].endswith("/no-application")
