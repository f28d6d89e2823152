"""The examination's quality through HTTP: Krippendorff's alpha against its published example, the round report."""

import math
from itertools import permutations

from awards_bank import CONSENSUS, INDIVIDUAL, OTHER, scored_round
from awards_examination import AREAS, BASE, TEAM

NAN = None
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers, twelve units,
# values 1-5 with missing data. The paper gives alpha = 0.849 at the interval level (0.743 nominal, 0.815 ordinal).
KRIPPENDORFF_2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    "C": [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
}
PUBLISHED_INTERVAL_ALPHA = 0.849


def ratings(matrix: dict, scale: int = 1) -> list[dict]:
    return [{"examiner": who, "unit": f"u{unit + 1}", "value": value * scale}
            for who, row in matrix.items() for unit, value in enumerate(row) if value is not None]


def alpha_by_hand(cells: dict[tuple, float]) -> float:
    """Interval alpha from its definition: 1 − D_o / D_e over the pairable values (units with two or more values)."""
    units: dict = {}
    for (_, unit), value in cells.items():
        units.setdefault(unit, []).append(value)
    pairable = [values for values in units.values() if len(values) > 1]
    n = sum(len(values) for values in pairable)
    observed = sum(sum((a - b) ** 2 for a, b in permutations(values, 2)) / (len(values) - 1) for values in pairable) / n
    everything = [value for values in pairable for value in values]
    expected = sum((a - b) ** 2 for a, b in permutations(everything, 2)) / (n * (n - 1))
    return 1 - observed / expected


async def test_alpha_reproduces_krippendorffs_published_example(award):
    answer = await award.admin.post(f"{BASE}/agreement-calculations", json={"ratings": ratings(KRIPPENDORFF_2011)})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert round(body["alpha"], 3) == PUBLISHED_INTERVAL_ALPHA
    # 4 observers, 12 units, unit 12 has a single value: 11 pairable units holding 40 of the 41 values.
    assert (body["examiners"], body["units"], body["pairable_units"], body["pairable_values"]) == (4, 12, 11, 40)
    assert body["verdict"] == "reliable" and body["level"] == "interval"
    # Interval alpha ignores a change of unit: the same data on the award's 0-100 grid (× 10) give the same alpha.
    on_grid = (await award.admin.post(f"{BASE}/agreement-calculations", json={"ratings": ratings(KRIPPENDORFF_2011, 10)})).json()
    assert on_grid["alpha"] == body["alpha"]
    cells = {(who, unit): value for who, row in KRIPPENDORFF_2011.items() for unit, value in enumerate(row) if value is not None}
    assert math.isclose(body["alpha"], alpha_by_hand(cells), abs_tol=5e-5)


async def test_alpha_says_not_enough_data_and_refuses_bad_input(award, harness):
    one_unit = [{"examiner": e, "unit": "u1", "value": v} for e, v in (("A", 50), ("B", 60))]
    thin = (await award.admin.post(f"{BASE}/agreement-calculations", json={"ratings": one_unit})).json()
    assert (thin["alpha"], thin["status"], thin["verdict"]) == (None, "not_enough_data", "not_enough_data")
    same = [{"examiner": e, "unit": u, "value": 50} for e in "AB" for u in ("u1", "u2")]
    flat = (await award.admin.post(f"{BASE}/agreement-calculations", json={"ratings": same})).json()
    assert (flat["alpha"], flat["status"]) == (None, "no_variation")
    for bad in ({"ratings": []}, {"ratings": [{"examiner": "A", "unit": "u1", "value": "x"}]}, {"ratings": one_unit, "min_units": 1}):
        refused = await award.admin.post(f"{BASE}/agreement-calculations", json=bad)
        assert refused.status_code == 422 and refused.headers["content-type"].startswith("application/problem+json")
    assert (await harness.client(roles=["examiner"]).post(f"{BASE}/agreement-calculations", json={"ratings": one_unit})).status_code == 403


async def test_the_round_report_holds_alpha_spread_and_offsets_computed_by_hand(award, harness):
    scored = await scored_round(award)
    application, other, ids = scored["application"], scored["other"], scored["examiners"]
    report = await award.admin.get(f"{BASE}/rounds/{award.id}/quality-report")
    assert report.status_code == 200, report.text
    body = report.json()
    assert (body["applications"], body["submitted_assessments"], body["examiners"]) == (2, 6, 3)

    individual = {(subject, application): dict(zip(AREAS, INDIVIDUAL[subject], strict=True)) for subject in TEAM}
    individual |= {(subject, other): {n: OTHER for n in AREAS} for subject in TEAM}
    by_area = {item["area_number"]: item["agreement"] for item in body["agreement"]}
    for number in AREAS:
        cells = {(subject, app): scores[number] for (subject, app), scores in individual.items()}
        assert math.isclose(by_area[number]["alpha"], alpha_by_hand(cells), abs_tol=5e-5), number
    # By hand for area 2: application A 60, 55, 60, application B 40, 40, 40.
    # D_o = (2·25 + 2·25) / 2 / 6 = 8.333; D_e = 2·(50 + 3·400 + 3·225 + 3·400) / (6·5) = 208.333; alpha = 1 − 0.04.
    assert by_area[2]["alpha"] == 0.96 and by_area[2]["verdict"] == "reliable"
    assert by_area[1]["alpha"] == 1.0, "area 1: every examiner gave A 50 and B 40"
    everything = {(subject, (app, n)): scores[n] for (subject, app), scores in individual.items() for n in AREAS}
    assert math.isclose(by_area[None]["alpha"], alpha_by_hand(everything), abs_tol=5e-5)

    moved = {item["area_number"]: item for item in body["consensus"]}
    assert (moved[2]["changed_scores"], moved[2]["individual_scores"], moved[2]["mean_absolute_change"]) == (1, 6, round(5 / 6, 3))
    assert moved[1]["changed_scores"] == 0

    spread = {item["application_id"]: item for item in body["spread"]}
    area2 = next(a for a in spread[application]["areas"] if a["area_number"] == 2)
    # 60, 55, 60: range 5, population sd sqrt(((5/3)² + (10/3)² + (5/3)²) / 3) = 2.357.
    assert (area2["minimum"], area2["maximum"], area2["range"], area2["consensus_score"]) == (55, 60, 5, 60)
    assert area2["standard_deviation"] == round(math.sqrt(((5 / 3) ** 2 + (10 / 3) ** 2 + (5 / 3) ** 2) / 3), 3)
    assert spread[application]["widest_range"] == 5 and spread[other]["widest_range"] == 0
    assert (spread[application]["team_size"], spread[application]["submitted"]) == (3, 3)

    # Offsets from consensus over 16 scores each (8 areas × 2 applications), the other application all equal.
    offsets = {item["examiner_id"]: item for item in body["examiner_offsets"]}
    expected = {}
    for subject in TEAM:
        differences = [i - c for i, c in zip(INDIVIDUAL[subject], CONSENSUS, strict=True)] + [0] * 8
        expected[ids[subject]] = (16, round(sum(differences) / 16, 3), round(sum(map(abs, differences)) / 16, 3), "ok")
    assert {e: (o["scores"], o["mean_offset"], o["mean_absolute_offset"], o["status"]) for e, o in offsets.items()} == expected
    assert expected[ids["ex-utn-1"]][1:3] == (round(5 / 16, 3), round(15 / 16, 3))
    guarded = (await award.admin.get(f"{BASE}/rounds/{award.id}/quality-report", params={"min_sample": 17})).json()
    assert {o["status"] for o in guarded["examiner_offsets"]} == {"not_enough_data"}
    assert all(o["mean_offset"] is None for o in guarded["examiner_offsets"])

    # Only the award office reads it.
    for roles in (["examiner"], ["jury"], ["city_controller"], ["unit_manager"]):
        assert (await harness.client(roles=roles).get(f"{BASE}/rounds/{award.id}/quality-report")).status_code == 403
