"""Awards' results and good examples reach goals: a round examined and decided through the gateway
(awards.round.decided), a winner's practice published with the unit's consent and then withdrawn
(awards.good-example.published), each shown for the unit's committee in goals, and to every committee.
"""

import uuid
from datetime import date, timedelta

import httpx
from platform_support import create_units, next_round_year, unit_in, wait_until

from awards.rubrics.defaults import QUALITY_AWARD_AREAS

QUESTIONS = [q["number"] for area in QUALITY_AWARD_AREAS for q in area["questions"]]
AREAS = [area["number"] for area in QUALITY_AWARD_AREAS]
PHASES = [
    "open_for_applications", "eligibility", "individual_assessment", "consensus", "jury_shortlist", "site_visits",
    "jury_decision", "feedback_reports_released", "good_examples_published",
]
FINDING = [{"text": "Mötesstrukturen och årshjulet bär uppföljningen.", "lenses": ["spreading_good_examples"], "questions": ["1.1"]}]


def _ok(response: httpx.Response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


class Round:
    """One quality-award round of a far year, walked by the award office, a unit, three examiners and the jury."""

    def __init__(self, stack, gateway_url: str, keys: httpx.Client, ids: dict, tag: str) -> None:
        self.stack, self.gateway_url, self.ids, self.tag = stack, gateway_url, ids, tag
        self.year = next_round_year()
        self.office = self.person(["award_admin"], f"gf-office-{tag}")
        self.manager = self.person(["unit_manager"], f"gf-chef-{tag}", [ids["applicant"]])
        self.keys = keys

    def person(self, roles: list[str], sub: str, org: list[str] = ()) -> httpx.Client:
        token = self.stack.mint_token(roles, sub=sub, org=list(org))
        return httpx.Client(base_url=self.gateway_url, timeout=60, headers={"authorization": f"Bearer {token}"})

    def move(self, to: str) -> None:
        current = self.office.get(f"/awards/v1/rounds/{self.id}")
        _ok(self.office.post(f"/awards/v1/rounds/{self.id}/phase-transitions", json={"to": to},
                             headers={"if-match": current.headers["etag"]}))

    def open_and_apply(self) -> None:
        opens = date.today() + timedelta(days=10)
        self.id = _ok(self.office.post("/awards/v1/rounds", json={"prize": "quality_award", "year": self.year, "deadlines": {
            phase: (opens + timedelta(days=10 * n)).isoformat() for n, phase in enumerate(PHASES)}}), 201)["id"]
        draft = self.manager.post(f"/awards/v1/rounds/{self.id}/applications", json={
            "unit_id": self.ids["applicant"], "sector": "management_and_support",
            "answers": {q: "Enheten följer upp sina åtaganden enligt årshjulet." for q in QUESTIONS}})
        self.application = _ok(draft, 201)["id"]
        _ok(self.manager.post(f"/awards/v1/applications/{self.application}/submission", headers={"if-match": draft.headers["etag"]}))
        current = self.office.get(f"/awards/v1/rounds/{self.id}")
        _ok(self.office.patch(f"/awards/v1/rounds/{self.id}", headers={"if-match": current.headers["etag"]}, json={
            "deadlines": current.json()["deadlines"] | {"open_for_applications": (date.today() - timedelta(days=1)).isoformat()}}))
        self.move("eligibility")
        _ok(self.office.post(f"/awards/v1/rounds/{self.id}/eligibility-checks"))

    def examine(self) -> None:
        subjects = [f"gf-examinator-{n}-{self.tag}" for n in (1, 2, 3)]
        examiner = {}
        for n, subject in enumerate(subjects, 1):
            created = _ok(self.office.post("/awards/v1/examiners", json={
                "subject_id": subject, "unit_id": self.ids[f"examiner_unit_{n}"], "sectors": ["management_and_support"],
                "stated_rounds_served": 1 if n == 1 else 0}), 201)
            examiner[subject] = created["id"]
            _ok(self.office.post(f"/awards/v1/examiners/{created['id']}/trainings",
                                 json={"year": self.year, "completed_on": f"{self.year}-02-01"}), 201)
            _ok(self.office.put(f"/awards/v1/rounds/{self.id}/examiners/{created['id']}", json={
                "capacity": 1, "manager_approval": {"manager_subject_id": f"chef-{n}", "approved_on": f"{self.year}-01-15"}}))
        proposal = self.office.post(f"/awards/v1/rounds/{self.id}/assignment-proposals")
        _ok(proposal, 201)
        _ok(self.office.post(f"/awards/v1/rounds/{self.id}/assignment/confirmation", headers={"if-match": proposal.headers["etag"]}))
        self.move("individual_assessment")
        team = {subject: self.person(["examiner"], subject) for subject in subjects}
        for subject in subjects:  # 60 on every area by every examiner: a consensus needs no reasons
            url = f"/awards/v1/applications/{self.application}/assessments/{examiner[subject]}"
            saved = team[subject].put(url, json={"areas": [
                {"area_number": n, "band": "50-65", "score": 60, "strengths": FINDING} for n in AREAS]})
            _ok(saved)
            _ok(team[subject].post(f"{url}/submission", headers={"if-match": saved.headers["etag"]}))
        self.move("consensus")
        for number in AREAS:
            _ok(team[subjects[0]].put(f"/awards/v1/applications/{self.application}/consensus/{number}",
                                      json={"band": "50-65", "score": 60, "strengths": FINDING}))
        self.move("jury_shortlist")
        self.jury = self.person(["jury"], f"gf-jury-{self.tag}")
        _ok(self.jury.put(f"/awards/v1/rounds/{self.id}/jury/shortlist", json={"codes": ["A"]}))
        self.move("site_visits")
        _ok(team[subjects[2]].put(f"/awards/v1/applications/{self.application}/site-visit",
                                  json={"visited_on": f"{self.year}-10-01", "notes": "Besök på enheten."}))
        self.move("jury_decision")

    def decide(self) -> dict:
        return _ok(self.jury.post(f"/awards/v1/rounds/{self.id}/jury/decision", json={
            "reference": f"Domarkommittén {self.year} § 2", "decided_on": f"{self.year}-11-10", "rationale": "Väl genomfört.",
            "awards": [{"code": "A", "placement": "winner", "rationale": "Systematisk uppföljning med årshjul."}]}), 201)

    def publish_example(self) -> dict:
        self.move("feedback_reports_released")
        example = self.office.post("/awards/v1/good-examples", json={
            "application_id": self.application, "title": f"Årshjulet för uppföljning {self.tag}",
            "summary": "Varje uppföljning har sin plats i årshjulet.", "body": "Så här gör enheten ...",
            "areas": [str(AREAS[0])], "lenses": ["spreading_good_examples"]})
        created = _ok(example, 201)
        _ok(self.manager.post(f"/awards/v1/rounds/{self.id}/consents", json={"unit_id": self.ids["applicant"], "decision": "given"}), 201)
        _ok(self.office.post(f"/awards/v1/good-examples/{created['id']}/publication", headers={"if-match": example.headers["etag"]}))
        return created

    def withdraw(self, example_id: str) -> None:
        etag = self.office.get(f"/awards/v1/good-examples/{example_id}").headers["etag"]
        _ok(self.office.post(f"/awards/v1/good-examples/{example_id}/withdrawal", json={"reason": "Enheten har ändrat arbetssättet."},
                             headers={"if-match": etag}))


def test_a_decided_round_and_a_good_example_appear_for_the_units_committee_in_goals(stack, gateway_url, api_key):
    keys = httpx.Client(base_url=gateway_url, headers={"x-api-key": api_key}, timeout=30)
    tag = uuid.uuid4().hex[:5].upper()
    ids = create_units(keys, [
        ("committee", f"SDN-G{tag}", "district_committee", "city"),
        ("administration", f"SDF-G{tag}", "administration", "committee"),
        ("applicant", f"SDF-G{tag}-KV", "unit", "administration"),
        ("other_committee", f"FN-G{tag}", "specialist_committee", "city"),
        ("other_administration", f"FV-G{tag}", "administration", "other_committee"),
        *((f"examiner_unit_{n}", f"FV-G{tag}-0{n}", "unit", "other_administration") for n in (1, 2, 3)),
    ], effective_date="2010-01-01")
    for unit_id in ids.values():
        wait_until(lambda unit_id=unit_id: unit_in(keys, "awards", unit_id), what="unit in awards")

    award_round = Round(stack, gateway_url, keys, ids, tag)
    award_round.open_and_apply()
    award_round.examine()
    decided = award_round.decide()
    year = award_round.year
    ours = award_round.person(["controller"], f"gf-controller-{tag}", [ids["committee"]])
    theirs = award_round.person(["controller"], f"gf-other-controller-{tag}", [ids["other_committee"]])

    def results(client, committee) -> list[dict]:
        return _ok(client.get(f"/goals/v1/committees/{committee}/award-results", params={"year": year}))

    shown = wait_until(lambda: results(ours, ids["committee"]), what="the jury's decision in goals")
    assert [(r["unit_id"], r["placement"], r["prize"], r["round_id"], r["rationale"]) for r in shown] == [
        (ids["applicant"], "winner", "quality_award", award_round.id, "Systematisk uppföljning med årshjul."),
    ]
    assert shown[0]["application_id"] == decided["awards"][0]["application_id"] and shown[0]["decided_on"] == f"{year}-11-10"
    assert results(theirs, ids["other_committee"]) == []  # another committee's units won nothing

    example = award_round.publish_example()

    def examples(client) -> list[dict]:
        return _ok(client.get(f"/goals/v1/committees/{ids['committee']}/good-examples"))

    listed = wait_until(lambda: examples(ours), what="the good example in goals")
    assert [(e["id"], e["unit_id"], e["committee_id"], e["title"], e["withdrawn"]) for e in listed] == [
        (example["id"], ids["applicant"], ids["committee"], f"Årshjulet för uppföljning {tag}", False),
    ]
    assert examples(theirs) == listed  # every committee reads another's good examples

    award_round.withdraw(example["id"])
    wait_until(lambda: examples(ours) == [], what="the withdrawn example gone from goals")
    assert results(ours, ids["committee"]) == shown  # the decision stays
