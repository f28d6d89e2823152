"""The written rules of economy beside fulfilment (ekonomi och måluppfyllelse).

Per unit and year:

- the budget line compared is ``costs`` by default (or ``net``, ``salaries``, ``other``: each a
  cost, so spending more than budgeted is over budget); deviation = budget − outcome (as the
  budget package computes it), deviation share = deviation / |budget|;
- over budget: outcome − budget > tolerance × |budget|; under budget: budget − outcome >
  tolerance × |budget| (tolerance default 1 %, the setting ``economy_budget_tolerance``);
- fulfilment: the unit's commitments of the year (adopted at some point) with their
  verksamhetsberättelse follow-up (``YYYY-VB``), rolled up by the default roll-up rule
  (equal-weights: uppfyllt 1, delvis 0.5, ej 0; fulfilled from 0.75, partly from 0.4; nothing
  computed under half reported);
- flags: ``over-budget``, ``under-budget``, ``not-fulfilled``, and ``analysis-required`` when a
  unit is both over budget and not fulfilled.

A committee's (or any unit's) figures over the units below it: its own budget table when it has
one for the year, else the sum of the tables of the units below it on the year's last day; its
fulfilment rolls up every commitment of those units.
"""

from decimal import Decimal

from contracts.goals import Assessment

LINES = ("costs", "net", "salaries", "other")


def budget_flags(budget: Decimal | None, outcome: Decimal | None, tolerance: float) -> list[str]:
    if budget is None or outcome is None:
        return []
    margin = Decimal(str(tolerance)) * abs(budget)
    if outcome - budget > margin:
        return ["over-budget"]
    if budget - outcome > margin:
        return ["under-budget"]
    return []


def flags(budget: Decimal | None, outcome: Decimal | None, assessment: Assessment | None, tolerance: float) -> list[str]:
    found = budget_flags(budget, outcome, tolerance)
    if assessment == Assessment.not_fulfilled:
        found.append("not-fulfilled")
        if "over-budget" in found:
            found.append("analysis-required")
    return found


def deviation_share(budget: Decimal | None, outcome: Decimal | None) -> float | None:
    if budget is None or outcome is None or budget == 0:
        return None
    return float((budget - outcome) / abs(budget))
