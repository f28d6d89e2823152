"""Economy beside goal fulfilment, on Spånga-Tensta's units; figures worked out by hand.

2015, costs line (mkr): VU budget 10, outcome 11 → deviation −1, share −0.1, over budget (more than
1 % of 10 = 0.1 above); EKL budget 5, outcome 4.9 → deviation 0.1, share 0.02, under budget (more
than 0.05 below). VU's commitment is followed up at 2015-VB as ej uppfyllt: score 0 < 0.4 → not
fulfilled, so VU is over budget and not fulfilled → analysis required. Spånga-Tensta has no table
of its own: budget 10 + 5 = 15, outcome 11 + 4.9 = 15.9, deviation −0.9, share −0.06 → over
budget; its one commitment not fulfilled → analysis required too. 2014: nothing.
"""

import math

import pytest

G = "/goals/v1"


@pytest.fixture
async def economy_data(admin, manager, tree, chain, plan, workflow, full_commitment):
    tables = await admin.post(f"{G}/budget-figures/imports", json={"items": [
        {"unit_code": "SDF-SPT-STAB-VU", "year": 2015, "lines": {"costs": {"budget": 10, "outcome": 11}}},
        {"unit_code": "SDF-SPT-STAB-EKL", "year": 2015, "lines": {"costs": {"budget": 5, "outcome": 4.9}}},
    ]})
    assert tables.status_code == 200, tables.text
    commitment = await workflow.create(full_commitment(plan["id"]))
    await workflow.approve(commitment["id"])
    await workflow.adopt_plan(plan["id"], "2014-12-15")
    followed = await manager.post(f"{G}/commitments/{commitment['id']}/follow-ups", json={
        "period": "2015-VB", "outcome_value": 3.0, "assessment": "not_fulfilled", "analysis": "Långtidssjukskrivningar.",
    })
    assert followed.status_code == 201, followed.text
    return tree


async def test_budget_deviation_stands_beside_fulfilment_and_both_deviating_asks_for_analysis(controller, economy_data):
    tree = economy_data
    response = await controller.get(f"{G}/organisation-units/{tree.ids['SDN-SPT']}/economy", params={"from_year": 2014, "to_year": 2015})
    assert response.status_code == 200, response.text
    result = response.json()

    y2014, y2015 = result["unit"]["years"]
    assert (y2014["budget_source"], y2014["budget"], y2014["flags"], y2014["fulfilment"]["commitments"]) == ("none", None, [], 0)
    assert (y2015["budget_source"], y2015["budget"], y2015["outcome"]) == ("units_below", 15.0, 15.9)
    assert math.isclose(y2015["deviation"], -0.9) and math.isclose(y2015["deviation_share"], -0.06)
    assert y2015["fulfilment"]["assessment"] == "not_fulfilled" and y2015["fulfilment"]["not_fulfilled"] == 1
    assert y2015["flags"] == ["over-budget", "not-fulfilled", "analysis-required"]
    units = {u["code"]: u for u in result["units"]}
    assert set(units) == {"SDF-SPT-STAB-VU", "SDF-SPT-STAB-EKL"}
    vu, = units["SDF-SPT-STAB-VU"]["years"]
    assert (vu["budget"], vu["outcome"], vu["deviation"], vu["deviation_share"]) == (10.0, 11.0, -1.0, -0.1)
    assert vu["flags"] == ["over-budget", "not-fulfilled", "analysis-required"]
    ekl, = units["SDF-SPT-STAB-EKL"]["years"]
    assert math.isclose(ekl["deviation"], 0.1) and math.isclose(ekl["deviation_share"], 0.02)
    assert ekl["flags"] == ["under-budget"] and ekl["fulfilment"]["assessment"] is None


async def test_a_wider_tolerance_takes_the_flags_away(admin, economy_data):
    # Tolerance 0.1: VU's 1 above 10 is not more than 1.0; EKL's 0.1 below 5 not more than 0.5.
    tree = economy_data
    response = await admin.get(
        f"{G}/organisation-units/{tree.ids['SDN-SPT']}/economy", params={"from_year": 2015, "to_year": 2015, "tolerance": 0.1},
    )
    assert response.status_code == 200, response.text
    units = {u["code"]: u["years"][0]["flags"] for u in response.json()["units"]}
    assert units == {"SDF-SPT-STAB-VU": ["not-fulfilled"], "SDF-SPT-STAB-EKL": []}


async def test_economy_is_read_in_scope_only_and_bad_years_are_problems(harness, admin, economy_data, bromma):
    tree = economy_data
    path = f"{G}/organisation-units/{tree.ids['SDN-SPT']}/economy"
    async with harness.client(roles=("controller",), org=(bromma,), subject="controller-bro") as outsider:
        refused = await outsider.get(path, params={"from_year": 2015, "to_year": 2015})
    assert refused.status_code == 403
    for params, kind in (
        ({"from_year": 2015, "to_year": 2014}, "years-not-ordered"),
        ({"from_year": 2015, "to_year": 2099}, None),  # le=2100 passes validation, the year has not begun
        ({"from_year": 2015, "to_year": 2015, "tolerance": 0.9}, None),
    ):
        response = await admin.get(path, params=params)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        if kind:
            assert response.json()["type"].endswith(kind)


async def test_the_analysis_says_not_enough_data_on_thin_data(controller, economy_data, tree):
    # One unit-year with a cost and a fulfilment (VU 2015; EKL has no computed fulfilment): n = 1 < 30.
    response = await controller.get(f"{G}/economy/analysis", params={"from_year": 2015, "to_year": 2015, "change_percent": 10})
    assert response.status_code == 200, response.text
    result = response.json()

    assert result["enough_data"] is False and result["n"] == 1
    assert result["excluded"] == {"no-outcome-or-not-positive": 0, "no-fulfilment": 1, "no-volume": 0}
    assert result["counts"] == {"not_fulfilled": 1, "partly_fulfilled": 0, "fulfilled": 0}
    assert result["statement"].startswith("Not enough data") and "fewer than 30" in result["statement"]
    assert result["coefficient"] is None and result["what_if"] is None


async def test_the_analysis_refuses_cost_per_user_without_a_volume_indicator(admin, economy_data):
    response = await admin.get(f"{G}/economy/analysis", params={"from_year": 2015, "to_year": 2015, "per": "user"})
    assert response.status_code == 422 and response.json()["type"].endswith("volume-indicator-required")
    response = await admin.get(f"{G}/economy/analysis", params={"from_year": 2015, "to_year": 2015, "change_percent": 500})
    assert response.status_code == 422
