"""Demo: Spånga-Tensta stadsdelsnämnd's own verdicts on its 2014 nämndmål (verksamhetsberättelse 2014).

Seed 004 states no verdict of the committee on its goals, as it states none on the 2014
commitments; the verdicts here are our reading of §5.1, like the follow-ups' (``goals.follow_ups.demo``):
each nämndmål is judged as its commitments' results add up (planning: four of five fulfilled, one
partly; the work environment fulfilled; procurement partly, its one commitment partly met), and
the analysis says that and that it is our reading. Recorded by the committee role through the API; a goal already judged is left.
"""

from goals.commitments.seed_004 import PLANNING, PROCUREMENT, WORK_ENVIRONMENT
from goals.demo import SEED_COMMITTEE_CODE, DemoLoadError, DemoTree

PERIOD = "2014-VB"
DEMO_COMMITTEE = "demo-namnd-spt"
OUR_READING = "(Demo: ansökan anger ingen nämndens bedömning; detta är vår läsning av enhetens resultat 2014, seed 004 §5.1.)"
VERDICTS_2014 = {
    PLANNING: ("fulfilled", "Fyra av nämndmålets fem åtaganden är uppfyllda och ett delvis uppfyllt."),
    WORK_ENVIRONMENT: ("fulfilled", "Nämndmålets åtagande, Arbetsmiljön är god, är uppfyllt."),
    PROCUREMENT: ("partly_fulfilled", "Nämndmålets åtagande är delvis uppfyllt."),
}


async def load(api, tree: DemoTree, committee_goals: dict[tuple[int, str], str]) -> None:
    committee = tree.ids[SEED_COMMITTEE_CODE]
    async with api.client(roles=("committee",), org=(committee,), subject=DEMO_COMMITTEE) as member:
        for title, (assessment, analysis) in VERDICTS_2014.items():
            path = f"/goals/v1/goals/{committee_goals[(2014, title)]}/verdicts/{PERIOD}"
            existing = await member.get(path)
            if existing.status_code == 200:
                continue
            if existing.status_code != 404:
                raise DemoLoadError(f"reading the verdict on {title!r} answered {existing.status_code}: {existing.text}")
            response = await member.put(
                path, json={"assessment": assessment, "analysis": f"{analysis} {OUR_READING}"}, headers={"if-match": '"0"'},
            )
            if response.status_code != 200:
                raise DemoLoadError(f"recording the verdict on {title!r} answered {response.status_code}: {response.text}")
