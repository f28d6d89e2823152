"""The round's phases as a forward-only state machine (see contracts.awards.RoundPhase for the order).

A phase is left only for the next one, by the award administrator, when every exit condition
holds. This issue states and checks the conditions of the first two phases; the conditions of
the phases from individual assessment on belong to the examination (issue 12, scores,
consensus, jury), which registers its checks in ``EXAMINATION_EXIT_CONDITIONS``. Until it does,
such a phase reports one unmet condition saying so, and the round stays where it is.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from contracts.awards import RoundPhase
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

ORDER: list[RoundPhase] = list(RoundPhase)

SWEDISH = {
    RoundPhase.open_for_applications: "öppen för ansökningar",
    RoundPhase.eligibility: "behörighetsprövning",
    RoundPhase.individual_assessment: "individuell bedömning",
    RoundPhase.consensus: "konsensus",
    RoundPhase.jury_shortlist: "domarkommitténs urval",
    RoundPhase.site_visits: "platsbesök",
    RoundPhase.jury_decision: "domarkommitténs beslut",
    RoundPhase.feedback_reports_released: "återkopplingsrapporter lämnade",
    RoundPhase.good_examples_published: "goda exempel publicerade",
}


@dataclass(frozen=True)
class Condition:
    key: str
    met: bool
    explanation: str


# The round's row and today's date (Europe/Stockholm) → the phase's exit conditions.
ExitCheck = Callable[[AsyncSession, Row, date], Awaitable[list[Condition]]]

# Filled by the examination (issue 12) for individual_assessment and every later phase.
EXAMINATION_EXIT_CONDITIONS: dict[RoundPhase, ExitCheck] = {}


def next_phase(phase: RoundPhase) -> RoundPhase | None:
    position = ORDER.index(phase)
    return ORDER[position + 1] if position + 1 < len(ORDER) else None


def not_yet_defined(phase: RoundPhase) -> Condition:
    return Condition(
        "examination-conditions-defined", False,
        f"The exit conditions of {phase} ({SWEDISH[phase]}) belong to the examination (scores, consensus, jury), "
        "which is not built yet; the round stays in this phase until they are.",
    )
