"""The good-examples bank through HTTP: drafts, Swedish full-text search, consent, publication, uptake."""

from datetime import date, timedelta

import pytest
from contracts.organisation import UNIT_UPDATED, OrganisationUnitChanged, OrganisationUnitState, OrganisationUnitVersion
from sqlalchemy import select

from awards_bank import decided_round
from servicekit.events.envelope import Envelope
from servicekit.orgtree import apply_unit_event, stockholm_today
from servicekit.tables import OutboxEvent

from awards.models import org_tables

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


async def _events(harness) -> list[dict]:
    rows = (await harness.session.execute(
        select(OutboxEvent.envelope).where(OutboxEvent.type == "awards.good-example.published").order_by(OutboxEvent.position))).all()
    return [row.envelope["data"]["example"] for row in rows]


async def test_published_with_consent_searched_by_every_committee_taken_up_once_per_unit(award, harness):
    decided = await decided_round(award)
    application = {"id": decided["application"]}
    meetings = await _draft(award, application, MEETINGS)
    etag = f'"{meetings["revision"]}"'
    url = f"{BASE}/good-examples/{meetings['id']}"

    # No consent yet: refused, nothing changed, nothing published; the last phase's condition says who is not asked.
    refused = await award.admin.post(f"{url}/publication", headers={"if-match": etag})
    assert refused.status_code == 409 and refused.json()["type"].endswith("/consent-not-given")
    assert (await award.admin.get(url)).json()["status"] == "draft" and await _events(harness) == []
    manager = award.manager("SDF-SPT-STAB-VU")
    declined = await manager.post(f"{BASE}/rounds/{award.id}/consents", json={
        "unit_id": str(award.city.ids["SDF-SPT-STAB-VU"]), "decision": "declined"})
    assert declined.status_code == 201
    still = await award.admin.post(f"{url}/publication", headers={"if-match": etag})
    assert still.status_code == 409 and still.json()["consent"]["decision"] == "declined"
    given = await manager.post(f"{BASE}/rounds/{award.id}/consents", json={
        "unit_id": str(award.city.ids["SDF-SPT-STAB-VU"]), "decision": "given", "note": "Mötesstrukturen får spridas."})
    assert given.status_code == 201

    published = await award.admin.post(f"{url}/publication", headers={"if-match": etag})
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published" and published.json()["published_at"]
    [event] = await _events(harness)
    assert (event["id"], event["revision"], event["withdrawn"], event["title"]) == (meetings["id"], 2, False, MEETINGS["title"])
    assert event["committee_id"] == str(award.city.ids["SDN-SPT"]) and event["areas"] == ["3", "4"]
    assert event["lenses"] == ["spreading_good_examples"] and "manager" not in str(event)

    # Every staff role reads and searches the published example, whatever its scope.
    for roles, org in ((["committee"], "SDN-RKI"), (["unit_manager"], "FV-SOC-L1-01"), (["examiner"], "FV-UTN"), (["jury"], "STHLM")):
        reader = harness.client(roles=roles, org=award.city.scope(org))
        found = (await reader.get(f"{BASE}/good-examples", params={"q": "enhetsmöten frukost"})).json()["items"]
        assert [item["id"] for item in found] == [meetings["id"]], roles

    # Uptake: a committee records it for itself, once; a second record is not counted.
    rinkeby = harness.client(roles=["committee"], org=award.city.scope("SDN-RKI"), subject="namnd-rki")
    first = await rinkeby.post(f"{url}/uptakes", json={"unit_id": str(award.city.ids["SDN-RKI"]), "note": "Införs i förvaltningen."})
    assert first.status_code == 201 and first.json()["counted"] is True
    second = await rinkeby.post(f"{url}/uptakes", json={"unit_id": str(award.city.ids["SDN-RKI"]), "note": "Igen."})
    assert second.status_code == 200 and second.json()["counted"] is False and second.json()["note"] == "Införs i förvaltningen."
    home = harness.client(roles=["unit_manager"], org=award.city.scope("SDF-RKI-AO-02"))
    assert (await home.post(f"{url}/uptakes", json={"unit_id": str(award.city.ids["SDF-RKI-AO-02"])})).status_code == 201
    outside = await home.post(f"{url}/uptakes", json={"unit_id": str(award.city.ids["FV-SOC-L1-01"])})
    assert outside.status_code == 403
    assert (await harness.client(roles=["examiner"]).post(f"{url}/uptakes", json={"unit_id": str(award.city.ids["SDN-RKI"])})).status_code == 403
    assert (await rinkeby.get(url)).json()["uptake_count"] == 2
    assert {u["unit_id"] for u in (await rinkeby.get(f"{url}/uptakes")).json()} == {
        str(award.city.ids["SDN-RKI"]), str(award.city.ids["SDF-RKI-AO-02"])}

    await award.move("good_examples_published", expect=409)  # the feedback reports are not released yet

    # Withdrawal: published again as withdrawn; gone from everyone's search.
    current = await award.admin.get(url)
    assert (await award.admin.post(f"{url}/withdrawal", headers={"if-match": current.headers["etag"]}, json={})).status_code == 422
    withdrawn = await award.admin.post(f"{url}/withdrawal", headers={"if-match": current.headers["etag"]},
                                       json={"reason": "Arbetssättet har ersatts."})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert [(e["revision"], e["withdrawn"]) for e in await _events(harness)] == [(2, False), (3, True)]
    assert (await rinkeby.get(f"{BASE}/good-examples", params={"q": "frukost"})).json()["items"] == []
    assert (await rinkeby.get(url)).status_code == 404


async def test_declining_consent_withdraws_the_units_published_examples(award, harness):
    decided = await decided_round(award)
    application = {"id": decided["application"]}
    manager = award.manager("SDF-SPT-STAB-VU")
    unit = str(award.city.ids["SDF-SPT-STAB-VU"])
    waiting = (await award.admin.get(f"{BASE}/rounds/{award.id}/exit-conditions")).json()
    assert waiting["conditions"][0]["key"] == "feedback-reports-released"
    assert (await manager.post(f"{BASE}/rounds/{award.id}/consents", json={"unit_id": unit, "decision": "given"})).status_code == 201
    ids = []
    for body in (MEETINGS, WHEEL):
        draft = await _draft(award, application, body)
        done = await award.admin.post(f"{BASE}/good-examples/{draft['id']}/publication", headers={"if-match": f'"{draft["revision"]}"'})
        assert done.status_code == 200
        ids.append(draft["id"])
    taken_back = await manager.post(f"{BASE}/rounds/{award.id}/consents", json={
        "unit_id": unit, "decision": "declined", "note": "Vi tar tillbaka samtycket."})
    assert taken_back.status_code == 201 and sorted(taken_back.json()["withdrawn_examples"]) == sorted(ids)
    for example_id in ids:
        row = (await award.admin.get(f"{BASE}/good-examples/{example_id}")).json()
        assert row["status"] == "withdrawn" and row["withdrawal_reason"].startswith("Enheten har återtagit")
    assert [e["withdrawn"] for e in await _events(harness)] == [False, False, True, True]


async def test_the_search_names_the_unit_as_reading_the_example_does(award, applied, harness):
    """The search looks the unit's name up in SQL for its page; reading one example renders the unit (render_unit).
    Both show the version in effect today, else the first while the unit is planned, else the last."""
    example = await _draft(award, applied, MEETINGS)
    await _draft(award, await award.apply("SDF-RKI-AO-01"), WHEEL)  # another unit on the same page, named as always
    unit_id, parent = award.city.ids["SDF-SPT-STAB-VU"], award.city.ids["SDF-SPT-STAB"]
    today = stockholm_today()
    start, before, after = date(2010, 1, 1), today - timedelta(days=30), today + timedelta(days=30)

    def version(start, end, name):
        return OrganisationUnitVersion(valid_from=start, valid_to=end, code="SDF-SPT-STAB-VU", name=name, type="unit",
                                       parent_id=parent)

    histories = (
        ([version(start, before, "Gamla namnet"), version(before, None, "Nya namnet")], "Nya namnet"),
        ([version(start, before, "Nedlagd enhet")], "Nedlagd enhet"),
        ([version(start, before, "Före uppehållet"), version(after, None, "Efter uppehållet")], "Efter uppehållet"),
        ([version(after, after + timedelta(days=30), "Planerad först"), version(after + timedelta(days=30), None, "Sedan")],
         "Planerad först"),
    )
    for revision, (versions, expected) in enumerate(histories, start=2):
        state = OrganisationUnitState(id=unit_id, revision=revision, versions=versions)
        data = OrganisationUnitChanged(unit=state, effective_date=today)
        envelope = Envelope(source="/goals", type=UNIT_UPDATED, subject=str(unit_id), data=data.model_dump(mode="json"))
        assert await apply_unit_event(harness.session, org_tables, envelope)
        one = (await award.admin.get(f"{BASE}/good-examples/{example['id']}")).json()
        [found] = (await award.admin.get(f"{BASE}/good-examples", params={"status": "draft", "unit_id": str(unit_id)})).json()["items"]
        [searched] = (await award.admin.get(f"{BASE}/good-examples", params={"status": "draft", "q": "frukost"})).json()["items"]
        page = {item["id"]: item["unit_name"] for item in (await award.admin.get(
            f"{BASE}/good-examples", params={"status": "draft"})).json()["items"]}
        assert found["unit_name"] == searched["unit_name"] == one["unit_name"] == page[example["id"]] == expected
        assert sorted(page.values()) == sorted([expected, "Rinkeby vård- och omsorgsboende"])
