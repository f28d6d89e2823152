"""Helpers for the examination's tests: a round with a confirmed team of three, scored area by area."""

from awards.rubrics.defaults import QUALITY_AWARD_AREAS

BASE = "/awards/v1"
AREAS = [area["number"] for area in QUALITY_AWARD_AREAS]
WEIGHTS = {area["number"]: area["weight"] for area in QUALITY_AWARD_AREAS}
TEAM = ("ex-soc-1", "ex-utn-1", "ex-utn-2")


def band(score: int) -> str:
    for low, high in ((0, 5), (10, 25), (30, 45), (50, 65), (70, 85), (90, 100)):
        if low <= score <= high:
            return f"{low}-{high}"
    raise ValueError(score)


def area(number: int, score: int, *, text: str = "Tydlig koppling mellan mål och uppföljning.", questions=None, **extra) -> dict:
    return {
        "area_number": number, "band": band(score), "score": score,
        "strengths": [{"text": text, "lenses": ["analysis_for_improvement"], "questions": questions or [f"{number}.1"]}],
        "improvements": [], **extra,
    }


async def examined_round(award, *, answers=None, code: str = "SDF-SPT-STAB-VU", others=(), prize="quality_award") -> dict:
    """A round in individual assessment: the application (and others'), a confirmed team of TEAM (examiner ids by subject)."""
    await award.create(prize=prize)
    application = await award.apply(code, answers=answers)
    other_ids = {other: (await award.apply(other, answers=answers, sector="elderly_care"))["id"] for other in others}
    await award.close_applications()
    await award.check_eligibility()
    ids = {
        "ex-soc-1": await award.examiner("ex-soc-1", "FV-SOC-L1-01"),
        "ex-utn-1": await award.examiner("ex-utn-1", "FV-UTN-L1-01", experienced=False),
        "ex-utn-2": await award.examiner("ex-utn-2", "FV-UTN-L1-02", experienced=False),
    }
    await award.propose()
    await award.confirm()
    await award.move("individual_assessment")
    return {"application": application["id"], "examiners": ids, "others": other_ids}


def examiner(award, subject: str):
    return award.harness.client(roles=["examiner"], subject=subject)


async def score(award, application_id: str, examiner_id: str, subject: str, scores: dict[int, int], *, submit: bool = True):
    client = examiner(award, subject)
    url = f"{BASE}/applications/{application_id}/assessments/{examiner_id}"
    current = await client.get(url)
    headers = {"if-match": current.headers["etag"]} if current.status_code == 200 else {}
    saved = await client.put(url, json={"areas": [area(n, s) for n, s in scores.items()]}, headers=headers)
    assert saved.status_code == 200, saved.text
    if submit:
        submitted = await client.post(f"{url}/submission", headers={"if-match": saved.headers["etag"]})
        assert submitted.status_code == 200, submitted.text
        return submitted
    return saved


async def agree(award, application_id: str, subject: str, number: int, value: int, *, reason="Teamet enades efter diskussion.", **extra):
    client = examiner(award, subject)
    body = {"band": band(value), "score": value, "strengths": area(number, value)["strengths"], "reason": reason} | extra
    return await client.put(f"{BASE}/applications/{application_id}/consensus/{number}", json=body)
