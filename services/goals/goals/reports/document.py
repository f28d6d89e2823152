"""What a committee's report says, built from the data of the moment (live) or once at submission (frozen).

The document: the committee's goals (nämndmål) each with its roll-up (distribution, computed
fulfilment, explanation) and the committee's verdict; the adopted commitments of its units with
their follow-up for the period (verdict, analysis); the indicator targets on those goals and
commitments for the period with the current value beside each; the budget tables (budget / utfall /
avvikelse) of the committee and its units for the year; and the figures from other services
(``foreign``). It names units by id, code and name and people not at all (no subject ids), and
every figure is a plain JSON number, so XLSX and CSV are rendered from it alone.
"""

import uuid
from collections import Counter
from decimal import Decimal
from typing import Any

from contracts.goals import Comparison

from goals.budget import repository as budget_repository
from goals.budget import service as budget
from goals.follow_ups import rules
from goals.follow_ups.rules import FollowUpPeriod
from goals.foreign_figures.service import figures_for_report
from goals.rollup import service as rollup
from goals.reports import repository

DOCUMENT_VERSION = 1
TITLES_SV = {"T1": "Tertialrapport 1", "T2": "Tertialrapport 2", "VB": "Verksamhetsberättelse"}
_VERDICTS = ("fulfilled", "partly_fulfilled", "not_fulfilled")


def _number(value: Decimal | float | None) -> float | int | None:
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def _unit(units: dict, unit_id: uuid.UUID) -> dict[str, Any]:
    row = units.get(unit_id)
    return {"id": str(unit_id), "code": row.code if row else None, "name": row.name if row else None}


def _goal(roll_up) -> dict[str, Any]:
    shown = roll_up.model_dump(mode="json")
    verdict = shown["committee_verdict"]
    explanation = shown["explanation"]
    return {
        "id": shown["goal"]["id"], "level": shown["goal"]["level"], "title": shown["goal"]["title"],
        "distribution": shown["distribution"], "commitments": shown["commitments"], "fulfilment": shown["fulfilment"],
        "committee_verdict": None if verdict is None else {"assessment": verdict["assessment"], "analysis": verdict["analysis"]},
        "explanation": {
            "rule": {"code": explanation["rule"]["code"], "version": explanation["rule"]["version"]},
            "formula": explanation["formula"],
            "inputs": [
                {key: item[key] for key in ("kind", "id", "title", "unit_id", "verdict", "score", "weight", "follow_up_id")}
                for item in explanation["inputs"]
            ],
            "overrides": explanation["overrides"],
        },
    }


def _commitment(row, follow_up, units: dict) -> dict[str, Any]:
    shown = None
    if follow_up is not None:
        shown = {
            "id": str(follow_up.id), "suggested_assessment": follow_up.suggested_assessment, "assessment": follow_up.assessment,
            "outcome_value": _number(follow_up.outcome_value), "result": follow_up.result, "analysis": follow_up.analysis,
            "next_steps": follow_up.next_steps, "reported_on": follow_up.reported_on.isoformat(), "late": follow_up.late,
        }
    return {
        "id": str(row.id), "unit": _unit(units, row.unit_id), "position": row.position, "title": row.title,
        "version": row.version, "committee_goal_id": str(row.committee_goal_id) if row.committee_goal_id else None,
        "expected_result_type": row.expected_result_type, "follow_up": shown,
    }


def _indicator(target, value) -> dict[str, Any]:
    target_value, current = _number(target.target_value), _number(value.value) if value is not None else None
    met = None if current is None else rules.comparison_met(float(current), Comparison(target.comparison), float(target_value))
    return {
        "target_id": str(target.id),
        "indicator": {"id": str(target.indicator_id), "code": target.code, "title": target.title,
                      "unit_of_measure": target.unit_of_measure, "polarity": target.polarity},
        "goal_id": str(target.goal_id) if target.goal_id else None,
        "commitment_id": str(target.commitment_id) if target.commitment_id else None,
        "unit_id": str(target.unit_id), "period": target.period, "gender": target.gender, "comparison": target.comparison,
        "target": target_value, "value": current, "met": met,
    }


def _budget(year, units: dict) -> dict[str, Any]:
    shown = budget.render(year)
    return {
        "unit": _unit(units, year.unit_id), "year": year.year, "amount_unit": shown.amount_unit.value,
        "lines": [
            {"line": line.line.value, "name_sv": line.name_sv, "budget": _number(line.budget), "outcome": _number(line.outcome),
             "deviation": _number(line.deviation)}
            for line in shown.lines
        ],
    }


def _foreign_unit_ids(foreign: dict) -> set[uuid.UUID]:
    complaints = foreign["complaints"] or {"committee": None, "units": []}
    named = [f["unit_id"] for f in (complaints["committee"], *complaints["units"]) if f is not None]
    named += [item["unit_id"] for item in (*foreign["awards"], *foreign["good_examples"])]
    return {uuid.UUID(str(unit_id)) for unit_id in named}


async def build(session, *, committee_id: uuid.UUID, period: FollowUpPeriod) -> dict[str, Any]:
    """The report's document from the data as it is now (a dict ready for JSON)."""
    year = period.year
    rule = await rollup.rule_for(session, code=None, version=None)
    goal_rows = await repository.committee_goals(session, committee_id=committee_id, year=year)
    below = await repository.units_below_committee(session, committee_id=committee_id, as_of=period.last_day)
    commitment_rows = await repository.commitments_of(
        session, unit_ids=[unit_id for unit_id, _ in below], year=year, last_day=period.last_day,
    )
    # The goals' roll-ups start from these commitments (the committee's own) and read the period's
    # follow-ups once, for the roll-ups and the report's commitments both.
    roll_ups, follow_ups = await rollup.goal_roll_ups(session, goals=goal_rows, period=period, rule=rule, known=commitment_rows)
    target_periods = [period.text, str(year)] if period.kind == "VB" else [period.text]
    targets = await repository.targets_for(
        session, goal_ids=[row.id for row in goal_rows], commitment_ids=[row.id for row in commitment_rows], periods=target_periods,
    )
    values = await repository.current_values(
        session, keys=[(t.indicator_id, t.unit_id, t.period, t.gender) for t in targets],
    )
    in_effect_ids = [unit_id for unit_id, in_effect in below if in_effect]
    budget_years = await budget_repository.load_years(
        session, where=(budget_repository.YEARS.c.unit_id.in_(in_effect_ids or [committee_id])) & (budget_repository.YEARS.c.year == year),
    )
    foreign = await figures_for_report(session, committee_id=committee_id, period=period.text)
    foreign_ids = _foreign_unit_ids(foreign)
    unit_ids = {committee_id, *(row.unit_id for row in commitment_rows), *(y.unit_id for y in budget_years), *foreign_ids}
    units = await repository.units_of(session, unit_ids=unit_ids, as_of=period.last_day)

    commitment_list = [_commitment(row, follow_ups.get(row.id), units) for row in commitment_rows]
    commitment_list.sort(key=lambda c: (c["unit"]["code"] or "", c["position"], c["id"]))
    budget_list = sorted((_budget(y, units) for y in budget_years), key=lambda b: b["unit"]["code"] or "")
    indicator_list = [_indicator(t, values.get((t.indicator_id, t.unit_id, t.period, t.gender))) for t in targets]
    verdicts = Counter(c["follow_up"]["assessment"] if c["follow_up"] else "not_reported" for c in commitment_list)
    committee = _unit(units, committee_id)
    return {
        "document_version": DOCUMENT_VERSION,
        "kind": "annual_report" if period.kind == "VB" else "tertial_report",
        "title": f"{TITLES_SV[period.kind]} {year}, {committee['name']}",
        "committee": committee, "period": period.text, "year": year,
        "rule": {"code": rule.code, "version": rule.version},
        "summary": {
            "goals": len(roll_ups),
            "commitments": len(commitment_list),
            **{f"commitments_{key}": verdicts.get(key, 0) for key in (*_VERDICTS, "not_reported")},
            "targets": len(indicator_list),
            "targets_met": sum(1 for item in indicator_list if item["met"]),
        },
        "goals": [_goal(roll_up) for roll_up in roll_ups],
        "commitments": commitment_list,
        "indicators": indicator_list,
        "budget": budget_list,
        "foreign": foreign,
        # The units the foreign figures name (by id there), so the XLSX and CSV can show their names.
        "foreign_units": [_unit(units, unit_id) for unit_id in sorted(foreign_ids, key=str)],
    }
