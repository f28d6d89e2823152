"""The demo's 2014 content (seed 004 §5.1) rolls up; the figures are worked out by hand from the seed.

2014-VB of Enheten för verksamhetsutveckling (our reading of the seed's results, see decisions):
- nämndmål "Planering, stöd, styrning ...": five commitments, one partly fulfilled, four fulfilled →
  (0.5 + 4 × 1) / 5 = 0.9 → fulfilled;
- "Förvaltningen har en hållbar och hälsosam arbetsmiljö ...": "Arbetsmiljön är god", fulfilled, where the
  rule suggested partly (an override) → 1.0 → fulfilled;
- "Kvalitet, hållbarhet och jämlikhet ... upphandling": one commitment, partly → 0.5 → partly fulfilled.
The 2014 area goal above the three: (1 + 1 + 0.5) / 3 = 0.8333 → fulfilled; the direction goal and the city
each roll up that one goal: fulfilled, over all seven commitments (five fulfilled, two partly).
"""

import pytest
from contracts.organisation import OrganisationUnitType

from goals.commitments import demo as commitments_demo
from goals.demo import CITY_CODE, DEMO_START, UnitSpec, load_units, seed_committee
from goals.follow_ups import demo as follow_ups_demo
from goals.structure import demo as structure_demo

PLANNING = "Planering, stöd, styrning och uppföljning ökar effektiviteten och skapar en hållbar kvalitet"


@pytest.fixture
async def demo_2014(harness, admin):
    specs = [UnitSpec(CITY_CODE, "Stockholms stad", OrganisationUnitType.city, None), *seed_committee()]
    tree = await load_units(admin, specs, effective_date=DEMO_START)
    committee_goals = await structure_demo.load(harness, tree)
    await commitments_demo.load(harness, tree, committee_goals)
    await follow_ups_demo.load(harness, tree)


async def test_the_seed_committees_2014_goals_and_the_city_roll_up(admin, demo_2014):
    goals = (await admin.get("/goals/v1/goals", params={"level": "committee_goal", "year": 2014})).json()["items"]
    planning = next(goal for goal in goals if goal["title"] == PLANNING)

    rolled = (await admin.get(f"/goals/v1/goals/{planning['id']}/rollup", params={"period": "2014-VB"})).json()
    assert (rolled["distribution"]["fulfilled"]["count"], rolled["distribution"]["partly_fulfilled"]["count"]) == (4, 1)
    assert rolled["fulfilment"]["score"] == pytest.approx(0.9) and rolled["fulfilment"]["assessment"] == "fulfilled"

    area = (await admin.get(f"/goals/v1/goals/{planning['parent_id']}/rollup", params={"period": "2014-VB"})).json()
    assert sorted(i["verdict"] for i in area["explanation"]["inputs"]) == ["fulfilled", "fulfilled", "partly_fulfilled"]
    assert area["fulfilment"]["score"] == pytest.approx(2.5 / 3) and area["fulfilment"]["assessment"] == "fulfilled"
    assert [o["kind"] for o in area["explanation"]["overrides"]] == []  # goals below count as computed: no verdicts yet

    city = (await admin.get("/goals/v1/rollup", params={"period": "2014-VB"})).json()
    assert city["fulfilment"]["assessment"] == "fulfilled"
    assert (city["commitments"]["fulfilled"]["count"], city["commitments"]["partly_fulfilled"]["count"]) == (5, 2)
    assert city["commitments"]["coverage"] == 1.0
    # The work-environment commitment's verdict differs from the rule's suggestion: the committee goal shows it.
    environment = next(goal for goal in goals if goal["title"].startswith("Förvaltningen har en hållbar"))
    shown = (await admin.get(f"/goals/v1/goals/{environment['id']}/rollup", params={"period": "2014-VB"})).json()
    assert [(o["kind"], o["replaced"], o["applied"]) for o in shown["explanation"]["overrides"]] == [
        ("verdict-over-suggestion", "partly_fulfilled", "fulfilled"),
    ]
