"""First-start content, concluded: the 2015 round's feedback report released and seed 004's good examples published.

Through the API only, idempotent (each step looks first). After the jury's decision the award
office drafts the development unit's feedback report from the team's consensus; its approval and
release under its registration number (frozen) come as an import of the 2015 round's records, on
their historical days, through a system key with awards:write (as feedback's demo imports its
earlier register): only an import gives a past day. The unit's manager gives consent, and three of the unit's practices
from seed 004 are published as good examples: its meeting structure (1.5.1), its annual wheel of
follow-ups (6.3) and its shared responsibility for commitments followed up at unit meetings (3.4,
6.2). Rinkeby vård- och omsorgsboende records that it has taken up the annual wheel.
"""

from awards.demo_examination import BASE, move, ok

REGISTRATION_NUMBER = "KU 2015/17"
# The round is seed 004's, of 2015: approved after the jury's decision (deadline 15 November) and released by the
# phase's deadline (1 December), before the unit's consent (3 December). Past days are imported by a system key.
APPROVED_ON, RELEASED_ON = "2015-11-30", "2015-12-01"
IMPORT_SUBJECT = "demo-import"
SUMMARY = (
    "Enheten för verksamhetsutveckling har ett systematiskt och väl förankrat arbetssätt: en tydlig mötesstruktur, "
    "åtaganden som varje medarbetare ansvarar för och följer upp, och ett årshjul som styr när planering och uppföljning "
    "sker. Medarbetarundersökningens resultat är mycket goda. Det största förbättringsområdet är kundernas röst: "
    "brukarundersökningen och kunddialogen har påbörjats men resultat och analys saknas ännu. Rapporten är skriven för "
    "att enheten ska kunna använda den i sitt fortsatta förbättringsarbete."
)
EXAMPLES = (
    {
        "kind": "practice", "title": "Mötesstruktur med veckovisa enhetsmöten",
        "summary": "Varje måndag 08.30–10.00 hålls ett obligatoriskt enhetsmöte med gemensam frukost där alla medarbetare "
                   "deltar; mötet följer alltid samma dagordning och leds av en medarbetare när chefen är borta.",
        "body": "Enhetschefen fyller inför varje möte en återkommande dagordning med aktuella punkter och informerar om vad "
                "som sker i förvaltningen; frågor från stabens veckobrev diskuteras. Medarbetarna anmäler vid mötets start "
                "vad de vill lyfta, till exempel information från möten eller kunskap från utbildningar. När nämnden har "
                "tagit månadsrapporten går enheten igenom den tillsammans, så att alla har samma bild av läget i ekonomi, "
                "kvalitet och HR. Mötesstrukturen finns som bilaga 3 till ansökan (fråga 1.5.1).",
        "areas": ["1", "3"], "lenses": ["spreading_good_examples", "analysis_for_improvement"],
    },
    {
        "kind": "practice", "title": "Årshjul för uppföljning",
        "summary": "Årets uppföljning följer ett årshjul som beslutas med verksamhetsplanen: verksamhetsberättelse och "
                   "resultatdialog i december–januari, tertialrapport 1 i april–maj, tertialrapport 2 i augusti–september "
                   "och verksamhetsplan i oktober–december.",
        "body": "Årshjulet (fråga 6.3): december–januari verksamhetsberättelse och resultatdialog; februari–mars "
                "medarbetarsamtal och flerårsbudget; april–maj tertialrapport 1 och resultatdialog; augusti–september "
                "tertialrapport 2 och resultatdialog; oktober–december verksamhetsplan. Internkontrollen följer samma hjul: "
                "mars–juni följs föregående års handlingsplaner upp och rapporteras med tertialrapport 2, april–november "
                "granskas årets internkontrollplan och rapporteras med verksamhetsberättelsen. Kvarstående brister skrivs in "
                "som åtaganden i nästa års verksamhetsplan.",
        "areas": ["5", "6"], "lenses": ["analysis_for_improvement"],
    },
    {
        "kind": "practice", "title": "Alla medarbetare ansvarar för åtaganden som följs upp på enhetsmötena",
        "summary": "Varje medarbetare ansvarar för några av enhetens åtaganden och följer upp dem på enhetsmötena efter ett "
                   "inplanerat schema; dessutom har var och en egna medarbetaråtaganden.",
        "body": "Ansvaret för enhetens uppdrag är uttalat delat (fråga 3.4 och 6.2). Till varje åtagande hör förväntat "
                "resultat, arbetssätt, uppföljningsmetod och tidpunkt; den ansvariga medarbetaren redovisar på enhetsmötet "
                "när det är dags. Så bidrar alla till att resultaten analyseras och leder till utveckling, och vid frånvaro "
                "planerar alla tillsammans hur arbetsuppgifterna löses.",
        "areas": ["3", "4", "6"], "lenses": ["analysis_for_improvement", "spreading_good_examples"],
    },
)
UPTAKE_UNIT = "SDF-RKI-AO-01"  # Rinkeby vård- och omsorgsboende takes up the annual wheel
UPTAKE_NOTE = "Årshjulet används från 2016 för boendets uppföljning av åtaganden och tertialrapporter."


async def conclude(api, admin, round_id: str, units: dict) -> None:
    """From the decision: the feedback report released, then consent, the good examples and an uptake."""
    phase = ok(await admin.get(f"{BASE}/rounds/{round_id}"))["phase"]
    if phase == "jury_decision":
        phase = (await move(admin, round_id, "feedback_reports_released"))["phase"]
    if phase not in ("feedback_reports_released", "good_examples_published"):
        return
    application = ok(await admin.get(f"{BASE}/applications", params={"round_id": round_id}))["items"][0]
    await _release_report(api, admin, application["id"])
    if phase == "feedback_reports_released":
        await move(admin, round_id, "good_examples_published")
    await _publish_examples(api, admin, round_id, application)
    await _uptake(api, admin, round_id, units)


async def _release_report(api, admin, application_id: str) -> None:
    found = ok(await admin.get(f"{BASE}/feedback-reports", params={"application_id": application_id}))["items"]
    if found and found[0]["status"] == "released":
        return
    if not found:
        created = await admin.post(f"{BASE}/feedback-reports", json={"application_id": application_id})
        report, etag = ok(created, 201), created.headers["etag"]
        edited = await admin.patch(f"{BASE}/feedback-reports/{report['id']}", json={"summary": SUMMARY}, headers={"if-match": etag})
        report, etag = ok(edited), edited.headers["etag"]
    else:
        report, etag = found[0], f'"{found[0]["revision"]}"'
    importer = api.client(roles=(), actor="system", scopes=("awards:write",), subject=IMPORT_SUBJECT)
    if report["status"] == "draft":
        approved = await importer.post(f"{BASE}/feedback-reports/{report['id']}/approval", json={"approved_on": APPROVED_ON},
                                       headers={"if-match": etag})
        ok(approved)
        etag = approved.headers["etag"]
    ok(await importer.post(f"{BASE}/feedback-reports/{report['id']}/release",
                           json={"registration_number": REGISTRATION_NUMBER, "released_on": RELEASED_ON}, headers={"if-match": etag}))


async def _publish_examples(api, admin, round_id: str, application: dict) -> None:
    unit_id = application["unit_id"]
    consents = ok(await admin.get(f"{BASE}/rounds/{round_id}/consents"))
    if not any(c["unit_id"] == unit_id and c["current"] and c["decision"] == "given" for c in consents):
        manager = api.client(roles=("unit_manager",), org=(unit_id,), subject="demo-enhetschef-verksamhetsutveckling")
        ok(await manager.post(f"{BASE}/rounds/{round_id}/consents", json={
            "unit_id": unit_id, "decision": "given", "decided_on": "2015-12-03",
            "note": "Mötesstrukturen, årshjulet och det delade ansvaret för åtaganden får publiceras som goda exempel."}), 201)
    existing = {e["title"]: e for e in ok(await admin.get(f"{BASE}/good-examples", params={"round_id": round_id, "limit": 50}))["items"]}
    for body in EXAMPLES:
        example = existing.get(body["title"])
        if example is None:
            created = await admin.post(f"{BASE}/good-examples", json={"application_id": application["id"], **body})
            example = ok(created, 201)
        if example["status"] == "draft":
            ok(await admin.post(f"{BASE}/good-examples/{example['id']}/publication", headers={"if-match": f'"{example["revision"]}"'}))


async def _uptake(api, admin, round_id: str, units: dict) -> None:
    unit_id = str(units[UPTAKE_UNIT])
    found = ok(await admin.get(f"{BASE}/good-examples", params={"round_id": round_id, "q": "årshjul uppföljning"}))["items"]
    wheel = next(item for item in found if item["title"] == EXAMPLES[1]["title"])
    manager = api.client(roles=("unit_manager",), org=(unit_id,), subject="demo-enhetschef-rinkeby-boende")
    ok(await manager.post(f"{BASE}/good-examples/{wheel['id']}/uptakes", json={"unit_id": unit_id, "note": UPTAKE_NOTE}), 200, 201)
