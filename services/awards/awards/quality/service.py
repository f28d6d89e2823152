"""The examination's quality: examiner agreement per area and phase, spread, offsets and the round report.

Alpha (Krippendorff, interval) is computed over the submitted individual scores of the round,
one reliability matrix per rubric area (examiners × applications) and one for all areas
together (units = application × area). The consensus phase leaves one score per application
and area, so there is nothing to compare across examiners there: it is measured by how far the
individual scores moved to reach it. Offsets compare each examiner's scores with their teams'
consensus, shown only from ``min_sample`` scores on. Only award administrators read the report.
"""

import uuid
from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from awards.assessments import repository as assessments
from awards.quality import repository
from awards.quality.agreement import Alpha, interval_alpha, offset, spread
from awards.quality.schemas import (
    Agreement,
    AgreementRequest,
    ApplicationSpread,
    AreaAgreement,
    AreaConsensus,
    AreaSpread,
    ExaminerOffset,
    QualityReport,
)
from awards.rounds import service as rounds
from awards.rubrics import repository as rubrics

RELIABLE = 0.800  # Krippendorff: rely on data with alpha ≥ .800
TENTATIVE = 0.667  # ... and draw only tentative conclusions from .667 to .800
MIN_OFFSET_SAMPLE = 10  # an examiner's offset needs this many area scores (more than one application's eight)
WIDE_RANGE = 30  # a team whose scores for an area lie this far apart is worth a look


def agreement_of(result: Alpha) -> Agreement:
    if result.alpha is None:
        verdict = "not_enough_data"
    else:
        verdict = "reliable" if result.alpha >= RELIABLE else "tentative" if result.alpha >= TENTATIVE else "low"
    return Agreement(
        alpha=result.alpha, status=result.status, verdict=verdict, explanation=result.explanation, examiners=result.examiners,
        units=result.units, pairable_units=result.pairable_units, pairable_values=result.pairable_values,
    )


def calculate(data: AgreementRequest) -> Agreement:
    return agreement_of(interval_alpha(((r.examiner, r.unit, r.value) for r in data.ratings), min_units=data.min_units))


def _swedish(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def build_report(*, round_row, titles: dict[int, str], scores: list, consensus: list, teams: list, units: dict,
                 min_sample: int) -> QualityReport:
    """The report from plain rows (pure: the benchmark times it with the SQL that feeds it)."""
    by_area: dict[int, list] = defaultdict(list)
    for row in scores:
        by_area[row.area_number].append(row)
    consensus_of = {(row.application_id, row.area_number): row.score for row in consensus}
    agreement = [
        AreaAgreement(area_number=area, area_title=titles.get(area, f"Område {area}"), agreement=agreement_of(
            interval_alpha((row.examiner_id, row.application_id, row.score) for row in by_area.get(area, []))))
        for area in sorted(titles.keys() | by_area.keys())
    ]
    agreement.append(AreaAgreement(area_number=None, area_title="Alla områden", agreement=agreement_of(
        interval_alpha((row.examiner_id, (row.application_id, row.area_number), row.score) for row in scores))))

    consensus_rows = []
    for area in sorted(titles.keys() | by_area.keys()):
        pairs = [(row.score, consensus_of[(row.application_id, area)]) for row in by_area.get(area, [])
                 if (row.application_id, area) in consensus_of]
        moved = [abs(individual - agreed) for individual, agreed in pairs]
        consensus_rows.append(AreaConsensus(
            area_number=area, area_title=titles.get(area, f"Område {area}"),
            consensus_scores=sum(1 for application, number in consensus_of if number == area),
            individual_scores=len(pairs), changed_scores=sum(1 for m in moved if m),
            mean_absolute_change=round(sum(moved) / len(moved), 3) if moved else None,
        ))

    per_application: dict[uuid.UUID, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in scores:
        per_application[row.application_id][row.area_number].append(row.score)
    submitted = {(row.application_id, row.examiner_id) for row in scores}
    members: dict[uuid.UUID, set] = defaultdict(set)
    for member in teams:
        members[member.application_id].add(member.examiner_id)
    spreads = []
    for application_id, team in sorted(members.items(), key=lambda item: str(item[0])):
        areas = []
        for area, values in sorted(per_application.get(application_id, {}).items()):
            s = spread(values)
            areas.append(AreaSpread(area_number=area, scores=s.scores, minimum=s.minimum, maximum=s.maximum, range=s.range,
                                    standard_deviation=s.standard_deviation,
                                    consensus_score=consensus_of.get((application_id, area))))
        ranges = [a.range for a in areas if a.range is not None]
        spreads.append(ApplicationSpread(
            application_id=application_id, unit_id=units[application_id], team_size=len(team),
            submitted=sum((application_id, examiner) in submitted for examiner in team),
            widest_range=max(ranges) if ranges else None, areas=areas,
        ))

    per_examiner: dict[uuid.UUID, list] = defaultdict(list)
    for row in scores:
        per_examiner[row.examiner_id].append(row)
    offsets = []
    for examiner, rows in sorted(per_examiner.items(), key=lambda item: str(item[0])):
        pairs = [(row.score, consensus_of[(row.application_id, row.area_number)]) for row in rows
                 if (row.application_id, row.area_number) in consensus_of]
        o = offset(pairs, min_sample=min_sample)
        offsets.append(ExaminerOffset(
            examiner_id=examiner, applications=len({row.application_id for row in rows}), scores=o.scores,
            mean_offset=o.mean_offset, mean_absolute_offset=o.mean_absolute_offset, status=o.status,
        ))

    attention = []
    for item in agreement:
        a = item.agreement
        where = f"Område {item.area_number} ({item.area_title})" if item.area_number else "Alla områden"
        if a.verdict == "low":
            attention.append(f"{where}: alfa {_swedish(a.alpha)}, låg samstämmighet; se över bedömningsanvisningen och kalibreringen.")
        elif a.verdict == "tentative":
            attention.append(f"{where}: alfa {_swedish(a.alpha)}, godtagbar men inte säker samstämmighet.")
    wide = sum(1 for s in spreads for a in s.areas if a.range is not None and a.range >= WIDE_RANGE)
    if wide:
        attention.append(f"{wide} områdesbedömningar där teamets poäng skiljer {WIDE_RANGE} poäng eller mer.")
    for o in offsets:
        if o.mean_offset is not None and abs(o.mean_offset) >= 10:
            word = "generöst" if o.mean_offset > 0 else "strängt"
            attention.append(f"Examinator {o.examiner_id} bedömer {word}: i snitt {_swedish(o.mean_offset)} poäng från konsensus.")
    return QualityReport(
        round_id=round_row.id, prize=round_row.prize, year=round_row.year, phase=round_row.phase,
        generated_at=datetime.now(UTC), thresholds={"alpha_reliable": RELIABLE, "alpha_tentative": TENTATIVE,
                                                    "min_offset_sample": min_sample, "wide_range": WIDE_RANGE},
        applications=len(members), submitted_assessments=len(submitted), examiners=len(per_examiner),
        agreement=agreement, consensus=consensus_rows, spread=spreads, examiner_offsets=offsets, attention=attention,
    )


async def round_report(session: AsyncSession, *, round_id: uuid.UUID, min_sample: int = MIN_OFFSET_SAMPLE) -> QualityReport:
    round_row = await rounds.get_round(session, round_id=round_id)
    rubric = await rubrics.get_version(session, round_id=round_id)
    return build_report(
        round_row=round_row, titles={int(area["number"]): area["title"] for area in rubric.areas},
        scores=await repository.submitted_scores(session, round_id=round_id),
        consensus=await repository.consensus_of_round(session, round_id=round_id),
        teams=await assessments.teams_of_round(session, round_id=round_id),
        units=await repository.units_of_round(session, round_id=round_id), min_sample=min_sample,
    )
