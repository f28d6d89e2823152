"""The comparison index across committees, on three committees built here; figures worked out by hand.

Committees on 2015-12-31: Spånga-Tensta (SPT, with units VU and EKL), Bromma (BRO, no units) and
Kungsholmen (KUN, no units). KF:s mål A (the chain's area goal) has targets for two indicators:

- NOJD (higher is better): VU 80 (antal 10) and EKL 60 (antal 30) → SPT (80·10 + 60·30) / 40 = 65;
  BRO's own value 70, imported from Kolada; KUN's own value 50. Kolada's value for the city: 62.
- VANTE (lower is better, no counts): VU 4, EKL 6 → SPT mean 5; BRO none; KUN 3.
- SJUKFRANVARO, followed by SPT's commitment on the nämndmål below A: no values at all.
- follow-ups: SPT's one commitment is followed up at 2015-VB as delvis uppfyllt → 0.5; only SPT.

minmax: NOJD min 50, max 70 → SPT 15/20 = 0.75, BRO 1, KUN 0. VANTE min 3, max 5, flipped →
SPT 1 − 2/2 = 0, KUN 1 − 0 = 1. follow-ups: one value → 0.5. Four components of weight 1:
SPT (0.75 + 0 + 0.5) / 3 = 0.41667, coverage 3/4; KUN (0 + 1) / 2 = 0.5, coverage 2/4;
BRO 1 / 1 = 1, coverage 1/4 < 0.5 → no rank. Ranks: KUN 1, SPT 2.

The index is built from submitted reports only: the fixture ``submitted`` submits the three
committees' 2015-VB reports (verksamhetsberättelser) through the API; the last test submits some.
"""

import math

import pytest

G = "/goals/v1"
INDEX = f"{G}/comparison-index"


@pytest.fixture
async def committees(admin, tree, bromma):
    created = await admin.post(f"{G}/organisation-units", json={
        "code": "SDN-KUN", "name": "Kungsholmens stadsdelsnämnd", "type": "district_committee",
        "parent_id": str(tree.city_id), "effective_date": "2015-01-01",
    })
    assert created.status_code == 201, created.text
    tree.ids["SDN-KUN"] = created.json()["id"]
    return tree


@pytest.fixture
async def figures(admin, manager, committees, chain, plan, workflow, full_commitment, harness):
    tree = committees
    ids = {}
    for code, polarity, kpi in (("NOJD", "higher_is_better", "N00001"), ("VANTE", "lower_is_better", None)):
        body = {"code": code, "title": code.title(), "unit_of_measure": "procent", "polarity": polarity}
        if kpi:
            body |= {"source": "kolada", "kolada_kpi_id": kpi}
        response = await admin.post(f"{G}/indicators", json=body)
        assert response.status_code == 201, response.text
        ids[code] = response.json()["id"]
        target = await admin.post(f"{G}/indicator-targets", json={
            "indicator_id": ids[code], "goal_id": chain.area["id"], "period": "2015-VB", "target_value": 1,
        })
        assert target.status_code == 201, target.text
    csv = (
        "indicator,unit_code,period,value,count\n"
        "NOJD,SDF-SPT-STAB-VU,2015-VB,80,10\nNOJD,SDF-SPT-STAB-EKL,2015-VB,60,30\nNOJD,SDN-KUN,2015-VB,50,\n"
        "VANTE,SDF-SPT-STAB-VU,2015-VB,4,\nVANTE,SDF-SPT-STAB-EKL,2015-VB,6,\nVANTE,SDN-KUN,2015-VB,3,\n"
        # another period and gender never enter
        "NOJD,SDN-KUN,2015-T2,99,\n"
    )
    imported = await admin.post(f"{G}/indicator-values/imports/csv", content=csv.encode(), headers={"content-type": "text/csv"})
    assert imported.status_code == 200, imported.text
    for unit, body in ((tree.city_id, {"kolada_municipality_id": "0180"}), (tree.ids["SDN-BRO"], {"kolada_ou_id": "V15E018000301"})):
        response = await admin.put(f"{G}/organisation-units/{unit}/external-ids", json=body, headers={"if-match": '"0"'})
        assert response.status_code == 200, response.text
    kolada = await admin.post(f"{G}/indicator-values/imports/kolada", json={"count": 2, "values": [
        {"kpi": "N00001", "municipality": "0180", "period": "2015-VB", "values": [{"gender": "T", "value": 62}]},
        {"kpi": "N00001", "ou": "V15E018000301", "period": "2015-VB", "values": [{"gender": "T", "value": 70}]},
    ]})
    assert kolada.status_code == 200, kolada.text
    commitment = await workflow.create(full_commitment(plan["id"]))
    await workflow.approve(commitment["id"])
    await workflow.adopt_plan(plan["id"], "2014-12-15")
    followed = await manager.post(f"{G}/commitments/{commitment['id']}/follow-ups", json={
        "period": "2015-VB", "outcome_value": 2.1, "assessment": "partly_fulfilled",
    })
    assert followed.status_code == 201, followed.text
    return ids


async def submit(client, tree, code: str, period: str = "2015-VB", **body) -> dict:
    response = await client.post(f"{G}/committees/{tree.ids[code]}/reports", json={"period": period, **body})
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
async def submitted(admin, figures, committees):
    """The three committees' verksamhetsberättelser for 2015 submitted (after the figures are in)."""
    for code in ("SDN-SPT", "SDN-BRO", "SDN-KUN"):
        await submit(admin, committees, code)
    return figures


def by_code(result: dict) -> dict:
    codes = {"SDN-SPT": "SPT", "SDN-BRO": "BRO", "SDN-KUN": "KUN"}
    return {codes[c["code"]]: c for c in result["committees"]}


async def index(client, expect: int = 200, **params) -> dict:
    response = await client.get(INDEX, params={"period": "2015-VB", **params})
    assert response.status_code == expect, response.text
    return response.json()


async def test_committees_are_compared_on_a_goal_with_coverage_and_ranks(harness, tree, submitted, chain, committees):
    # A member of Bromma's committee reads it: comparing is its purpose.
    async with harness.client(roles=("committee",), org=(tree.ids["SDN-BRO"],), subject="bromma-1") as bromma_member:
        result = await index(bromma_member, goal_id=chain.area["id"])

    c = by_code(result)
    assert math.isclose(c["SPT"]["index"], (0.75 + 0 + 0.5) / 3) and c["SPT"]["coverage"] == 0.75
    assert c["KUN"]["index"] == 0.5 and c["KUN"]["coverage"] == 0.5
    assert c["BRO"]["index"] == 1.0 and c["BRO"]["coverage"] == 0.25
    assert (c["KUN"]["rank"], c["SPT"]["rank"], c["BRO"]["rank"]) == (1, 2, None)
    assert all(c[name]["submitted"] for name in ("SPT", "KUN", "BRO"))
    assert c["BRO"]["reason"] == "coverage-below-minimum" and c["KUN"]["reason"] is None
    assert [x["code"] for x in result["committees"]] == ["SDN-KUN", "SDN-SPT", "SDN-BRO"]
    spt = {f["key"]: f for f in c["SPT"]["components"]}
    assert (spt["NOJD"]["raw"], spt["NOJD"]["basis"], spt["NOJD"]["units"], spt["NOJD"]["count_sum"]) == (
        65.0, "units_weighted_by_count", 2, 40,
    )
    assert (spt["VANTE"]["raw"], spt["VANTE"]["basis"], spt["VANTE"]["normalised"]) == (5.0, "units_mean", 0.0)
    assert (spt["follow-ups"]["raw"], spt["follow-ups"]["reported"], spt["follow-ups"]["commitments"]) == (0.5, 1, 1)
    assert c["SPT"]["volume"] == {"values": 4, "units": 2, "count_sum": 40, "follow_ups": 1}
    bro = {f["key"]: f for f in c["BRO"]["components"]}
    assert (bro["NOJD"]["raw"], bro["NOJD"]["basis"], bro["NOJD"]["kolada_value"]) == (70.0, "own_value", 70.0)
    components = {x["key"]: x for x in result["components"]}
    assert set(components) == {"NOJD", "VANTE", "SJUKFRANVARO", "follow-ups"}
    assert (components["NOJD"]["minimum"], components["NOJD"]["maximum"], components["NOJD"]["kolada_city_value"]) == (50, 70, 62)
    assert components["SJUKFRANVARO"]["committees_with_figure"] == 0
    assert "does not say" in result["method_description"]


async def test_weights_and_minimum_coverage_change_the_index(admin, submitted, chain):
    # NOJD weighs 0.5: total weight 3.5. SPT (0.5·0.75 + 0 + 0.5) / 2.5 = 0.35, coverage 2.5/3.5;
    # KUN (0.5·0 + 1) / 1.5, coverage 1.5/3.5 — now under 0.5 and unranked; BRO 1, coverage 0.5/3.5.
    result = await index(admin, goal_id=chain.area["id"], weights="NOJD:0.5")
    c = by_code(result)
    assert math.isclose(c["SPT"]["index"], 0.35) and math.isclose(c["SPT"]["coverage"], 2.5 / 3.5)
    assert math.isclose(c["KUN"]["index"], 1 / 1.5) and math.isclose(c["KUN"]["coverage"], 1.5 / 3.5)
    assert (c["SPT"]["rank"], c["KUN"]["rank"], c["KUN"]["reason"]) == (1, None, "coverage-below-minimum")

    # Minimum coverage 0.2: Bromma is ranked too, first with its single component.
    c = by_code(await index(admin, goal_id=chain.area["id"], min_coverage=0.2))
    assert (c["BRO"]["rank"], c["KUN"]["rank"], c["SPT"]["rank"]) == (1, 2, 3)


async def test_one_indicator_by_z_score(controller, submitted):
    figures = submitted
    # NOJD: 65, 70, 50; mean 185/3, population sd √(((65−m)² + (70−m)² + (50−m)²) / 3).
    result = await index(controller, indicator_id=figures["NOJD"], method="zscore")
    mean = (65 + 70 + 50) / 3
    sd = math.sqrt(((65 - mean) ** 2 + (70 - mean) ** 2 + (50 - mean) ** 2) / 3)
    c = by_code(result)
    for name, raw in (("SPT", 65), ("BRO", 70), ("KUN", 50)):
        assert math.isclose(c[name]["index"], (raw - mean) / sd) and c[name]["coverage"] == 1.0
    assert (c["BRO"]["rank"], c["SPT"]["rank"], c["KUN"]["rank"]) == (1, 2, 3)
    # Lower is better is flipped: KUN's 3 is the best VANTE, SPT's 5 the worst, BRO has none.
    c = by_code(await index(controller, indicator_id=figures["VANTE"], method="zscore"))
    assert c["KUN"]["index"] == 1.0 and c["SPT"]["index"] == -1.0 and c["BRO"]["reason"] == "no-figures"


@pytest.mark.parametrize(("params", "kind"), [
    ({"weights": "NOJD:1.5"}, "weight-out-of-range"),
    ({"weights": "NOJD:-0.1"}, "weight-out-of-range"),
    ({"weights": "NOJD"}, "weight-out-of-range"),
    ({"weights": "OKAND:0.5"}, "weight-unknown-component"),
    ({"period": "2015-T3"}, "period-invalid"),
    ({"period": "2099-VB"}, "period-out-of-range"),
    ({"period": "2019-VB"}, "period-outside-goal"),
])
async def test_bad_input_is_a_problem_document(admin, figures, chain, params, kind):
    response = await admin.get(INDEX, params={"period": "2015-VB", "goal_id": chain.area["id"], **params})

    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"].endswith(kind)


async def test_both_subjects_or_none_is_a_problem_and_portals_are_refused(admin, harness, figures, chain):
    both = await admin.get(INDEX, params={"period": "2015-VB", "goal_id": chain.area["id"], "indicator_id": figures["NOJD"]})
    assert both.status_code == 422 and both.json()["type"].endswith("subject-required")
    async with harness.client(actor="portal", roles=(), scopes=("goals:read",), subject="portal-1") as portal:
        refused = await portal.get(INDEX, params={"period": "2015-VB", "indicator_id": figures["NOJD"]})
    assert refused.status_code == 403


async def test_only_submitted_reports_enter_and_a_correction_counts_once(admin, committee, harness, tree, figures, committees):
    """NOJD alone, minmax, 2015-VB. Bromma has not submitted: its 70 is left out, so the range is
    KUN 50 … SPT 65 → SPT (65 − 50) / 15 = 1, KUN 0; ranks SPT 1, KUN 2. Spånga-Tensta's report is
    corrected (version 2 supersedes 1): still one committee, one figure."""
    before = by_code(await index(admin, indicator_id=figures["NOJD"]))
    assert all(
        (c["submitted"], c["index"], c["rank"], c["reason"], c["components"], c["coverage"]) ==
        (False, None, None, "report-not-submitted", [], 0.0)
        for c in before.values()
    )

    first = await submit(committee, tree, "SDN-SPT")
    second = await submit(committee, tree, "SDN-SPT", correction=True, correction_reason="Analysen kompletterad.")
    assert second["supersedes_id"] == first["id"]
    await submit(admin, tree, "SDN-KUN")
    async with harness.client(roles=("committee",), org=(tree.ids["SDN-BRO"],), subject="bromma-1") as bromma_member:
        result = await index(bromma_member, indicator_id=figures["NOJD"])

    assert [c["code"] for c in result["committees"]] == ["SDN-SPT", "SDN-KUN", "SDN-BRO"]  # each once
    c = by_code(result)
    assert (c["SPT"]["submitted"], c["SPT"]["index"], c["SPT"]["rank"], c["SPT"]["components"][0]["raw"]) == (True, 1.0, 1, 65.0)
    assert (c["KUN"]["submitted"], c["KUN"]["index"], c["KUN"]["rank"]) == (True, 0.0, 2)
    assert (c["BRO"]["submitted"], c["BRO"]["index"], c["BRO"]["rank"], c["BRO"]["reason"]) == (
        False, None, None, "report-not-submitted",
    )
    assert c["BRO"]["components"] == [] and c["BRO"]["volume"] == {"values": 0, "units": 0, "count_sum": None, "follow_ups": 0}
    nojd = result["components"][0]
    assert (nojd["committees_with_figure"], nojd["minimum"], nojd["maximum"]) == (2, 50, 65)

    # A year enters with its verksamhetsberättelse (no values for the period "2015" itself: no figures);
    # a tertial needs its own tertial report: KUN's 2015-T2 value 99 enters only once that is submitted.
    year = by_code(await index(admin, period="2015", indicator_id=figures["NOJD"]))
    assert {name: (x["submitted"], x["reason"]) for name, x in year.items()} == {
        "SPT": (True, "no-figures"), "KUN": (True, "no-figures"), "BRO": (False, "report-not-submitted"),
    }
    t2 = by_code(await index(admin, period="2015-T2", indicator_id=figures["NOJD"]))
    assert (t2["KUN"]["submitted"], t2["KUN"]["reason"], t2["KUN"]["components"]) == (False, "report-not-submitted", [])
    await submit(admin, tree, "SDN-KUN", period="2015-T2")
    t2 = by_code(await index(admin, period="2015-T2", indicator_id=figures["NOJD"]))
    # One committee with a figure: minmax gives 0.5 when all are equal.
    assert (t2["KUN"]["submitted"], t2["KUN"]["components"][0]["raw"], t2["KUN"]["index"], t2["KUN"]["rank"]) == (True, 99.0, 0.5, 1)
    assert (t2["SPT"]["submitted"], t2["SPT"]["reason"]) == (False, "report-not-submitted")
