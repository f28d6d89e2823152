"""The written rules of follow-up: periods, default deadlines and the suggested assessment.

Periods (ARCHITECTURE.md): ``2015-T1`` tertialrapport 1 (January–April), ``2015-T2``
tertialrapport 2 (January–August), ``2015-VB`` verksamhetsberättelse (the whole year).

Default deadlines follow the annual wheel (årshjul) of seed 004 §6.3: tertialrapport 1 in
April–May, tertialrapport 2 in August–September, the annual report in December–January; a
follow-up is due by the end of the month after its period (T1 31 May, T2 30 September, VB 31
January the next year). Reported later, it is accepted and marked late.

Suggested assessment (förslag till bedömning), per type of expected result:

- target value (målvärde): the comparison met → fulfilled (uppfyllt); missed by at most the
  partly band × |target| (default 10 %) → partly fulfilled (delvis uppfyllt); else not fulfilled
  (ej uppfyllt). The comparison agrees with the indicator's polarity (checked when the commitment
  is written), so a miss is always in the worse direction.
- checklist (tillstånd): every item reached → fulfilled; at least half → partly; else not.
- target picture (målbild): no suggestion; a person judges.
"""

import re
from dataclasses import dataclass
from datetime import date

from contracts.goals import Assessment, Comparison

PERIOD_PATTERN = r"^\d{4}-(T1|T2|VB)$"
CHECKLIST_PARTLY_SHARE = 0.5
_PERIOD = re.compile(PERIOD_PATTERN)


@dataclass(frozen=True)
class FollowUpPeriod:
    text: str
    year: int
    kind: str  # T1 | T2 | VB
    last_day: date  # the period's last day: the commitment version in force then is followed up
    deadline: date


def parse_period(text: str) -> FollowUpPeriod | None:
    if not _PERIOD.match(text):
        return None
    year, kind = int(text[:4]), text[5:]
    if kind == "T1":
        return FollowUpPeriod(text, year, kind, date(year, 4, 30), date(year, 5, 31))
    if kind == "T2":
        return FollowUpPeriod(text, year, kind, date(year, 8, 31), date(year, 9, 30))
    return FollowUpPeriod(text, year, kind, date(year, 12, 31), date(year + 1, 1, 31))


def comparison_met(outcome: float, comparison: Comparison, target: float) -> bool:
    return {
        Comparison.at_least: outcome >= target,
        Comparison.more_than: outcome > target,
        Comparison.at_most: outcome <= target,
        Comparison.less_than: outcome < target,
    }[comparison]


def suggest_for_target_value(*, outcome: float, comparison: Comparison, target: float, partly_band: float) -> tuple[Assessment, dict]:
    """The suggestion and what it was computed from (stored and shown beside the verdict)."""
    basis = {"rule": "target_value", "outcome": outcome, "comparison": comparison.value, "target": target, "partly_band": partly_band}
    if comparison_met(outcome, comparison, target):
        return Assessment.fulfilled, basis
    if abs(outcome - target) <= partly_band * abs(target):
        return Assessment.partly_fulfilled, basis
    return Assessment.not_fulfilled, basis


def suggest_for_checklist(*, reached: int, total: int) -> tuple[Assessment, dict]:
    share = reached / total
    basis = {"rule": "checklist", "reached": reached, "total": total, "share": round(share, 4)}
    if reached == total:
        return Assessment.fulfilled, basis
    if share >= CHECKLIST_PARTLY_SHARE:
        return Assessment.partly_fulfilled, basis
    return Assessment.not_fulfilled, basis
