"""Demo content: the development unit's budget tables 2012–2015 from seed 004 §5.2, as printed.

Amounts are miljoner kronor. The 2015 table (the year's forecast) states the budget as the
deviation on costs, salaries and other; it is imported as written, so the service reports those
three lines and stores budget − outcome, exactly as it does for any sender.
"""

from goals.demo import DemoLoadError

UNIT_CODE = "SDF-SPT-STAB-VU"  # Enheten för verksamhetsutveckling
LINES = ("income", "costs", "salaries", "other", "net")
# year: (budget, utfall, avvikelse) for intäkter, kostnader, varav löner, varav övrigt, netto
SEED_TABLES = {
    2015: (("0.0", "0.0", "0.0"), ("6.8", "6.8", "6.8"), ("6.6", "6.6", "6.6"), ("0.2", "0.2", "0.2"), ("6.8", "6.8", "0.0")),
    2014: (("0.0", "0.0", "0.0"), ("5.2", "5.0", "0.2"), ("4.9", "4.7", "0.2"), ("0.3", "0.3", "0.0"), ("5.2", "5.0", "0.2")),
    2013: (("0.0", "-0.1", "0.1"), ("3.8", "3.9", "-0.1"), ("3.7", "3.7", "0.0"), ("0.1", "0.2", "-0.1"), ("3.8", "3.8", "0.0")),
    2012: (("0.0", "0.0", "0.0"), ("4.4", "3.2", "1.2"), ("4.2", "2.9", "1.3"), ("0.2", "0.3", "-0.1"), ("4.4", "3.2", "1.2")),
}


def seed_budget_file() -> dict:
    return {"items": [
        {
            "unit_code": UNIT_CODE, "year": year, "amount_unit": "mkr",
            "lines": {line: {"budget": b, "outcome": o, "deviation": d} for line, (b, o, d) in zip(LINES, rows, strict=True)},
        }
        for year, rows in sorted(SEED_TABLES.items())
    ]}


async def load(api) -> dict:
    """Import the tables as the finance system would (a goals:write key); re-running changes nothing."""
    async with api.client(actor="system", roles=(), scopes=("goals:write",), subject="demo-ekonomisystem") as key:
        response = await key.post("/goals/v1/budget-figures/imports", json=seed_budget_file())
    if response.status_code != 200:
        raise DemoLoadError(f"importing the budget tables answered {response.status_code}: {response.text}")
    return response.json()
