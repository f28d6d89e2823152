"""Examiner teams by an integer program (OR-Tools CP-SAT), with reasons when none exists.

One boolean per application × examiner pair that is allowed at all (no conflict, assignable in
the round). Hard: 3–4 examiners per team, each examiner within their capacity, at least one
experienced examiner per team. Soft, in the objective (minimised, integers, weights below):
a team without anyone from the application's sector (when the pool has such examiners for it),
each new examiner beyond the first in a team (new examiners are spread), and each assignment
above an examiner's fair share of the round's seats (load balance).

The search starts from a complete greedy plan (a solution hint for every variable), and the
model carries a counting bound (the seats experienced examiners cannot fill go to new ones), so
the reported bound, and with it the optimality gap, is tight from the start of the search.

When no plan exists the reason is looked for first in necessary conditions that can be read
out (too few places, an application left with fewer than three examiners without a conflict, no
experienced examiner for it), then by relaxing one family of constraints at a time and solving
again: the family whose removal makes the round feasible is the one that makes it impossible.
"""

import math
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ortools.sat.python import cp_model

TEAM_MIN, TEAM_MAX = 3, 4
WEIGHT_NO_SECTOR_MATCH = 10
WEIGHT_EXTRA_NEW_EXAMINER = 4
WEIGHT_OVER_FAIR_SHARE = 1
WEIGHTS = {
    "team_without_sector_competence": WEIGHT_NO_SECTOR_MATCH,
    "new_examiner_beyond_first_in_team": WEIGHT_EXTRA_NEW_EXAMINER,
    "assignment_above_fair_share": WEIGHT_OVER_FAIR_SHARE,
}


@dataclass(frozen=True)
class Candidate:
    id: uuid.UUID
    capacity: int
    experienced: bool
    sectors: frozenset[str]


@dataclass(frozen=True)
class Applicant:
    id: uuid.UUID
    sector: str | None


@dataclass
class Problem:
    applications: list[Applicant]
    examiners: list[Candidate]
    forbidden: set[tuple[uuid.UUID, uuid.UUID]]  # (application id, examiner id) with a conflict


@dataclass
class Plan:
    teams: dict[uuid.UUID, list[uuid.UUID]]  # application id → examiner ids
    status: str  # optimal | feasible
    objective: int
    best_bound: float
    gap: float
    wall_time_s: float
    terms: dict[str, int]  # objective terms, counted


@dataclass
class Impossible:
    constraint: str  # capacity | conflicts | experience | team_size
    explanation: str
    details: dict
    wall_time_s: float


def solve(problem: Problem, *, time_limit_s: float = 3.0, workers: int = 2, gap_limit: float = 0.01) -> Plan | Impossible:
    started = time.monotonic()
    reason = _necessary_conditions(problem)
    if reason is not None:
        reason.wall_time_s = time.monotonic() - started
        return reason
    model = _Model(problem)
    start = _greedy(problem)
    model.hint(start)
    solver = _solver(time_limit_s, workers, gap_limit)
    status = solver.solve(model.model)
    teams = {problem.applications[a].id: [problem.examiners[e].id for e in members] for a, members in start.items()}
    # The solver completes the hint on its own and may, when time runs out, hold a worse plan
    # than the greedy start itself: the proposal is the better of the two, measured the same way.
    fallback = None if check_plan(problem, teams) else _plan(
        problem, teams, "feasible", max(model.lower_bound, solver.best_objective_bound), time.monotonic() - started,
    )
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = model.plan(solver, status, time.monotonic() - started)
        return fallback if fallback is not None and fallback.objective < found.objective else found
    if status == cp_model.UNKNOWN and fallback is not None:
        return fallback
    if status == cp_model.INFEASIBLE:
        reason = _relaxations(problem, time_limit_s, workers)
    else:
        reason = Impossible(
            "time_limit", f"The solver found no plan within {time_limit_s:g} s and could not prove that none exists.", {}, 0.0,
        )
    reason.wall_time_s = time.monotonic() - started
    return reason


def _solver(time_limit_s: float, workers: int, gap_limit: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    solver.parameters.relative_gap_limit = gap_limit
    solver.parameters.random_seed = 1  # repeatable as far as two workers under a time limit allow
    # Presolve's probing and symmetry passes cost seconds on 50k pair variables and found nothing
    # the LP bound and the greedy start do not already give (measured on generated rounds).
    solver.parameters.max_presolve_iterations = 1
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    solver.parameters.presolve_inclusion_work_limit = 0
    solver.parameters.find_big_linear_overlap = False
    return solver


class _Model:
    def __init__(self, problem: Problem, *, capacity: bool = True, conflicts: bool = True, experience: bool = True) -> None:
        self.problem = problem
        model = self.model = cp_model.CpModel()
        examiners = problem.examiners
        self.pairs: dict[tuple[int, int], cp_model.IntVar] = {}
        # Index pairs once: hashing two UUIDs for each of ~60,000 pairs was a third of the build.
        application_index = {application.id: a for a, application in enumerate(problem.applications)}
        examiner_index = {examiner.id: e for e, examiner in enumerate(examiners)}
        forbidden = {
            (application_index[a], examiner_index[e]) for a, e in problem.forbidden
            if conflicts and a in application_index and e in examiner_index
        }
        usable = [e for e, examiner in enumerate(examiners) if examiner.capacity > 0 or not capacity]
        for a in range(len(problem.applications)):
            for e in usable:
                if (a, e) not in forbidden:
                    self.pairs[a, e] = model.new_bool_var("")
        by_application: dict[int, list[tuple[int, cp_model.IntVar]]] = {a: [] for a in range(len(problem.applications))}
        by_examiner: dict[int, list[cp_model.IntVar]] = {e: [] for e in range(len(examiners))}
        for (a, e), var in self.pairs.items():
            by_application[a].append((e, var))
            by_examiner[e].append(var)

        seats = TEAM_MIN * len(problem.applications)
        total_capacity = sum(examiner.capacity for examiner in examiners) or 1
        total = cp_model.LinearExpr.sum
        self.no_match: list[cp_model.IntVar] = []
        self.extra_new: list[cp_model.IntVar] = []
        self.over: list[cp_model.IntVar] = []
        # Each auxiliary variable with the value it takes for given teams (to hint a complete start).
        self.auxiliary: list[tuple[cp_model.IntVar, Callable[[dict[int, list[int]], Counter], int]]] = []
        for a, members in by_application.items():
            model.add_linear_constraint(total([var for _, var in members]), TEAM_MIN, TEAM_MAX)
            if experience:
                model.add(total([var for e, var in members if examiners[e].experienced]) >= 1)
            new = [var for e, var in members if not examiners[e].experienced]
            if len(new) > 1:
                extra = model.new_int_var(0, TEAM_MAX, f"new{a}")
                model.add(extra >= total(new) - 1)
                self.extra_new.append(extra)
                self.auxiliary.append((extra, lambda teams, load, a=a: max(0, sum(not examiners[e].experienced for e in teams.get(a, ())) - 1)))
            sector = problem.applications[a].sector
            matching = [var for e, var in members if sector is not None and sector in examiners[e].sectors]
            if matching:
                missing = model.new_bool_var(f"nomatch{a}")
                model.add(total(matching) >= 1).only_enforce_if(missing.Not())
                self.no_match.append(missing)
                self.auxiliary.append((missing, lambda teams, load, a=a, sector=sector: int(
                    not any(sector in examiners[e].sectors for e in teams.get(a, ())))))
        # Redundant cuts that the LP relaxation does not find by itself; with them the solver's bound
        # is tight, so its optimality gap means something: seats beyond one new examiner per team
        # are penalised, and the seats experienced examiners cannot fill go to new ones.
        new_seats = total([var for (a, e), var in self.pairs.items() if not examiners[e].experienced])
        model.add(total(self.extra_new) >= new_seats - len(problem.applications))
        least_extra = 0
        if experience and capacity:
            experienced_places = sum(examiner.capacity for examiner in examiners if examiner.experienced)
            model.add(new_seats >= seats - experienced_places)
            # The two combined: at least this many new examiners sit beyond the first in their team.
            # As the domain of the objective's term it bounds the objective without the LP.
            least_extra = max(0, seats - experienced_places - len(problem.applications))
        self.extra_total = model.new_int_var(least_extra, TEAM_MAX * len(problem.applications), "extra_new_total")
        model.add(self.extra_total == total(self.extra_new))
        self.lower_bound = WEIGHT_EXTRA_NEW_EXAMINER * least_extra
        for e, assigned in by_examiner.items():
            examiner = examiners[e]
            load = total(assigned)
            if capacity:
                model.add(load <= examiner.capacity)
            fair = math.ceil(examiner.capacity * seats / total_capacity)
            if assigned and len(assigned) > fair:
                over = model.new_int_var(0, len(assigned), f"over{e}")
                model.add(over >= load - fair)
                self.over.append(over)
                self.auxiliary.append((over, lambda teams, load, e=e, fair=fair: max(0, load[e] - fair)))
        model.minimize(
            WEIGHT_NO_SECTOR_MATCH * total(self.no_match)
            + WEIGHT_EXTRA_NEW_EXAMINER * self.extra_total
            + WEIGHT_OVER_FAIR_SHARE * total(self.over)
        )

    def hint(self, teams: dict[int, list[int]]) -> None:
        """A complete start (every variable), so the solver begins from it instead of repairing it."""
        chosen = {(a, e) for a, members in teams.items() for e in members}
        load = Counter(e for members in teams.values() for e in members)
        examiners = self.problem.examiners
        extra = sum(max(0, sum(not examiners[e].experienced for e in members) - 1) for members in teams.values())
        hints = [(var.index, int(pair in chosen)) for pair, var in self.pairs.items()]
        hints += [(var.index, value_for(teams, load)) for var, value_for in self.auxiliary]
        hints.append((self.extra_total.index, extra))
        # Written to the model's proto in bulk: add_hint per variable cost a quarter second here.
        self.model.proto.solution_hint.vars.extend(index for index, _ in hints)
        self.model.proto.solution_hint.values.extend(value for _, value in hints)

    def plan(self, solver: cp_model.CpSolver, status: int, wall_time: float) -> Plan:
        teams: dict[uuid.UUID, list[uuid.UUID]] = {application.id: [] for application in self.problem.applications}
        for (a, e), var in self.pairs.items():
            if solver.boolean_value(var):
                teams[self.problem.applications[a].id].append(self.problem.examiners[e].id)
        return _plan(self.problem, teams, "optimal" if status == cp_model.OPTIMAL else "feasible",
                     max(solver.best_objective_bound, self.lower_bound), wall_time)


def _plan(problem: Problem, teams: dict[uuid.UUID, list[uuid.UUID]], status: str, bound: float, wall_time: float) -> Plan:
    terms = objective_terms(problem, teams)
    objective = sum(WEIGHTS[term] * count for term, count in terms.items())
    gap = 0.0 if objective <= bound + 1e-9 else (objective - bound) / max(abs(objective), 1)
    return Plan(teams=teams, status="optimal" if gap == 0 else status, objective=objective, best_bound=bound, gap=gap,
                wall_time_s=wall_time, terms=terms)


def objective_terms(problem: Problem, teams: dict[uuid.UUID, list[uuid.UUID]]) -> dict[str, int]:
    """How often each penalised situation occurs in a plan (the objective's terms, counted as the model does)."""
    examiners = {examiner.id: examiner for examiner in problem.examiners}
    seats = TEAM_MIN * len(problem.applications)
    total_capacity = sum(examiner.capacity for examiner in problem.examiners) or 1
    load: dict[uuid.UUID, int] = {}
    no_match = extra_new = 0
    for application in problem.applications:
        members = [examiners[m] for m in teams.get(application.id, ())]
        for member in members:
            load[member.id] = load.get(member.id, 0) + 1
        new = sum(not member.experienced for member in members)
        extra_new += max(0, new - 1)
        could_match = application.sector is not None and any(
            application.sector in e.sectors and e.capacity and (application.id, e.id) not in problem.forbidden
            for e in problem.examiners
        )
        if could_match and not any(application.sector in member.sectors for member in members):
            no_match += 1
    over = sum(max(0, count - math.ceil(examiners[m].capacity * seats / total_capacity)) for m, count in load.items())
    return {
        "team_without_sector_competence": no_match,
        "new_examiner_beyond_first_in_team": extra_new,
        "assignment_above_fair_share": over,
    }


def _greedy(problem: Problem) -> dict[int, list[int]]:
    """A quick plan to start the search from (a solution hint): the hardest applications first.

    Each team gets an experienced examiner (from the application's sector if possible), then one
    new examiner while new ones must take seats, then whoever is furthest below their fair share.
    It may leave a team short; the solver repairs that.
    """
    examiners = problem.examiners
    n = len(problem.applications)
    total = sum(examiner.capacity for examiner in examiners) or 1
    fair = [math.ceil(examiner.capacity * TEAM_MIN * n / total) for examiner in examiners]
    load = [0] * len(examiners)
    experienced_places = sum(e.capacity for e in examiners if e.experienced)
    new_seats_needed = TEAM_MIN * n - experienced_places
    experienced_spare = experienced_places - n  # places beyond one per team
    free = {
        a: [e for e, examiner in enumerate(examiners) if examiner.capacity and (application.id, examiner.id) not in problem.forbidden]
        for a, application in enumerate(problem.applications)
    }
    teams: dict[int, list[int]] = {}
    for a in sorted(free, key=lambda a: len(free[a])):
        sector = problem.applications[a].sector
        team: list[int] = []

        def pick(want_experienced: bool | None) -> bool:
            matched = any(sector in examiners[m].sectors for m in team)
            pool = [
                e for e in free[a]
                if load[e] < examiners[e].capacity and e not in team
                and (want_experienced is None or examiners[e].experienced == want_experienced)
            ]
            if not pool:
                return False
            best = max(pool, key=lambda e: (not matched and sector in examiners[e].sectors, fair[e] - load[e]))
            team.append(best)
            load[best] += 1
            return True

        pick(True)
        if new_seats_needed > 0 and pick(False):
            new_seats_needed -= 1
        while len(team) < TEAM_MIN:
            if experienced_spare > 0 and pick(True):
                experienced_spare -= 1
            elif pick(False):
                new_seats_needed -= 1
            elif pick(True):
                experienced_spare -= 1
            else:
                break
        teams[a] = team
    return teams


def _necessary_conditions(problem: Problem) -> Impossible | None:
    applications, examiners = problem.applications, problem.examiners
    needed = TEAM_MIN * len(applications)
    places = sum(examiner.capacity for examiner in examiners)
    if places < needed:
        return Impossible(
            "capacity",
            f"{len(applications)} applications need at least {needed} examiner places (teams of {TEAM_MIN}); "
            f"the assignable examiners offer {places}.",
            {"places_needed": needed, "places_offered": places},
            0.0,
        )
    experienced_places = sum(examiner.capacity for examiner in examiners if examiner.experienced)
    if experienced_places < len(applications):
        return Impossible(
            "experience",
            f"Every team needs an experienced examiner: {len(applications)} teams, but the experienced examiners "
            f"offer {experienced_places} places.",
            {"teams": len(applications), "experienced_places": experienced_places},
            0.0,
        )
    usable = [examiner for examiner in examiners if examiner.capacity > 0]
    for application in applications:
        free = [examiner for examiner in usable if (application.id, examiner.id) not in problem.forbidden]
        if len(free) < TEAM_MIN:
            return Impossible(
                "conflicts",
                f"Application {application.id} has only {len(free)} assignable examiners without a conflict of interest; "
                f"a team needs {TEAM_MIN}.",
                {"application_id": str(application.id), "examiners_without_conflict": len(free)},
                0.0,
            )
        if not any(examiner.experienced for examiner in free):
            return Impossible(
                "experience",
                f"Application {application.id} has no experienced examiner without a conflict of interest.",
                {"application_id": str(application.id)},
                0.0,
            )
    return None


def _relaxations(problem: Problem, time_limit_s: float, workers: int) -> Impossible:
    """Drop one family of hard constraints at a time; the first whose removal helps is named."""
    explanations = {
        "capacity": "Without the examiners' capacities a plan exists: the places are not enough where they are needed "
        "(conflicts and experience leave too few places for some applications).",
        "conflicts": "Without the conflicts of interest a plan exists: conflicts leave some applications without a full team.",
        "experience": "Without the rule of an experienced examiner per team a plan exists: the experienced examiners "
        "cannot cover every team within their capacity and conflicts.",
    }
    for family in ("capacity", "conflicts", "experience"):
        relaxed = _Model(problem, **{family: False})
        relaxed.model.clear_objective()
        status = _solver(time_limit_s, workers, 1.0).solve(relaxed.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return Impossible(family, explanations[family], {"relaxed": family}, 0.0)
    return Impossible(
        "team_size", "No plan exists even with capacity, conflicts or experience relaxed one at a time.", {}, 0.0,
    )


def check_plan(problem: Problem, teams: dict[uuid.UUID, Iterable[uuid.UUID]]) -> list[str]:
    """Every hard constraint a set of teams breaks, in words (used for edits and confirmation)."""
    examiners = {examiner.id: examiner for examiner in problem.examiners}
    problems: list[str] = []
    load: dict[uuid.UUID, int] = {}
    for application in problem.applications:
        members = list(teams.get(application.id, ()))
        if not TEAM_MIN <= len(members) <= TEAM_MAX:
            problems.append(f"Application {application.id} has {len(members)} examiners; a team has {TEAM_MIN}–{TEAM_MAX}.")
        if not any(examiners[m].experienced for m in members if m in examiners):
            problems.append(f"Application {application.id} has no experienced examiner.")
        for member in members:
            if member not in examiners:
                problems.append(f"Examiner {member} is not assignable in this round.")
                continue
            if (application.id, member) in problem.forbidden:
                problems.append(f"Examiner {member} has a conflict of interest with application {application.id}.")
            load[member] = load.get(member, 0) + 1
    for member, count in load.items():
        if member in examiners and count > examiners[member].capacity:
            problems.append(f"Examiner {member} has {count} applications; their capacity is {examiners[member].capacity}.")
    return problems
