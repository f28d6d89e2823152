"""A city-sized examination and good-examples bank for the benchmarks, reproducibly (seeded).

``examination_rows`` turns ``generate.generate_round``'s round into the rows the examination
leaves behind: a confirmed team of 3–4 examiners per application, each examiner's submitted
score per area (the application's quality per area, the examiner's own leniency and noise,
snapped to the 0–100 grid in steps of 5) and the team's consensus per area (the median, on the
grid). ``example_rows`` writes a bank of published good examples in Swedish, composed from the
practices award applications describe. ``load`` inserts both into an awards database; the
benchmark then reads them back through the API, as the award office and the committees would.
"""

import random
import statistics
import uuid
from datetime import UTC, datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from awards.assessments.scoring import band_of
from awards.demo import SEED
from awards.generate import GeneratedRound
from awards.models import (
    applications,
    assessment_scores,
    assessments,
    assignment_plans,
    consensus_scores,
    examiners,
    good_examples,
    rounds,
    rubrics,
    team_members,
)
from awards.rubrics.defaults import QUALITY_AWARD_AREAS

AREAS = [area["number"] for area in QUALITY_AWARD_AREAS]
PRACTICES = (
    "mötesstruktur", "årshjul", "enhetsmöte", "tertialrapport", "resultatdialog", "brukarundersökning", "kunddialog",
    "medarbetarsamtal", "planeringsdag", "handlingsplan", "internkontroll", "riskanalys", "värdegrund", "kompetensutveckling",
    "arbetsmiljökalender", "skyddsrond", "verksamhetsplan", "åtagande", "kvalitetsgaranti", "synpunktshantering",
    "avvikelserapportering", "mentorskap", "introduktion", "backup", "frukostmöte", "förbättringsgrupp", "lärande",
    "brukarråd", "anhörigträff", "kontaktmannaskap", "genomförandeplan", "social dokumentation", "läsfrämjande",
    "språkutveckling", "värdegrundsarbete", "hälsofrämjande", "friskvård", "trygghetsvandring", "medborgardialog",
    "nyckeltal", "benchmarking", "processkartläggning", "ledningssystem", "egenkontroll", "kollegial granskning",
    "ständiga förbättringar", "avstämningsmöte", "uppdragsdialog", "omvärldsbevakning", "digitalisering", "e-tjänst",
    "matsvinn", "miljöarbete", "jämställdhetsanalys", "mångfaldsplan", "arbetsplatsträff", "samverkansgrupp",
)
VERBS = ("följer upp", "analyserar", "förbättrar", "sprider", "dokumenterar", "planerar", "utvärderar", "delar")
PLACES = (
    "förskolan", "hemtjänsten", "boendet", "biblioteket", "enheten", "skolan", "staben", "fritidsgården", "gruppbostaden",
    "dagverksamheten", "socialtjänsten", "parkförvaltningen", "simhallen", "kulturhuset", "fritidshemmet", "gymnasiet",
    "äldreomsorgen", "kontaktcentret", "mottagningen", "stadsbyggnadskontoret", "trafikkontoret", "överförmyndaren",
    "arbetsmarknadsenheten", "musikskolan",
)
LENSES = ("benefit_to_residents", "spreading_good_examples", "analysis_for_improvement")


def _grid(value: float) -> int:
    return int(min(100, max(0, 5 * round(value / 5))))


def examination_rows(generated: GeneratedRound, *, seed: int = 2015) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    round_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    now = datetime.now(UTC)
    leniency = {examiner.id: rng.gauss(0, 5) for examiner in generated.examiners}
    rows: dict[str, list[dict]] = {name: [] for name in (
        "rounds", "rubrics", "applications", "examiners", "assignment_plans", "team_members", "assessments",
        "assessment_scores", "consensus_scores")}
    deadlines = {phase: "2015-12-15" for phase in ("open_for_applications", "eligibility", "individual_assessment", "consensus",
                                                   "jury_shortlist", "site_visits", "jury_decision",
                                                   "feedback_reports_released", "good_examples_published")}
    rows["rounds"].append({"id": round_id, "revision": 1, "prize": "quality_award", "year": 2015 + seed % 50,
                           "name": f"Kvalitetsutmärkelsen (genererad {seed})", "phase": "consensus", "deadlines": deadlines,
                           "eligibility_rules": []})
    rows["rubrics"].append({"round_id": round_id, "version": 1, "areas": QUALITY_AWARD_AREAS, "created_by": "generate"})
    rows["examiners"] = [{"id": e.id, "revision": 1, "subject_id": f"gen-{e.id}", "unit_id": e.unit_id, "sectors": e.sectors,
                          "stated_rounds_served": 1 if e.experienced else 0} for e in generated.examiners]
    rows["assignment_plans"].append({"round_id": round_id, "revision": 1, "status": "confirmed", "solver": {}, "edits": [],
                                     "proposed_by": "generate", "confirmed_at": now, "confirmed_by": "generate"})
    for application in generated.applications:
        rows["applications"].append({
            "id": application.id, "revision": 2, "round_id": round_id, "unit_id": application.unit_id, "status": "submitted",
            "rubric_version": 1, "sector": application.sector, "answers": {}, "introductions": {}, "attachments": [],
            "created_by": "generate", "submitted_at": now, "submitted_by": "generate",
        })
        quality = {area: rng.uniform(20, 85) for area in AREAS}
        team = rng.sample(generated.examiners, rng.choice((3, 3, 4)))
        given: dict[int, list[int]] = {area: [] for area in AREAS}
        for examiner in team:
            rows["team_members"].append({"round_id": round_id, "application_id": application.id, "examiner_id": examiner.id})
            assessment_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            rows["assessments"].append({"id": assessment_id, "revision": 2, "round_id": round_id, "application_id": application.id,
                                        "examiner_id": examiner.id, "status": "submitted", "submitted_at": now})
            for area in AREAS:
                score = _grid(quality[area] + leniency[examiner.id] + rng.gauss(0, 6))
                given[area].append(score)
                rows["assessment_scores"].append({"assessment_id": assessment_id, "area_number": area, "band": band_of(score).key,
                                                  "score": score, "strengths": [], "improvements": []})
        for area in AREAS:
            agreed = _grid(statistics.median(given[area]))
            rows["consensus_scores"].append({
                "application_id": application.id, "area_number": area, "revision": 1, "band": band_of(agreed).key, "score": agreed,
                "strengths": [], "improvements": [], "recorded_by": "generate", "recorded_at": now})
    return rows


def _seed_windows() -> list[str]:
    """Runs of 8–14 words of seed 004's text: real Swedish prose for the examples' bodies."""
    words = SEED.read_text(encoding="utf-8").split()
    return [" ".join(words[i:i + 8 + i % 7]) for i in range(0, len(words) - 14, 5)]


def example_rows(generated: GeneratedRound, round_id: uuid.UUID, *, count: int = 10_000, seed: int = 2015) -> list[dict]:
    """Published examples: each about one or two practices (title and summary), its body in the seed's own prose."""
    rng = random.Random(seed + 1)
    now = datetime.now(UTC)
    windows = _seed_windows()
    rows = []
    for n in range(count):
        application = rng.choice(generated.applications)
        practice, other = rng.sample(PRACTICES, 2)
        place, verb = rng.choice(PLACES), rng.choice(VERBS)
        body = " ".join([f"På {place} {verb} vi {practice}."] + [rng.choice(windows) for _ in range(rng.randint(3, 7))])
        rows.append({
            "id": uuid.UUID(int=rng.getrandbits(128), version=4), "revision": 2, "round_id": round_id,
            "application_id": application.id, "unit_id": application.unit_id, "committee_id": None, "year": 2015,
            "kind": "practice" if n % 3 else "finding",
            "title": f"{practice.capitalize()} och {other}" + (f" på {place}" if n % 3 == 0 else "") + f" ({n + 1})",
            "summary": f"Hur {place} {verb} {practice} och {other} så att resultaten används.", "body": body,
            "areas": sorted({str(rng.choice(AREAS)) for _ in range(2)}, key=int),
            "lenses": sorted(set(rng.sample(LENSES, rng.randint(1, 2)))), "status": "published", "created_by": "generate",
            "published_by": "generate", "published_at": now,
        })
    return rows


async def load(connection: AsyncConnection, rows: dict[str, list[dict]], examples: list[dict]) -> None:
    """Insert the examination's rows, then the examples, in batches (parents first)."""
    tables = {"rounds": rounds, "rubrics": rubrics, "applications": applications, "examiners": examiners,
              "assignment_plans": assignment_plans, "team_members": team_members, "assessments": assessments,
              "assessment_scores": assessment_scores, "consensus_scores": consensus_scores}
    for name, table in tables.items():
        for start in range(0, len(rows[name]), 1000):
            await connection.execute(insert(table), rows[name][start:start + 1000])
    for start in range(0, len(examples), 1000):
        await connection.execute(insert(good_examples), examples[start:start + 1000])
