"""``python -m awards generate``: a city-sized round to propose teams for, reproducibly (seeded).

A city of 13 district committees and 15 specialist committees, each with its administration,
departments and units; 200 applying units (most from the districts' care, school and preschool
departments, as in the award's history) and 300 examiners from every administration, some of
them in department or administration staff (above many applicants), so that conflicts arise as
they do in the city: same administration, same department, examiner above the applicant. About
one examiner in ten has also declared a personal conflict with some applying unit.
"""

import argparse
import json
import random
import uuid
from dataclasses import dataclass
from datetime import date

from contracts.organisation import OrganisationUnitState, OrganisationUnitType as T, OrganisationUnitVersion

from awards.assignment.solver import Applicant, Candidate, Problem
from awards.conflicts.rules import TreeOnDate, conflict_pairs
from awards.sectors import Sector

START = date(2010, 1, 1)
DISTRICT_DEPARTMENTS = (
    ("Äldreomsorg", Sector.elderly_care, 8),
    ("Förskola", Sector.preschool, 10),
    ("Individ och familj", Sector.individual_and_family, 5),
    ("Funktionsnedsättning", Sector.disability, 5),
    ("Kultur och fritid", Sector.culture_and_leisure, 3),
    ("Strategiska staben", Sector.management_and_support, 4),
)
SPECIALIST_SECTORS = (
    Sector.labour_market, Sector.urban_environment, Sector.urban_environment, Sector.management_and_support,
    Sector.culture_and_leisure, Sector.urban_environment, Sector.urban_environment, Sector.management_and_support,
    Sector.individual_and_family, Sector.urban_environment, Sector.urban_environment, Sector.school,
    Sector.elderly_care, Sector.management_and_support, Sector.management_and_support,
)


@dataclass
class GeneratedExaminer:
    id: uuid.UUID
    unit_id: uuid.UUID
    sectors: list[str]
    experienced: bool
    capacity: int


@dataclass
class GeneratedApplication:
    id: uuid.UUID
    unit_id: uuid.UUID
    sector: str


@dataclass
class GeneratedRound:
    seed: int
    dates: list[date]
    units: dict[uuid.UUID, OrganisationUnitState]
    applications: list[GeneratedApplication]
    examiners: list[GeneratedExaminer]
    declared: set[tuple[uuid.UUID, uuid.UUID]]  # (applicant unit, examiner) declared personal conflicts


def generate_round(*, seed: int = 2015, applications: int = 200, examiners: int = 300) -> GeneratedRound:
    rng = random.Random(seed)
    ids = (uuid.UUID(int=rng.getrandbits(128), version=4) for _ in iter(int, 1))
    units: dict[uuid.UUID, OrganisationUnitState] = {}
    sector_of: dict[uuid.UUID, Sector] = {}

    def add(code: str, name: str, unit_type: T, parent: uuid.UUID | None, sector: Sector | None = None) -> uuid.UUID:
        unit_id = next(ids)
        version = OrganisationUnitVersion(valid_from=START, code=code, name=name, type=unit_type, parent_id=parent)
        units[unit_id] = OrganisationUnitState(id=unit_id, revision=1, versions=[version])
        if sector is not None:
            sector_of[unit_id] = sector
        return unit_id

    city = add("STHLM", "Stockholms stad", T.city, None)
    line_units: list[uuid.UUID] = []  # units that apply and where most examiners work
    staff_units: list[uuid.UUID] = []  # department and administration staff: above many units
    for d in range(13):
        committee = add(f"SDN-{d:02d}", f"Stadsdelsnämnd {d + 1}", T.district_committee, city)
        admin = add(f"SDF-{d:02d}", f"Stadsdelsförvaltning {d + 1}", T.administration, committee, Sector.management_and_support)
        staff_units.append(admin)
        for k, (name, sector, count) in enumerate(DISTRICT_DEPARTMENTS):
            department = add(f"SDF-{d:02d}-{k}", name, T.department, admin, sector)
            staff_units.append(department)
            for n in range(count):
                line_units.append(add(f"SDF-{d:02d}-{k}-{n:02d}", f"{name} enhet {n + 1}", T.unit, department, sector))
    for s, sector in enumerate(SPECIALIST_SECTORS):
        committee = add(f"FN-{s:02d}", f"Facknämnd {s + 1}", T.specialist_committee, city)
        admin = add(f"FV-{s:02d}", f"Fackförvaltning {s + 1}", T.administration, committee, sector)
        staff_units.append(admin)
        for k in range(3):
            department = add(f"FV-{s:02d}-{k}", f"Avdelning {k + 1}", T.department, admin, sector)
            for n in range(4):
                line_units.append(add(f"FV-{s:02d}-{k}-{n}", f"Enhet {k + 1}.{n + 1}", T.unit, department, sector))

    applying = rng.sample(line_units, applications)
    generated_applications = [GeneratedApplication(next(ids), unit, sector_of[unit].value) for unit in applying]
    generated_examiners = []
    for _ in range(examiners):
        unit = rng.choice(staff_units) if rng.random() < 0.15 else rng.choice(line_units)
        sectors = {sector_of[unit].value}
        if rng.random() < 0.4:
            sectors.add(rng.choice(list(Sector)).value)
        experienced = rng.random() < 0.45
        capacity = rng.choice((2, 3, 3)) if experienced else rng.choice((1, 2, 2, 3))
        generated_examiners.append(GeneratedExaminer(next(ids), unit, sorted(sectors), experienced, capacity))
    declared = {
        (rng.choice(applying), examiner.id) for examiner in generated_examiners if rng.random() < 0.1
    }
    dates = [date(2015, 5, 15), date(2015, 10, 30)]
    return GeneratedRound(seed, dates, units, generated_applications, generated_examiners, declared)


def problem_of(generated: GeneratedRound) -> tuple[Problem, int]:
    """The solver's problem, conflicts computed from the tree on the round's dates; also the conflict count."""
    trees = [TreeOnDate(generated.units, on) for on in generated.dates]
    organisation = conflict_pairs(
        trees,
        examiner_units={examiner.id: examiner.unit_id for examiner in generated.examiners},
        applicant_units={application.id: application.unit_id for application in generated.applications},
    )
    forbidden = set(organisation)
    by_unit = {application.unit_id: application.id for application in generated.applications}
    forbidden |= {(by_unit[unit], examiner) for unit, examiner in generated.declared}
    problem = Problem(
        applications=[Applicant(application.id, application.sector) for application in generated.applications],
        examiners=[
            Candidate(examiner.id, examiner.capacity, examiner.experienced, frozenset(examiner.sectors))
            for examiner in generated.examiners
        ],
        forbidden=forbidden,
    )
    return problem, len(forbidden)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m awards generate", description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--examiners", type=int, default=300)
    parser.add_argument("--out", help="write the generated round as JSON to this file")
    args = parser.parse_args(argv)
    generated = generate_round(seed=args.seed, applications=args.applications, examiners=args.examiners)
    problem, conflicts = problem_of(generated)
    summary = {
        "seed": generated.seed,
        "organisation_units": len(generated.units),
        "applications": len(problem.applications),
        "examiners": len(problem.examiners),
        "experienced_examiners": sum(examiner.experienced for examiner in problem.examiners),
        "examiner_places": sum(examiner.capacity for examiner in problem.examiners),
        "conflicting_pairs": conflicts,
    }
    print(json.dumps(summary, indent=2))
    if args.out:
        document = {
            "summary": summary,
            "dates": [on.isoformat() for on in generated.dates],
            "organisation_units": [state.model_dump(mode="json") for state in generated.units.values()],
            "applications": [vars(a) | {"id": str(a.id), "unit_id": str(a.unit_id)} for a in generated.applications],
            "examiners": [vars(e) | {"id": str(e.id), "unit_id": str(e.unit_id)} for e in generated.examiners],
            "declared_conflicts": [{"unit_id": str(u), "examiner_id": str(e)} for u, e in sorted(generated.declared)],
        }
        with open(args.out, "w", encoding="utf-8") as out:
            json.dump(document, out, ensure_ascii=False, indent=1)
    return 0
