"""Lex Sarah cases: the state machine, its rules, the law's clock, the sealed reporter and the yearly summary."""

import uuid
from datetime import date, timedelta

import pytest
from contracts.lex_sarah import YEARLY_SUMMARY
from contracts.organisation import UNIT_CREATED, OrganisationUnitChanged, OrganisationUnitState, OrganisationUnitVersion
from sqlalchemy import select

from servicekit.events.envelope import Envelope
from servicekit.orgtree import stockholm_today

from audit.lex_sarah.tables import reporters

TOPICS = ("what_happened", "when_and_where", "consequences", "immediate_actions", "causes", "measures", "assessment")
SECRET = "Brukaren föll och låg en timme på golvet innan personalen kom."


class Cases:
    """Lex Sarah through the API as Spånga-Tensta's two officers (one investigates, the other decides)."""

    def __init__(self, people, tree):
        self.tree = tree
        self.investigator = people(["lex_sarah_officer"], org_code="SDF-SPT", subject="officer-utredare")
        self.decider = people(["lex_sarah_officer"], org_code="SDF-SPT", subject="officer-beslutare")
        self.reporter = people(["unit_manager"], org_code="SDF-SPT-AOF-01", subject="reporter-undersköterska")

    async def report(self, *, unit: str = "SDF-SPT-AOF-01", reported_on: str = "2014-03-03", area: str = "elderly_care",
                     **overrides) -> str:
        body = {"unit_id": str(self.tree[unit]), "area": area, "occurred_on": reported_on, "reported_on": reported_on,
                "description": SECRET} | overrides
        return (await self.reporter.post("/lex-sarah/reports", body, expect=201)).json()["id"]

    async def step(self, case_id: str, step: str, body: dict, *, by=None, expect: int = 200) -> dict:
        path = f"/lex-sarah/cases/{case_id}"
        return (await (by or self.investigator).post(f"{path}/{step}", body, expect=expect, if_match_of=path)).json()

    async def investigated(self, case_id: str, *, received: str = "2014-03-03", started: str = "2014-03-05") -> dict:
        await self.step(case_id, "reception", {"received_on": received, "protective_measures": "Extra tillsyn nattetid."})
        await self.step(case_id, "investigation", {"started_on": started, "investigator_subject": "officer-utredare"})
        for topic in TOPICS:
            await self.step(case_id, "record-entries", {
                "topic": topic, "kind": "assessment" if topic == "assessment" else "fact", "entry_date": started,
                "source": "interview", "content": f"Utredningen om {topic}.",
            }, expect=201)
        return (await self.investigator.get(f"/lex-sarah/cases/{case_id}")).json()

    async def decided(self, case_id: str, seriousness: str = "not_serious", *, on: str = "2014-03-20") -> dict:
        return await self.step(case_id, "seriousness-decision", {"decided_on": on, "seriousness": seriousness,
                                                                   "reason": "Bedömning utifrån utredningen."}, by=self.decider)

    async def closed(self, case_id: str, *, changes_routine: bool = True, followed_up: str = "2014-05-02",
                     closed: str = "2014-05-05") -> dict:
        await self.step(case_id, "follow-up", {"followed_up_on": followed_up, "actions": [
            {"description": "Ny rutin för tillsyn nattetid.", "changes_routine": changes_routine, "effective": True},
        ]})
        return await self.step(case_id, "closure", {"closed_on": closed})


@pytest.fixture
def lex(people, tree) -> Cases:
    return Cases(people, tree)


async def test_a_case_runs_from_report_to_closure_and_keeps_the_law_of_its_day(lex, log_rows, harness):
    receipt = (await lex.reporter.post("/lex-sarah/reports", {
        "unit_id": str(lex.tree["SDF-SPT-AOF-01"]), "area": "elderly_care", "occurred_on": "2014-03-02",
        "reported_on": "2014-03-03", "description": SECRET,
    }, expect=201)).json()
    assert set(receipt) == {"id", "reported_on", "status"} and receipt["status"] == "reported"
    case_id = receipt["id"]
    await lex.reporter.get(f"/lex-sarah/cases/{case_id}", expect=403)  # the reporter is no officer

    case = await lex.investigated(case_id)
    assert case["status"] == "under_investigation" and case["description"] == SECRET
    assert [entry["author_subject"] for entry in case["record"]] == ["officer-utredare"] * len(TOPICS)
    assert {(ref["act"], ref["provision"]) for ref in case["legal_references"] if ref["topic"] == "report_duty"} == {
        ("Socialtjänstlag (2001:453)", "14 kap. 3 §")}
    assert (await lex.decided(case_id))["status"] == "assessed"
    closed = await lex.closed(case_id)
    assert closed["status"] == "closed" and closed["clock"] is None
    assert closed["preventive_actions"][0]["changes_routine"] is True

    # The reporter is kept apart: sealed, opened only for the officers.
    sealed = (await harness.session.execute(select(reporters.c.sealed).where(reporters.c.case_id == uuid.UUID(case_id)))).scalar()
    assert b"reporter-undersk" not in sealed
    assert (await lex.decider.get(f"/lex-sarah/cases/{case_id}/reporter")).json()["reporter"] == "reporter-undersköterska"
    # The audit log holds hashes: neither the contents nor the reporter's subject appear in it.
    entries = await log_rows(entity_id=case_id)
    assert {"lex_sarah.case.reported", "lex_sarah.case.assessed", "lex_sarah.case.closed", "lex_sarah.reporter.read"} <= {
        entry["action"] for entry in entries}
    assert not [entry["action"] for entry in entries if SECRET in str(entry)]
    # The report names no reporter; only the reporter's own refused read above names its actor, as every attempt does.
    reported = next(entry for entry in entries if entry["action"] == "lex_sarah.case.reported")
    assert reported["actor_subject"] == "lex-sarah-reporter"
    assert [entry["action"] for entry in entries if "reporter-undersköterska" in str(entry)] == ["get_lex_sarah_case"]


async def test_a_case_reported_after_the_new_act_cites_socialtjanstlagen_2025(lex):
    case_id = await lex.report(reported_on="2025-09-01")
    case = (await lex.investigator.get(f"/lex-sarah/cases/{case_id}")).json()
    assert {ref["act"] for ref in case["legal_references"] if ref["topic"] == "report_duty"} == {"Socialtjänstlag (2025:400)"}
    in_force = (await lex.reporter.get("/lex-sarah/legal-references", params={"in_force_on": "2014-06-01"})).json()
    assert "Socialtjänstlag (2025:400)" not in {ref["act"] for ref in in_force}


async def test_a_new_version_of_a_provision_applies_to_cases_reported_after_it(lex, people):
    before = await lex.report(reported_on="2025-09-01")
    admin = people(["admin"], org_code=None, subject="admin-1")
    new = {"topic": "ivo_notification", "act": "Socialtjänstlag (2025:400)", "provision": "27 kap. 7 §",
           "title": "Anmälan till IVO", "valid_from": "2025-07-01"}
    await lex.investigator.post("/lex-sarah/legal-references", new, expect=403)
    added = (await admin.post("/lex-sarah/legal-references", new, expect=201)).json()
    after = await lex.report(reported_on="2025-09-02")

    def ivo(case_id):
        return lex.investigator.get(f"/lex-sarah/cases/{case_id}")

    old_refs = [ref for ref in (await ivo(before)).json()["legal_references"] if ref["topic"] == "ivo_notification"]
    new_refs = [ref for ref in (await ivo(after)).json()["legal_references"] if ref["topic"] == "ivo_notification"]
    assert old_refs[0]["provision"] == "lex Sarah: anmälan till IVO" and [ref["id"] for ref in new_refs] == [added["id"]]
    in_force = (await lex.reporter.get("/lex-sarah/legal-references", params={"in_force_on": "2025-08-01"})).json()
    assert [ref["provision"] for ref in in_force if ref["topic"] == "ivo_notification"] == ["27 kap. 7 §"]


async def test_lists_carry_no_contents(lex):
    await lex.report()
    page = (await lex.investigator.get("/lex-sarah/cases")).json()
    assert len(page["items"]) == 1
    assert "description" not in page["items"][0] and SECRET not in str(page)


async def test_skipping_a_step_is_refused_changes_nothing_and_is_logged(lex, log_rows):
    case_id = await lex.report()
    before = (await lex.investigator.get(f"/lex-sarah/cases/{case_id}")).json()
    refused = await lex.step(case_id, "investigation", {"started_on": "2014-03-04", "investigator_subject": "x"}, expect=409)
    assert refused["type"].endswith("/lex-sarah-step-out-of-order")
    await lex.step(case_id, "closure", {"closed_on": "2014-03-04"}, expect=409)
    after = (await lex.investigator.get(f"/lex-sarah/cases/{case_id}")).json()
    assert (after["status"], after["revision"]) == (before["status"], before["revision"]) == ("reported", 1)
    attempts = [row for row in await log_rows(outcome="refused") if row["entity_id"] == case_id]
    assert [row["action"] for row in attempts] == ["start_lex_sarah_investigation", "close_lex_sarah_case"]
    assert all(row["after"]["status"] == 409 for row in attempts)


async def test_the_investigator_does_not_decide_and_the_record_must_be_complete(lex, log_rows):
    case_id = await lex.report()
    await lex.investigated(case_id)
    refused = await lex.step(case_id, "seriousness-decision", {
        "decided_on": "2014-03-20", "seriousness": "not_serious", "reason": "Egen bedömning."}, expect=403)
    assert refused["type"].endswith("/investigator-decides")
    assert (await lex.investigator.get(f"/lex-sarah/cases/{case_id}")).json()["seriousness"] is None
    assert any(row["action"] == "decide_lex_sarah_seriousness" for row in await log_rows(outcome="refused"))

    incomplete = await lex.report()
    await lex.step(incomplete, "reception", {"received_on": "2014-03-03", "protective_measures": "Tillsyn."})
    await lex.step(incomplete, "investigation", {"started_on": "2014-03-04", "investigator_subject": "officer-utredare"})
    problem = await lex.step(incomplete, "seriousness-decision", {
        "decided_on": "2014-03-20", "seriousness": "not_serious", "reason": "För tidigt."}, by=lex.decider, expect=422)
    assert problem["missing_topics"] == list(TOPICS)


async def test_ivo_is_notified_for_a_serious_case_early_or_after_the_decision(lex):
    not_serious = await lex.report()
    await lex.investigated(not_serious)
    await lex.decided(not_serious)
    problem = await lex.step(not_serious, "ivo-notification", {"notified_on": "2014-03-21"}, expect=422)
    assert problem["type"].endswith("/ivo-notice-without-reason")
    assert (await lex.investigator.get(f"/lex-sarah/cases/{not_serious}")).json()["ivo_notified_on"] is None
    notified = await lex.step(not_serious, "ivo-notification", {"notified_on": "2014-03-21",
                                                                "reason": "Nämnden vill att IVO granskar rutinen."})
    assert notified["status"] == "ivo_notified"

    serious = await lex.report()
    await lex.investigated(serious)
    early = await lex.step(serious, "ivo-notification", {"notified_on": "2014-03-06", "early": True, "reference": "IVO 8.5-1"})
    assert (early["status"], early["ivo_early"]) == ("under_investigation", True)
    assert (await lex.decided(serious, "serious_misconduct"))["status"] == "ivo_notified"

    late = await lex.report()
    await lex.investigated(late)
    await lex.decided(late, "serious_risk")
    refused = await lex.step(late, "follow-up", {"followed_up_on": "2014-05-01", "actions": [
        {"description": "Ny rutin.", "changes_routine": True, "effective": True}]}, expect=409)
    assert refused["type"].endswith("/lex-sarah-step-out-of-order")


async def _contractor(apply_event, tree) -> None:
    """A private provider (entreprenad) placed under the elderly-care department that ordered it."""
    unit_id = uuid.uuid4()
    version = OrganisationUnitVersion(valid_from=date(2014, 1, 1), code="SDF-SPT-AOF-E1", name="Omsorg AB Tensta (entreprenad)",
                                      type="contractor", parent_id=tree["SDF-SPT-AOF"])
    data = OrganisationUnitChanged(unit=OrganisationUnitState(id=unit_id, revision=1, versions=[version]),
                                   effective_date=version.valid_from)
    await apply_event(Envelope(source="/goals", type=UNIT_CREATED, subject=str(unit_id), data=data.model_dump(mode="json")))
    tree["SDF-SPT-AOF-E1"] = unit_id


async def test_a_private_provider_informs_the_ordering_committee(lex, apply_event, tree):
    await _contractor(apply_event, tree)
    case_id = await lex.report(unit="SDF-SPT-AOF-E1")
    case = (await lex.investigator.get(f"/lex-sarah/cases/{case_id}")).json()
    assert case["private_provider"] is True and case["committee_id"] == str(tree["SDN-SPT"])
    problem = await lex.step(case_id, "reception", {"received_on": "2014-03-03", "protective_measures": "Tillsyn."}, expect=422)
    assert problem["type"].endswith("/ordering-committee-not-informed")
    received = await lex.step(case_id, "reception", {"received_on": "2014-03-03", "protective_measures": "Tillsyn.",
                                                     "ordering_committee_informed_on": "2014-03-03"})
    assert received["status"] == "received"


async def test_an_officer_registers_a_report_for_someone_without_an_account(lex, people, tree):
    body = {"unit_id": str(tree["SDF-SPT-AOF-01"]), "area": "elderly_care", "occurred_on": "2014-04-01",
            "description": SECRET, "reporter": "Entreprenörens undersköterska, anställningsnr 4711"}
    await lex.reporter.post("/lex-sarah/reports", body, expect=403)  # only an officer registers for someone else
    case_id = (await lex.investigator.post("/lex-sarah/reports", body, expect=201)).json()["id"]
    case = (await lex.decider.get(f"/lex-sarah/cases/{case_id}")).json()
    assert case["registered_by_officer"] is True and case["reported_on"] == stockholm_today().isoformat()
    assert (await lex.decider.get(f"/lex-sarah/cases/{case_id}/reporter")).json()["reporter"] == body["reporter"]


async def test_overdue_steps_follow_the_committees_routine(lex, tree):
    today = stockholm_today()
    case_id = await lex.report(reported_on=(today - timedelta(days=2)).isoformat())
    path = f"/lex-sarah/cases/{case_id}"
    clock = (await lex.investigator.get(path)).json()["clock"]
    late = await lex.report(occurred_on=(today - timedelta(days=4)).isoformat(), reported_on=(today - timedelta(days=2)).isoformat())
    # Genast is one day by default: reported two days after it happened is late; on the day it is not.
    assert (await lex.investigator.get(f"/lex-sarah/cases/{late}")).json()["reported_late"] is True
    assert (await lex.investigator.get(path)).json()["reported_late"] is False
    # Default routine: omedelbart is one day, so a report two days old not yet received is overdue.
    assert clock == {"next_step": "received", "time_word": "omedelbart",
                     "due_on": (today - timedelta(days=1)).isoformat(), "overdue": True}
    routine = f"/lex-sarah/routines/{tree['SDN-SPT']}"
    await lex.investigator.put(routine, {"genast": 1, "omedelbart": 3, "utan_drojsmal": 5, "skyndsamt": 30, "snarast": 7},
                               expect=200, if_match_of=routine)
    clock = (await lex.investigator.get(path)).json()["clock"]
    assert (clock["due_on"], clock["overdue"]) == ((today + timedelta(days=1)).isoformat(), False)
    other = lex.reporter  # not an officer: the routine is the officers'
    await other.get(routine, expect=403)


async def test_adding_a_case_changes_the_yearly_summary(lex, tree, outbox):
    committee = str(tree["SDN-SPT"])
    query = {"committee_id": committee, "year": 2014}
    first = await lex.report(reported_on="2014-02-03")
    await lex.investigated(first, received="2014-02-03", started="2014-02-05")
    await lex.decided(first, on="2014-02-20")
    await lex.closed(first, followed_up="2014-04-01", closed="2014-04-04")
    second = await lex.report(unit="SDF-SPT-FSK-01", area="individual_and_family", reported_on="2014-06-02")
    await lex.report(reported_on="2015-01-10")  # another year

    summary = (await lex.investigator.get("/lex-sarah/yearly-summary", params=query)).json()
    assert (summary["reports"], summary["serious"], summary["share_serious"], summary["closed"], summary["routines_changed"]) == (
        2, 0, 0.0, 1, 1)
    assert summary["by_area"] == [{"area": "elderly_care", "reports": 1}, {"area": "individual_and_family", "reports": 1}]
    steps = {step["step"]: step for step in summary["time_to_step"]}
    # 3 Feb → 3 Feb received (0 days), → 5 Feb investigation (2), → 20 Feb assessed (17), → 4 Apr closed (25 + 31 + 4 = 60).
    assert (steps["received"]["average_days"], steps["investigation_started"]["max_days"], steps["assessed"]["max_days"],
            steps["closed"]["max_days"], steps["ivo_notified"]["cases"]) == (0.0, 2, 17, 60, 0)

    # The second case, assessed serious: a third of nothing becomes one of two assessed.
    await lex.investigated(second, received="2014-06-02", started="2014-06-04")
    await lex.decided(second, "serious_risk", on="2014-06-16")
    summary = (await lex.investigator.get("/lex-sarah/yearly-summary", params=query)).json()
    assert (summary["reports"], summary["serious"], summary["share_serious"]) == (2, 1, 0.5)
    # Assessed after 17 and 14 days: on average 15.5.
    assert {step["step"]: step["average_days"] for step in summary["time_to_step"]}["assessed"] == 15.5

    published = (await lex.investigator.post("/lex-sarah/yearly-summaries", query, expect=201)).json()
    assert published["revision"] == 1
    [event] = await outbox(YEARLY_SUMMARY)
    assert event["data"]["reports"] == 2 and SECRET not in str(event)



def test_every_area_the_summary_counts_by_has_the_name_readers_show():
    from contracts.lex_sarah import AREA_NAMES_SV

    from audit.lex_sarah.schemas import Area

    assert sorted(AREA_NAMES_SV) == sorted(area.value for area in Area)
