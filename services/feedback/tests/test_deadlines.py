"""Deadlines in Swedish working days and the overdue job, run with a controlled clock.

Every date below is counted by hand from the Swedish calendar (see each comment); counting
starts the working day after receipt, weekends, public holidays and midsommar-, jul- and
nyårsafton are not working days.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from servicekit.tables import OutboxEvent

from feedback.config import FeedbackSettings
from feedback.deadlines.calendar import add_working_days, is_working_day
from feedback.jobs import run_overdue

STHLM = ZoneInfo("Europe/Stockholm")


def at(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=STHLM)


def test_the_calendar_knows_swedish_holidays_and_eves():
    closed = [date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 14), date(2026, 6, 6), date(2026, 6, 19),
              date(2025, 12, 24), date(2025, 12, 25), date(2025, 12, 26), date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 6)]
    open_ = [date(2026, 4, 2), date(2026, 4, 7), date(2026, 6, 18), date(2026, 6, 22), date(2025, 12, 23), date(2026, 1, 2)]
    assert not any(is_working_day(day) for day in closed)
    assert all(is_working_day(day) for day in open_)
    # Thursday before Easter + 2: Fri 3 (Långfredagen), Mon 6 (Annandag påsk) closed → Tue 7, Wed 8.
    assert add_working_days(date(2026, 4, 2), 2) == date(2026, 4, 8)


async def _escalated(harness) -> set[tuple[str, str]]:
    rows = await harness.session.execute(
        select(OutboxEvent.envelope).where(OutboxEvent.type == "feedback.case.overdue")
    )
    return {(row.envelope["data"]["case"]["registration_number"], row.envelope["data"]["deadline"]) for row in rows}


async def test_the_overdue_job_escalates_exactly_the_cases_past_their_deadline(api, org, harness):
    unit = str(org["FSK-UGGLAN"])
    created = {}
    for name, received in (
        ("xmas", "2025-12-23T15:00:00+01:00"),
        ("easter", "2026-04-02T23:30:00+02:00"),  # late evening in Stockholm is still 2 April
        ("easter_acked", "2026-04-02T09:00:00+02:00"),
        ("easter_answered", "2026-04-02T09:05:00+02:00"),
        ("midsummer", "2026-06-18T10:00:00+02:00"),
    ):
        created[name] = (await api.create(unit_id=unit, channel="letter", received_at=received)).json()
    due = {name: (body["acknowledge_due"], body["answer_due"]) for name, body in created.items()}
    # Tue 23 Dec + 2: 24–26 closed, weekend → Mon 29, Tue 30. + 10: 29, 30, (31, 1 closed) 2 Jan, 5, (6 closed),
    # 7, 8, 9, 12, 13, 14 January.
    assert due["xmas"] == ("2025-12-30", "2026-01-14")
    # Thu 2 Apr + 10: 7, 8, 9, 10, 13, 14, 15, 16, 17, 20 April.
    assert due["easter"] == ("2026-04-08", "2026-04-20")
    # Thu 18 Jun + 2: 19 (midsommarafton) closed, weekend → Mon 22, Tue 23. + 10: 22–26, 29, 30, 1, 2, 3 July.
    assert due["midsummer"] == ("2026-06-23", "2026-07-03")

    await api.walk(created["easter_acked"]["id"], "acknowledged")
    await api.walk(created["easter_answered"]["id"], "acknowledged", "assigned", "in_progress", "answered")
    number = {name: body["registration_number"] for name, body in created.items()}
    settings = FeedbackSettings()
    sessions = harness.app.state.sessionmaker
    seen: set = set()
    for moment, expected in (
        (at(2025, 12, 30, 23, 59), set()),
        (at(2025, 12, 31, 0, 1), {("xmas", "acknowledge")}),
        (at(2026, 1, 14, 18), set()),
        (at(2026, 1, 15, 8), {("xmas", "answer")}),
        (at(2026, 4, 8, 23, 30), set()),
        (at(2026, 4, 9, 7), {("easter", "acknowledge")}),
        (at(2026, 4, 20, 20), set()),
        (at(2026, 4, 21, 7), {("easter", "answer"), ("easter_acked", "answer")}),
        (at(2026, 6, 23, 12), set()),
        (at(2026, 6, 24, 7), {("midsummer", "acknowledge")}),
        (at(2026, 7, 3, 16), set()),
        (at(2026, 7, 6, 7), {("midsummer", "answer")}),
        (at(2026, 7, 6, 9), set()),  # once escalated, never again
    ):
        made = await run_overdue(settings, sessions, moment.astimezone(UTC))
        now_escalated = await _escalated(harness)
        new = now_escalated - seen
        assert new == {(number[name], deadline) for name, deadline in expected}, moment
        assert made == len(expected)
        seen = now_escalated

    async with api.staff("FSK-UGGLAN", roles=["unit_manager"]) as manager, api.staff("FSK-BJORKEN", roles=["unit_manager"]) as other:
        listed = await manager.get(f"/feedback/v1/units/{unit}/escalations")
        refused = await other.get(f"/feedback/v1/units/{unit}/escalations")
    assert listed.status_code == 200
    assert {(item["registration_number"], item["deadline"]) for item in listed.json()["items"]} == seen
    assert refused.status_code == 403


async def test_a_committee_sets_its_own_deadlines_per_category(api, org):
    committee = org["SDN-SPT"]
    async with api.staff("SDN-SPT", roles=["controller"]) as controller:
        rule = await controller.put(
            f"/feedback/v1/committees/{committee}/deadline-rules/forskola", json={"acknowledge_days": 1, "answer_days": 5}
        )
        default = await controller.put(
            f"/feedback/v1/committees/{committee}/deadline-rules/*", json={"acknowledge_days": 3, "answer_days": 15}
        )
        bad = await controller.put(
            f"/feedback/v1/committees/{committee}/deadline-rules/forskola", json={"acknowledge_days": -1, "answer_days": 5}
        )
    async with api.staff("FSK-UGGLAN") as handler:
        refused = await handler.put(
            f"/feedback/v1/committees/{committee}/deadline-rules/park", json={"acknowledge_days": 1, "answer_days": 5}
        )
    assert rule.status_code == default.status_code == 200
    assert bad.status_code == 422 and refused.status_code == 403
    preschool = (await api.create(unit_id=str(org["FSK-UGGLAN"]), received_at="2026-04-02T10:00:00+02:00")).json()
    park = (await api.create(unit_id=str(org["SDF-SPT-SM"]), category_code="park", received_at="2026-04-02T10:00:00+02:00")).json()
    bromma = (await api.create(unit_id=str(org["BRO-PARK"]), category_code="park", received_at="2026-04-02T10:00:00+02:00")).json()
    # + 1: Tue 7 April. + 5: 7, 8, 9, 10, 13 April.
    assert (preschool["acknowledge_due"], preschool["answer_due"]) == ("2026-04-07", "2026-04-13")
    # + 3: 7, 8, 9. + 15: 7–10 (4), 13–17 (9), 20–24 (14), 27 April.
    assert (park["acknowledge_due"], park["answer_due"]) == ("2026-04-09", "2026-04-27")
    # Bromma has no rule: the city's 2 and 10.
    assert (bromma["acknowledge_due"], bromma["answer_due"]) == ("2026-04-08", "2026-04-20")
