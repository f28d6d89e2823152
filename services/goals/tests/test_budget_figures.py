"""Budget figures (budget / utfall / avvikelse): deviation computed, disagreements reported, all-or-nothing import."""

from datetime import date
from decimal import Decimal

import pytest
from contracts.organisation import OrganisationUnitType as T

from goals.demo import CITY_CODE, UnitSpec, load_units, seed_committee

IMPORTS = "/goals/v1/budget-figures/imports"
VU = "SDF-SPT-STAB-VU"


@pytest.fixture
async def units(admin):
    """The seed committee from 2012, so the seed's 2012–2015 tables fit."""
    specs = [UnitSpec(CITY_CODE, "Stockholms stad", T.city, None), *seed_committee()]
    return (await load_units(admin, specs, effective_date=date(2012, 1, 1))).ids


@pytest.fixture
async def budget_key(harness):
    async with harness.client(actor="system", roles=(), scopes=("goals:write",), subject="key-ekonomisystem") as key:
        yield key


def table(year: int, rows: dict[str, tuple[str, str, str]], **unit) -> dict:
    return {
        **(unit or {"unit_code": VU}), "year": year, "amount_unit": "mkr",
        "lines": {line: {"budget": budget, "outcome": outcome, "deviation": deviation} for line, (budget, outcome, deviation) in rows.items()},
    }


# Seed 004 §5.2 as printed: the 2015 table states budget as deviation for costs, salaries and other.
SEED_2015 = {"income": ("0.0", "0.0", "0.0"), "costs": ("6.8", "6.8", "6.8"), "salaries": ("6.6", "6.6", "6.6"),
             "other": ("0.2", "0.2", "0.2"), "net": ("6.8", "6.8", "0.0")}
SEED_2014 = {"income": ("0.0", "0.0", "0.0"), "costs": ("5.2", "5.0", "0.2"), "salaries": ("4.9", "4.7", "0.2"),
             "other": ("0.3", "0.3", "0.0"), "net": ("5.2", "5.0", "0.2")}


def by_line(figures: dict) -> dict[str, dict]:
    return {line["line"]: line for line in figures["lines"]}


async def test_a_disagreeing_deviation_is_reported_per_line_and_stored_as_budget_minus_outcome(budget_key, units):
    response = await budget_key.post(IMPORTS, json={"items": [table(2014, SEED_2014), table(2015, SEED_2015)]})

    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["entries"], result["created"], result["changed"], result["unchanged"]) == (2, 2, 0, 0)
    consistent, inconsistent = result["items"]
    assert consistent["discrepancies"] == []
    # 6.8 − 6.8 = 0.0, 6.6 − 6.6 = 0.0, 0.2 − 0.2 = 0.0: the stated 6.8, 6.6 and 0.2 disagree; net agrees.
    assert [(d["line"], d["stated"], d["computed"]) for d in inconsistent["discrepancies"]] == [
        ("costs", 6.8, 0.0), ("salaries", 6.6, 0.0), ("other", 0.2, 0.0),
    ]

    stored = await budget_key.get(f"/goals/v1/organisation-units/{units[VU]}/budget-figures/2015")
    assert stored.status_code == 200, stored.text
    lines = by_line(stored.json())
    assert [line["name_sv"] for line in stored.json()["lines"]] == ["Intäkter", "Kostnader", "varav löner", "varav övrigt", "Netto"]
    assert (lines["costs"]["deviation"], lines["costs"]["stated_deviation"], lines["costs"]["deviation_disagrees"]) == (0.0, 6.8, True)
    assert (lines["net"]["deviation"], lines["net"]["deviation_disagrees"]) == (0.0, False)
    assert len(stored.json()["discrepancies"]) == 3
    earlier = by_line((await budget_key.get(f"/goals/v1/organisation-units/{units[VU]}/budget-figures/2014")).json())
    # 5.2 − 5.0 = 0.2 and 4.9 − 4.7 = 0.2, as stated.
    assert Decimal(str(earlier["costs"]["deviation"])) == Decimal("0.2")
    assert Decimal(str(earlier["salaries"]["deviation"])) == Decimal("0.2")


async def test_reimporting_the_same_file_changes_nothing_and_a_changed_table_gets_a_new_revision(budget_key, units):
    file = {"items": [table(2014, SEED_2014)]}
    first = await budget_key.post(IMPORTS, json=file)
    again = await budget_key.post(IMPORTS, json=file)
    assert first.json()["created"] == 1
    assert (again.json()["unchanged"], again.json()["changed"], again.json()["created"]) == (1, 0, 0)
    path = f"/goals/v1/organisation-units/{units[VU]}/budget-figures/2014"
    assert (await budget_key.get(path)).json()["revision"] == 1

    corrected = {**SEED_2014, "costs": ("5.2", "5.1", "0.1")}
    changed = await budget_key.post(IMPORTS, json={"items": [table(2014, corrected)]})
    assert changed.json()["changed"] == 1
    now = (await budget_key.get(path)).json()
    assert now["revision"] == 2
    assert by_line(now)["costs"]["outcome"] == 5.1


async def test_a_file_with_bad_entries_is_refused_whole_with_each_position(budget_key, units):
    file = {"items": [
        table(2014, SEED_2014),  # good, but must not be applied
        table(2014, SEED_2014, unit_code="SDF-NOPE"),
        table(2010, SEED_2014),  # the unit exists from 2012
        table(2040, SEED_2014),
        table(2014, SEED_2014, unit_id=str(units[VU])),  # the same unit and year as /items/0
        table(2014, {"costs": ("5.2", None, "0.2")}, unit_id=str(units["SDF-SPT"])),
    ]}
    response = await budget_key.post(IMPORTS, json=file)

    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("/import-rejected")
    assert [(error["position"], error["kind"]) for error in problem["errors"]] == [
        ("/items/1/unit_code", "unknown-unit"),
        ("/items/2/year", "unit-not-in-effect"),
        ("/items/3/year", "year-out-of-range"),
        ("/items/4", "duplicate-entry"),
        ("/items/5/lines/costs/deviation", "deviation-without-outcome"),
    ]
    missing = await budget_key.get(f"/goals/v1/organisation-units/{units[VU]}/budget-figures/2014")
    assert missing.status_code == 404


async def test_who_imports_and_who_reads(harness, budget_key, units):
    await budget_key.post(IMPORTS, json={"items": [table(2014, SEED_2014)]})
    path = f"/goals/v1/organisation-units/{units[VU]}/budget-figures/2014"
    async with harness.client(roles=("unit_manager",), org=(str(units[VU]),), subject="chef-vu") as manager:
        manager_import = await manager.post(IMPORTS, json={"items": [table(2015, SEED_2015)]})
        manager_read = await manager.get(path)
        manager_list = await manager.get("/goals/v1/budget-figures")
    async with harness.client(roles=("unit_manager",), org=(str(units["SDF-SPT-IOF"]),), subject="chef-iof") as other:
        other_read = await other.get(path)
        other_list = await other.get("/goals/v1/budget-figures")
    async with harness.client(actor="system", roles=(), scopes=("goals:read",)) as reader:
        reader_import = await reader.post(IMPORTS, json={"items": [table(2015, SEED_2015)]})
        reader_list = await reader.get("/goals/v1/budget-figures", params={"year": 2014})
    async with harness.client(actor="portal", roles=(), scopes=("goals:read",)) as portal:
        portal_read = await portal.get(path)

    assert manager_import.status_code == reader_import.status_code == 403
    assert manager_read.status_code == 200
    assert [item["year"] for item in manager_list.json()["items"]] == [2014]
    assert other_read.status_code == 403
    assert other_list.json()["items"] == []
    assert [item["unit_id"] for item in reader_list.json()["items"]] == [str(units[VU])]
    assert portal_read.status_code == 403
