"""First-start content: Kvalitetsutmärkelsen 2015 with seed 004 as the development unit's application.

Through the API only, idempotent (each step looks first and skips what is there). Units are
found by code in awards' organisation read model, fed by goals' demo (``make run`` runs goals'
demo first and waits until its events have reached every consumer). The evidence comes the
same way, from goals' commitment and follow-up events; when goals has published none for the
unit yet, the application is submitted with empty evidence rather than failing.

The round: Enheten för verksamhetsutveckling (Spånga-Tensta) applies with seed 004's text,
answer by answer; eleven examiners from seven administrations, one of them in the applicant's
own department (a conflict the solver must avoid); a confirmed team. The round is set up while
open (so the deadline rules hold) and then given its 2015 dates, before it moves on.
"""

import uuid
from datetime import date, timedelta
from pathlib import Path

from servicekit.orgtree import stockholm_today

from awards import demo_bank as bank
from awards import demo_examination as examination
from awards.demo_examination import DemoLoadError, ok as _ok
from awards.rubrics.defaults import QUALITY_AWARD_AREAS
from awards.seedtext import parse

BASE = "/awards/v1"
YEAR = 2015
APPLICANT = "SDF-SPT-STAB-VU"  # Enheten för verksamhetsutveckling
SEED = Path(__file__).parent / "seed" / "ansokan_2015_enheten_for_verksamhetsutveckling.txt"
DEADLINES_2015 = {
    "open_for_applications": "2015-05-15", "eligibility": "2015-06-15", "individual_assessment": "2015-08-31",
    "consensus": "2015-09-30", "jury_shortlist": "2015-10-15", "site_visits": "2015-10-31", "jury_decision": "2015-11-15",
    "feedback_reports_released": "2015-12-01", "good_examples_published": "2015-12-15",
}
# (subject id, unit code, sectors, rounds served before, training year)
EXAMINERS = (
    ("examinator-rki-01", "SDF-RKI-AO-01", ["elderly_care"], 2, 2014),
    ("examinator-rki-02", "SDF-RKI-IOF-01", ["individual_and_family"], 0, 2015),
    ("examinator-bro-01", "SDF-BRO-ADM-01", ["management_and_support"], 3, 2015),
    ("examinator-hvb-01", "SDF-HVB-FN-04", ["disability"], 0, 2015),
    ("examinator-sod-01", "SDF-SOD-ADM-02", ["management_and_support"], 1, 2013),
    ("examinator-ks-01", "FV-KS-L2-01", ["management_and_support"], 4, 2015),
    ("examinator-ks-02", "FV-KS-L2-02", ["management_and_support"], 0, 2015),
    ("examinator-soc-01", "FV-SOC-L1-01", ["individual_and_family"], 1, 2014),
    ("examinator-utn-01", "FV-UTN-L1-01", ["school"], 0, 2015),
    ("examinator-aln-01", "FV-ALN-L2-01", ["elderly_care", "management_and_support"], 2, 2015),
    ("examinator-spt-01", "SDF-SPT-STAB-HRIT", ["management_and_support"], 2, 2015),  # the applicant's own department
)
ATTACHMENTS = (
    {"title": "Bilaga 2: Arbetsuppgifter och backup", "file_name": "bilaga-2-arbetsuppgifter.xlsx",
     "media_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "question_number": "1.5"},
    {"title": "Bilaga 3: Mötesstruktur", "file_name": "bilaga-3-motesstruktur.pdf", "media_type": "application/pdf",
     "question_number": "1.5"},
    {"title": "Bilaga 4: Arbetsmiljökalendern", "file_name": "bilaga-4-arbetsmiljokalender.pdf", "media_type": "application/pdf",
     "question_number": "1.5"},
)
UNIT_CODES = (APPLICANT, *(code for _, code, *_ in EXAMINERS))


async def _move(admin, round_id: str, to: str) -> dict:
    return await examination.move(admin, round_id, to)


def written_application() -> tuple[dict[str, str], dict[str, str]]:
    numbers = [q["number"] for area in QUALITY_AWARD_AREAS for q in area["questions"]]
    written = parse(SEED.read_text(encoding="utf-8"), question_numbers=numbers)
    return written.answers, written.introductions


async def _units(client) -> dict[str, uuid.UUID]:
    found = {}
    for code in UNIT_CODES:
        items = _ok(await client.get(f"{BASE}/organisation-units", params={"code": code, "as_of": DEADLINES_2015["open_for_applications"]}))["items"]
        if not items:
            raise DemoLoadError(f"unit {code} is not in awards' organisation read model; run goals' demo first")
        found[code] = uuid.UUID(items[0]["id"])
    return found


async def load(api) -> None:
    admin = api.client(roles=("award_admin",), subject="demo-award-office")
    units = await _units(admin)
    rounds = _ok(await admin.get(f"{BASE}/rounds", params={"prize": "quality_award", "year": YEAR}))["items"]
    if rounds:
        round_ = rounds[0]
    else:
        start = stockholm_today() + timedelta(days=1)
        open_now = {phase: (start + timedelta(days=n)).isoformat() for n, phase in enumerate(DEADLINES_2015)}
        round_ = _ok(await admin.post(f"{BASE}/rounds", json={"prize": "quality_award", "year": YEAR, "deadlines": open_now}), 201)
    round_id = round_["id"]
    if round_["phase"] == "open_for_applications":
        await _apply(api, round_id, units[APPLICANT])
        await _register_examiners(admin, round_id, units)
        current = await admin.get(f"{BASE}/rounds/{round_id}")
        _ok(await admin.patch(f"{BASE}/rounds/{round_id}", json={"deadlines": DEADLINES_2015},
                              headers={"if-match": current.headers["etag"]}))
        current = await admin.get(f"{BASE}/rounds/{round_id}")
        round_ = _ok(await admin.post(f"{BASE}/rounds/{round_id}/phase-transitions", json={"to": "eligibility"},
                                      headers={"if-match": current.headers["etag"]}))
    if round_["phase"] == "eligibility":
        await _form_team(admin, round_id)
        await _move(admin, round_id, "individual_assessment")
    await examination.carry_through(api, admin, round_id)
    await bank.conclude(api, admin, round_id, units)


async def _apply(api, round_id: str, unit_id: uuid.UUID) -> None:
    manager = api.client(roles=("unit_manager",), org=(str(unit_id),), subject="demo-enhetschef-verksamhetsutveckling")
    existing = _ok(await manager.get(f"{BASE}/applications", params={"round_id": round_id, "unit_id": str(unit_id)}))["items"]
    if existing and existing[0]["status"] == "submitted":
        return
    if existing:
        application, etag = existing[0], f'"{existing[0]["revision"]}"'
    else:
        answers, introductions = written_application()
        created = await manager.post(f"{BASE}/rounds/{round_id}/applications", json={
            "unit_id": str(unit_id), "sector": "management_and_support", "answers": answers, "introductions": introductions,
            "attachments": list(ATTACHMENTS),
        })
        application, etag = _ok(created, 201), created.headers["etag"]
    _ok(await manager.post(f"{BASE}/applications/{application['id']}/submission", headers={"if-match": etag}))


async def _register_examiners(admin, round_id: str, units: dict[str, uuid.UUID]) -> None:
    registered = {e["subject_id"]: e for e in _ok(await admin.get(f"{BASE}/examiners", params={"limit": 500}))["items"]}
    for subject, code, sectors, served, trained in EXAMINERS:
        examiner = registered.get(subject) or _ok(await admin.post(f"{BASE}/examiners", json={
            "subject_id": subject, "unit_id": str(units[code]), "sectors": sectors, "stated_rounds_served": served,
        }), 201)
        if trained not in {t["year"] for t in examiner["trainings"]}:
            _ok(await admin.post(f"{BASE}/examiners/{examiner['id']}/trainings",
                                 json={"year": trained, "completed_on": date(trained, 3, 12).isoformat()}), 201)
        _ok(await admin.put(f"{BASE}/rounds/{round_id}/examiners/{examiner['id']}", json={
            "capacity": 2, "manager_approval": {"manager_subject_id": f"chef-{subject}", "approved_on": "2015-03-01"},
        }))


async def _form_team(admin, round_id: str) -> None:
    plan = await admin.get(f"{BASE}/rounds/{round_id}/assignment")
    if plan.status_code == 200 and plan.json()["status"] == "confirmed":
        return
    _ok(await admin.post(f"{BASE}/rounds/{round_id}/eligibility-checks"))
    proposed = await admin.post(f"{BASE}/rounds/{round_id}/assignment-proposals")
    _ok(proposed, 201)
    _ok(await admin.post(f"{BASE}/rounds/{round_id}/assignment/confirmation", headers={"if-match": proposed.headers["etag"]}))
