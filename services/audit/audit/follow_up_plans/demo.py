"""First-start content: Spånga-Tensta's 2014 follow-up year (seed 004), loaded through the API.

"Under året genomfördes 26 verksamhetsuppföljningar och fyra uppföljningar av entreprenadavtal.
En oanmäld nattillsyn genomfördes på vård- och omsorgsboendena i stadsdelen. Vissa enheter har,
på grund av brister i verksamheten, följts upp vid flera tillfällen under året. Vissa brister
rapporterades även in till Äldreförvaltningen."

The providers are goals' demo units under Äldre och funktionsnedsättning (``goals.demo.SEED_PROVIDERS``),
the preschool Tenstaparken and Individ och familj; their contracts (avtal for the two contractors,
överenskommelser for the in-house units) carry size and night operations. The committee's 2014
follow-up plan is proposed from the weights, changed to hold the night inspection of all four care
homes, and adopted in December 2013; then the year's 30 follow-ups (26 operations, 4 contract),
the night of 5 November 2014 at the four care homes, findings with action plans and re-checks, and
two serious deficiencies at the contractors that remained and were escalated, reported to
Äldreförvaltningen (goals' demo unit ``FV-ALN``). Last, the 2015 plan proposed from what 2014 showed (a draft).
Idempotent: contracts are found by reference, follow-ups by type and day, findings by description.
"""

from audit.demo import ADMINISTRATION, COMMITTEE, FAMILY, DemoLoadError, _call, _decision, _units

AUDITOR, COMMITTEE_SECRETARY = "demo-uppfoljare-vu", "demo-namndsekreterare"
TENSTAPARKEN = "SDF-SPT-FSK-01"
NIGHT = "2014-11-05"  # the unannounced night inspection of the district's care homes
NIGHT_SUMMARY = "Oanmäld nattillsyn på stadsdelens vård- och omsorgsboenden natten till 6 november."
CARE = (
    ("4.1", "quality", "Varje boende har en aktuell genomförandeplan som följs upp minst var sjätte månad."),
    ("4.2", "staffing", "Nattbemanning med minst två undersköterskor per boende-enhet."),
    ("4.3", "quality", "Läkemedel hanteras och signeras enligt gällande rutin."),
    ("4.4", "complaint_routine", "Utföraren har en rutin för att ta emot, utreda och åtgärda klagomål och synpunkter."),
)
GENERAL = (
    ("3.1", "quality", "Verksamheten bedrivs enligt nämndens verksamhetsplan och åtaganden."),
    ("3.2", "documentation", "Dokumentation och handläggning sker enligt gällande lagstiftning och riktlinjer."),
    ("3.3", "complaint_routine", "Verksamheten har en rutin för klagomål och synpunkter."),
)
# (code, reference, title, requirements, valid from, valid to, places, annual value, night operations)
CONTRACTS = (
    ("SDF-SPT-AOF-E1", "SDN 2012/118", "Drift av Solhems vård- och omsorgsboende", CARE, "2012-07-01", "2017-06-30", 72, 52_000_000, True),
    ("SDF-SPT-AOF-E2", "SDN 2012/119", "Drift av Bromstens vård- och omsorgsboende", CARE, "2012-07-01", "2017-06-30", 60, 44_000_000, True),
    ("SDF-SPT-AOF-01", "SDF 2013/201", "Överenskommelse: Tensta vård- och omsorgsboende", CARE, "2013-01-01", "2016-12-31", 54, 38_000_000, True),
    ("SDF-SPT-AOF-02", "SDF 2013/202", "Överenskommelse: Spånga vård- och omsorgsboende", CARE, "2013-01-01", "2016-12-31", 40, 29_000_000, True),
    ("SDF-SPT-AOF-03", "SDF 2013/203", "Överenskommelse: Hemtjänsten Spånga-Tensta", GENERAL, "2013-01-01", "2016-12-31", 310, 95_000_000, False),
    ("SDF-SPT-AOF-04", "SDF 2013/204", "Överenskommelse: Dagverksamhet Hjulsta", GENERAL, "2013-01-01", "2016-12-31", 25, 6_000_000, False),
    (TENSTAPARKEN, "SDF 2013/205", "Överenskommelse: Förskolan Tenstaparken", GENERAL, "2013-01-01", "2016-12-31", 90, 14_000_000, False),
    (FAMILY, "SDF 2013/206", "Överenskommelse: Individ och familj", GENERAL, "2013-01-01", "2016-12-31", None, 60_000_000, False),
)
CARE_HOMES = ("SDF-SPT-AOF-E1", "SDF-SPT-AOF-E2", "SDF-SPT-AOF-01", "SDF-SPT-AOF-02")
# The year's follow-ups per provider (type, day): 4 of the contractors, 26 of the in-house units.
FOLLOW_UPS = {
    "SDF-SPT-AOF-E1": (("document_review", "2014-03-26"), ("night_visit", NIGHT)),
    "SDF-SPT-AOF-E2": (("visit", "2014-04-16"), ("night_visit", NIGHT)),
    "SDF-SPT-AOF-01": (("document_review", "2014-03-12"), ("visit", "2014-04-09"), ("unannounced_visit", "2014-06-17"),
                       ("user_survey", "2014-10-01"), ("night_visit", NIGHT), ("visit", "2014-12-03")),
    "SDF-SPT-AOF-02": (("document_review", "2014-03-19"), ("visit", "2014-05-14"), ("unannounced_visit", "2014-06-18"),
                       ("user_survey", "2014-10-01"), ("night_visit", NIGHT)),
    "SDF-SPT-AOF-03": (("document_review", "2014-02-25"), ("visit", "2014-04-23"), ("unannounced_visit", "2014-09-10"),
                       ("user_survey", "2014-10-01"), ("visit", "2014-11-19")),
    "SDF-SPT-AOF-04": (("document_review", "2014-03-05"), ("visit", "2014-05-21"), ("user_survey", "2014-10-01")),
    TENSTAPARKEN: (("document_review", "2014-02-11"), ("visit", "2014-03-25"), ("user_survey", "2014-05-06")),
    FAMILY: (("document_review", "2014-02-18"), ("document_review", "2014-06-03"), ("visit", "2014-09-24"),
             ("document_review", "2014-11-12")),
}
# (provider, follow-up, requirement, severity, what was found, action plan (submitted, deadline, action),
#  re-check (day, resolved, note) or None, escalation (day, reason) or None)
FINDINGS = (
    ("SDF-SPT-AOF-E1", ("night_visit", NIGHT), "4.2", "serious", "En undersköterska i tjänst för två boende-enheter under natten.",
     ("2014-11-20", "2014-12-10", "Schemat läggs om så att två undersköterskor arbetar varje natt."),
     ("2014-12-15", False, "Stickprov 1–14 december: en undersköterska fyra nätter av fjorton."),
     ("2014-12-18", "Kvarstående allvarlig brist i nattbemanningen; risk för de boendes säkerhet. Rapporteras till "
                    "Äldreförvaltningen enligt särskild ordning.")),
    ("SDF-SPT-AOF-E2", ("visit", "2014-04-16"), "4.3", "serious", "Signering saknas för flera läkemedelsdoser under en vecka.",
     ("2014-05-05", "2014-06-30", "Ny rutin för signering och sjuksköterskans stickprov varje vecka."),
     ("2014-11-06", False, "Vid nattillsynen saknades fortfarande signeringar kvällstid."),
     ("2014-11-12", "Kvarstående allvarlig brist i läkemedelshanteringen. Rapporteras till Äldreförvaltningen enligt "
                    "särskild ordning.")),
    ("SDF-SPT-AOF-01", ("unannounced_visit", "2014-06-17"), "4.1", "major", "Sju av tjugo genomförandeplaner var inte uppföljda.",
     ("2014-07-01", "2014-10-31", "Kontaktpersonerna följer upp alla genomförandeplaner under hösten."),
     ("2014-12-03", True, "Samtliga granskade genomförandeplaner uppföljda."), None),
    ("SDF-SPT-AOF-02", ("night_visit", NIGHT), "4.1", "minor", "Genomförandeplanerna saknade nattens insatser.",
     ("2014-11-25", "2015-02-28", "Nattens insatser förs in i genomförandeplanerna."), None, None),
)
# What the committee planned beyond the proposal: the night inspection of every care home, and the
# city's yearly user survey in elderly care (brukarundersökningen) at each of its providers.
NIGHT_NOTE = "Nämndens beslut: oanmäld nattillsyn på samtliga vård- och omsorgsboenden i stadsdelen."
SURVEY_NOTE = "Stadens årliga brukarundersökning inom äldreomsorgen."
ADDITIONS = {code: (("night_visit", "user_survey"), f"{NIGHT_NOTE} {SURVEY_NOTE}") for code in CARE_HOMES} | {
    code: (("user_survey",), SURVEY_NOTE) for code in ("SDF-SPT-AOF-03", "SDF-SPT-AOF-04")}
YEAR = 2014
ELDERLY_CARE_ADMINISTRATION = "FV-ALN"  # Äldreförvaltningen (goals' demo city), where the escalations are reported


async def _contracts(auditor, units) -> dict[str, dict]:
    """The contracts by provider code, created where missing."""
    existing = {c["reference"]: c for c in (await _call(auditor, "GET", "/contracts", params={"limit": 500})).json()["items"]}
    found = {}
    for code, reference, title, requirements, valid_from, valid_to, places, value, night in CONTRACTS:
        contract = existing.get(reference)
        if contract is None:
            contract = (await _call(auditor, "POST", "/contracts", expect=201, json={
                "reference": reference, "title": title, "provider_unit_id": units[code], "valid_from": valid_from,
                "valid_to": valid_to, "places": places, "annual_value_sek": value, "night_operations": night,
                "quality_follow_up": "Beställaren följer upp avtalet årligen enligt nämndens uppföljningsplan: dokumentgranskning, "
                                     "besök, oanmälda besök (även nattetid) och brukarundersökning.",
                "requirements": [{"code": c, "category": category, "description": text} for c, category, text in requirements],
            })).json()
        found[code] = contract
    return found


async def _plan(auditor, committee, units, year: int, *, adopt: bool) -> dict:
    found = (await _call(auditor, "GET", "/follow-up-plans", params={"committee_id": units[COMMITTEE], "year": year})).json()["items"]
    plan = found[0] if found else (await _call(auditor, "POST", "/follow-up-plans", expect=201, json={
        "committee_id": units[COMMITTEE], "year": year})).json()
    path = f"/follow-up-plans/{plan['id']}"
    if not adopt or plan["status"] != "draft":
        return plan
    codes = {units[code]: code for code in ADDITIONS}
    for item in plan["items"]:
        added, note = ADDITIONS.get(codes.get(item["provider_unit_id"]), ((), None))
        if set(added) - set(item["planned_types"]):
            await _call(auditor, "PUT", f"{path}/items/{item['id']}", etag_of=path, json={
                "planned_types": sorted(set(item["planned_types"]) | set(added)), "note": note})
    return (await _call(committee, "POST", f"{path}/adoption", etag_of=path,
                        json=_decision(units, "SDN 2013/398 § 12", "2013-12-12"))).json()


async def _follow_ups(auditor, contracts: dict[str, dict]) -> dict[tuple, dict]:
    """The year's follow-ups by (provider, type, day), recorded where missing."""
    done = {}
    for code, planned in FOLLOW_UPS.items():
        path = f"/contracts/{contracts[code]['id']}/follow-ups"
        existing = {(f["type"], f["performed_on"]): f for f in (await _call(auditor, "GET", path, params={"limit": 500})).json()["items"]}
        for follow_up_type, day in planned:
            follow_up = existing.get((follow_up_type, day))
            if follow_up is None:
                summary = NIGHT_SUMMARY if day == NIGHT else f"Uppföljning {day} ({follow_up_type})."
                follow_up = (await _call(auditor, "POST", path, expect=201, json={
                    "type": follow_up_type, "performed_on": day, "summary": summary})).json()
            done[(code, follow_up_type, day)] = follow_up
    return done


async def _findings(auditor, contracts: dict[str, dict], follow_ups: dict[tuple, dict], reported_to: str) -> None:
    for code, (follow_up_type, day), requirement, severity, description, plan, recheck, escalation in FINDINGS:
        contract = contracts[code]
        existing = {f["description"]: f for f in (await _call(
            auditor, "GET", f"/contracts/{contract['id']}/findings", params={"limit": 500})).json()["items"]}
        finding = existing.get(description)
        if finding is None:
            requirement_id = next(r["id"] for r in contract["requirements"] if r["code"] == requirement)
            finding = (await _call(auditor, "POST", f"/contract-follow-ups/{follow_ups[(code, follow_up_type, day)]['id']}/findings",
                                   expect=201, json={"requirement_id": requirement_id, "severity": severity,
                                                     "description": description})).json()
        path = f"/contract-findings/{finding['id']}"
        if finding["status"] == "open":
            submitted, deadline, action = plan
            finding = (await _call(auditor, "PUT", f"{path}/action-plan", etag_of=path, json={
                "action": action, "deadline": deadline, "submitted_on": submitted})).json()
        if finding["status"] == "action_planned" and recheck is not None:
            rechecked_on, resolved, note = recheck
            finding = (await _call(auditor, "POST", f"{path}/recheck", etag_of=path, json={
                "rechecked_on": rechecked_on, "resolved": resolved, "note": note})).json()
        if escalation is not None and finding["escalation"] is None and finding["status"] == "remaining":
            escalated_on, reason = escalation
            await _call(auditor, "POST", f"{path}/escalation", etag_of=path, json={
                "escalated_on": escalated_on, "reason": reason, "reported_to_unit_id": reported_to})


async def load(api) -> None:
    async with api.client(roles=("internal_auditor",), subject=AUDITOR) as reader:
        units = await _units(reader)
        for code in sorted({c[0] for c in CONTRACTS} - set(units) | {ELDERLY_CARE_ADMINISTRATION}):
            items = (await _call(reader, "GET", "/organisation-units", params={"code": code})).json()["items"]
            if not items:
                raise DemoLoadError(f"unit {code} is not in audit's organisation read model yet; load goals' demo first")
            units[code] = items[0]["id"]
    async with (
        api.client(roles=("internal_auditor",), subject=AUDITOR, org=(units[ADMINISTRATION],)) as auditor,
        api.client(roles=("committee",), subject=COMMITTEE_SECRETARY, org=(units[COMMITTEE],)) as committee,
    ):
        contracts = await _contracts(auditor, units)
        await _plan(auditor, committee, units, YEAR, adopt=True)
        follow_ups = await _follow_ups(auditor, contracts)
        await _findings(auditor, contracts, follow_ups, units[ELDERLY_CARE_ADMINISTRATION])
        await _plan(auditor, committee, units, YEAR + 1, adopt=False)
