"""Consensus: the team agrees one score per area on the same grid, and says why wherever it departs from a member's score.

Written by the team's members (or ``admin``) while the round is in the consensus phase, once every
member has submitted. Each departure from a submitted individual score is recorded with its reason
(per examiner, or one reason for all); a consensus without a reason for a departure is refused. A
later revision records its departures again, so the history shows every step. The site visit's
notes are written by the team in the site-visit phase, for shortlisted applications only.
"""

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from contracts.awards import RoundPhase
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.problems import ProblemError

from awards.applications import repository as applications
from awards.assessments import repository as assessments
from awards.assessments.scoring import check_score
from awards.assessments.service import Team, all_submitted, areas_of
from awards.consensus import repository
from awards.consensus.schemas import (
    Consensus,
    ConsensusArea,
    ConsensusAreaIn,
    ConsensusChange,
    IndividualScore,
    SiteVisit,
    SiteVisitIn,
)
from awards.jury import repository as jury
from awards.rounds import service as rounds
from awards.rubrics.schemas import question_numbers


def weighted_score(areas: list[dict], scores: dict[int, int]) -> float | None:
    """Σ weight × score / 100 (weights sum to 100), rounded to one decimal; None while an area lacks a score."""
    if any(area["number"] not in scores for area in areas):
        return None
    total = sum(Decimal(str(area["weight"])) * scores[area["number"]] for area in areas) / 100
    return float(round(total, 1))


async def individual_scores(session: AsyncSession, team: Team) -> dict[int, dict[uuid.UUID, int]]:
    """Area → examiner → submitted individual score, for the team's members."""
    rows = await assessments.assessments_of_application(session, application_id=team.application.id)
    submitted = [r for r in rows if r.status == "submitted" and r.examiner_id in team.member_ids]
    scores = await assessments.scores_of(session, assessment_ids=[r.id for r in submitted])
    by_area: dict[int, dict[uuid.UUID, int]] = {}
    for row in submitted:
        for s in scores[row.id]:
            by_area.setdefault(s.area_number, {})[row.examiner_id] = s.score
    return by_area


async def render(session: AsyncSession, team: Team) -> Consensus:
    areas = await areas_of(session, team.application)
    stored = {row.area_number: row for row in await repository.areas_of(session, application_id=team.application.id)}
    changes: dict[int, list[Row]] = {}
    for change in await repository.changes_of(session, application_id=team.application.id):
        changes.setdefault(change.area_number, []).append(change)
    individual = await individual_scores(session, team) if await _team_finished(session, team) else {}
    visit = await repository.get_site_visit(session, application_id=team.application.id)
    return Consensus(
        application_id=team.application.id, round_id=team.application.round_id,
        complete=all(area["number"] in stored for area in areas),
        missing_areas=[area["number"] for area in areas if area["number"] not in stored],
        weighted_score=weighted_score(areas, {n: row.score for n, row in stored.items()}),
        areas=[
            ConsensusArea(
                area_number=area["number"], area_title=area["title"], weight=float(area["weight"]),
                band=row.band, score=row.score, strengths=row.strengths, improvements=row.improvements,
                individual_scores=[IndividualScore(examiner_id=e, score=s) for e, s in sorted(individual.get(area["number"], {}).items())],
                changes=[
                    ConsensusChange(examiner_id=c.examiner_id, individual_score=c.individual_score, consensus_score=c.consensus_score,
                                    reason=c.reason, consensus_revision=c.consensus_revision, recorded_at=c.recorded_at)
                    for c in changes.get(area["number"], [])
                ],
                revision=row.revision, recorded_at=row.recorded_at,
            )
            for area in areas if (row := stored.get(area["number"])) is not None
        ],
        site_visit=render_visit(visit) if visit else None,
    )


def render_visit(row: Row) -> SiteVisit:
    return SiteVisit(application_id=row.application_id, visited_on=row.visited_on, notes=row.notes, revision=row.revision,
                     recorded_at=row.recorded_at)


async def _team_finished(session: AsyncSession, team: Team) -> bool:
    return all_submitted(team.members, await assessments.assessments_of_application(session, application_id=team.application.id))


def _require_team_writer(principal: Principal, team: Team) -> None:
    if team.caller_examiner_id is None and not (principal.actor_kind == "staff" and "admin" in principal.roles):
        raise ProblemError(403, "The application's examiner team records its consensus and site visit.", kind="forbidden")


async def lock_area(session: AsyncSession, principal: Principal, team: Team, *, area_number: int) -> Row | None:
    _require_team_writer(principal, team)
    if area_number not in {area["number"] for area in await areas_of(session, team.application)}:
        raise ProblemError(404, f"The rubric has no area {area_number}.", kind="area-not-found")
    await applications.get_application(session, application_id=team.application.id, lock=True)  # one writer at a time
    return await repository.get_area(session, application_id=team.application.id, area_number=area_number, lock=True)


async def save_area(
    session: AsyncSession, principal: Principal, team: Team, *, row: Row | None, area_number: int, data: ConsensusAreaIn,
) -> Row:
    rounds.require_phase(team.round, RoundPhase.consensus, action="Consensus is recorded")
    if not await _team_finished(session, team):
        raise ProblemError(409, "Consensus comes after every member of the team has submitted.", kind="assessments-not-submitted")
    band = check_score(band=data.band, score=data.score, area_number=area_number)
    if not data.strengths and not data.improvements:
        raise ProblemError(422, f"Area {area_number}: the consensus needs at least one strength or area for improvement.",
                           kind="findings-missing", area_number=area_number)
    questions = set(question_numbers(await areas_of(session, team.application)))
    cited = sorted({q for f in (*data.strengths, *data.improvements) for q in f.questions} - questions)
    if cited:
        raise ProblemError(422, f"The application has no questions {', '.join(cited)}.", kind="unknown-questions", questions=cited)
    strangers = sorted(str(e) for e in set(data.reasons) - team.member_ids)
    if strangers:
        raise ProblemError(422, f"Examiners {', '.join(strangers)} are not in the team.", kind="not-team-members", examiners=strangers)
    individual = (await individual_scores(session, team)).get(area_number, {})
    departures = {e: s for e, s in individual.items() if s != data.score}
    unexplained = sorted(str(e) for e in departures if e not in data.reasons and data.reason is None)
    if unexplained:
        raise ProblemError(
            422, f"Area {area_number}: the consensus {data.score} departs from the individual scores of {len(unexplained)} "
            "examiners without a reason; give one per examiner (reasons) or one for all (reason).",
            kind="consensus-reason-missing", area_number=area_number, examiners=unexplained,
        )
    now = datetime.now(UTC)
    revision = (row.revision if row else 0) + 1
    saved = await repository.save_area(
        session, application_id=team.application.id, area_number=area_number, revision=revision, band=band.key, score=data.score,
        strengths=[f.model_dump(mode="json") for f in data.strengths],
        improvements=[f.model_dump(mode="json") for f in data.improvements],
        recorded_by=principal.subject, recorded_at=now,
    )
    await repository.add_changes(session, changes=[
        {"id": uuid.uuid4(), "application_id": team.application.id, "area_number": area_number, "consensus_revision": revision,
         "examiner_id": examiner, "individual_score": score, "consensus_score": data.score,
         "reason": data.reasons.get(examiner) or data.reason, "recorded_by": principal.subject, "recorded_at": now}
        for examiner, score in sorted(departures.items())
    ])
    return saved


async def lock_site_visit(session: AsyncSession, principal: Principal, team: Team) -> Row | None:
    _require_team_writer(principal, team)
    await applications.get_application(session, application_id=team.application.id, lock=True)
    return await repository.get_site_visit(session, application_id=team.application.id, lock=True)


async def save_site_visit(session: AsyncSession, principal: Principal, team: Team, *, row: Row | None, data: SiteVisitIn) -> Row:
    rounds.require_phase(team.round, RoundPhase.site_visits, action="Site visits are recorded")
    shortlist = await jury.get_shortlist(session, round_id=team.application.round_id)
    if shortlist is None or team.application.id not in shortlist.application_ids:
        raise ProblemError(409, "Site visits are made to shortlisted applications only; this one is not on the shortlist.",
                           kind="not-shortlisted")
    return await repository.save_site_visit(
        session, application_id=team.application.id, revision=(row.revision if row else 0) + 1, visited_on=data.visited_on,
        notes=data.notes, recorded_by=principal.subject, recorded_at=datetime.now(UTC),
    )
