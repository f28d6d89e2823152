"""Individual assessment: each team member scores every rubric area of an application, band first, then within it.

Rules (enforced here, for every read path):
- Only members of the application's confirmed team, and the award office, see its assessments;
  anyone else gets 404, so the application's existence does not leak.
- A team-mate's scores and findings stay hidden until every member of the team has submitted:
  the detail answers 403 ``scores-hidden``, the list shows status only, the export leaves them out.
  The award office sees progress, but scores only on the same terms (it does not score).
- Scoring (draft and submission) only while the round is in individual assessment, and only by the
  examiner themselves; a submitted assessment is locked.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from contracts.awards import RoundPhase
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.problems import ProblemError

from awards.access import is_award_admin
from awards.applications import repository as applications
from awards.assessments import repository
from awards.assessments.schemas import AreaScore, Assessment, AssessmentIn, TeamAssessments
from awards.assessments.scoring import check_score
from awards.examiners import repository as examiners
from awards.rounds import service as rounds
from awards.rubrics import repository as rubrics
from awards.rubrics.schemas import question_numbers


@dataclass(frozen=True)
class Team:
    """An application, its confirmed team and who is asking."""

    application: Row
    round: Row
    members: list[Row]  # (round_id, application_id, examiner_id, subject_id)
    caller_examiner_id: uuid.UUID | None  # the caller's examiner id when the caller is in the team
    award_office: bool

    @property
    def member_ids(self) -> set[uuid.UUID]:
        return {m.examiner_id for m in self.members}


async def team_for(session: AsyncSession, principal: Principal, *, application_id: uuid.UUID) -> Team:
    """The application's team as seen by the caller: a team member or the award office; 404 for anyone else."""
    application = await applications.get_application(session, application_id=application_id)
    members = await repository.team_of(session, application_id=application_id) if application else []
    mine = next((m.examiner_id for m in members if principal.actor_kind == "staff" and "examiner" in principal.roles
                 and m.subject_id == principal.subject), None)
    office = is_award_admin(principal)
    if application is None or (mine is None and not office):
        raise ProblemError(404, f"No application {application_id} in your assignments.", kind="application-not-found")
    return Team(application, await rounds.get_round(session, round_id=application.round_id), members, mine, office)


async def areas_of(session: AsyncSession, application: Row) -> list[dict]:
    return (await rubrics.get_version(session, round_id=application.round_id, version=application.rubric_version)).areas


def all_submitted(members: list[Row], assessments: list[Row]) -> bool:
    submitted = {a.examiner_id for a in assessments if a.status == "submitted"}
    return bool(members) and {m.examiner_id for m in members} <= submitted


async def render_team(session: AsyncSession, team: Team) -> TeamAssessments:
    rows = [a for a in await repository.assessments_of_application(session, application_id=team.application.id)
            if a.examiner_id in team.member_ids]
    revealed = all_submitted(team.members, rows)
    scores = await repository.scores_of(session, assessment_ids=[a.id for a in rows])
    titles = {area["number"]: area["title"] for area in await areas_of(session, team.application)}
    return TeamAssessments(
        application_id=team.application.id, round_id=team.application.round_id, team_size=len(team.members),
        submitted=sum(a.status == "submitted" for a in rows), all_submitted=revealed,
        items=[_render(row, scores[row.id], titles, own=row.examiner_id == team.caller_examiner_id, revealed=revealed) for row in rows],
    )


def _render(row: Row, scores: list[Row], titles: dict[int, str], *, own: bool, revealed: bool) -> Assessment:
    hidden = not (own or revealed)
    return Assessment(
        id=row.id, round_id=row.round_id, application_id=row.application_id, examiner_id=row.examiner_id, own=own,
        status=row.status, scores_hidden=hidden, areas_scored=len(scores), revision=row.revision,
        created_at=row.created_at, submitted_at=row.submitted_at,
        areas=[] if hidden else [
            AreaScore(area_number=s.area_number, area_title=titles.get(s.area_number, ""), band=s.band, score=s.score,
                      strengths=s.strengths, improvements=s.improvements)
            for s in scores
        ],
    )


async def get_assessment(session: AsyncSession, team: Team, *, examiner_id: uuid.UUID) -> tuple[Row, Assessment]:
    """One examiner's assessment; a team-mate's only once every member has submitted (403 ``scores-hidden`` before)."""
    if examiner_id not in team.member_ids:
        raise ProblemError(404, f"Examiner {examiner_id} is not in the application's team.", kind="assessment-not-found")
    row = await repository.get_assessment(session, application_id=team.application.id, examiner_id=examiner_id)
    if row is None:
        raise ProblemError(404, "That examiner has not started an assessment of the application.", kind="assessment-not-found")
    own = examiner_id == team.caller_examiner_id
    rows = await repository.assessments_of_application(session, application_id=team.application.id)
    revealed = all_submitted(team.members, rows)
    if not (own or revealed):
        raise ProblemError(
            403, "A team-mate's scores stay hidden until every member of the team has submitted their assessment.",
            kind="scores-hidden", submitted=sum(a.status == "submitted" for a in rows if a.examiner_id in team.member_ids),
            team_size=len(team.members),
        )
    titles = {area["number"]: area["title"] for area in await areas_of(session, team.application)}
    scores = await repository.scores_of(session, assessment_ids=[row.id])
    return row, _render(row, scores[row.id], titles, own=own, revealed=revealed)


def _require_author(team: Team, examiner_id: uuid.UUID) -> None:
    if team.caller_examiner_id != examiner_id:
        raise ProblemError(403, "Only the examiner themselves writes their assessment.", kind="forbidden")


def _require_scoring_phase(team: Team) -> None:
    rounds.require_phase(team.round, RoundPhase.individual_assessment, action="Individual scores are written")


async def lock_own(session: AsyncSession, team: Team, *, examiner_id: uuid.UUID) -> Row | None:
    """The caller's own assessment, locked (None before the first draft); refuses anyone else."""
    if examiner_id not in team.member_ids:
        raise ProblemError(404, f"Examiner {examiner_id} is not in the application's team.", kind="assessment-not-found")
    _require_author(team, examiner_id)
    await applications.get_application(session, application_id=team.application.id, lock=True)  # serialises first drafts
    return await repository.get_assessment(session, application_id=team.application.id, examiner_id=examiner_id, lock=True)


def _check_areas(data: AssessmentIn, areas: list[dict]) -> list[dict]:
    known = {area["number"] for area in areas}
    numbers = [a.area_number for a in data.areas]
    twice = sorted({n for n in numbers if numbers.count(n) > 1})
    if twice:
        raise ProblemError(422, f"Areas {twice} are scored more than once.", kind="duplicate-areas", areas=twice)
    unknown = sorted(set(numbers) - known)
    if unknown:
        raise ProblemError(422, f"The rubric has no areas {unknown}.", kind="unknown-areas", areas=unknown)
    questions = set(question_numbers(areas))
    stored = []
    for area in sorted(data.areas, key=lambda a: a.area_number):
        band = check_score(band=area.band, score=area.score, area_number=area.area_number)
        cited = sorted({q for f in (*area.strengths, *area.improvements) for q in f.questions} - questions)
        if cited:
            raise ProblemError(
                422, f"Area {area.area_number}: the application has no questions {', '.join(cited)}.",
                kind="unknown-questions", area_number=area.area_number, questions=cited,
            )
        stored.append({
            "area_number": area.area_number, "band": band.key, "score": area.score,
            "strengths": [f.model_dump(mode="json") for f in area.strengths],
            "improvements": [f.model_dump(mode="json") for f in area.improvements],
        })
    return stored


async def save_draft(session: AsyncSession, team: Team, *, row: Row | None, examiner_id: uuid.UUID, data: AssessmentIn) -> Row:
    _require_scoring_phase(team)
    if row is not None and row.status == "submitted":
        raise ProblemError(409, "The assessment is submitted and locked.", kind="assessment-submitted")
    stored = _check_areas(data, await areas_of(session, team.application))
    if row is None:
        row = await repository.insert_assessment(
            session, id=uuid.uuid4(), revision=1, round_id=team.application.round_id, application_id=team.application.id,
            examiner_id=examiner_id, status="draft",
        )
    else:
        row = await repository.update_assessment(session, assessment_id=row.id, revision=row.revision + 1)
    await repository.replace_scores(session, assessment_id=row.id, scores=stored)
    return row


async def submit(session: AsyncSession, team: Team, *, row: Row | None) -> Row:
    _require_scoring_phase(team)
    if row is None:
        raise ProblemError(404, "Save a draft of the assessment before submitting it.", kind="assessment-not-found")
    if row.status == "submitted":
        raise ProblemError(409, "The assessment is already submitted.", kind="assessment-submitted")
    areas = await areas_of(session, team.application)
    scores = (await repository.scores_of(session, assessment_ids=[row.id]))[row.id]
    missing = sorted({area["number"] for area in areas} - {s.area_number for s in scores})
    if missing:
        raise ProblemError(422, f"Every area needs a score before submission; missing areas {missing}.",
                           kind="areas-missing", areas=missing)
    bare = [s.area_number for s in scores if not s.strengths and not s.improvements]
    if bare:
        raise ProblemError(422, f"Every area needs at least one strength or area for improvement; none in areas {bare}.",
                           kind="findings-missing", areas=bare)
    return await repository.update_assessment(
        session, assessment_id=row.id, revision=row.revision + 1, status="submitted", submitted_at=datetime.now(UTC),
    )


async def export_rows(session: AsyncSession, principal: Principal, *, round_row: Row, application_id: uuid.UUID | None) -> tuple[list[dict], int]:
    """The scores the caller may see in a round, as rows, and how many teams' scores were left out as still hidden.

    The award office gets every team that has finished; an examiner their own scores and those of
    their finished teams. Asking for one application whose team has not finished is 403.
    """
    office = is_award_admin(principal)
    me = await examiners.find_by_subject(session, subject_id=principal.subject) if "examiner" in principal.roles else None
    members = await repository.teams_of_round(session, round_id=round_row.id)
    teams: dict[uuid.UUID, list[Row]] = {}
    for m in members:
        teams.setdefault(m.application_id, []).append(m)
    mine = {a for a, team in teams.items() if me is not None and any(m.examiner_id == me.id for m in team)}
    visible = set(teams) if office else mine
    if application_id is not None:
        if application_id not in visible:
            raise ProblemError(404, f"No application {application_id} in your assignments.", kind="application-not-found")
        visible = {application_id}
    rows = await repository.assessments_of_round(session, round_id=round_row.id, application_id=application_id)
    by_application: dict[uuid.UUID, list[Row]] = {}
    for row in rows:
        by_application.setdefault(row.application_id, []).append(row)
    finished = {a for a in visible if all_submitted(teams[a], by_application.get(a, []))}
    if application_id is not None and application_id not in finished:
        raise ProblemError(
            403, "The team's scores stay hidden until every member has submitted; read your own assessment instead.",
            kind="scores-hidden",
        )
    shown = [r for r in rows if r.application_id in finished or (me is not None and r.examiner_id == me.id and r.application_id in visible)]
    scores = await repository.scores_of(session, assessment_ids=[r.id for r in shown])
    out = []
    for row in shown:
        for s in scores[row.id]:
            out.append({
                "application_id": str(row.application_id), "examiner_id": str(row.examiner_id), "status": row.status,
                "area_number": s.area_number, "band": s.band, "score": s.score,
                "strengths": " | ".join(f["text"] for f in s.strengths),
                "improvements": " | ".join(f["text"] for f in s.improvements),
            })
    return out, len(visible - finished)
