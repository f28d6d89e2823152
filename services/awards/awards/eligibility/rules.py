"""Eligibility rules as data: a small declared set, each checked and explained in words.

A round stores its rules as a list; each has a ``kind`` and its parameters. Every check also
requires the applying unit to be in effect in the organisation tree on the reference date
(the application deadline).
"""

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from contracts.awards import Prize
from contracts.organisation import OrganisationUnitState, OrganisationUnitType
from pydantic import BaseModel, ConfigDict, Field


class UnitTypesRule(BaseModel):
    """Only units of these types may apply (enhetstyper)."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["unit_types"] = "unit_types"
    types: list[OrganisationUnitType] = Field(min_length=1)


class TimeInOperationRule(BaseModel):
    """The unit has existed in the tree for at least this many months on the reference date (verksamhetstid)."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["min_time_in_operation"] = "min_time_in_operation"
    months: int = Field(ge=1, le=240)


class NotRecentWinnerRule(BaseModel):
    """The unit has not won this prize in the last N years before the round's year (karens)."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["not_recent_winner"] = "not_recent_winner"
    years: int = Field(ge=1, le=20)


EligibilityRule = Annotated[UnitTypesRule | TimeInOperationRule | NotRecentWinnerRule, Field(discriminator="kind")]

# Seed 004's applicant is an enhet founded in 2010; a unit must have run at least one tertial
# (four months) so that it has a follow-up to show; a winner rests three rounds.
DEFAULT_RULES: dict[Prize, list[BaseModel]] = {
    Prize.quality_award: [
        UnitTypesRule(types=[OrganisationUnitType.unit, OrganisationUnitType.department, OrganisationUnitType.contractor]),
        TimeInOperationRule(months=4),
        NotRecentWinnerRule(years=3),
    ],
    Prize.renewal_prize: [
        UnitTypesRule(types=[
            OrganisationUnitType.unit, OrganisationUnitType.department, OrganisationUnitType.contractor,
            OrganisationUnitType.administration,
        ]),
        NotRecentWinnerRule(years=1),
    ],
}


@dataclass(frozen=True)
class RuleResult:
    kind: str
    passed: bool
    explanation: str


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def check(
    rules: list[BaseModel], *, unit: OrganisationUnitState | None, on: date, prize: Prize, year: int, wins: list[int],
) -> list[RuleResult]:
    """Each rule's verdict with its reason; ``wins`` are the years the unit won this prize."""
    version = None
    if unit is not None:
        version = next((v for v in unit.versions if v.valid_from <= on and (v.valid_to is None or on < v.valid_to)), None)
    results = [
        RuleResult(
            "unit_in_effect", version is not None,
            f"The unit {version.name} is in effect on {on}." if version else f"The unit is not in effect in the organisation tree on {on}.",
        )
    ]
    for rule in rules:
        if isinstance(rule, UnitTypesRule):
            allowed = ", ".join(rule.types)
            passed = version is not None and version.type in rule.types
            kind = version.type if version else "unknown"
            results.append(RuleResult(rule.kind, passed, f"The unit is of type {kind}; the round admits {allowed}."))
        elif isinstance(rule, TimeInOperationRule):
            started = unit.versions[0].valid_from if unit else None
            months = _months_between(started, on) if started else 0
            results.append(RuleResult(
                rule.kind, started is not None and months >= rule.months,
                f"The unit exists from {started}, {months} whole months before {on}; the round requires {rule.months}."
                if started else "The unit's start is not known.",
            ))
        elif isinstance(rule, NotRecentWinnerRule):
            recent = sorted(y for y in wins if year - rule.years <= y < year)
            results.append(RuleResult(
                rule.kind, not recent,
                f"The unit won this prize in {', '.join(map(str, recent))}, within the last {rule.years} years."
                if recent else f"The unit has not won this prize in the last {rule.years} years.",
            ))
    return results
