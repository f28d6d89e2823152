"""First-start content, continued: the 2015 round's examination of seed 004, from individual scores to the jury's decision.

Through the API only, idempotent: each phase's step is done only while the round is in that
phase and skips what is there. The team is whoever the solver confirmed (3–4 examiners); each
member scores the eight areas by a profile below, written by reading seed 004 against the
rubric (strong on meeting structure, commitments and follow-up, employee results; weak on
results from users, whose survey had only been started). The team agrees a consensus per area,
with the reason wherever it departs from a member's score; the jury shortlists the application
on blinded data, the team visits, and the jury decides. The decision is the demo's, written to
show the process: it is not the historical outcome of the 2015 round.
"""

BASE = "/awards/v1"
JURY = "demo-domarkommitten"
# Individual scores per team member (by position in the team), areas 1–8.
PROFILES = (
    (65, 45, 65, 70, 55, 70, 55, 60),
    (60, 40, 65, 75, 50, 70, 55, 65),
    (65, 50, 60, 70, 55, 75, 50, 60),
    (70, 45, 65, 70, 55, 70, 55, 55),
)
CONSENSUS = (65, 45, 65, 70, 55, 70, 55, 60)
# Names the organisation tree does not hold, recorded by the award office for the jury's blinding:
# seed 004 names the area-wide project "Järva Rent och Snyggt", and Järva would place the applicant.
BLINDING_TERMS = {"people": [], "places": ["Järva"], "organisations": []}
BENEFIT, SPREADING, ANALYSIS = "benefit_to_residents", "spreading_good_examples", "analysis_for_improvement"


def _finding(text: str, lenses: list[str], questions: list[str]) -> dict:
    return {"text": text, "lenses": lenses, "questions": questions}


# Area → (strengths, areas for improvement), each resting on the answers it names.
FINDINGS = {
    1: ([_finding("Organisationen och ledningsstrukturen bärs av en tydlig mötesstruktur med veckovisa enhets- och "
                  "kvalitetsmöten, beskriven så att andra enheter kan ta efter den.", [SPREADING], ["1.5"])],
        [_finding("Beskrivningen av kundgrupperna är kortfattad; vilka behov de olika grupperna har framgår inte.",
                  [BENEFIT], ["1.3", "1.4"])]),
    2: ([_finding("Kunderna görs delaktiga genom att uppdrag stäms av i förvaltningens team och i ledningen.",
                  [BENEFIT], ["2.2"])],
        [_finding("Brukarundersökningen och kunddialogen har bara påbörjats; resultat från kunderna och en analys av dem saknas.",
                  [BENEFIT, ANALYSIS], ["2.3"])]),
    3: ([_finding("Ledarskapsidén är känd och förankrad genom mötesstrukturen, där varje åtagande har sin plats i schemat.",
                  [ANALYSIS], ["3.1", "3.3"])],
        [_finding("Utvärderingen av det egna ledarskapet bygger mest på egen reflektion; systematisk återkoppling saknas.",
                  [ANALYSIS], ["3.2"])]),
    4: ([_finding("Aktivt medskapandeindex 98 av 100 i medarbetarundersökningen, väl över förvaltningens 83 och stadens 79, "
                  "och ett arbetssätt som förklarar resultatet.", [ANALYSIS], ["4.3", "4.4"])],
        [_finding("Resultatet bygger på en enhet med sju medarbetare; hur värdegrunden hålls levande vid nyrekrytering bör beskrivas.",
                  [ANALYSIS], ["4.1"])]),
    5: ([_finding("Resultaten redovisas per åtagande med analys och planer för nästa år.", [ANALYSIS], ["5.1"])],
        [_finding("Jämförelser över tid och med andra saknas för flera mått, så trender är svåra att se.", [ANALYSIS], ["5.1", "5.2"])]),
    6: ([_finding("Varje åtagande har förväntat resultat, arbetssätt och uppföljning, och årshjulet styr när varje del följs upp; "
                  "ett gott exempel för andra enheter.", [ANALYSIS, SPREADING], ["6.2", "6.3"])],
        [_finding("Planeringsdagarnas process är tydlig men ny; hur den utvärderas inför nästa år framgår inte.",
                  [ANALYSIS], ["6.1"])]),
    7: ([_finding("Medarbetarna behärskar flera arbetsområden och är varandras backup, vilket gör enheten mindre sårbar.",
                  [BENEFIT], ["7.1"])],
        [_finding("Effekterna av resursanvändningen mäts inte; vad backupsystemet sparar eller förhindrar redovisas inte.",
                  [ANALYSIS], ["7.1"])]),
    8: ([_finding("SWOT och risk- och väsentlighetsanalys används i planeringen och leder till åtgärder.", [ANALYSIS], ["8.2", "8.3"])],
        [_finding("Spridningen av goda exempel sker mest genom deltagande i forum; ett eget sätt att dela med sig saknas.",
                  [SPREADING], ["8.4"])]),
}
REASONS = {
    1: "Mötesstrukturen (1.5) är väl beskriven och används, men kundgrupperna (1.3) beskrivs kortfattat; teamet enades om 65.",
    2: "Brukarundersökningen har bara påbörjats (2.3); delaktigheten genom teamen (2.2) väger upp något, därför 45.",
    3: "Ledarskapsidén förankras i veckomötena (3.3), men utvärderingen av ledarskapet (3.2) bygger mest på egen reflektion; 65.",
    4: "AMI 98 av 100 (4.4) är starkt men bygger på en liten enhet; teamet stannade på 70.",
    5: "Resultaten redovisas per åtagande med analys (5.1), men jämförelser över tid saknas för flera mått; 55.",
    6: "Åtagandena har förväntat resultat, arbetssätt och uppföljning (6.2) och årshjulet (6.3) styr; processen (6.1) är ny; 70.",
    7: "Backupsystemet (7.1) är ett gott exempel men effekterna är inte mätta; 55.",
    8: "SWOT och ROV används (8.2, 8.3); spridningen av goda exempel (8.4) är mest deltagande i forum; 60.",
}
SITE_VISIT = {
    "visited_on": "2015-10-20",
    "notes": "Teamet träffade enhetschefen och fyra medarbetare. Veckans kvalitetsmöte visades i praktiken med åtagandena "
    "i tur och ordning, och årshjulet för uppföljning hänger på väggen och används. Medarbetarna beskrev backupsystemet "
    "med konkreta exempel från sommaren. Brukarundersökningen är nu skickad; resultat väntas till årsskiftet.",
}
DECISION = {
    "reference": "Domarkommittén 2015-11-12 § 4", "decided_on": "2015-11-12",
    "rationale": "Domarkommittén har bedömt ansökningarna på avidentifierat underlag efter examinatorernas konsensus och "
    "platsbesök.",
}
AWARD_RATIONALE = ("En liten stödenhet som visar hela kedjan från åtagande till uppföljning och analys: tydlig mötesstruktur, "
                   "ett årshjul som styr uppföljningen och medarbetare som är varandras backup. Ett gott exempel för stadens "
                   "förvaltningar.")


class DemoLoadError(RuntimeError):
    pass


def ok(response, *expected: int) -> dict:
    if response.status_code not in (expected or (200, 201)):
        raise DemoLoadError(f"{response.request.method} {response.request.url.path} answered {response.status_code}: {response.text}")
    return response.json()


async def move(admin, round_id: str, to: str) -> dict:
    current = await admin.get(f"{BASE}/rounds/{round_id}")
    return ok(await admin.post(f"{BASE}/rounds/{round_id}/phase-transitions", json={"to": to},
                               headers={"if-match": current.headers["etag"]}))


def band(score: int) -> str:
    for low, high in ((0, 5), (10, 25), (30, 45), (50, 65), (70, 85), (90, 100)):
        if low <= score <= high:
            return f"{low}-{high}"
    raise ValueError(score)


def _areas(scores) -> list[dict]:
    return [{"area_number": number, "band": band(value), "score": value, "strengths": FINDINGS[number][0],
             "improvements": FINDINGS[number][1]} for number, value in enumerate(scores, 1)]


async def carry_through(api, admin, round_id: str) -> None:
    """Each phase from individual assessment to the jury's decision, as far as the round has not come yet."""
    phase = ok(await admin.get(f"{BASE}/rounds/{round_id}"))["phase"]
    if phase not in ("individual_assessment", "consensus", "jury_shortlist", "site_visits", "jury_decision"):
        return
    team = ok(await admin.get(f"{BASE}/rounds/{round_id}/assignment"))["teams"][0]
    application_id, members = team["application_id"], team["members"]
    clients = [api.client(roles=("examiner",), subject=m["subject_id"]) for m in members]
    jury = api.client(roles=("jury",), subject=JURY)
    if phase == "individual_assessment":
        for member, client, profile in zip(members, clients, PROFILES, strict=False):
            await _assess(client, application_id, member["examiner_id"], profile)
        phase = (await move(admin, round_id, "consensus"))["phase"]
    if phase == "consensus":
        await _agree(clients[0], application_id)
        phase = (await move(admin, round_id, "jury_shortlist"))["phase"]
    if phase in ("jury_shortlist", "site_visits", "jury_decision") and (
            await jury.get(f"{BASE}/rounds/{round_id}/jury/decision")).status_code == 404:
        ok(await admin.put(f"{BASE}/applications/{application_id}/blinding-terms", json=BLINDING_TERMS))
    if phase == "jury_shortlist":
        board = ok(await jury.get(f"{BASE}/rounds/{round_id}/jury/applications"))
        if not board["shortlist_set"]:
            ok(await jury.put(f"{BASE}/rounds/{round_id}/jury/shortlist", json={"codes": [i["code"] for i in board["items"]]}))
        phase = (await move(admin, round_id, "site_visits"))["phase"]
    if phase == "site_visits":
        visit = ok(await admin.get(f"{BASE}/applications/{application_id}/consensus"))["site_visit"]
        if visit is None:
            ok(await clients[0].put(f"{BASE}/applications/{application_id}/site-visit", json=SITE_VISIT))
        phase = (await move(admin, round_id, "jury_decision"))["phase"]
    if phase == "jury_decision" and (await jury.get(f"{BASE}/rounds/{round_id}/jury/decision")).status_code == 404:
        code = ok(await jury.get(f"{BASE}/rounds/{round_id}/jury/applications"))["items"][0]["code"]
        ok(await jury.post(f"{BASE}/rounds/{round_id}/jury/decision", json=DECISION | {
            "awards": [{"code": code, "placement": "winner", "rationale": AWARD_RATIONALE}]}), 201)


async def _assess(client, application_id: str, examiner_id: str, profile) -> None:
    url = f"{BASE}/applications/{application_id}/assessments/{examiner_id}"
    current = await client.get(url)
    if current.status_code == 200 and current.json()["status"] == "submitted":
        return
    headers = {"if-match": current.headers["etag"]} if current.status_code == 200 else {}
    saved = await client.put(url, json={"areas": _areas(profile)}, headers=headers)
    ok(saved)
    ok(await client.post(f"{url}/submission", headers={"if-match": saved.headers["etag"]}))


async def _agree(client, application_id: str) -> None:
    done = {a["area_number"] for a in ok(await client.get(f"{BASE}/applications/{application_id}/consensus"))["areas"]}
    for number, value in enumerate(CONSENSUS, 1):
        if number in done:
            continue
        strengths, improvements = FINDINGS[number]
        ok(await client.put(f"{BASE}/applications/{application_id}/consensus/{number}", json={
            "band": band(value), "score": value, "strengths": strengths, "improvements": improvements, "reason": REASONS[number],
        }))
