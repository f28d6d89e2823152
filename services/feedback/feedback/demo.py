"""First-start content: the city's categories, Spånga-Tensta's routing and a few hundred cases.

Everything goes through the API (so through the service layer), deterministically (one seeded
random generator): categories city-wide, the seed committee's (SDN-SPT) routing and a deadline
rule, then about 200 cases of every kind and channel spread over the last four months, walked
through the lifecycle to every state with answers and measures, some transferred by the
central intake, some left overdue, about a third anonymous. The earlier cases come in as an
import from the previous register (a ``system`` key may record when a case arrived); a few
arrive fresh through Open311. For the committee's follow-up, the first tertial of 2015 comes from
the previous register too, with its handling at the times it was recorded there (most in time,
a few late, some rated by the resident; see ``history_handling``), and the committee's controller submits the 2015-T1 feedback report, frozen, so its XLSX can be downloaded.
Requests go a few at a time (``parallel``). Idempotent: categories and routes are set by code, cases are loaded only into an empty register,
and the report is submitted only if the period has none.
"""

import asyncio
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

import httpx

from feedback.cases.tokens import TOKEN_HEADER
from feedback.deadlines.calendar import STOCKHOLM

SEED_COMMITTEE = "SDN-SPT"
CASE_COUNT = 200
OPEN311_COUNT = 12
HISTORY_COUNT = 100  # received January–April 2015, from the previous register
# How the previous register handled them (documented in docs/decisions.md, feedback): every case
# acknowledged, most within the deadline; all but the withdrawn answered and closed, most in time;
# a third of the answered rated by the resident.
HISTORY_WITHDRAWN, HISTORY_ACK_LATE, HISTORY_ANSWER_LATE, HISTORY_RATED = 0.04, 0.10, 0.12, 0.35
RATINGS = ((5, 35), (4, 35), (3, 15), (2, 10), (1, 5))
PARALLEL = 4  # requests in flight while loading
REPORT_PERIOD = "2015-T1"
REPORT_NUMBER = "SDN-SPT 2015/0412"

CATEGORIES = (
    ("forskola", "Förskola", "Synpunkter på förskolan: pedagogik, mat, lokaler, bemötande.", "Utbildning", ("förskola", "barn")),
    ("aldreomsorg", "Äldreomsorg", "Hemtjänst, vård- och omsorgsboende, dagverksamhet.", "Omsorg", ("hemtjänst", "äldreboende")),
    ("individ-familj", "Individ- och familjeomsorg", "Socialtjänstens stöd till barn, unga och vuxna.", "Omsorg", ("socialtjänst",)),
    ("stadsmiljo", "Parker, gator och stadsmiljö", "Skötsel, klotter, nedskräpning, lekplatser.", "Stadsmiljö", ("park", "klotter", "lekplats")),
    ("medborgarservice", "Bemötande och service", "Medborgarkontoret, telefon och e-post, tillgänglighet.", "Service", ("bemötande",)),
    ("kvalitetsgaranti", "Kvalitetsgaranti som inte hållits", "När en enhet inte håller det den lovat i sin kvalitetsgaranti.", "Kvalitet", ("garanti",)),
    ("ovrigt", "Övrigt", "Allt som inte passar någon annan kategori.", "Övrigt", ()),
)
ROUTES = {
    "forskola": "SDF-SPT-FSK", "aldreomsorg": "SDF-SPT-AOF", "individ-familj": "SDF-SPT-IOF",
    "stadsmiljo": "SDF-SPT-STAB-SM", "medborgarservice": "SDF-SPT-STAB-MBK", "kvalitetsgaranti": "SDF-SPT-STAB-VU",
}
TEXTS = {
    "complaint": ("Lång väntetid på svar i telefon.", "Maten var kall vid lunchen.", "Lekplatsen är trasig sedan flera veckor.",
                  "Personalen bemötte min mamma respektlöst.", "Ingen återkoppling på min ansökan.", "Det är nedskräpat vid torget."),
    "suggestion": ("Inför kvällsöppet på medborgarkontoret.", "Fler bänkar i parken vid Tensta centrum.",
                   "Skicka veckobrev från förskolan på flera språk.", "Erbjud digitala möten med handläggare."),
    "praise": ("Tack till hemtjänsten för fantastisk omsorg!", "Förskolans utflykt var mycket uppskattad.",
               "Snabbt och vänligt bemötande på medborgarkontoret."),
    "question": ("Hur ansöker jag om plats i förskola?", "När töms papperskorgarna i parken?", "Vart vänder jag mig om hemtjänst?"),
}
ANSWERS = {
    "complaint": ("Tack för att du hörde av dig. Vi har gått igenom rutinerna och åtgärdat bristen.",
                  "Vi beklagar det inträffade och har tagit upp det med personalgruppen."),
    "suggestion": ("Tack för förslaget! Vi tar med det i planeringen inför nästa år.",),
    "praise": ("Tack för de fina orden, vi har förmedlat dem till medarbetarna.",),
    "question": ("Du hittar information och e-tjänsten på stadens webbplats; ring oss gärna om du har fler frågor.",),
}
MEASURES = ("Rutinen för återkoppling är uppdaterad.", "Lekplatsen är reparerad.", "Personalen har fått utbildning i bemötande.", None)
FIRST_NAMES = ("Amina", "Erik", "Sara", "Mohammed", "Lena", "Johan", "Fatima", "Anders", "Noor", "Karin")
LAST_NAMES = ("Andersson", "Hassan", "Johansson", "Ali", "Karlsson", "Nilsson", "Yusuf", "Lindberg")
CHANNELS = (("portal", 30), ("phone", 25), ("e_mail", 20), ("letter", 10), ("in_person", 10), ("open311", 5))
KINDS = (("complaint", 45), ("suggestion", 25), ("praise", 15), ("question", 15))
# The state each case is walked to, and the steps to get there.
STATES = (
    ("received", 10, ()), ("acknowledged", 8, ("acknowledged",)),
    ("assigned", 8, ("acknowledged", "assigned")), ("in_progress", 14, ("acknowledged", "assigned", "in_progress")),
    ("answered", 15, ("acknowledged", "assigned", "in_progress", "answered")),
    ("closed", 35, ("acknowledged", "assigned", "in_progress", "answered", "closed")),
    ("reopened", 3, ("acknowledged", "assigned", "in_progress", "answered", "closed", "reopened")),
    ("duplicate", 4, ("duplicate",)), ("withdrawn", 3, ("acknowledged", "withdrawn")),
)
STEPS = {name: steps for name, _, steps in STATES}


class DemoLoadError(RuntimeError):
    pass


def _pick(rng: random.Random, weighted):
    return rng.choices([item[0] for item in weighted], weights=[item[1] for item in weighted])[0]


async def _expect(response: httpx.Response, *statuses: int) -> httpx.Response:
    if response.status_code not in statuses:
        raise DemoLoadError(f"{response.request.method} {response.request.url.path} answered {response.status_code}: {response.text}")
    return response


async def _unit_ids(client: httpx.AsyncClient, codes: set[str]) -> dict[str, str]:
    found = {}
    for code in sorted(codes):
        page = (await _expect(await client.get("/feedback/v1/organisation-units", params={"code": code}), 200)).json()
        if not page["items"]:
            raise DemoLoadError(f"unit {code} has not reached feedback's organisation read model; load goals' demo first")
        found[code] = page["items"][0]["id"]
    return found


async def load(api, *, parallel: int = PARALLEL) -> None:
    """The content; ``parallel`` requests at a time (1 for a test harness sharing one connection)."""
    admin = api.client(roles=("admin",), subject="demo-admin")
    async with admin:
        units = await _unit_ids(admin, {"STHLM", SEED_COMMITTEE, "SDF-SPT", *ROUTES.values()})
        await _load_categories(admin)
    async with api.client(roles=("controller",), org=(units[SEED_COMMITTEE],), subject="demo-controller") as controller:
        for category, unit in ROUTES.items():
            await _expect(await controller.put(
                f"/feedback/v1/committees/{units[SEED_COMMITTEE]}/category-routes/{category}", json={"unit_id": units[unit]}
            ), 200)
        await _expect(await controller.put(
            f"/feedback/v1/committees/{units[SEED_COMMITTEE]}/deadline-rules/individ-familj",
            json={"acknowledge_days": 1, "answer_days": 5},
        ), 200)
    async with api.client(roles=("admin",), subject="demo-admin") as admin:
        empty = not (await _expect(await admin.get("/feedback/v1/cases", params={"limit": 1}), 200)).json()["items"]
    if empty:  # otherwise cases were loaded before
        await _load_cases(api, units, parallel)
    await _submit_report(api, units)


def history() -> list[dict]:
    """The 2015-T1 cases of the previous register, from their own seeded generator."""
    rng = random.Random(20150101)
    start = datetime(2015, 1, 2, 8, tzinfo=STOCKHOLM)
    bodies = []
    for n in range(HISTORY_COUNT):
        kind, channel = _pick(rng, KINDS), _pick(rng, CHANNELS)
        received = start + timedelta(days=rng.randint(0, 117), minutes=rng.randint(0, 540))
        bodies.append({"kind": kind, "channel": channel, "category_code": rng.choice([c[0] for c in CATEGORIES]),
                       "description": f"{rng.choice(TEXTS[kind])} (ärende {n + 1} i det tidigare registret)",
                       "privacy": "anonymous", "received_at": received.isoformat()})
    return bodies


@dataclass(frozen=True)
class HistoricHandling:
    """How one case of the previous register was handled: late or in time, and its rating."""

    withdrawn: bool
    ack_late: bool
    ack_hours: int  # after receipt (in time) or days after the deadline (late)
    answer_late: bool
    answer_days: int  # after acknowledgement (in time, capped at the deadline) or after the deadline (late)
    close_days: int
    rating: int | None


def history_handling() -> list[HistoricHandling]:
    """The handling of the 2015-T1 cases, from its own seeded generator."""
    rng = random.Random(20150430)
    handled = []
    for _ in range(HISTORY_COUNT):
        withdrawn = rng.random() < HISTORY_WITHDRAWN
        ack_late = rng.random() < HISTORY_ACK_LATE
        answer_late = not withdrawn and rng.random() < HISTORY_ANSWER_LATE
        rated = not withdrawn and rng.random() < HISTORY_RATED
        handled.append(HistoricHandling(
            withdrawn=withdrawn, ack_late=ack_late, ack_hours=rng.randint(1, 2) if ack_late else rng.randint(1, 30),
            answer_late=answer_late, answer_days=rng.randint(1, 10), close_days=rng.randint(1, 5),
            rating=_pick(rng, RATINGS) if rated else None,
        ))
    return handled


def _at(day: str, hour: int) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=STOCKHOLM)


def historic_steps(case: dict, kind: str, handling: HistoricHandling) -> list[dict]:
    """The transitions of one imported case with the times they were taken, from its deadlines."""
    received = datetime.fromisoformat(case["received_at"])
    if handling.ack_late:  # a day or two past the acknowledgement deadline, still before the answer's
        acknowledged = _at(case["acknowledge_due"], 10) + timedelta(days=handling.ack_hours)
    else:
        acknowledged = min(received + timedelta(hours=handling.ack_hours), _at(case["acknowledge_due"], 14))
    steps = [{"to": "acknowledged", "at": acknowledged}]
    if handling.withdrawn:
        return steps + [{"to": "withdrawn", "reason": "Avsändaren tog tillbaka sin synpunkt.", "at": acknowledged + timedelta(days=1)}]
    if handling.answer_late:
        answered = _at(case["answer_due"], 11) + timedelta(days=handling.answer_days)
    else:
        answered = max(acknowledged + timedelta(hours=1), min(acknowledged + timedelta(days=handling.answer_days), _at(case["answer_due"], 15)))
    assigned = acknowledged + (answered - acknowledged) / 3
    steps += [{"to": "assigned", "assignee": "demo-handlaggare", "at": assigned},
              {"to": "in_progress", "at": assigned + timedelta(minutes=30)},
              {"to": "answered", "answer": ANSWERS[kind][0], "at": answered},
              {"to": "closed", "at": answered + timedelta(days=handling.close_days)}]
    return steps


async def _submit_report(api, units: dict[str, str]) -> None:
    committee = units[SEED_COMMITTEE]
    path = f"/feedback/v1/committees/{committee}/statistics-reports"
    async with api.client(roles=("controller",), org=(committee,), subject="demo-controller") as controller:
        if (await _expect(await controller.get(path, params={"period": REPORT_PERIOD}), 200)).json():
            return
        await _expect(await controller.post(path, json={"period": REPORT_PERIOD, "registration_number": REPORT_NUMBER}), 201)


async def _load_categories(admin: httpx.AsyncClient) -> None:
    for code, name, description, group, keywords in CATEGORIES:
        if (await admin.get(f"/feedback/v1/categories/{code}")).status_code == 200:
            continue
        await _expect(await admin.post("/feedback/v1/categories", json={
            "code": code, "name_sv": name, "description_sv": description, "group_sv": group, "keywords": list(keywords),
        }), 201)


def _contact(rng: random.Random, n: int) -> tuple[str, dict | None]:
    privacy = _pick(rng, (("anonymous", 35), ("named", 55), ("confidential", 10)))
    if privacy == "anonymous":
        return privacy, None
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return privacy, {"name": f"{first} {last}", "email": f"{first.lower()}.{last.lower()}.{n}@example.se"}


@dataclass(frozen=True)
class PlannedCase:
    body: dict  # the registration, with received_at
    transfer_to: str  # the unit code the central intake hands an unrouted case to
    steps: list[dict] = field(default_factory=list)  # transition bodies; a duplicate's parent by index


def plan(now: datetime) -> tuple[list[PlannedCase], list[dict]]:
    """Every case and every step, from one seeded generator: the same for the same day."""
    rng = random.Random(2015)
    cases: list[PlannedCase] = []
    originals: list[int] = []
    for n in range(CASE_COUNT):
        kind, channel = _pick(rng, KINDS), _pick(rng, CHANNELS)
        category = rng.choice([c[0] for c in CATEGORIES])
        privacy, contact = _contact(rng, n)
        received = now - timedelta(days=rng.randint(0, 120), minutes=rng.randint(0, 600))
        state = _pick(rng, [(name, weight) for name, weight, _ in STATES])
        if state == "duplicate" and not originals:
            state = "received"
        steps = []
        for step in STEPS[state]:
            body: dict = {"to": step}
            if step == "assigned":
                body["assignee"] = "demo-handlaggare"
            elif step == "answered":
                body |= {"answer": rng.choice(ANSWERS[kind]), "measures": rng.choice(MEASURES)}
            elif step == "reopened":
                body["reason"] = "Avsändaren hörde av sig igen: problemet kvarstår."
            elif step == "duplicate":
                body |= {"parent_index": rng.choice(originals), "reason": "Samma synpunkt som ett tidigare ärende."}
            elif step == "withdrawn":
                body["reason"] = "Avsändaren tog tillbaka sin synpunkt."
            steps.append(body)
        if state != "duplicate":
            originals.append(n)
        cases.append(PlannedCase(
            body={"kind": kind, "channel": channel, "category_code": category, "description": rng.choice(TEXTS[kind]),
                  "privacy": privacy, "contact": contact, "received_at": received.isoformat()},
            transfer_to=rng.choice(sorted(set(ROUTES.values()))), steps=steps,
        ))
    open311 = [
        {"service_code": rng.choice(["stadsmiljo", "stadsmiljo", "ovrigt"]), "lat": f"{59.38 + rng.random() / 50:.5f}",
         "long": f"{17.90 + rng.random() / 30:.5f}", "address_string": rng.choice(["Tensta allé", "Spånga torg", "Hjulstagränd"]),
         "description": rng.choice(TEXTS["complaint"]), "attribute[kind]": "complaint"}
        for _ in range(OPEN311_COUNT)
    ]
    return cases, open311


async def _gather(work, parallel: int) -> list:
    """Run the coroutines a few at a time (the service and PostgreSQL share a small machine)."""
    gate = asyncio.Semaphore(parallel)

    async def one(job):
        async with gate:
            return await job

    return await asyncio.gather(*(one(job) for job in work))


async def _load_history(importer, intake, resident, units: dict[str, str], parallel: int) -> None:
    """The previous register's 2015-T1 cases, with their handling as it was recorded there."""

    async def one(body: dict, handling: HistoricHandling) -> None:
        created = await _expect(await importer.post("/feedback/v1/cases", json=body | {"committee_id": units[SEED_COMMITTEE]}), 201)
        case, etag = created.json(), created.headers["etag"]
        if case["unit_id"] == units["STHLM"]:
            etag = await _step(intake, case["id"], etag, "transfer", {"unit_id": units["SDF-SPT-STAB-MBK"], "reason": "Överlämnas till rätt enhet"})
        for step in historic_steps(case, body["kind"], handling):
            etag = await _step(importer, case["id"], etag, "transitions", step | {"at": step["at"].isoformat()})
        if handling.rating is not None:
            await _expect(await resident.post(f"/feedback/v1/my-cases/{case['registration_number']}/rating",
                                              json={"rating": handling.rating}, headers={TOKEN_HEADER: created.headers[TOKEN_HEADER]}), 200)

    await _gather((one(body, handling) for body, handling in zip(history(), history_handling(), strict=True)), parallel)


async def _load_cases(api, units: dict[str, str], parallel: int) -> None:
    cases, open311 = plan(datetime.now(STOCKHOLM).replace(microsecond=0))
    importer = api.client(roles=(), actor="system", scopes=("feedback:write",), subject="demo-import")
    handler = api.client(roles=("feedback_handler",), org=(units["SDF-SPT"],), subject="demo-handlaggare")
    intake = api.client(roles=("feedback_handler",), org=(units["STHLM"],), subject="demo-registrator")
    resident = api.client(roles=(), actor="anonymous", scopes=(), subject="anonymous")
    async with importer, handler, intake, resident:
        await _load_history(importer, intake, resident, units, parallel)

        async def create(case: PlannedCase) -> tuple[str, str]:
            created = await _expect(await importer.post(
                "/feedback/v1/cases", json=case.body | {"committee_id": units[SEED_COMMITTEE]}), 201)
            case_id, etag = created.json()["id"], created.headers["etag"]
            if created.json()["unit_id"] == units["STHLM"]:  # "övrigt" has no route: the central intake hands it on
                etag = await _step(intake, case_id, etag, "transfer",
                                   {"unit_id": units[case.transfer_to], "reason": "Överlämnas till rätt enhet"})
            return case_id, etag

        created = await _gather((create(case) for case in cases), parallel)
        ids = [case_id for case_id, _ in created]

        async def walk(case: PlannedCase, case_id: str, etag: str) -> None:
            for step in case.steps:
                if "parent_index" in step:
                    step = {key: value for key, value in step.items() if key != "parent_index"} | {"parent_case_id": ids[step["parent_index"]]}
                etag = await _step(handler, case_id, etag, "transitions", step)

        await _gather((walk(case, case_id, etag) for case, (case_id, etag) in zip(cases, created, strict=True)), parallel)
    async with api.client(roles=(), actor="portal", scopes=("feedback:submit",), subject="demo-open311-portal") as portal:
        for form in open311:  # the way FixMyStreet sends them: form-encoded GeoReport v2 posts
            await _expect(await portal.post("/open311/v2/requests.json", content=urlencode(form).encode(),
                                            headers={"content-type": "application/x-www-form-urlencoded"}), 201)


async def _step(client: httpx.AsyncClient, case_id: str, etag: str, action: str, body: dict) -> str:
    response = await client.post(f"/feedback/v1/cases/{case_id}/{action}", json=body, headers={"If-Match": etag})
    return (await _expect(response, 200)).headers["etag"]
