"""The first-start content: seed 004 as the 2015 application, parsed answer by answer, examined to the jury's decision."""

from awards.demo import APPLICANT, SEED, UNIT_CODES, load, written_application
from awards.demo_examination import CONSENSUS, PROFILES
from awards.rubrics.defaults import QUALITY_AWARD_AREAS
from awards.seedtext import parse


BASE = "/awards/v1"
QUESTIONS = [q["number"] for area in QUALITY_AWARD_AREAS for q in area["questions"]]


def test_the_seed_text_splits_into_every_question_as_printed():
    written = parse(SEED.read_text(encoding="utf-8"), question_numbers=QUESTIONS)

    assert list(written.answers) == QUESTIONS
    printed = {q["number"]: q["text"] for area in QUALITY_AWARD_AREAS for q in area["questions"]}
    assert written.headings == printed
    assert written.answers["1.4"] == "Totalt finns inom samtliga grupper ca 2 060 kunder."
    assert written.answers["8.2"].startswith("Risk och väsentlighetsanalys, ROV, görs på avdelningsnivå i samband med framtagandet av\nverksamhetsplan.")
    assert "1.5.1 MÖTESSTRUKTUR" in written.answers["1.5"], "sub-headings stay inside their answer"
    assert "Enheten för verksamhetsutveckling bildades år 2010." in written.introductions["1"]


def _tree_for(codes) -> list[tuple]:
    """Each code's ancestors by the demo city's code scheme (SDF-RKI-AO-01 → SDF-RKI-AO → SDF-RKI → SDN-RKI)."""
    units = {"STHLM": ("STHLM", "Stockholms stad", "city", None)}
    for code in codes:
        parts = code.split("-")
        kind, abbr = parts[0], parts[1]
        committee = ("SDN-" if kind == "SDF" else "FN-") + abbr
        units.setdefault(committee, (committee, f"Nämnd {abbr}", "district_committee" if kind == "SDF" else "specialist_committee", "STHLM"))
        admin = f"{kind}-{abbr}"
        units.setdefault(admin, (admin, f"Förvaltning {abbr}", "administration", committee))
        department = "-".join(parts[:3])
        units.setdefault(department, (department, f"Avdelning {department}", "department", admin))
        names = {APPLICANT: "Enheten för verksamhetsutveckling"}
        units.setdefault(code, (code, names.get(code, f"Enhet {code}"), "unit", department))
    return list(units.values())


async def test_the_demo_carries_the_2015_round_to_the_jury_decision_and_runs_again(harness, city_of):
    ids = await city_of(_tree_for(UNIT_CODES))

    await load(harness)
    await load(harness)  # idempotent: everything is found and skipped

    admin = harness.client(roles=["award_admin"])
    rounds = (await admin.get(f"{BASE}/rounds", params={"year": 2015})).json()["items"]
    assert [(r["name"], r["phase"]) for r in rounds] == [("Kvalitetsutmärkelsen 2015", "good_examples_published")]
    applications = (await admin.get(f"{BASE}/applications", params={"round_id": rounds[0]["id"]})).json()["items"]
    assert len(applications) == 1
    application = applications[0]
    answers, _ = written_application()
    assert application["answers"] == answers and application["status"] == "submitted"
    assert application["unit_name"] == "Enheten för verksamhetsutveckling"
    assert application["eligibility"]["eligible"] is True
    assert application["evidence"]["commitments"] == [], "no goals events for the unit in this test: empty, not failing"
    plan = (await admin.get(f"{BASE}/rounds/{rounds[0]['id']}/assignment")).json()
    assert plan["status"] == "confirmed"
    members = plan["teams"][0]["members"]
    assert 3 <= len(members) <= 4 and any(m["experienced"] for m in members)
    assert str(ids["SDF-SPT-STAB-HRIT"]) not in {m["unit_id"] for m in members}, "the applicant's own department is conflicted"

    # The team's scores, the consensus with reasons, the site visit and the jury's decision.
    team = (await admin.get(f"{BASE}/applications/{application['id']}/assessments")).json()
    assert team["all_submitted"] is True and team["submitted"] == len(members)
    assert sorted(tuple(a["score"] for a in item["areas"]) for item in team["items"]) == sorted(PROFILES[: len(members)])
    consensus = (await admin.get(f"{BASE}/applications/{application['id']}/consensus")).json()
    assert consensus["complete"] is True and [a["score"] for a in consensus["areas"]] == list(CONSENSUS)
    # Weights 10, 15, 10, 10, 15, 15, 10, 15 on 65, 45, 65, 70, 55, 70, 55, 60:
    # (650 + 675 + 650 + 700 + 825 + 1050 + 550 + 900) / 100 = 60.0
    assert consensus["weighted_score"] == 60.0
    departures = [c for a in consensus["areas"] for c in a["changes"]]
    expected = sum(1 for profile in PROFILES[: len(members)] for mine, agreed in zip(profile, CONSENSUS, strict=True) if mine != agreed)
    assert len(departures) == expected and all(c["reason"] for c in departures)
    assert consensus["site_visit"]["visited_on"] == "2015-10-20"
    decision = (await admin.get(f"{BASE}/rounds/{rounds[0]['id']}/jury/decision")).json()
    assert [(a["unit_name"], a["placement"]) for a in decision["awards"]] == [("Enheten för verksamhetsutveckling", "winner")]
