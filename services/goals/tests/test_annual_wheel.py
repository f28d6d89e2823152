"""The annual wheel (årshjul): defaults, a committee's own deadlines, what is due, the overdue job with a set clock.

Defaults (migration 0006, seed 004 §6.3): T1 31 May, T2 30 September, the verksamhetsberättelse 31
January the year after, the next year's plan 15 December the year before. The data is the roll-up
test's small tree: at 2015-T1 K1 and K2 are followed up, K3 is not.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from test_rollup import small_tree  # noqa: F401  (the fixture)

from servicekit.tables import OutboxEvent

from goals.annual_wheel.jobs import run_overdue
from goals.config import GoalsSettings

G = "/goals/v1"
STHLM = ZoneInfo("Europe/Stockholm")


def wheel_path(tree, *rest: str, committee: str = "SDN-SPT") -> str:
    return "/".join((f"{G}/committees/{tree.ids[committee]}", *rest))


async def test_a_committees_wheel_shows_the_defaults_until_it_sets_its_own(committee, controller, tree):
    wheel = await controller.get(wheel_path(tree, "annual-wheel"), params={"year": 2015})
    assert wheel.status_code == 200, wheel.text
    assert [(d["period"], d["due_date"], d["source"]) for d in wheel.json()["deadlines"]] == [
        ("2015-T1", "2015-05-31", "default"), ("2015-T2", "2015-09-30", "default"),
        ("2016-VP", "2015-12-15", "default"), ("2015-VB", "2016-01-31", "default"),
    ]
    t1 = wheel_path(tree, "annual-wheel", "2015-T1")
    assert (await committee.put(t1, json={"due_date": "2015-05-15"})).status_code == 428
    own = await committee.put(t1, json={"due_date": "2015-05-15"}, headers={"if-match": '"0"'})
    assert own.status_code == 200, own.text
    assert (own.json()["source"], own.json()["revision"], own.headers["etag"]) == ("committee", 1, '"1"')
    stale = await committee.put(t1, json={"due_date": "2015-05-20"}, headers={"if-match": '"0"'})
    assert stale.status_code == 412
    shown = (await controller.get(wheel_path(tree, "annual-wheel"), params={"year": 2015})).json()["deadlines"]
    assert (shown[0]["due_date"], shown[0]["source"]) == ("2015-05-15", "committee")
    assert (shown[0]["window_from"], shown[0]["window_to"]) == ("2015-04-01", "2015-05-31")


async def test_deadlines_outside_the_wheels_windows_are_refused(committee, controller, harness, tree, bromma):
    match = {"if-match": '"0"'}
    for period, due, kind in (
        ("2015-T1", "2015-06-01", "deadline-outside-window"),  # T1 is April–May
        ("2015-T1", "2015-04-15", "deadline-before-period-end"),  # T1 runs to 30 April
        ("2015-VB", "2015-11-30", "deadline-outside-window"),  # VB is December–January
        ("2016-VP", "2016-01-10", "deadline-outside-window"),  # the 2016 plan is made October–December 2015
        ("2015-T3", "2015-05-15", "period-invalid"),
        ("1890-T1", "1890-05-15", "period-out-of-range"),
    ):
        response = await committee.put(wheel_path(tree, "annual-wheel", period), json={"due_date": due}, headers=match)
        assert response.status_code == 422 and response.json()["type"].endswith(f"/{kind}"), (period, response.text)
    assert (await committee.put(wheel_path(tree, "annual-wheel", "2015-VB"), json={"due_date": "2016-01-15"},
                                headers=match)).status_code == 200
    assert (await committee.put(wheel_path(tree, "annual-wheel", "2016-VP"), json={"due_date": "2015-11-30"},
                                headers=match)).status_code == 200
    assert (await controller.put(wheel_path(tree, "annual-wheel", "2015-T2"), json={"due_date": "2015-09-15"},
                                 headers=match)).status_code == 403
    async with harness.client(roles=("committee",), org=(bromma,), subject="bromma-1") as other:
        refused = await other.put(wheel_path(tree, "annual-wheel", "2015-T2"), json={"due_date": "2015-09-15"}, headers=match)
        assert refused.status_code == 403
        assert (await other.get(wheel_path(tree, "due"), params={"period": "2015-T1"})).status_code == 403
    unit = await controller.get(wheel_path(tree, "annual-wheel", committee="SDF-SPT-STAB-VU"), params={"year": 2015})
    assert unit.status_code == 422 and unit.json()["type"].endswith("/not-a-committee")
    shown = (await controller.get(wheel_path(tree, "annual-wheel"), params={"year": 2015})).json()["deadlines"]
    assert [(d["period"], d["due_date"]) for d in shown] == [
        ("2015-T1", "2015-05-31"), ("2015-T2", "2015-09-30"), ("2016-VP", "2015-11-30"), ("2015-VB", "2016-01-15"),
    ]


async def test_what_is_due_lists_commitments_without_follow_up_and_the_unsubmitted_report(committee, controller, small_tree, tree):
    t = small_tree
    due = await controller.get(wheel_path(tree, "due"), params={"period": "2015-T1"})
    assert due.status_code == 200, due.text
    body = due.json()
    assert (body["deadline"], body["deadline_source"], body["overdue"]) == ("2015-05-31", "default", True)
    assert [(m["commitment_id"], m["title"]) for m in body["missing_follow_ups"]] == [(t.k3["id"], "K3 Prognoserna träffar")]
    assert body["reports_not_submitted"] == [{"kind": "tertial_report", "period": "2015-T1"}]
    # T2: nothing is followed up yet, so all three are missing.
    t2 = (await controller.get(wheel_path(tree, "due"), params={"period": "2015-T2"})).json()
    assert {m["commitment_id"] for m in t2["missing_follow_ups"]} == {t.k1["id"], t.k2["id"], t.k3["id"]}

    assert (await committee.post(wheel_path(tree, "reports"), json={"period": "2015-T1"})).status_code == 201
    after = (await controller.get(wheel_path(tree, "due"), params={"period": "2015-T1"})).json()
    assert after["reports_not_submitted"] == [] and len(after["missing_follow_ups"]) == 1
    assert (await controller.get(wheel_path(tree, "due"), params={"period": "2016-VP"})).status_code == 422


async def _overdue(harness) -> list[dict]:
    rows = await harness.session.execute(
        select(OutboxEvent.envelope).where(OutboxEvent.type == "goals.annual-wheel.item-overdue").order_by(OutboxEvent.position)
    )
    return [row.envelope["data"] for row in rows]


async def test_the_overdue_job_publishes_each_missing_item_once_after_its_deadline(committee, small_tree, tree, bromma, harness):
    t = small_tree
    spt = str(tree.ids["SDN-SPT"])
    own = await committee.put(wheel_path(tree, "annual-wheel", "2015-T1"), json={"due_date": "2015-05-15"},
                              headers={"if-match": '"0"'})
    assert own.status_code == 200
    settings, sessions = GoalsSettings(), harness.app.state.sessionmaker
    seen: list[dict] = []
    for moment, expected in (
        (datetime(2015, 5, 15, 23, 30, tzinfo=STHLM), []),  # the deadline's own day: not overdue yet
        (datetime(2015, 5, 16, 0, 30, tzinfo=STHLM), [  # 15 May 22:30 UTC, but 16 May in Stockholm
            ("follow_up", spt, str(tree.ids["SDF-SPT-STAB-VU"]), t.k3["id"], "2015-05-15"),
            ("report", spt, spt, None, "2015-05-15"),
        ]),
        (datetime(2015, 5, 20, 9, tzinfo=STHLM), []),  # once published, never again
        (datetime(2015, 6, 1, 7, tzinfo=STHLM), [("report", str(bromma), str(bromma), None, "2015-05-31")]),  # the default
    ):
        made = await run_overdue(settings, sessions, moment.astimezone(UTC))
        published = await _overdue(harness)
        new = published[len(seen):]
        assert {(p["kind"], p["committee_id"], p["unit_id"], p["commitment_id"], p["deadline"]) for p in new} == set(expected), moment
        assert made == len(expected) and all(p["period"] == "2015-T1" for p in new)
        seen = published


async def test_a_follow_up_after_the_committees_own_deadline_is_late(harness, committee, small_tree, tree):
    t = small_tree
    own = await committee.put(wheel_path(tree, "annual-wheel", "2015-T1"), json={"due_date": "2015-05-15"},
                              headers={"if-match": '"0"'})
    assert own.status_code == 200
    # K3's T1 follow-up, imported from an earlier register as reported on 20 May (a past day comes only by import):
    # after the committee's 15 May, before the default 31 May.
    async with harness.client(roles=(), actor="system", scopes=("goals:write",), subject="register-import") as importer:
        reported = await importer.post(f"{G}/commitments/{t.k3['id']}/follow-ups", json={
            "period": "2015-T1", "outcome_value": 1.5, "assessment": "fulfilled", "reported_on": "2015-05-20"})
        # T2 keeps the default (30 September): reported on 20 September it is on time.
        on_time = await importer.post(f"{G}/commitments/{t.k3['id']}/follow-ups", json={
            "period": "2015-T2", "outcome_value": 1.5, "assessment": "fulfilled", "reported_on": "2015-09-20"})
    assert reported.status_code == 201, reported.text
    assert (reported.json()["deadline"], reported.json()["late"]) == ("2015-05-15", True)
    assert (on_time.json()["deadline"], on_time.json()["late"]) == ("2015-09-30", False)
