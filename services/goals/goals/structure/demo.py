"""Demo goal structure: Vision 2030, the four direction goals of seed 004 (footnote 1), Spånga-Tensta's nämndmål.

The application names the vision ("Stockholm i världsklass"), the four inriktningsmål and the
committee goals, but no KF:s mål för verksamhetsområdet and nothing above the committee goals
for 2014; the goals the demo needs there say so in their description. Idempotent: a goal with the
same level, unit, first year and title is taken as loaded.
"""

import uuid

from goals.commitments.seed_004 import COMMITTEE_GOALS, PLANNING, WORK_ENVIRONMENT
from goals.demo import CITY_CODE, SEED_COMMITTEE_CODE, DemoLoadError, DemoTree

GOALS = "/goals/v1/goals"
DEMO_ADMIN, DEMO_COMMITTEE = "demo-admin", "demo-namnd-spt"
NOT_IN_SEED = "Illustrativt: ansökan (seed 004) namnger inte detta mål."
VISION = "Vision 2030 – Ett Stockholm i världsklass"
TERM_2015 = (2015, 2018)
DIRECTION_GOALS = (
    "Ett Stockholm som håller samman",
    "Ett klimatsmart Stockholm",
    "Ett ekonomiskt hållbart Stockholm",
    "Ett demokratiskt hållbart Stockholm",
)
# Committee goal → (direction goal, KF:s mål för verksamhetsområdet) for the 2015–2018 term.
AREA_GOALS_2015 = {
    PLANNING: ("Ett ekonomiskt hållbart Stockholm", "Stadens verksamheter är effektiva och håller god kvalitet"),
    WORK_ENVIRONMENT: ("Ett demokratiskt hållbart Stockholm", "Stockholms stad är en attraktiv arbetsgivare"),
}
DIRECTION_GOAL_2014 = "Kommunfullmäktiges inriktningsmål för mandatperioden 2011–2014"
AREA_GOAL_2014 = "Kommunfullmäktiges mål för verksamhetsområdet 2014"


async def _ensure(client, *, level: str, unit_id: uuid.UUID, from_year: int, to_year: int, title: str,
                  parent_id: str | None = None, description: str | None = None) -> str:
    listed = await client.get(GOALS, params={"level": level, "unit_id": str(unit_id), "year": from_year, "limit": 500})
    if listed.status_code != 200:
        raise DemoLoadError(f"listing goals answered {listed.status_code}: {listed.text}")
    for goal in listed.json()["items"]:
        if goal["title"] == title and goal["from_year"] == from_year:
            return goal["id"]
    body = {"level": level, "unit_id": str(unit_id), "from_year": from_year, "to_year": to_year, "title": title,
            "parent_id": parent_id, "description": description}
    response = await client.post(GOALS, json=body)
    if response.status_code != 201:
        raise DemoLoadError(f"creating goal {title!r} answered {response.status_code}: {response.text}")
    return response.json()["id"]


async def load(api, tree: DemoTree) -> dict[tuple[int, str], str]:
    """Create the structure; returns (year, committee goal title) → goal id."""
    city, committee = tree.ids[CITY_CODE], tree.ids[SEED_COMMITTEE_CODE]
    async with api.client(roles=("admin",), subject=DEMO_ADMIN) as admin:
        vision = await _ensure(admin, level="vision", unit_id=city, from_year=2007, to_year=2030, title=VISION)
        directions = {
            title: await _ensure(admin, level="direction_goal", unit_id=city, from_year=TERM_2015[0], to_year=TERM_2015[1],
                                 title=title, parent_id=vision)
            for title in DIRECTION_GOALS
        }
        areas = {
            goal: await _ensure(admin, level="area_goal", unit_id=city, from_year=TERM_2015[0], to_year=TERM_2015[1],
                                title=area, parent_id=directions[direction], description=NOT_IN_SEED)
            for goal, (direction, area) in AREA_GOALS_2015.items()
        }
        direction_2014 = await _ensure(admin, level="direction_goal", unit_id=city, from_year=2011, to_year=2014,
                                       title=DIRECTION_GOAL_2014, parent_id=vision, description=NOT_IN_SEED)
        area_2014 = await _ensure(admin, level="area_goal", unit_id=city, from_year=2014, to_year=2014,
                                  title=AREA_GOAL_2014, parent_id=direction_2014, description=NOT_IN_SEED)
    committee_goals = {}
    async with api.client(roles=("committee",), org=(committee,), subject=DEMO_COMMITTEE) as member:
        for year, titles in COMMITTEE_GOALS.items():
            for title in titles:
                parent = area_2014 if year == 2014 else areas[title]
                committee_goals[(year, title)] = await _ensure(
                    member, level="committee_goal", unit_id=committee, from_year=year, to_year=year, title=title, parent_id=parent,
                )
    return committee_goals
