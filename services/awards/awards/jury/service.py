"""The jury (domarkommittén): shortlist and decision on blinded data; the decision is published.

The jury works from the jury phases on (jury shortlist onwards). Before its shortlist is set it
sees every examined application as a code with the consensus per area and the weighted score;
once set, every jury view holds the shortlisted applications only, each readable in full
(answers, introductions, attachments' titles, consensus findings, site-visit notes), all blinded
(``awards.jury.blinding``). The decision (winners and honourable mentions, each with a rationale,
and the jury's rationale for the round) is taken once, by the ``jury`` role, in the decision
phase and only after every area of every application has its consensus; it writes the winners
into the award-winner register, and publishes ``awards.round.decided`` through the outbox.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from contracts.awards import ROUND_DECIDED, SCHEMA_VERSION, Placement, RoundAward, RoundDecided, RoundPhase, RoundState
from contracts.organisation import OrganisationUnitType
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.events.outbox import EventPublisher
from servicekit.orgtree import render_unit, unit_and_ancestor_ids
from servicekit.orgtree.queries import load_states
from servicekit.problems import ProblemError

from awards.applications import repository as applications
from awards.assessments import repository as assessments
from awards.consensus import repository as consensus
from awards.consensus.service import weighted_score
from awards.jury import repository
from awards.jury.blinding import Blinder, blinder_for
from awards.jury.schemas import (
    AwardOut,
    BlindedArea,
    BlindedAttachment,
    BlindingTerms,
    BlindingTermsIn,
    Decision,
    DecisionIn,
    JuryApplication,
    JuryBoard,
    JuryEntry,
    ShortlistIn,
)
from awards.models import org_tables
from awards.rounds import phases
from awards.rounds import service as rounds
from awards.rubrics import repository as rubrics

events = EventPublisher("awards")
COMMITTEE_TYPES = {OrganisationUnitType.district_committee, OrganisationUnitType.specialist_committee, OrganisationUnitType.company_board}


@dataclass
class Examination:
    """What the jury's views are made of, for one round."""

    round: Row
    applications: list[Row]
    blinder: Blinder
    areas: dict[uuid.UUID, list[dict]]  # application → rubric areas
    consensus: dict[uuid.UUID, dict[int, Row]]  # application → area → consensus row
    shortlist: Row | None
    visits: dict[uuid.UUID, Row]

    def by_code(self, code: str) -> Row | None:
        return next((a for a in self.applications if self.blinder.codes[a.id] == code), None)

    def shortlisted(self, application_id: uuid.UUID) -> bool:
        return self.shortlist is not None and application_id in self.shortlist.application_ids


async def examination(session: AsyncSession, *, round_row: Row) -> Examination:
    ids = await assessments.examined_applications(session, round_id=round_row.id)
    rows = [await applications.get_application(session, application_id=i) for i in ids]
    terms = await repository.get_blinding_terms(session, application_ids=ids)
    blinder = await blinder_for(session, round_id=round_row.id, applications=rows, as_of=rounds.application_deadline(round_row), terms=terms)
    areas = {}
    for row in rows:
        areas[row.id] = (await rubrics.get_version(session, round_id=round_row.id, version=row.rubric_version)).areas
    agreed: dict[uuid.UUID, dict[int, Row]] = {}
    for area in await consensus.consensus_of_round(session, round_id=round_row.id):
        agreed.setdefault(area.application_id, {})[area.area_number] = area
    visits = {}
    for row in rows:
        visit = await consensus.get_site_visit(session, application_id=row.id)
        if visit is not None:
            visits[row.id] = visit
    return Examination(round_row, rows, blinder, areas, agreed, await repository.get_shortlist(session, round_id=round_row.id), visits)


def _require_jury_phase(round_row: Row) -> None:
    phase = RoundPhase(round_row.phase)
    if phases.ORDER.index(phase) < phases.ORDER.index(RoundPhase.jury_shortlist):
        raise ProblemError(
            409, f"The jury works from the phase jury_shortlist on; the round is in {phase} ({phases.SWEDISH[phase]}).",
            kind="round-phase-closed", phase=phase,
        )


def _entry(ex: Examination, application: Row) -> dict:
    blinder, stored = ex.blinder, ex.consensus.get(application.id, {})
    return {
        "code": blinder.codes[application.id], "label": blinder.label(application.id), "sector": application.sector,
        "weighted_score": weighted_score(ex.areas[application.id], {n: r.score for n, r in stored.items()}),
        "areas": [
            BlindedArea(area_number=a["number"], area_title=a["title"], weight=float(a["weight"]), score=r.score, band=r.band,
                        strengths=blinder.json(r.strengths), improvements=blinder.json(r.improvements))
            for a in ex.areas[application.id] if (r := stored.get(a["number"])) is not None
        ],
        "shortlisted": ex.shortlisted(application.id), "site_visited": application.id in ex.visits,
    }


def _visible(ex: Examination) -> list[Row]:
    """Before the shortlist every examined application; after it only the shortlisted ones."""
    return [a for a in ex.applications if ex.shortlist is None or ex.shortlisted(a.id)]


async def board(session: AsyncSession, *, round_row: Row) -> JuryBoard:
    _require_jury_phase(round_row)
    ex = await examination(session, round_row=round_row)
    items = [JuryEntry(**_entry(ex, a)) for a in _visible(ex)]
    items.sort(key=lambda e: (-(e.weighted_score or 0), e.code))
    return JuryBoard(round_id=round_row.id, prize=round_row.prize, year=round_row.year, phase=round_row.phase,
                     shortlist_set=ex.shortlist is not None, items=items)


async def application_view(session: AsyncSession, *, round_row: Row, code: str) -> JuryApplication:
    _require_jury_phase(round_row)
    ex = await examination(session, round_row=round_row)
    application = ex.by_code(code)
    if application is None or not ex.shortlisted(application.id):
        raise ProblemError(404, f"No shortlisted application {code}; the jury reads shortlisted applications in full.",
                           kind="application-not-found")
    blinder, visit = ex.blinder, ex.visits.get(application.id)
    return JuryApplication(
        **_entry(ex, application),
        answers=blinder.json(application.answers), introductions=blinder.json(application.introductions),
        attachments=[BlindedAttachment(title=blinder.text(a["title"]), media_type=a["media_type"], question_number=a.get("question_number"))
                     for a in application.attachments],
        site_visit_notes=blinder.text(visit.notes) if visit else None, site_visited_on=visit.visited_on if visit else None,
    )


async def _require_consensus(session: AsyncSession, round_row: Row, action: str) -> None:
    if not await phases.consensus_complete(session, round_row):
        raise ProblemError(
            409, f"{action} only once every area of every examined application has its consensus score.",
            kind="consensus-incomplete",
        )


async def set_shortlist(session: AsyncSession, principal: Principal, *, round_row: Row, data: ShortlistIn) -> Row:
    await _require_consensus(session, round_row, "The shortlist is set")
    rounds.require_phase(round_row, RoundPhase.jury_shortlist, action="The shortlist is set")
    ex = await examination(session, round_row=round_row)
    unknown = sorted({c for c in data.codes if ex.by_code(c) is None})
    if unknown:
        raise ProblemError(422, f"No applications with the codes {', '.join(unknown)} in this round.", kind="unknown-codes", codes=unknown)
    if len(set(data.codes)) != len(data.codes):
        raise ProblemError(422, "A code appears twice in the shortlist.", kind="duplicate-codes")
    return await repository.save_shortlist(
        session, round_id=round_row.id, revision=(ex.shortlist.revision if ex.shortlist else 0) + 1,
        application_ids=[ex.by_code(c).id for c in data.codes], set_by=principal.subject, set_at=datetime.now(UTC),
    )


async def _committee_of(session: AsyncSession, unit_id: uuid.UUID, as_of) -> tuple[uuid.UUID | None, uuid.UUID]:
    """(the committee above the unit, the root of its chain) as of a date."""
    chain = await unit_and_ancestor_ids(session, org_tables, unit_id=unit_id, as_of=as_of) or [unit_id]
    states = await load_states(session, org_tables, chain)
    committee = next((u for u in chain if u in states and render_unit(states[u], as_of).type in COMMITTEE_TYPES), None)
    return committee, chain[-1]


async def decide(session: AsyncSession, principal: Principal, *, round_row: Row, data: DecisionIn) -> Row:
    await _require_consensus(session, round_row, "The jury decides")
    rounds.require_phase(round_row, RoundPhase.jury_decision, action="The jury decides")
    if await repository.get_decision(session, round_id=round_row.id) is not None:
        raise ProblemError(409, "The round is already decided; a decision is made once.", kind="decision-exists")
    ex = await examination(session, round_row=round_row)
    codes = [a.code for a in data.awards]
    if len(set(codes)) != len(codes):
        raise ProblemError(422, "An application is named twice in the decision.", kind="duplicate-codes")
    outside = sorted({c for c in codes if (a := ex.by_code(c)) is None or not ex.shortlisted(a.id)})
    if outside:
        raise ProblemError(422, f"The codes {', '.join(outside)} are not on the shortlist.", kind="not-shortlisted", codes=outside)
    decided_at = datetime.now(UTC)
    row = await repository.insert_decision(
        session, round_id=round_row.id, reference=data.reference, decided_on=data.decided_on, rationale=data.rationale,
        decided_by=principal.subject, decided_at=decided_at,
        awards=[{"application_id": ex.by_code(a.code).id, "placement": a.placement.value, "rationale": a.rationale} for a in data.awards],
    )
    as_of = rounds.application_deadline(round_row)
    published = []
    for award in data.awards:
        application = ex.by_code(award.code)
        committee, root = await _committee_of(session, application.unit_id, as_of)
        published.append(RoundAward(application_id=application.id, unit_id=application.unit_id, committee_id=committee,
                                    prize=round_row.prize, placement=award.placement, rationale=award.rationale))
        if award.placement == Placement.winner:
            await repository.record_winner(session, prize=round_row.prize, year=round_row.year, unit_id=application.unit_id, decision={
                "reference": data.reference, "decided_on": data.decided_on.isoformat(), "body_id": str(root),
                "recorded_by": principal.subject,
            })
    updated = await rounds.touch(session, row=round_row)
    state = RoundState(
        id=round_row.id, revision=updated.revision, prize=round_row.prize, year=round_row.year, phase=round_row.phase,
        deadlines=rounds.deadlines_of(round_row), rubric_version=await rubrics.latest_version(session, round_id=round_row.id),
    )
    await events.record(
        session, type=ROUND_DECIDED, subject=str(round_row.id), schema_version=SCHEMA_VERSION,
        data=RoundDecided(round=state, applications=len(ex.applications), awards=published, decided_on=data.decided_on,
                          decided_at=decided_at),
    )
    return row


async def decision(session: AsyncSession, *, round_row: Row) -> Decision:
    row = await repository.get_decision(session, round_id=round_row.id)
    if row is None:
        raise ProblemError(404, "The jury has not decided this round yet.", kind="decision-not-found")
    ex = await examination(session, round_row=round_row)
    as_of = rounds.application_deadline(round_row)
    out = []
    for award in await repository.awards_of(session, round_id=round_row.id):
        application = next(a for a in ex.applications if a.id == award.application_id)
        committee, _ = await _committee_of(session, application.unit_id, as_of)
        states = await load_states(session, org_tables, [application.unit_id])
        name = render_unit(states[application.unit_id], as_of).name if application.unit_id in states else None
        out.append(AwardOut(code=ex.blinder.codes[application.id], application_id=application.id, unit_id=application.unit_id,
                            unit_name=name, committee_id=committee, placement=award.placement, rationale=award.rationale))
    return Decision(round_id=round_row.id, prize=round_row.prize, year=round_row.year, reference=row.reference,
                    decided_on=row.decided_on, rationale=row.rationale, decided_at=row.decided_at,
                    applications=len(ex.applications), awards=out)


async def save_blinding_terms(session: AsyncSession, principal: Principal, *, application_id: uuid.UUID, data: BlindingTermsIn) -> BlindingTerms:
    application = await applications.get_application(session, application_id=application_id)
    if application is None:
        raise ProblemError(404, f"No application {application_id}.", kind="application-not-found")
    round_row = await rounds.get_round(session, round_id=application.round_id)
    if await repository.get_decision(session, round_id=round_row.id) is not None:
        raise ProblemError(409, "The round is decided; the jury's views are closed.", kind="decision-exists")
    row = await repository.save_blinding_terms(
        session, application_id=application_id, people=sorted(set(data.people)), places=sorted(set(data.places)),
        organisations=sorted(set(data.organisations)), recorded_by=principal.subject, recorded_at=datetime.now(UTC),
    )
    return BlindingTerms(application_id=row.application_id, people=list(row.people), places=list(row.places),
                         organisations=list(row.organisations), recorded_at=row.recorded_at)
