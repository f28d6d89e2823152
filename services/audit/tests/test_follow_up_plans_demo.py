"""First-start content: Spånga-Tensta's 2014 follow-up year (seed 004), loaded through the API, twice.

The seed: 26 operations follow-ups and four contract follow-ups in 2014, an unannounced night
inspection of the district's care homes, deficiencies reported on to Äldreförvaltningen (two
escalated here); the 2014 plan adopted; the lex Sarah year beside it stays 19 reports, 0 serious.
"""

from audit.follow_up_plans.demo import load as load_follow_up_year
from audit.lex_sarah.demo import load as load_lex_sarah

CARE_HOMES = ("SDF-SPT-AOF-E1", "SDF-SPT-AOF-E2", "SDF-SPT-AOF-01", "SDF-SPT-AOF-02")


async def test_the_2014_follow_up_year_loads_once_with_the_seeds_figures(harness, people, demo_tree, log_rows, outbox):
    tree = demo_tree
    await load_lex_sarah(harness)
    await load_follow_up_year(harness)
    entries = len(await log_rows())
    await load_follow_up_year(harness)
    assert len(await log_rows()) == entries, "the second load skips what exists"

    reader = people(["committee"], org_code="SDN-SPT", subject="nämndsekreterare")
    plans = {p["year"]: p for p in (await reader.get("/follow-up-plans", params={"committee_id": str(tree["SDN-SPT"])})).json()["items"]}
    plan = plans[2014]
    assert plan["status"] == "adopted" and plan["decision"]["reference"] == "SDN 2013/398 § 12"
    assert plan["decision"]["body_id"] == str(tree["SDN-SPT"])
    summary = plan["summary"]
    # 26 verksamhetsuppföljningar and 4 uppföljningar av entreprenadavtal; the night at four care homes.
    assert summary["by_kind"] == {"operations": 26, "contract": 4} and summary["follow_ups"] == 30
    assert summary["by_type"]["night_visit"] == 4
    items = {item["provider_unit_id"]: item for item in plan["items"]}
    assert len(items) == 8
    night_ids = set()
    for code in CARE_HOMES:
        (night,) = [p for p in items[str(tree[code])]["progress"] if p["type"] == "night_visit"]
        assert night["planned"] and len(night["follow_up_ids"]) == 1
        night_ids |= set(night["follow_up_ids"])
    nights = set()
    for code in CARE_HOMES:
        contract_id = items[str(tree[code])]["contract_id"]
        for follow_up in (await reader.get(f"/contracts/{contract_id}/follow-ups")).json()["items"]:
            if follow_up["id"] in night_ids:
                nights.add(follow_up["performed_on"])
    assert nights == {"2014-11-05"}, "one night inspection"
    # Planned against done, counted by hand from the demo's plan and follow-ups: the contractors got
    # 2 of 4 planned each, every in-house provider all it was planned for (3+3+4+2+1+2).
    assert (summary["planned"], summary["done"], summary["unplanned"]) == (23, 19, 8)

    # Two serious deficiencies at the contractors remained and were escalated, with their events.
    auditor = people(["internal_auditor"], org_code="SDF-SPT")
    escalations = (await auditor.get("/contract-escalations")).json()["items"]
    assert sorted(e["contract_reference"] for e in escalations) == ["SDN 2012/118", "SDN 2012/119"]
    assert {e["finding"]["severity"] for e in escalations} == {"serious"}
    events = await outbox("audit.contract.deficiency-escalated")
    assert len(events) == 2 and {e["data"]["reported_to_unit_id"] for e in events} == {str(tree["FV-ALN"])}
    # Äldreförvaltningen's internal auditors see what was reported to them.
    at_elderly_care = people(["internal_auditor"], org_code="FV-ALN")
    assert len((await at_elderly_care.get("/contract-escalations")).json()["items"]) == 2

    # The 2015 proposal reads 2014: the contractors' escalated deficiencies put them first.
    proposal = plans[2015]
    assert proposal["status"] == "draft"
    ranked = [(item["contract_reference"], item["score"]) for item in proposal["items"]]
    # Solhem: 1 open × 2 + 1 serious × 3 + 1 escalated × 5 + 72 places × 0.02 + 52 MSEK × 0.05 = 14.04;
    # Bromsten: 10 + 60 × 0.02 + 44 × 0.05 = 13.4; hemtjänsten: 310 × 0.02 + 95 × 0.05 = 10.95;
    # Individ och familj: 4 lex Sarah reports of 2014 × 1 + 60 MSEK × 0.05 = 7.
    assert ranked[:4] == [("SDN 2012/118", 14.04), ("SDN 2012/119", 13.4), ("SDF 2013/203", 10.95), ("SDF 2013/206", 7)]
    assert proposal["items"][0]["proposed_types"] == ["document_review", "visit", "unannounced_visit", "night_visit", "user_survey"]

    # The lex Sarah year beside it is unchanged: 19 reports, 0 serious.
    lex = (await reader.get("/lex-sarah/yearly-summary", params={"committee_id": str(tree["SDN-SPT"]), "year": 2014})).json()
    assert (lex["reports"], lex["serious"]) == (19, 0)
