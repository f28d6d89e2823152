"""A round from opening to examiner teams through the HTTP API, with the phase machine's refusals."""

from datetime import date

from sqlalchemy import select

from servicekit.orgtree import stockholm_today
from servicekit.tables import OutboxEvent

from awards.rubrics.defaults import QUALITY_AWARD_AREAS

BASE = "/awards/v1"
ALL_QUESTIONS = [q["number"] for area in QUALITY_AWARD_AREAS for q in area["questions"]]


def full_answers() -> dict[str, str]:
    return {number: f"Svar på fråga {number}." for number in ALL_QUESTIONS}


async def test_a_round_runs_from_applications_to_confirmed_teams(harness, award):
    created = await award.create()
    assert created["phase"] == "open_for_applications" and created["phase_sv"] == "öppen för ansökningar"
    rubric = (await award.admin.get(f"{BASE}/rounds/{award.id}/rubric")).json()
    # Seed 004's eight areas: 6 + 3 + 5 + 4 + 2 + 3 + 1 + 4 questions.
    assert [len(area["questions"]) for area in rubric["areas"]] == [6, 3, 5, 4, 2, 3, 1, 4]
    assert rubric["question_count"] == 28 and rubric["version"] == 1

    application = await award.apply("SDF-SPT-STAB-VU")
    assert application["status"] == "submitted" and application["missing_questions"] == []
    assert application["evidence"]["commitments"] == []  # goals has published nothing for the unit here
    await award.apply("SDF-RKI-AO-01", sector="elderly_care")

    not_yet = (await award.admin.get(f"{BASE}/rounds/{award.id}/exit-conditions")).json()
    assert not_yet["can_move"] is False
    assert {c["key"]: c["met"] for c in not_yet["conditions"]} == {"application-deadline-passed": False, "applications-submitted": True}
    await award.close_applications()

    checked = await award.check_eligibility()
    assert (checked["eligible"], checked["not_eligible"]) == (2, 0)
    examiners = [
        await award.examiner("ex-soc-1", "FV-SOC-L1-01"),
        await award.examiner("ex-soc-2", "FV-SOC-L1-02", experienced=False),
        await award.examiner("ex-utn-1", "FV-UTN-L1-01"),
        await award.examiner("ex-utn-2", "FV-UTN-L1-02", experienced=False, sectors=("elderly_care",)),
    ]
    proposal = (await award.propose()).json()
    assert proposal["status"] == "proposed"
    assert proposal["solver"]["gap"] <= 0.05 and proposal["solver"]["status"] in ("optimal", "feasible")
    assert len(proposal["teams"]) == 2
    for team in proposal["teams"]:
        assert 3 <= len(team["members"]) <= 4
        assert any(member["experienced"] for member in team["members"])
        assert set(m["examiner_id"] for m in team["members"]) <= set(examiners)

    confirmed = (await award.confirm()).json()
    assert confirmed["status"] == "confirmed" and confirmed["confirmed_by"] == "award-office"
    ready = (await award.admin.get(f"{BASE}/rounds/{award.id}/exit-conditions")).json()
    assert ready["can_move"] is True, ready
    moved = await award.move("individual_assessment")
    assert [(h["from_phase"], h["to_phase"]) for h in moved["phase_history"]] == [
        ("open_for_applications", "eligibility"), ("eligibility", "individual_assessment"),
    ]
    # From here on the conditions are the examination's: no examiner has submitted, so the round stays.
    waiting = (await award.admin.get(f"{BASE}/rounds/{award.id}/exit-conditions")).json()
    assert waiting["conditions"][0]["key"] == "assessments-submitted" and not waiting["can_move"]
    seats = sum(len(team["members"]) for team in confirmed["teams"])
    assert f"{seats} of {seats} assigned assessments are not submitted" in waiting["conditions"][0]["explanation"]
    refused = await award.move("consensus", expect=409)
    assert refused["type"].endswith("/exit-conditions-not-met")

    events = (await harness.session.execute(select(OutboxEvent.type, OutboxEvent.envelope))).all()
    types = [row.type for row in events]
    assert types.count("awards.application.submitted") == 2
    assert types.count("awards.round.phase-changed") == 2
    submitted = next(row.envelope["data"] for row in events if row.type == "awards.application.submitted")
    assert submitted["questions"] == 28 and submitted["answered_questions"] == 28
    assert "answers" not in submitted and "Svar" not in str(submitted)


async def test_a_phase_never_moves_back_nor_skips(harness, award):
    await award.create()
    await award.apply("SDF-SPT-STAB-VU")
    await award.close_applications()
    revision = (await award.read())["revision"]

    back = await award.move("open_for_applications", expect=409)
    same = await award.move("eligibility", expect=409)
    skip = await award.move("consensus", expect=422)

    assert back["type"].endswith("/phase-backwards") and same["type"].endswith("/phase-backwards")
    assert skip["type"].endswith("/phase-skipped") and skip["next_phase"] == "individual_assessment"
    after = await award.read()
    assert (after["phase"], after["revision"]) == ("eligibility", revision)


async def test_unmet_exit_conditions_are_named(harness, award):
    await award.create()
    await award.apply("SDF-SPT-STAB-VU")

    refused = await award.move("eligibility", expect=409)

    assert [c["key"] for c in refused["unmet"]] == ["application-deadline-passed"]
    assert (await award.read())["phase"] == "open_for_applications"
    await award.close_applications()
    unchecked = await award.move("individual_assessment", expect=409)
    assert {c["key"] for c in unchecked["unmet"]} == {"eligibility-checked", "eligible-applications", "teams-confirmed"}


async def test_the_rubric_is_versioned_until_the_first_application_then_locked(harness, award):
    await award.create()
    rubric = (await award.admin.get(f"{BASE}/rounds/{award.id}/rubric")).json()
    areas = rubric["areas"]
    areas[0]["questions"].append({"number": "1.7", "text": "Beskriv verksamhetens lokaler"})

    edited = await award.admin.put(f"{BASE}/rounds/{award.id}/rubric", json={"areas": areas}, headers={"if-match": await award.etag()})
    assert edited.status_code == 200, edited.text
    assert (edited.json()["version"], edited.json()["question_count"]) == (2, 29)
    first = (await award.admin.get(f"{BASE}/rounds/{award.id}/rubric", params={"version": 1})).json()
    assert first["question_count"] == 28

    await award.apply("SDF-SPT-STAB-VU", answers={"1.1": "Enheten bildades år 2010."}, submit=False)
    locked = await award.admin.put(f"{BASE}/rounds/{award.id}/rubric", json={"areas": first["areas"]}, headers={"if-match": await award.etag()})
    assert locked.status_code == 409 and locked.json()["type"].endswith("/rubric-locked")
    assert (await award.admin.get(f"{BASE}/rounds/{award.id}/rubric")).json()["version"] == 2

    bad_weights = [area | {"weight": 50} for area in first["areas"]]
    invalid = await award.admin.put(f"{BASE}/rounds/{award.id}/rubric", json={"areas": bad_weights}, headers={"if-match": await award.etag()})
    assert invalid.status_code == 422


async def test_submission_needs_every_answer_and_then_locks(harness, award):
    await award.create()
    draft = await award.apply("SDF-SPT-STAB-VU", answers={"1.1": "Enheten bildades år 2010."}, submit=False)
    manager = award.manager("SDF-SPT-STAB-VU")
    url = f"{BASE}/applications/{draft['id']}"

    early = await manager.post(f"{url}/submission", headers={"if-match": '"1"'})
    assert early.status_code == 422 and early.json()["missing_questions"] == ALL_QUESTIONS[1:]
    unknown = await manager.patch(url, json={"answers": {"9.9": "x"}}, headers={"if-match": '"1"'})
    assert unknown.status_code == 422
    no_etag = await manager.patch(url, json={"answers": full_answers()})
    assert no_etag.status_code == 428
    filled = await manager.patch(url, json={"answers": full_answers()}, headers={"if-match": '"1"'})
    assert filled.status_code == 200 and filled.json()["answered_questions"] == 28
    stale = await manager.post(f"{url}/submission", headers={"if-match": '"1"'})
    assert stale.status_code == 412
    submitted = await manager.post(f"{url}/submission", headers={"if-match": filled.headers["etag"]})
    assert submitted.status_code == 200

    after = await manager.patch(url, json={"answers": {"1.1": "Ändrat"}}, headers={"if-match": submitted.headers["etag"]})
    assert after.status_code == 409 and after.json()["type"].endswith("/application-locked")
    assert (await manager.get(url)).json()["answers"]["1.1"] == "Svar på fråga 1.1."


async def test_no_application_after_the_deadline_or_in_a_closed_phase(harness, award):
    await award.create()
    await award.apply("SDF-SPT-STAB-VU")
    await award.close_applications()

    late = await award.manager("SDF-SPT-FSK-01").post(
        f"{BASE}/rounds/{award.id}/applications", json={"unit_id": str(award.city.ids["SDF-SPT-FSK-01"]), "answers": {}},
    )

    assert late.status_code == 409 and late.json()["type"].endswith("/round-phase-closed")
    listed = (await award.admin.get(f"{BASE}/applications", params={"round_id": award.id})).json()["items"]
    assert len(listed) == 1


async def test_the_deadline_cannot_shut_out_drafts(harness, award):
    await award.create()
    await award.apply("SDF-SPT-STAB-VU", answers={}, submit=False)
    current = await award.read()
    deadlines = current["deadlines"] | {"open_for_applications": "2020-01-01"}

    refused = await award.admin.patch(f"{BASE}/rounds/{award.id}", json={"deadlines": deadlines}, headers={"if-match": await award.etag()})

    assert refused.status_code == 409 and refused.json()["drafts"] == 1
    assert (await award.read())["deadlines"] == current["deadlines"]


async def test_a_unit_manager_cannot_apply_for_another_unit(harness, award):
    await award.create()
    outsider = award.manager("SDF-RKI-AO-01")

    refused = await outsider.post(f"{BASE}/rounds/{award.id}/applications", json={"unit_id": str(award.city.ids["SDF-SPT-STAB-VU"])})

    assert refused.status_code == 403


async def test_no_application_once_the_deadline_has_passed_in_the_open_phase(award):
    await award.create()
    await award.apply("SDF-SPT-STAB-VU")
    current = await award.read()
    yesterday = date.fromordinal(stockholm_today().toordinal() - 1).isoformat()
    closed = await award.admin.patch(
        f"{BASE}/rounds/{award.id}", json={"deadlines": current["deadlines"] | {"open_for_applications": yesterday}},
        headers={"if-match": await award.etag()},
    )
    assert closed.status_code == 200 and closed.json()["phase"] == "open_for_applications"

    late = await award.manager("SDF-SPT-FSK-01").post(
        f"{BASE}/rounds/{award.id}/applications", json={"unit_id": str(award.city.ids["SDF-SPT-FSK-01"])},
    )

    assert late.status_code == 409 and late.json()["type"].endswith("/application-deadline-passed")
    assert late.json()["deadline"] == yesterday
    assert len((await award.admin.get(f"{BASE}/applications", params={"round_id": award.id})).json()["items"]) == 1


async def test_rounds_list_newest_year_first_in_pages(award):
    deadlines = (await award.create())["deadlines"]
    for prize, year in (("renewal_prize", award.year), ("quality_award", award.year - 1)):
        created = await award.admin.post(f"{BASE}/rounds", json={"prize": prize, "year": year, "deadlines": deadlines})
        assert created.status_code == 201

    first = (await award.admin.get(f"{BASE}/rounds", params={"limit": 2})).json()
    second = (await award.admin.get(f"{BASE}/rounds", params={"limit": 2, "cursor": first["next_cursor"]})).json()

    shown = [(r["year"], r["prize"]) for r in first["items"] + second["items"]]
    assert shown == [(award.year, "quality_award"), (award.year, "renewal_prize"), (award.year - 1, "quality_award")]
    assert second["next_cursor"] is None
    assert (await award.admin.get(f"{BASE}/rounds", params={"cursor": "bm9wZQ"})).status_code == 400
