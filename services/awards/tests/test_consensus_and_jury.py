"""Consensus with reasons, the jury on blinded data and its decision, through HTTP, on the seed application."""

import json

from sqlalchemy import select

from awards_examination import AREAS, BASE, TEAM, WEIGHTS, agree, examined_round, examiner, score
from servicekit.tables import OutboxEvent

from awards.demo import written_application

# Individual scores per examiner, areas 1..8 (chosen by hand).
INDIVIDUAL = {
    "ex-soc-1": [50, 60, 55, 45, 65, 70, 40, 75],
    "ex-utn-1": [50, 55, 55, 50, 65, 70, 45, 75],
    "ex-utn-2": [50, 60, 60, 45, 70, 70, 40, 80],
}
CONSENSUS = [50, 60, 55, 45, 65, 70, 40, 75]
# Σ weight × score / 100 with weights 10, 15, 10, 10, 15, 15, 10, 15:
# (500 + 900 + 550 + 450 + 975 + 1050 + 400 + 1125) / 100 = 59.5
WEIGHTED = 59.5
# Names the jury must never see: the unit, its department, administration, committee and district.
# "verksamhetsutveckling" is the unit's short name in the answers' org chart; Järva is the area the award
# office records as a place ("Järva Rent och Snyggt" in seed 004).
NAMES = ("Enheten för verksamhetsutveckling", "Strategiska staben", "Spånga-Tensta stadsdelsförvaltning",
         "Spånga-Tensta stadsdelsnämnd", "Spånga-Tensta", "Spånga", "Tensta", "verksamhetsutveckling", "Järva")


def original_text(answers: dict) -> str:
    return "\n".join(answers.values())


def jury(award, subject="jury-ordforande"):
    return award.harness.client(roles=["jury"], subject=subject)


async def _scored(award, answers=None, others=()):
    examined = await examined_round(award, answers=answers, others=others)
    ids = examined["examiners"]
    for subject in TEAM:
        await score(award, examined["application"], ids[subject], subject, dict(zip(AREAS, INDIVIDUAL[subject], strict=True)))
        for other in examined["others"].values():
            await score(award, other, ids[subject], subject, {n: 40 for n in AREAS})
    await award.move("consensus")
    return examined


async def test_consensus_needs_a_reason_for_every_departure_and_records_each(award):
    examined = await _scored(award)
    application, ids = examined["application"], examined["examiners"]
    url = f"{BASE}/applications/{application}/consensus"

    unexplained = await agree(award, application, "ex-soc-1", 2, 60, reason=None)
    assert unexplained.status_code == 422 and unexplained.json()["type"].endswith("/consensus-reason-missing")
    assert unexplained.json()["examiners"] == [ids["ex-utn-1"]], "only ex-utn-1 gave area 2 another score (55)"
    assert (await award.admin.get(url)).json()["areas"] == []
    off_grid = await agree(award, application, "ex-soc-1", 2, 62, reason="x")
    assert off_grid.status_code == 422 and off_grid.json()["type"].endswith("/score-off-grid")
    assert (await agree(award, application, "ex-annan", 2, 60)).status_code == 404, "ex-annan is in no team"

    agreed = await agree(award, application, "ex-soc-1", 2, 60, reason=None,
                         reasons={ids["ex-utn-1"]: "Svaret på 2.3 visar analys av brukarundersökningen; teamet höjde."})
    assert agreed.status_code == 200, agreed.text
    area2 = agreed.json()["areas"][0]
    assert (area2["area_number"], area2["score"], area2["band"]) == (2, 60, "50-65")
    assert [(c["examiner_id"], c["individual_score"], c["consensus_score"]) for c in area2["changes"]] == [(ids["ex-utn-1"], 55, 60)]
    assert area2["changes"][0]["reason"].startswith("Svaret på 2.3")
    assert sorted(s["score"] for s in area2["individual_scores"]) == [55, 60, 60]

    no_etag = await agree(award, application, "ex-utn-2", 2, 65, reason="Omprövat.")
    assert no_etag.status_code == 428
    for number, value in zip(AREAS, CONSENSUS, strict=True):
        if number != 2:
            saved = await agree(award, application, TEAM[number % 3], number, value)
            assert saved.status_code == 200, saved.text
    whole = (await award.admin.get(url)).json()
    assert whole["complete"] is True and whole["missing_areas"] == []
    assert whole["weighted_score"] == WEIGHTED == sum(WEIGHTS[n] * v for n, v in zip(AREAS, CONSENSUS, strict=True)) / 100
    # Departures by hand: area 3 (ex-utn-2 60), 4 (ex-utn-1 50), 5 (ex-utn-2 70), 7 (ex-utn-1 45), 8 (ex-utn-2 80), plus area 2.
    changes = {(a["area_number"], c["examiner_id"]) for a in whole["areas"] for c in a["changes"]}
    assert changes == {(2, ids["ex-utn-1"]), (3, ids["ex-utn-2"]), (4, ids["ex-utn-1"]), (5, ids["ex-utn-2"]),
                       (7, ids["ex-utn-1"]), (8, ids["ex-utn-2"])}
    assert (await award.admin.get(f"{BASE}/rounds/{award.id}/exit-conditions")).json()["can_move"] is True


async def test_the_jury_decides_on_blinded_data_after_consensus_and_the_decision_is_published(harness, award):
    answers, _ = written_application()
    examined = await _scored(award, answers=answers, others=("SDF-RKI-AO-01",))
    application, other = examined["application"], examined["others"]["SDF-RKI-AO-01"]
    board = jury(award)
    decision = {"reference": "Domarkommittén 2015 § 3", "decided_on": "2015-11-12", "rationale": "Ett föredömligt arbete.",
                "awards": [{"code": "A", "placement": "winner", "rationale": "Systematisk uppföljning."}]}

    # Consensus on every area of the seed application, on none of the other's yet.
    for number, value in zip(AREAS, CONSENSUS, strict=True):
        assert (await agree(award, application, "ex-soc-1", number, value)).status_code == 200
    early = await board.post(f"{BASE}/rounds/{award.id}/jury/decision", json=decision)
    assert early.status_code == 409 and early.json()["type"].endswith("/consensus-incomplete")
    assert (await award.admin.get(f"{BASE}/rounds/{award.id}/jury/decision")).status_code == 404
    assert (await board.get(f"{BASE}/rounds/{award.id}/jury/applications")).status_code == 409, "no jury work before its phase"
    waiting = (await award.admin.get(f"{BASE}/rounds/{award.id}/exit-conditions")).json()
    assert waiting["conditions"][0]["key"] == "consensus-recorded" and "8 areas of 1 applications" in waiting["conditions"][0]["explanation"]
    for number in AREAS:
        assert (await agree(award, other, "ex-soc-1", number, 40)).status_code == 200
    await award.move("jury_shortlist")

    listed = (await board.get(f"{BASE}/rounds/{award.id}/jury/applications")).json()
    assert listed["shortlist_set"] is False and len(listed["items"]) == 2
    by_score = {item["weighted_score"]: item["code"] for item in listed["items"]}
    assert set(by_score) == {WEIGHTED, 40.0} and [i["weighted_score"] for i in listed["items"]] == [WEIGHTED, 40.0]
    seed_code, other_code = by_score[WEIGHTED], by_score[40.0]
    assert (await board.get(f"{BASE}/rounds/{award.id}/jury/applications/{seed_code}")).status_code == 404, "full text only when shortlisted"
    people = await award.admin.put(f"{BASE}/applications/{application}/blinding-terms", json={"people": ["Karin Lindqvist"]})
    assert people.status_code == 200 and people.json()["places"] == [], "places and organisations may be left out"
    terms = await award.admin.put(f"{BASE}/applications/{application}/blinding-terms",
                                  json={"people": ["Karin Lindqvist"], "places": ["Järva"], "organisations": []})
    assert terms.status_code == 200 and (terms.json()["people"], terms.json()["places"]) == (["Karin Lindqvist"], ["Järva"])
    assert (await award.admin.put(f"{BASE}/rounds/{award.id}/jury/shortlist", json={"codes": [seed_code]})).status_code == 403
    unknown = await board.put(f"{BASE}/rounds/{award.id}/jury/shortlist", json={"codes": ["Q"]})
    assert unknown.status_code == 422 and unknown.json()["codes"] == ["Q"]
    shortlisted = await board.put(f"{BASE}/rounds/{award.id}/jury/shortlist", json={"codes": [seed_code]})
    assert shortlisted.status_code == 200, shortlisted.text
    assert [i["code"] for i in shortlisted.json()["items"]] == [seed_code], "the jury now sees only the shortlist"
    assert (await board.get(f"{BASE}/rounds/{award.id}/jury/applications/{other_code}")).status_code == 404
    await award.move("site_visits")

    team = examiner(award, "ex-utn-1")
    assert (await team.put(f"{BASE}/applications/{other}/site-visit",
                           json={"visited_on": "2015-10-20", "notes": "x"})).status_code == 409, "not shortlisted"
    not_yet = (await award.admin.get(f"{BASE}/rounds/{award.id}/exit-conditions")).json()
    assert not_yet["conditions"][0]["key"] == "site-visits-recorded" and not not_yet["can_move"]
    visit = await team.put(f"{BASE}/applications/{application}/site-visit", json={
        "visited_on": "2015-10-20",
        "notes": "Besök hos Enheten för verksamhetsutveckling i Tensta; Karin Lindqvist visade årshjulet.",
    })
    assert visit.status_code == 200, visit.text
    await award.move("jury_decision")

    seen = await board.get(f"{BASE}/rounds/{award.id}/jury/applications/{seed_code}")
    assert seen.status_code == 200
    view = seen.json()
    text = json.dumps(view, ensure_ascii=False).casefold()
    original = json.dumps(answers, ensure_ascii=False).casefold()
    listed_text = json.dumps((await board.get(f"{BASE}/rounds/{award.id}/jury/applications")).json(), ensure_ascii=False).casefold()
    for name in ("Enheten för verksamhetsutveckling", "Strategiska staben", "Spånga-Tensta", "Spånga", "Tensta", "Järva"):
        assert name.casefold() in original, name  # the seed names them, so the test can fail
    assert "Verksamhetsutveckling" in original_text(answers), "the org chart names the unit by its short name, capitalised"
    for name in NAMES:
        assert name.casefold() not in text, f"{name} is visible to the jury"
        assert name.casefold() not in listed_text, f"{name} is visible in the jury's list"
    assert "karin lindqvist" not in text
    # Numbers follow the codes: with the seed application as A its department and district are the first
    # (Avdelning 1, Stadsdel 1); with Rinkeby's as A, Rinkeby's come first and the seed's are number 2.
    n = 1 if seed_code == "A" else 2
    assert view["site_visit_notes"] == f"Besök hos Sökande {seed_code} i Stadsdel {n}; Person 1 visade årshjulet."
    assert answers["1.1"].startswith("Enheten för verksamhetsutveckling ingår i avdelningen Strategiska staben som")
    assert view["answers"]["1.1"].startswith(f"Sökande {seed_code} ingår i avdelningen Avdelning {n} som")
    assert "Spånga-Tensta sdf" in original_text(answers) and f"Stadsdel {n} sdf" in original_text(view["answers"])
    assert view["weighted_score"] == WEIGHTED and len(view["areas"]) == 8

    assert (await award.admin.post(f"{BASE}/rounds/{award.id}/jury/decision", json=decision | {"awards": [
        {"code": seed_code, "placement": "winner", "rationale": "x"}]})).status_code == 403
    outside = await board.post(f"{BASE}/rounds/{award.id}/jury/decision", json=decision | {"awards": [
        {"code": other_code, "placement": "winner", "rationale": "x"}]})
    assert outside.status_code == 422 and outside.json()["type"].endswith("/not-shortlisted")
    decided = await board.post(f"{BASE}/rounds/{award.id}/jury/decision", json=decision | {"awards": [
        {"code": seed_code, "placement": "winner", "rationale": "Systematisk uppföljning från åtagande till analys."}]})
    assert decided.status_code == 201, decided.text
    body = decided.json()
    unit = award.city.ids["SDF-SPT-STAB-VU"]
    assert [(a["unit_id"], a["unit_name"], a["placement"]) for a in body["awards"]] == [
        (str(unit), "Enheten för verksamhetsutveckling", "winner")]
    assert body["awards"][0]["committee_id"] == str(award.city.ids["SDN-SPT"]) and body["applications"] == 2
    again = await board.post(f"{BASE}/rounds/{award.id}/jury/decision", json=decision)
    assert again.status_code == 409 and again.json()["type"].endswith("/decision-exists")

    events = [row.envelope["data"] for row in (await harness.session.execute(
        select(OutboxEvent.envelope).where(OutboxEvent.type == "awards.round.decided"))).all()]
    assert len(events) == 1
    event = events[0]
    assert [(a["unit_id"], a["placement"], a["prize"]) for a in event["awards"]] == [(str(unit), "winner", "quality_award")]
    assert event["applications"] == 2 and event["decided_on"] == "2015-11-12" and event["round"]["phase"] == "jury_decision"
    assert "Karin" not in json.dumps(event) and "ex-soc-1" not in json.dumps(event)
    winners = (await award.admin.get(f"{BASE}/award-winners", params={"prize": "quality_award"})).json()
    assert [(w["year"], w["unit_id"], w["decision"]["reference"]) for w in winners] == [(award.year, str(unit), decision["reference"])]
    assert (await award.admin.get(f"{BASE}/rounds/{award.id}/exit-conditions")).json()["can_move"] is True
    moved = await award.move("feedback_reports_released")
    assert moved["revision"] > event["round"]["revision"]
    hook = (await award.admin.get(f"{BASE}/rounds/{award.id}/exit-conditions")).json()
    assert [c["key"] for c in hook["conditions"]] == ["feedback-reports-released"] and not hook["can_move"]


async def test_the_renewal_prize_is_decided_the_same_way(harness, award):
    """Förnyelsepriset: five areas of weight 20; scores 80, 75, 80 → consensus 80 with a reason for 75."""
    answers = {f"{n}.1": f"Förnyelsen, del {n}." for n in range(1, 6)}
    examined = await examined_round(award, answers=answers, prize="renewal_prize")
    application, ids = examined["application"], examined["examiners"]
    for subject, value in zip(TEAM, (80, 75, 80), strict=True):
        await score(award, application, ids[subject], subject, {n: value for n in range(1, 6)})
    await award.move("consensus")
    for number in range(1, 6):
        refused = await agree(award, application, "ex-soc-1", number, 80, reason=None)
        assert refused.status_code == 422 and refused.json()["examiners"] == [ids["ex-utn-1"]]
        assert (await agree(award, application, "ex-soc-1", number, 80)).status_code == 200
    await award.move("jury_shortlist")
    board = jury(award)
    listed = (await board.get(f"{BASE}/rounds/{award.id}/jury/applications")).json()
    assert [(i["code"], i["weighted_score"]) for i in listed["items"]] == [("A", 80.0)]  # 5 × 20 × 80 / 100
    assert (await board.put(f"{BASE}/rounds/{award.id}/jury/shortlist", json={"codes": ["A"]})).status_code == 200
    await award.move("site_visits")
    visit = await examiner(award, "ex-utn-2").put(f"{BASE}/applications/{application}/site-visit",
                                                  json={"visited_on": "2015-10-21", "notes": "Förnyelsen visades."})
    assert visit.status_code == 200
    await award.move("jury_decision")

    decided = await board.post(f"{BASE}/rounds/{award.id}/jury/decision", json={
        "reference": "Domarkommittén § 7", "decided_on": "2015-11-12", "rationale": "Förnyelse som ökar nyttan för medborgarna.",
        "awards": [{"code": "A", "placement": "honourable_mention", "rationale": "Lovande förnyelse."}]})

    assert decided.status_code == 201, decided.text
    assert [(a["placement"], a["unit_id"]) for a in decided.json()["awards"]] == [
        ("honourable_mention", str(award.city.ids["SDF-SPT-STAB-VU"]))]
    [event] = [row.envelope["data"] for row in (await harness.session.execute(
        select(OutboxEvent.envelope).where(OutboxEvent.type == "awards.round.decided"))).all()]
    assert event["round"]["prize"] == "renewal_prize" and event["awards"][0]["prize"] == "renewal_prize"
    assert (await award.admin.get(f"{BASE}/award-winners", params={"prize": "renewal_prize"})).json() == [], \
        "an honourable mention is not a win"
