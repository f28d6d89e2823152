"""Helpers for the tests after the examination: a round carried through to its decision (w-exam's helpers)."""

from awards_examination import AREAS, BASE, TEAM, agree, examined_round, examiner, score

# Individual scores per examiner, areas 1..8, for the development unit's application (chosen by hand) ...
INDIVIDUAL = {
    "ex-soc-1": [50, 60, 55, 45, 65, 70, 40, 75],
    "ex-utn-1": [50, 55, 55, 50, 65, 70, 45, 75],
    "ex-utn-2": [50, 60, 60, 45, 70, 70, 40, 80],
}
CONSENSUS = [50, 60, 55, 45, 65, 70, 40, 75]
OTHER = 40  # ... and every score of the other application (Rinkeby vård- och omsorgsboende), individual and consensus
OTHER_CODE = "SDF-RKI-AO-01"


async def scored_round(award, *, answers=None) -> dict:
    """Two applications scored by the team of three and agreed area by area; the round in consensus."""
    examined = await examined_round(award, answers=answers, others=(OTHER_CODE,))
    ids, application, other = examined["examiners"], examined["application"], examined["others"][OTHER_CODE]
    for subject in TEAM:
        await score(award, application, ids[subject], subject, dict(zip(AREAS, INDIVIDUAL[subject], strict=True)))
        await score(award, other, ids[subject], subject, {n: OTHER for n in AREAS})
    await award.move("consensus")
    for number, value in zip(AREAS, CONSENSUS, strict=True):
        saved = await agree(award, application, "ex-soc-1", number, value)
        assert saved.status_code == 200, saved.text
        saved = await agree(award, other, "ex-soc-1", number, OTHER)
        assert saved.status_code == 200, saved.text
    return {"application": application, "other": other, "examiners": ids}


async def decided_round(award, *, answers=None) -> dict:
    """The scored round carried on: shortlist (the development unit), site visit, the jury's decision (it wins),
    and the round in feedback_reports_released."""
    scored = await scored_round(award, answers=answers)
    await award.move("jury_shortlist")
    board = award.harness.client(roles=["jury"], subject="jury-ordforande")
    listed = (await board.get(f"{BASE}/rounds/{award.id}/jury/applications")).json()["items"]
    code = max(listed, key=lambda item: item["weighted_score"])["code"]
    assert (await board.put(f"{BASE}/rounds/{award.id}/jury/shortlist", json={"codes": [code]})).status_code == 200
    await award.move("site_visits")
    visit = await examiner(award, "ex-utn-1").put(f"{BASE}/applications/{scored['application']}/site-visit", json={
        "visited_on": "2015-10-20", "notes": "Platsbesök: årshjulet och mötesstrukturen visades."})
    assert visit.status_code == 200, visit.text
    await award.move("jury_decision")
    decided = await board.post(f"{BASE}/rounds/{award.id}/jury/decision", json={
        "reference": "Domarkommittén 2015 § 3", "decided_on": "2015-11-12", "rationale": "Ett föredömligt arbete.",
        "awards": [{"code": code, "placement": "winner", "rationale": "Systematisk uppföljning från åtagande till analys."}]})
    assert decided.status_code == 201, decided.text
    await award.move("feedback_reports_released")
    return scored

# Operations of feedback reports, quality and good examples: their access test is test_access_bank.py.
BANK_OPERATIONS = (
    "create_report", "list_reports", "get_report", "change_report", "approve_report", "release_report", "get_document",
    "calculate_agreement", "get_quality_report", "record_consent", "list_consents", "create_example", "search_examples",
    "get_example", "change_example", "publish_example", "withdraw_example", "record_uptake", "list_uptakes",
)


def is_bank_operation(operation_id: str) -> bool:
    return any(operation_id.startswith(f"{name}_awards_v1_") for name in BANK_OPERATIONS)
