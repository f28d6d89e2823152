"""First-start content: Spånga-Tensta's 19 lex Sarah reports of 2014 (seed 004), invented, none serious.

"Under 2014 inkom 19 rapporter enligt lex Sarah. Ingen av dem bedömdes som allvarlig och
anmäldes till IVO. De flesta ledde till nya eller ändrade rutiner." The cases are invented (no
real person or event); they run through every step as the committee's two officers would work
them (one investigates, the other decides), 17 closed — 14 of them with a new or changed routine
— and 2 assessed and awaiting their follow-up, so the yearly summary reads 19 reports, 0 serious.
Idempotent: a case is found again by its report day and advanced from where it stands.
"""

from datetime import date, timedelta

from audit.demo import COMMITTEE, ELDERLY, FAMILY, _call, _units
from audit.lex_sarah.schemas import Topic

OFFICER, DECIDER, STAFF = "demo-lex-sarah-ansvarig-1", "demo-lex-sarah-ansvarig-2", "demo-personal-aof"
YEAR = 2014
# (department, area, what happened, preventive action, changes a routine, closed)
CASES = (
    (ELDERLY, "elderly_care", "Brukare fick inte sin kvällsmedicin.", "Ny rutin för överlämning av läkemedel vid skiftbyte.", True, True),
    (ELDERLY, "elderly_care", "Larm besvarades inte inom rimlig tid nattetid.", "Ändrad rutin för larmbevakning nattetid.", True, True),
    (ELDERLY, "elderly_care", "Brukare lämnades ensam vid måltid trots behov av stöd.", "Ändrad bemanning vid måltider.", True, True),
    (ELDERLY, "elderly_care", "Hemtjänstbesök uteblev en helgdag.", "Ny rutin för planering av helgbesök.", True, True),
    (FAMILY, "individual_and_family", "Utredning om barn påbörjades för sent.", "Ändrad rutin för förhandsbedömning.", True, True),
    (ELDERLY, "disability", "Brukare fick bristande stöd vid förflyttning.", "Utbildning i förflyttningsteknik.", False, True),
    (ELDERLY, "elderly_care", "Dokumentation om fallrisk saknades.", "Ny rutin för riskbedömning vid inflyttning.", True, True),
    (FAMILY, "individual_and_family", "Beslut expedierades inte till den enskilde.", "Ändrad rutin för expediering av beslut.", True, True),
    (ELDERLY, "elderly_care", "Bemötande som upplevdes kränkande.", "Samtal om värdegrund i arbetsgruppen.", False, True),
    (ELDERLY, "disability", "Aktivitet enligt genomförandeplan genomfördes inte.", "Ny rutin för uppföljning av genomförandeplaner.", True, True),
    (ELDERLY, "elderly_care", "Hjälpmedel var trasigt i flera dagar.", "Ändrad rutin för felanmälan av hjälpmedel.", True, True),
    (FAMILY, "individual_and_family", "Placerat barns besök uteblev.", "Ny rutin för planering av umgänge.", True, True),
    (ELDERLY, "elderly_care", "Brukare fick fel kost trots specialkost.", "Ändrad rutin för kostbeställning.", True, True),
    (ELDERLY, "elderly_care", "Nyckel till brukares bostad kom bort.", "Ny rutin för nyckelhantering.", True, True),
    (ELDERLY, "disability", "Personal saknade introduktion inför arbetspass.", "Introduktion före första arbetspasset.", False, True),
    (FAMILY, "individual_and_family", "Ekonomiskt bistånd betalades ut för sent.", "Ändrad rutin för utbetalningar.", True, True),
    (ELDERLY, "elderly_care", "Brukare fick vänta på hjälp till toalett.", "Ändrad rutin för tillsyn.", True, True),
    (ELDERLY, "elderly_care", "Tillsynsbesök nattetid dokumenterades inte.", "Ny rutin för signering av nattillsyn.", True, False),
    (ELDERLY, "elderly_care", "Brukares önskemål om duschtid följdes inte.", "Översyn av veckoschemat.", False, False),
)
STEP_PATHS = ("reception", "investigation", "record-entries", "seriousness-decision", "follow-up", "closure")


def _reported_on(index: int) -> date:
    return date(YEAR, 1, 8) + timedelta(days=19 * index)


async def _advance(officer, decider, case: dict, spec: tuple, reported: date) -> None:
    _, _, _, action, changes_routine, closes = spec
    path = f"/lex-sarah/cases/{case['id']}"

    async def step(client, name: str, body: dict, expect: int = 200) -> dict:
        return (await _call(client, "POST", f"{path}/{name}", json=body, expect=expect, etag_of=path)).json()

    status = case["status"]
    if status == "reported":
        status = (await step(officer, "reception", {"received_on": reported.isoformat(),
                                                     "protective_measures": "Omedelbar åtgärd: berörd brukare fick stöd."}))["status"]
    started = reported + timedelta(days=1)
    if status == "received":
        status = (await step(officer, "investigation", {"started_on": started.isoformat(), "investigator_subject": OFFICER}))["status"]
    if status == "under_investigation":
        covered = {entry["topic"] for entry in (await _call(officer, "GET", path)).json()["record"]}
        for topic in Topic:
            if topic.value not in covered:
                await step(officer, "record-entries", {
                    "topic": topic.value, "kind": "assessment" if topic == Topic.assessment else "fact",
                    "entry_date": started.isoformat(), "source": "interview", "content": f"Utredningens underlag ({topic.value}).",
                }, expect=201)
        status = (await step(decider, "seriousness-decision", {
            "decided_on": (reported + timedelta(days=14)).isoformat(), "seriousness": "not_serious",
            "reason": "Missförhållandet var inte allvarligt; det har avhjälpts och rutinen ses över.",
        }))["status"]
    if status == "assessed" and closes:
        status = (await step(officer, "follow-up", {"followed_up_on": (reported + timedelta(days=60)).isoformat(), "actions": [
            {"description": action, "changes_routine": changes_routine, "effective": True}]}))["status"]
    if status == "followed_up":
        await step(officer, "closure", {"closed_on": (reported + timedelta(days=62)).isoformat()})


async def load(api) -> None:
    async with api.client(roles=("lex_sarah_officer",), subject=OFFICER) as reader:
        units = await _units(reader)
    scope = (units[COMMITTEE],)
    async with (
        api.client(roles=("lex_sarah_officer",), subject=OFFICER, org=scope) as officer,
        api.client(roles=("lex_sarah_officer",), subject=DECIDER, org=scope) as decider,
        api.client(roles=("unit_manager",), subject=STAFF, org=(units[ELDERLY],)) as staff,
    ):
        existing = {case["reported_on"]: case for case in (await _call(officer, "GET", "/lex-sarah/cases", params={
            "year": YEAR, "limit": 500})).json()["items"]}
        for index, spec in enumerate(CASES):
            unit, area, what, *_ = spec
            reported = _reported_on(index)
            case = existing.get(reported.isoformat())
            if case is None:
                # Reports from a bemanningsföretag's staff (no account) are registered by the officer.
                reporter, registered = (officer, {"reporter": f"Vikarie från bemanningsföretag (demo {index})"}) if index % 6 == 5 \
                    else (staff, {})
                receipt = (await _call(reporter, "POST", "/lex-sarah/reports", expect=201, json={
                    "unit_id": units[unit], "area": area, "occurred_on": reported.isoformat(), "reported_on": reported.isoformat(),
                    "description": what, **registered,
                })).json()
                case = (await _call(officer, "GET", f"/lex-sarah/cases/{receipt['id']}")).json()
            await _advance(officer, decider, case, spec, reported)
        summary = (await _call(officer, "GET", "/lex-sarah/yearly-summary", params={"committee_id": units[COMMITTEE], "year": YEAR})).json()
        if summary["revision"] == 0:
            await _call(officer, "POST", "/lex-sarah/yearly-summaries", expect=201,
                        json={"committee_id": units[COMMITTEE], "year": YEAR})
