"""The round's phases as a forward-only state machine (see contracts.awards.RoundPhase for the order).

A phase is left only for the next one, by the award administrator, when every exit condition
holds. The conditions of the first two phases are checked in ``awards.rounds.service``; those
from individual assessment on belong to the examination and are the functions below, registered
in ``EXAMINATION_EXIT_CONDITIONS``:

- individual assessment: every examiner of every confirmed team has submitted;
- consensus: every rubric area of every examined application has a consensus score;
- jury shortlist: the jury has set its shortlist;
- site visits: every shortlisted application has its site visit recorded;
- jury decision: the jury's decision is made;
- feedback reports released: every examined application's feedback report is released;
- good examples published (the last phase, so it only reports): every awarded unit was asked for consent.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from contracts.awards import RoundPhase
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from awards.applications import repository as applications
from awards.assessments import repository as assessments
from awards.consensus import repository as consensus
from awards.feedback_reports import repository as feedback_reports
from awards.good_examples import repository as good_examples
from awards.jury import repository as jury
from awards.rubrics import repository as rubrics

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


async def every_examiner_submitted(session: AsyncSession, row: Row, today: date) -> list[Condition]:
    members = await assessments.teams_of_round(session, round_id=row.id)
    waiting = await assessments.unsubmitted_members(session, round_id=row.id)
    applications = {m.application_id for m in members}
    return [Condition(
        "assessments-submitted", bool(members) and not waiting,
        f"All {len(members)} examiners' assessments of {len(applications)} applications are submitted." if members and not waiting
        else "No application has a confirmed examiner team." if not members
        else f"{len(waiting)} of {len(members)} assigned assessments are not submitted yet "
        f"({len({w.application_id for w in waiting})} applications waiting).",
    )]


async def every_area_has_consensus(session: AsyncSession, row: Row, today: date) -> list[Condition]:
    missing = await _areas_without_consensus(session, row)
    examined = await assessments.examined_applications(session, round_id=row.id)
    return [Condition(
        "consensus-recorded", bool(examined) and not missing,
        f"Every area of all {len(examined)} examined applications has a consensus score." if examined and not missing
        else "No application is examined in the round." if not examined
        else f"{sum(len(a) for a in missing.values())} areas of {len(missing)} applications have no consensus score yet.",
    )]


async def _areas_without_consensus(session: AsyncSession, row: Row) -> dict:
    """Application id → the rubric areas without a consensus score, for every examined application of the round."""
    examined = await assessments.examined_applications(session, round_id=row.id)
    stored: dict = {}
    for area in await consensus.consensus_of_round(session, round_id=row.id):
        stored.setdefault(area.application_id, set()).add(area.area_number)
    missing, versions = {}, {}
    for application_id in examined:
        application = await applications.get_application(session, application_id=application_id)
        if application.rubric_version not in versions:
            versions[application.rubric_version] = await rubrics.get_version(session, round_id=row.id, version=application.rubric_version)
        rubric = versions[application.rubric_version]
        lacking = [a["number"] for a in rubric.areas if a["number"] not in stored.get(application_id, set())]
        if lacking:
            missing[application_id] = lacking
    return missing


async def consensus_complete(session: AsyncSession, row: Row) -> bool:
    """Every area of every examined application has a consensus (and at least one application is examined)."""
    return bool(await assessments.examined_applications(session, round_id=row.id)) and not await _areas_without_consensus(session, row)


async def shortlist_set(session: AsyncSession, row: Row, today: date) -> list[Condition]:
    shortlist = await jury.get_shortlist(session, round_id=row.id)
    return [Condition(
        "shortlist-set", shortlist is not None,
        f"The jury's shortlist holds {len(shortlist.application_ids)} applications." if shortlist is not None
        else "The jury has not set its shortlist.",
    )]


async def site_visits_recorded(session: AsyncSession, row: Row, today: date) -> list[Condition]:
    shortlist = await jury.get_shortlist(session, round_id=row.id)
    chosen = list(shortlist.application_ids) if shortlist else []
    done = await consensus.visited(session, application_ids=chosen)
    return [Condition(
        "site-visits-recorded", shortlist is not None and done >= set(chosen),
        f"Site visits to all {len(chosen)} shortlisted applications are recorded." if shortlist is not None and done >= set(chosen)
        else "There is no shortlist." if shortlist is None
        else f"{len(set(chosen) - done)} of {len(chosen)} shortlisted applications have no recorded site visit.",
    )]


async def decision_made(session: AsyncSession, row: Row, today: date) -> list[Condition]:
    decision = await jury.get_decision(session, round_id=row.id)
    return [Condition(
        "decision-made", decision is not None,
        f"The jury decided on {decision.decided_on} ({decision.reference})." if decision is not None
        else "The jury has not made its decision.",
    )]


async def feedback_reports_released(session: AsyncSession, row: Row, today: date) -> list[Condition]:
    """Every examined application's feedback report (återkopplingsrapport) is released."""
    examined = await assessments.examined_applications(session, round_id=row.id)
    released = await feedback_reports.released_applications(session, round_id=row.id)
    waiting = [a for a in examined if a not in released]
    return [Condition(
        "feedback-reports-released", bool(examined) and not waiting,
        f"The feedback reports of all {len(examined)} examined applications are released." if examined and not waiting
        else "No application is examined in the round." if not examined
        else f"{len(waiting)} of {len(examined)} examined applications have no released feedback report yet.",
    )]


async def good_examples_consent_asked(session: AsyncSession, row: Row, today: date) -> list[Condition]:
    """Every awarded unit has been asked for its consent (given or declined) before anything of it is published.

    The last phase has no successor, so this only reports.
    """
    units = await good_examples.awarded_units(session, round_id=row.id)
    asked = await good_examples.units_with_consent_decision(session, round_id=row.id)
    waiting = units - asked
    published = await good_examples.count_published(session, round_id=row.id)
    return [Condition(
        "good-examples-consent-asked", bool(units) and not waiting,
        f"All {len(units)} awarded units have been asked for consent; {published} good examples are published."
        if units and not waiting
        else "The round has no awards whose practices could be published." if not units
        else f"{len(waiting)} of {len(units)} awarded units have not been asked for consent to publishing yet.",
    )]


# The examination's exit conditions, per phase (individual_assessment and every later phase).
EXAMINATION_EXIT_CONDITIONS: dict[RoundPhase, ExitCheck] = {
    RoundPhase.individual_assessment: every_examiner_submitted,
    RoundPhase.consensus: every_area_has_consensus,
    RoundPhase.jury_shortlist: shortlist_set,
    RoundPhase.site_visits: site_visits_recorded,
    RoundPhase.jury_decision: decision_made,
    RoundPhase.feedback_reports_released: feedback_reports_released,
    RoundPhase.good_examples_published: good_examples_consent_asked,
}


def next_phase(phase: RoundPhase) -> RoundPhase | None:
    position = ORDER.index(phase)
    return ORDER[position + 1] if position + 1 < len(ORDER) else None

