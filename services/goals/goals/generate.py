"""``python -m goals generate``: a city-sized goals data set, reproducibly from a seed.

Default: 30 committees (14 stadsdelsnämnder, 14 facknämnder, 2 bolagsstyrelser), each with its
administration and 4 departments, 3,000 organisation units in all; the ILS goal structure (vision,
3 inriktningsmål, 9 KF:s mål, 5 nämndmål per committee and year); 200 indicators (the first 100
with Kolada KPI ids, 20 of those split by gender, 10 volume measures), 6 targeted on each KF:s
mål; 30,000 commitments over 2014 and 2015 in the units' adopted business plans, each followed up
at T1, T2 and VB; each unit reports about 20 indicators (19 of its committee's pool and its
volume measure) for T1, T2 and VB of both years; the units' budget tables (kostnader, varav
löner, varav övrigt) for both years; Kolada's figure for the whole city for the Kolada indicators.

Fulfilment follows a known relation, so the analysis model has something to find: a
commitment's latent y* = 0.8 · ln(cost / 8 mkr) + the unit's own level + logistic noise, cut at
−0.8 (ej | delvis) and 0.6 (delvis | uppfyllt).

Rows are written with COPY in one transaction into the database of the settings
(``GOALS_DATABASE_URL``) or ``--database-url``; the database must be migrated and hold no
organisation units yet. Prints a JSON summary (counts, seconds, a few ids for benchmarks).
"""

import argparse
import asyncio
import hashlib
import json
import math
import random
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

START = date(2010, 1, 1)
PERIODS = ("T1", "T2", "VB")
BETA = 0.8
CUTS = (-0.8, 0.6)
COST_REFERENCE = 8.0  # mkr
DEPARTMENTS = 4
GOALS_PER_COMMITTEE_YEAR = 5
AREA_INDICATORS = 6
POOL = 40
VOLUME_INDICATORS = 10
KOLADA_INDICATORS = 100
SPLIT_INDICATORS = 20
GENERATOR = "generate"


@dataclass
class City:
    seed: int
    rows: dict[str, list[tuple]] = field(default_factory=dict)
    summary: dict = field(default_factory=dict)

    def add(self, table: str, row: tuple) -> None:
        self.rows.setdefault(table, []).append(row)


COLUMNS = {
    "org_units": ("id", "revision"),
    "org_unit_versions": ("unit_id", "valid_from", "valid_to", "code", "name", "type", "parent_id"),
    "unit_external_ids": ("unit_id", "revision", "kolada_municipality_id", "kolada_ou_id"),
    "goals": ("id", "revision", "level_code", "unit_id", "from_year", "to_year", "parent_id", "title", "description", "status"),
    "indicators": (
        "id", "revision", "code", "title", "description", "unit_of_measure", "polarity", "source", "kolada_kpi_id", "by_gender",
        "decimals", "measures_volume",
    ),
    "indicator_targets": (
        "id", "revision", "indicator_id", "goal_id", "commitment_id", "unit_id", "period", "gender", "target_value", "comparison",
        "created_by",
    ),
    "business_plans": ("id", "revision", "unit_id", "year", "status", "decision", "adopted_at"),
    "commitments": (
        "id", "revision", "business_plan_id", "position", "unit_id", "year", "status", "proposed_from_finding_id", "authors",
        "assessment",
    ),
    "commitment_versions": (
        "commitment_id", "version", "effective_from", "decision", "title", "committee_goal_id", "indicator_id",
        "responsible_subject", "responsible_unit_id", "content", "created_by",
    ),
    "follow_ups": (
        "id", "revision", "commitment_id", "commitment_version", "unit_id", "period", "year", "outcome_value", "reached_item_ids",
        "result", "suggested_assessment", "suggestion_basis", "assessment", "analysis", "next_steps", "deadline", "reported_on",
        "late", "reported_by",
    ),
    "indicator_values": (
        "indicator_id", "unit_id", "period", "gender", "version", "value", "count", "status", "current", "source", "file_sha256",
        "recorded_by",
    ),
    "budget_years": ("unit_id", "year", "revision", "amount_unit", "recorded_by"),
    "budget_lines": ("unit_id", "year", "line", "budget", "outcome", "stated_deviation"),
}


def _deadline(year: int, kind: str) -> date:
    return {"T1": date(year, 5, 31), "T2": date(year, 9, 30), "VB": date(year + 1, 1, 31)}[kind]


def _verdict(latent: float) -> str:
    if latent < CUTS[0]:
        return "not_fulfilled"
    return "partly_fulfilled" if latent < CUTS[1] else "fulfilled"


def _dec(value: float, places: int = 2) -> Decimal:
    return Decimal(f"{value:.{places}f}")


def generate_city(
    *, seed: int = 2015, committees: int = 30, units: int = 3000, commitments: int = 30_000, indicators: int = 200,
    indicators_per_unit: int = 20, years: tuple[int, ...] = (2014, 2015),
) -> City:
    rng = random.Random(seed)

    def new_id() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    city = City(seed)
    leaves_total = units - 1 - committees * (2 + DEPARTMENTS)
    if committees < 1 or leaves_total < committees * DEPARTMENTS:
        raise ValueError(f"{units} units are too few for {committees} committees with {DEPARTMENTS} departments each")
    if indicators < VOLUME_INDICATORS + AREA_INDICATORS * 2 or not 2 <= indicators_per_unit <= indicators - VOLUME_INDICATORS:
        raise ValueError(f"too few indicators: at least {VOLUME_INDICATORS + AREA_INDICATORS * 2}, and more than each unit reports")

    def unit(code: str, name: str, unit_type: str, parent: uuid.UUID | None) -> uuid.UUID:
        unit_id = new_id()
        city.add("org_units", (unit_id, 1))
        city.add("org_unit_versions", (unit_id, START, None, code, name, unit_type, parent))
        return unit_id

    city_id = unit("STHLM", "Stockholms stad", "city", None)
    city.add("unit_external_ids", (city_id, 1, "0180", None))
    boards = committees // 15
    districts = (committees - boards) // 2
    committee_rows = []  # (id, code, leaves)
    departments = []
    for c in range(committees):
        if c < districts:
            code, name, kind = f"SDN-{c + 1:02d}", f"Stadsdelsnämnd {c + 1}", "district_committee"
        elif c < committees - boards:
            n = c - districts + 1
            code, name, kind = f"FN-{n:02d}", f"Facknämnd {n}", "specialist_committee"
        else:
            n = c - committees + boards + 1
            code, name, kind = f"BOL-{n:02d}", f"Bolagsstyrelse {n}", "company_board"
        committee_id = unit(code, name, kind, city_id)
        admin = unit(f"{code}-F", name.replace("nämnd", "förvaltning").replace("styrelse", "förvaltning"), "administration", committee_id)
        leaves: list[uuid.UUID] = []
        committee_rows.append((committee_id, code, leaves))
        for d in range(DEPARTMENTS):
            departments.append((unit(f"{code}-F-{d + 1}", f"Avdelning {d + 1}", "department", admin), f"{code}-F-{d + 1}", leaves))
    leaf_units = []  # (unit_id, committee index)
    for i in range(leaves_total):
        department_id, department_code, leaves = departments[i % len(departments)]
        number = i // len(departments) + 1
        leaf = unit(f"{department_code}-{number:03d}", f"Enhet {department_code[-1]}.{number}", "unit", department_id)
        leaves.append(leaf)
        leaf_units.append((leaf, (i % len(departments)) // DEPARTMENTS))
        city.add("unit_external_ids", (leaf, 1, None, f"V15E{i + 1:09d}"))

    # Goal structure.
    vision = new_id()
    city.add("goals", (vision, 1, "vision", city_id, 2007, 2030, None, "Ett Stockholm i världsklass", None, "active"))
    areas = []
    for d in range(3):
        direction = new_id()
        city.add("goals", (direction, 1, "direction_goal", city_id, years[0], years[-1] + 3, vision, f"Inriktningsmål {d + 1}", None, "active"))
        for a in range(3):
            area = new_id()
            areas.append(area)
            city.add("goals", (area, 1, "area_goal", city_id, years[0], years[-1] + 3, direction, f"KF:s mål {d + 1}.{a + 1}", None, "active"))
    committee_goals: dict[tuple[int, int], list[tuple[uuid.UUID, int]]] = {}
    for c, (committee_id, code, _) in enumerate(committee_rows):
        for year in years:
            chosen = []
            for k in range(GOALS_PER_COMMITTEE_YEAR):
                goal_id, area_index = new_id(), rng.randrange(len(areas))
                chosen.append((goal_id, area_index))
                city.add("goals", (
                    goal_id, 1, "committee_goal", committee_id, year, year, areas[area_index], f"Nämndmål {code} {year}.{k + 1}", None,
                    "active",
                ))
            committee_goals[(c, year)] = chosen

    # Indicators.
    indicator_ids, polarity, volume_ids = [], [], []
    regular = indicators - VOLUME_INDICATORS
    kolada_count = min(KOLADA_INDICATORS, regular)
    for i in range(indicators):
        indicator_id = new_id()
        indicator_ids.append(indicator_id)
        is_volume = i >= regular
        lower = not is_volume and i % 3 == 2
        polarity.append("lower_is_better" if lower else "higher_is_better")
        kolada = i < kolada_count
        if is_volume:
            volume_ids.append(indicator_id)
        city.add("indicators", (
            indicator_id, 1, f"IND-{i + 1:03d}", ("Antal brukare " if is_volume else "Indikator ") + str(i + 1), None,
            "antal" if is_volume else "procent", polarity[-1], "kolada" if kolada else "internal",
            f"N{10001 + i}" if kolada else None, kolada and i < SPLIT_INDICATORS, 0 if is_volume else 1, is_volume,
        ))
    level = [rng.uniform(40, 90) for _ in range(indicators)]
    area_indicators = [rng.sample(range(regular), AREA_INDICATORS) for _ in areas]
    for area, chosen in zip(areas, area_indicators):
        for i in chosen:
            for year in years:
                city.add("indicator_targets", (
                    new_id(), 1, indicator_ids[i], area, None, city_id, f"{year}-VB", "T",
                    _dec(level[i] * (0.9 if polarity[i] == "lower_is_better" else 1.1)),
                    "at_most" if polarity[i] == "lower_is_better" else "at_least", GENERATOR,
                ))
    pools = []
    for c in range(committees):
        pool = {i for year in years for _, area_index in committee_goals[(c, year)] for i in area_indicators[area_index]}
        while len(pool) < min(max(POOL, indicators_per_unit), regular):
            pool.add(rng.randrange(regular))
        pools.append(sorted(pool))

    # Units' size, level, cost, volume, reported indicators.
    sha = hashlib.sha256(f"goals generate seed {seed}".encode()).hexdigest()
    per_year = commitments // len(years)
    counts_per_unit = {}
    for year in years:
        allotted = [per_year // len(leaf_units)] * len(leaf_units)
        for extra in rng.sample(range(len(leaf_units)), per_year - sum(allotted)):
            allotted[extra] += 1
        counts_per_unit[year] = allotted
    adopted_at = {year: datetime(year - 1, 12, 15, 12, tzinfo=timezone.utc) for year in years}
    content_without = json.dumps({
        "description": "Genererat åtagande.", "expected_result": {"type": "target_picture", "description": "Målbild."},
        "ways_of_working": {"plan": "Planera.", "follow_up": "Följa upp."}, "resource_use": "Personalens tid.",
        "follow_up_plan": {"what": "Resultat", "when": "T1, T2, VB", "how": "Uppföljning", "who": "Enhetschefen"},
    })
    written = {"commitments": 0, "follow_ups": 0, "indicator_values": 0}
    for index, (leaf, c) in enumerate(leaf_units):
        size = math.exp(rng.gauss(0, 0.5))
        own_level = rng.gauss(0, 0.7)
        volume_indicator = c % VOLUME_INDICATORS
        reported = rng.sample(pools[c], indicators_per_unit - 1)
        unit_offsets = {i: rng.gauss(0, 5) for i in reported}
        for year in years:
            budget = COST_REFERENCE * size * math.exp(rng.gauss(0, 0.05))
            outcome = budget * math.exp(rng.gauss(0, 0.06))
            city.add("budget_years", (leaf, year, 1, "mkr", GENERATOR))
            for line, share in (("costs", 1.0), ("salaries", 0.62), ("other", 0.38)):
                city.add("budget_lines", (leaf, year, line, _dec(budget * share, 3), _dec(outcome * share, 3), None))
            users = max(1, round(40 * size * math.exp(rng.gauss(0, 0.1))))
            for kind in PERIODS:
                period = f"{year}-{kind}"
                city.add("indicator_values", (
                    volume_ids[volume_indicator], leaf, period, "T", 1, Decimal(users), None, None, True, "generated", sha, GENERATOR,
                ))
                for i in reported:
                    value = max(0.0, min(100.0, level[i] + unit_offsets[i] + rng.gauss(0, 2)))
                    count = rng.randrange(10, 500) if rng.random() < 0.9 else None
                    city.add("indicator_values", (
                        indicator_ids[i], leaf, period, "T", 1, _dec(value, 1), count, None, True, "generated", sha, GENERATOR,
                    ))
                written["indicator_values"] += len(reported) + 1
            plan_id = new_id()
            city.add("business_plans", (plan_id, 1, leaf, year, "adopted", None, adopted_at[year]))
            goals_of_year = committee_goals[(c, year)]
            base = BETA * math.log(outcome / COST_REFERENCE) + own_level
            for position in range(1, counts_per_unit[year][index] + 1):
                commitment_id = new_id()
                goal_id, area_index = rng.choice(goals_of_year)
                candidates = [i for i in area_indicators[area_index] if i in unit_offsets]
                indicator = rng.choice(candidates) if candidates and rng.random() < 0.7 else None
                city.add("commitments", (
                    commitment_id, 1, plan_id, position, leaf, year, "followed_up", None, [f"manager-{index}"], None,
                ))
                city.add("commitment_versions", (
                    commitment_id, 1, date(year - 1, 12, 15), None, f"Åtagande {year}.{position}", goal_id,
                    indicator_ids[indicator] if indicator is not None else None, f"manager-{index}", leaf, content_without,
                    f"manager-{index}",
                ))
                written["commitments"] += 1
                for kind in PERIODS:
                    latent = base + _logistic(rng)
                    verdict = _verdict(latent)
                    deadline = _deadline(year, kind)
                    city.add("follow_ups", (
                        new_id(), 1, commitment_id, 1, leaf, f"{year}-{kind}", year, None, None, "Resultat enligt plan.",
                        None, None, verdict, None if verdict == "fulfilled" else "Analys av avvikelsen.", None, deadline,
                        deadline - timedelta(days=rng.randrange(0, 20)), False, f"manager-{index}",
                    ))
                    written["follow_ups"] += 1
    for i in range(kolada_count):
        for year in years:
            city.add("indicator_values", (
                indicator_ids[i], city_id, f"{year}-VB", "T", 1, _dec(level[i], 1), None, None, True, "kolada", sha, GENERATOR,
            ))
            written["indicator_values"] += 1
    city.summary = {
        "seed": seed, "committees": committees, "units": units, "leaf_units": len(leaf_units), "indicators": indicators,
        "goals": len(city.rows["goals"]), "years": list(years), **written,
        "city_id": str(city_id), "committee_ids": [str(row[0]) for row in committee_rows], "area_goal_ids": [str(a) for a in areas],
        "kolada_split_kpis": [f"N{10001 + i}" for i in range(min(SPLIT_INDICATORS, kolada_count))],
        "kolada_ou_ids": [f"V15E{i + 1:09d}" for i in range(len(leaf_units))],
    }
    return city


def _logistic(rng: random.Random) -> float:
    u = rng.random()
    while u in (0.0, 1.0):
        u = rng.random()
    return math.log(u / (1 - u))


async def write_city(database_url: str, city: City) -> float:
    """COPY every table in one transaction; refuses a database that already has organisation units."""
    import asyncpg

    from servicekit.dburl import plain_url

    started = time.monotonic()
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        if await connection.fetchval("SELECT count(*) FROM org_units"):
            raise SystemExit("The goals database already has organisation units; generate needs an empty (migrated) one.")
        async with connection.transaction():
            for table, columns in COLUMNS.items():
                rows = city.rows.get(table)
                if rows:
                    await connection.copy_records_to_table(table, records=rows, columns=list(columns))
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m goals generate", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--committees", type=int, default=30)
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--commitments", type=int, default=30_000)
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--indicators-per-unit", type=int, default=20)
    parser.add_argument("--years", type=int, nargs="+", default=[2014, 2015])
    parser.add_argument("--database-url", help="default: the settings' GOALS_DATABASE_URL")
    parser.add_argument("--summary", help="also write the JSON summary to this file")
    args = parser.parse_args(argv)
    database_url = args.database_url
    if not database_url:
        from goals.config import GoalsSettings

        database_url = GoalsSettings().database_url
    if not database_url:
        parser.error("no database: set GOALS_DATABASE_URL or give --database-url")
    started = time.monotonic()
    try:
        city = generate_city(
            seed=args.seed, committees=args.committees, units=args.units, commitments=args.commitments,
            indicators=args.indicators, indicators_per_unit=args.indicators_per_unit, years=tuple(args.years),
        )
    except ValueError as exc:
        parser.error(str(exc))
    generated = time.monotonic() - started
    written = asyncio.run(write_city(database_url, city))
    summary = {**city.summary, "generate_s": round(generated, 2), "write_s": round(written, 2)}
    text = json.dumps(summary)
    if args.summary:
        with open(args.summary, "w", encoding="utf-8") as out:
            out.write(text)
    short = {key: value for key, value in summary.items() if key not in ("kolada_ou_ids", "committee_ids", "area_goal_ids")}
    print(json.dumps(short), file=sys.stderr)
    print(text)
    return 0
