"""The goals demo against seed 004: §6.2's commitments adopted, their line of sight, §5.1's 2014 follow-ups."""

import pytest
from contracts.organisation import OrganisationUnitType

from goals.commitments import demo as commitments_demo
from goals.demo import CITY_CODE, DEMO_START, UnitSpec, load, load_units, seed_committee
from goals.follow_ups import demo as follow_ups_demo
from goals.structure import demo as structure_demo

VU = "SDF-SPT-STAB-VU"
# Seed 004 §6.2, "Skriv era åtaganden/mål", in the application's order.
SEED_2015_TITLES = [
    "Användarna har rätt kunskap om verksamhetssystemen",
    "Budgetprocessen är tydlig",
    "Enheten arbetar utifrån givna uppdrag",
    "Lex Sarah utreds och bedöms skyndsamt enligt gällande lagstiftning",
    "Arbetsmiljön är god",
    "Enheten har god kunskap om avtals- och verksamhetsuppföljning",
    "Internkontrollen säkerställer kvaliteten i verksamheterna",
]
PLANNING = "Planering, stöd, styrning och uppföljning ökar effektiviteten och skapar en hållbar kvalitet"
WORK_ENVIRONMENT = "Förvaltningen har en hållbar och hälsosam arbetsmiljö som främjar samarbete, effektivitet och verksamhetsutveckling"
DIRECTION_GOALS = {
    "Ett Stockholm som håller samman", "Ett klimatsmart Stockholm", "Ett ekonomiskt hållbart Stockholm",
    "Ett demokratiskt hållbart Stockholm",
}


@pytest.fixture
async def loaded(harness, admin) -> str:
    """The per-area loaders on the seed's own units (the whole city is loaded once, below)."""
    specs = [UnitSpec(CITY_CODE, "Stockholms stad", OrganisationUnitType.city, None), *seed_committee()]
    tree = await load_units(admin, specs, effective_date=DEMO_START)
    committee_goals = await structure_demo.load(harness, tree)
    await commitments_demo.load(harness, tree, committee_goals)
    await follow_ups_demo.load(harness, tree)
    return str(tree.ids[VU])


@pytest.mark.slow
async def test_the_whole_demo_loads_through_the_api_and_again_without_change(harness, admin, outbox_count):
    await load(harness)
    events = await outbox_count()
    await load(harness)
    vu = (await admin.get("/goals/v1/organisation-units", params={"code": VU, "as_of": "2015-06-01"})).json()["items"][0]["id"]
    plans = (await admin.get("/goals/v1/business-plans", params={"unit_id": vu})).json()["items"]

    assert await outbox_count() == events
    assert [(plan["year"], plan["status"], len(plan["commitments"])) for plan in plans] == [(2015, "adopted", 7), (2014, "adopted", 7)]


async def test_the_demo_adopts_every_commitment_of_seed_section_6_2_with_its_line_of_sight(admin, loaded):
    plan = (await admin.get("/goals/v1/business-plans", params={"unit_id": loaded, "year": 2015})).json()["items"][0]
    sight = (await admin.get("/goals/v1/line-of-sight", params={"unit_id": loaded, "year": 2015})).json()["commitments"]
    directions = (await admin.get("/goals/v1/goals", params={"level": "direction_goal", "year": 2015})).json()["items"]

    assert plan["status"] == "adopted" and plan["decision"]["decided_on"] == "2015-02-19"
    assert [c["title"] for c in plan["commitments"]] == SEED_2015_TITLES
    assert {c["status"] for c in plan["commitments"]} == {"adopted"}
    assert {goal["title"] for goal in directions} == DIRECTION_GOALS
    assert len(sight) == 7
    for item in sight:
        chain = [link["level"] for link in item["chain"]]
        assert chain == ["vision", "direction_goal", "area_goal", "committee_goal"] and item["complete"], item
        assert item["chain"][0]["title"] == "Vision 2030 – Ett Stockholm i världsklass"
        expected_goal = WORK_ENVIRONMENT if item["title"] == "Arbetsmiljön är god" else PLANNING
        assert item["chain"][-1]["title"] == expected_goal


async def test_the_demo_commitments_say_what_the_seed_says(admin, loaded):
    plan = (await admin.get("/goals/v1/business-plans", params={"unit_id": loaded, "year": 2015})).json()["items"][0]
    by_title = {c["title"]: c["id"] for c in plan["commitments"]}
    budget = (await admin.get(f"/goals/v1/commitments/{by_title['Budgetprocessen är tydlig']}")).json()["version"]
    environment = (await admin.get(f"/goals/v1/commitments/{by_title['Arbetsmiljön är god']}")).json()["version"]

    assert budget["expected_result"] == {
        "type": "target_picture", "description": "Enheterna får information om och har tillgång till stöd i budgetprocessens alla delar.",
    }
    assert budget["ways_of_working"]["plan"].startswith("Styrsignaler utifrån KF:s budget tas fram av verksamhetscontroller")
    assert budget["ways_of_working"]["steer"].startswith("Verksamhetscontroller utarbetar förslag på nämndmål")
    assert budget["ways_of_working"]["support"].endswith("under enhetschefernas skrivperioder.")
    assert "1. Förvaltningsledningen återkopplar till enhetschefen" in budget["follow_up_plan"]["how"]
    assert environment["expected_result"]["type"] == "checklist"
    assert [item["text"] for item in environment["expected_result"]["items"]][1] == "Sjukfrånvaron är lägre än 2 procent"
    assert environment["ways_of_working"]["general"].startswith("Enheten arbetar strukturerat med att ta fram en verksamhetsplan")
    assert "27. Jag får veta av min chef om jag inte skulle göra ett gott arbete." in environment["follow_up_plan"]["how"]


async def test_the_demo_holds_the_2014_follow_ups_with_result_analysis_and_work_for_2015(admin, loaded):
    follow_ups = (await admin.get("/goals/v1/follow-ups", params={"unit_id": loaded, "period": "2014-VB"})).json()["items"]
    plan = (await admin.get("/goals/v1/business-plans", params={"unit_id": loaded, "year": 2014})).json()["items"][0]
    titles = {c["id"]: c["title"] for c in plan["commitments"]}
    by_title = {titles[f["commitment_id"]]: f for f in follow_ups}

    assert len(follow_ups) == 7 and all(f["analysis"] and f["next_steps"] and not f["late"] for f in follow_ups)
    environment = by_title["Arbetsmiljön är god"]
    assert "AMI är 98, vilket är högst i förvaltningen." in environment["result"]
    # Four of five parts reached: the rule suggests partly fulfilled; the verdict, with its analysis, is fulfilled.
    assert (environment["suggested_assessment"], environment["assessment"]) == ("partly_fulfilled", "fulfilled")
    lex_sarah = by_title["Lex Sarah utreds och bedöms skyndsamt enligt gällande lagstiftning"]
    assert "År 2014 inkom 19 lex Sarah rapporter." in lex_sarah["result"]
    assert lex_sarah["next_steps"].startswith("En plan för hur den fortsatta implementeringen ska se ut")


async def test_a_demo_commitment_reads_as_it_held_before_and_after_a_changing_decision(harness, admin, loaded):
    plan = (await admin.get("/goals/v1/business-plans", params={"unit_id": loaded, "year": 2015})).json()["items"][0]
    commitment_id = next(c["id"] for c in plan["commitments"] if c["title"] == "Enheten arbetar utifrån givna uppdrag")
    path = f"/goals/v1/commitments/{commitment_id}"
    committee_id = (await admin.get("/goals/v1/organisation-units", params={"code": "SDN-SPT"})).json()["items"][0]["id"]
    new_target = "Enhetens arbete bidrar mätbart till utveckling och kvalitet i verksamheterna."
    async with harness.client(roles=("committee",), org=(committee_id,), subject="ledamot-1") as member:
        etag = (await member.get(path)).headers["etag"]
        changed = await member.post(f"{path}/changes", headers={"if-match": etag}, json={
            "decision": {"reference": "SDN 2015/201 § 12", "decided_on": "2015-09-17", "body_id": committee_id},
            "expected_result": {"type": "target_picture", "description": new_target},
        })
    before = (await admin.get(path, params={"as_of": "2015-09-16"})).json()["version"]
    after = (await admin.get(path, params={"as_of": "2015-09-17"})).json()["version"]

    assert changed.status_code == 200, changed.text
    assert before["expected_result"]["description"] == "Enhetens arbete bidrar till utveckling och kvalitet i verksamheterna."
    assert (before["decision"]["decided_on"], before["effective_from"]) == ("2015-02-19", "2015-02-19")
    assert after["expected_result"]["description"] == new_target
    assert (after["decision"]["reference"], after["effective_from"]) == ("SDN 2015/201 § 12", "2015-09-17")
