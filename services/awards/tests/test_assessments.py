"""Individual assessment through HTTP: the band grid, hidden team-mates' scores on every read path, the phase."""

import csv
import io

import pytest
from awards_examination import AREAS, BASE, TEAM, area, examined_round, examiner, score


@pytest.fixture
async def examined(award):
    return await examined_round(award)


async def test_the_grid_is_six_bands_in_five_point_steps(award):
    bands = (await award.admin.get(f"{BASE}/scoring-bands")).json()
    assert [b["key"] for b in bands] == ["0-5", "10-25", "30-45", "50-65", "70-85", "90-100"]
    assert bands[0]["scores"] == [0, 5] and bands[1]["scores"] == [10, 15, 20, 25] and bands[5]["scores"] == [90, 95, 100]
    assert sum(len(b["scores"]) for b in bands) == 2 + 4 + 4 + 4 + 4 + 3


async def test_scores_off_the_grid_or_outside_their_band_are_refused_and_change_nothing(award, examined):
    application, me = examined["application"], examined["examiners"]["ex-soc-1"]
    client = examiner(award, "ex-soc-1")
    url = f"{BASE}/applications/{application}/assessments/{me}"
    first = await client.put(url, json={"areas": [area(1, 50)]})
    assert first.status_code == 200, first.text
    etag = first.headers["etag"]

    cases = {
        "score-off-grid": [area(1, 50) | {"score": 62, "band": "50-65"}],
        "score-outside-band": [area(1, 50) | {"score": 70, "band": "50-65"}],
        "unknown-band": [area(1, 50) | {"band": "50-70"}],
        "unknown-areas": [area(9, 50)],
        "duplicate-areas": [area(2, 50), area(2, 55)],
        "unknown-questions": [area(2, 50, questions=["2.9"])],
    }
    for kind, areas in cases.items():
        refused = await client.put(url, json={"areas": areas}, headers={"if-match": etag})
        assert refused.status_code == 422 and refused.json()["type"].endswith(f"/{kind}"), (kind, refused.text)
    no_lens = area(2, 50)
    no_lens["strengths"][0]["lenses"] = []
    assert (await client.put(url, json={"areas": [no_lens]}, headers={"if-match": etag})).status_code == 422
    assert (await client.put(url, json={"areas": [area(1, 55)]})).status_code == 428

    kept = (await client.get(url)).json()
    assert [(a["area_number"], a["band"], a["score"]) for a in kept["areas"]] == [(1, "50-65", 50)]
    assert kept["revision"] == 1 and kept["status"] == "draft"


async def test_team_mates_scores_stay_hidden_on_every_read_path_until_all_have_submitted(award, examined):
    application, ids = examined["application"], examined["examiners"]
    first, second, third = TEAM
    await score(award, application, ids[first], first, {n: 60 for n in AREAS})
    await score(award, application, ids[second], second, {n: 40 for n in AREAS}, submit=False)
    mate = examiner(award, second)

    early = await mate.get(f"{BASE}/applications/{application}/assessments/{ids[first]}")
    assert early.status_code == 403 and early.json()["type"].endswith("/scores-hidden")
    assert (early.json()["submitted"], early.json()["team_size"]) == (1, 3)
    listed = (await mate.get(f"{BASE}/applications/{application}/assessments")).json()
    shown = {item["examiner_id"]: item for item in listed["items"]}
    assert listed["all_submitted"] is False and listed["submitted"] == 1
    assert shown[ids[first]]["scores_hidden"] is True and shown[ids[first]]["areas"] == []
    assert shown[ids[second]]["own"] is True and [a["score"] for a in shown[ids[second]]["areas"]] == [40] * 8
    office_view = (await award.admin.get(f"{BASE}/applications/{application}/assessments")).json()
    assert all(item["scores_hidden"] for item in office_view["items"]), "the award office sees progress, not scores"
    export_one = await mate.get(f"{BASE}/rounds/{award.id}/assessments/export", params={"application_id": application})
    assert export_one.status_code == 403 and export_one.json()["type"].endswith("/scores-hidden")
    office_export = await award.admin.get(f"{BASE}/rounds/{award.id}/assessments/export")
    assert office_export.status_code == 200 and office_export.headers["x-hidden-teams"] == "1"
    assert office_export.text.strip().splitlines() == [
        "application_id,examiner_id,status,area_number,band,score,strengths,improvements"
    ]
    own_rows = list(csv.DictReader(io.StringIO((await mate.get(f"{BASE}/rounds/{award.id}/assessments/export")).text)))
    assert {(r["examiner_id"], r["score"]) for r in own_rows} == {(ids[second], "40")}, "only the caller's own scores"

    await score(award, application, ids[second], second, {n: 40 for n in AREAS})
    await score(award, application, ids[third], third, {n: 50 for n in AREAS})

    seen = await mate.get(f"{BASE}/applications/{application}/assessments/{ids[first]}")
    assert seen.status_code == 200 and [a["score"] for a in seen.json()["areas"]] == [60] * 8
    rows = list(csv.DictReader(io.StringIO((await award.admin.get(f"{BASE}/rounds/{award.id}/assessments/export")).text)))
    assert len(rows) == 3 * 8
    assert sum(int(r["score"]) for r in rows) == 8 * (60 + 40 + 50)


async def test_scoring_only_by_the_examiner_in_the_team_and_only_in_its_phase(award, examined):
    application, ids = examined["application"], examined["examiners"]
    url = f"{BASE}/applications/{application}/assessments/{ids['ex-soc-1']}"

    outsider = award.harness.client(roles=["examiner"], subject="ex-someone-else")
    assert (await outsider.get(f"{BASE}/applications/{application}/assessments")).status_code == 404
    assert (await outsider.put(url, json={"areas": [area(1, 50)]})).status_code == 404
    mate = examiner(award, "ex-utn-1")
    assert (await mate.put(url, json={"areas": [area(1, 50)]})).status_code == 403
    assert (await award.admin.put(url, json={"areas": [area(1, 50)]})).status_code == 403

    me = examiner(award, "ex-soc-1")
    draft = await me.put(url, json={"areas": [area(n, 50) for n in AREAS[:7]]})
    missing = await me.post(f"{url}/submission", headers={"if-match": draft.headers["etag"]})
    assert missing.status_code == 422 and missing.json()["areas"] == [8]
    bare = area(8, 50) | {"strengths": []}
    draft = await me.put(url, json={"areas": [area(n, 50) for n in AREAS[:7]] + [bare]}, headers={"if-match": draft.headers["etag"]})
    no_findings = await me.post(f"{url}/submission", headers={"if-match": draft.headers["etag"]})
    assert no_findings.status_code == 422 and no_findings.json()["type"].endswith("/findings-missing")

    for subject in TEAM:
        await score(award, application, ids[subject], subject, {n: 50 for n in AREAS})
    locked = await me.put(url, json={"areas": [area(1, 55)]}, headers={"if-match": (await me.get(url)).headers["etag"]})
    assert locked.status_code == 409 and locked.json()["type"].endswith("/assessment-submitted")
    await award.move("consensus")
    closed = await me.put(url, json={"areas": [area(1, 55)]}, headers={"if-match": (await me.get(url)).headers["etag"]})
    assert closed.status_code == 409 and closed.json()["type"].endswith("/round-phase-closed")
    assert [a["score"] for a in (await me.get(url)).json()["areas"]] == [50] * 8


async def test_individual_assessment_exits_when_every_assigned_examiner_has_submitted(award, examined):
    application, ids = examined["application"], examined["examiners"]
    for subject in TEAM[:2]:
        await score(award, application, ids[subject], subject, {n: 50 for n in AREAS})

    waiting = (await award.admin.get(f"{BASE}/rounds/{award.id}/exit-conditions")).json()
    assert waiting["can_move"] is False
    assert waiting["conditions"][0]["key"] == "assessments-submitted" and "1 of 3" in waiting["conditions"][0]["explanation"]
    assert (await award.move("consensus", expect=409))["unmet"][0]["key"] == "assessments-submitted"

    await score(award, application, ids[TEAM[2]], TEAM[2], {n: 50 for n in AREAS})
    assert (await award.admin.get(f"{BASE}/rounds/{award.id}/exit-conditions")).json()["can_move"] is True
    assert (await award.move("consensus"))["phase"] == "consensus"
