"""Other services' figures in goals: feedback's unit statistics, audit's lex Sarah summary, awards'
decisions and good examples, each through a real Redis stream and goals' real consumer group
(inbox + handler in one transaction), then read through goals' API as its users would.

Redelivery is forced the way it happens in production: a consumer reads the messages and dies
before acknowledging, and another reclaims them (XAUTOCLAIM); replays come as new envelopes of
the same state; a newer revision delivered before an older one must win.
"""

import uuid
from datetime import UTC, date, datetime

import pytest
from contracts.awards import (
    GOOD_EXAMPLE_PUBLISHED, ROUND_DECIDED, GoodExample, GoodExamplePublished, Placement, Prize, RoundAward, RoundDecided,
    RoundPhase, RoundState,
)
from contracts.feedback import (
    UNIT_STATISTICS_CHANGED, CaseKind, KindCount, PromiseNotKept, UnitStatistics, UnitStatisticsChanged,
)
from contracts.lex_sarah import YEARLY_SUMMARY, AreaCount, LexSarahYearlySummary, ProviderCount, StepTime

from servicekit.events.consumer import EventConsumer
from servicekit.events.envelope import ENVELOPE_FIELD, Envelope

from goals.definition import SERVICE
from goals.foreign_figures.service import figures_for_report

NOW = datetime(2016, 1, 10, 9, tzinfo=UTC)
SOURCES = {UNIT_STATISTICS_CHANGED: "feedback", YEARLY_SUMMARY: "audit", ROUND_DECIDED: "awards", GOOD_EXAMPLE_PUBLISHED: "awards"}


@pytest.fixture
async def streams(harness):
    """Per-test streams named like the producers' (``<prefix><service>.events``), and goals' consumer on them."""
    tag = uuid.uuid4().hex[:8]
    names = {source: f"{harness.stream_prefix}{tag}:{source}.events" for source in SERVICE.subscriptions}
    handlers = {etype: fn for per_source in SERVICE.subscriptions.values() for etype, fn in per_source.items()}
    consumer = EventConsumer(
        group="goals", redis=harness.redis, sessions=harness.app.state.sessionmaker, streams=list(names.values()),
        handlers=handlers, dead_letter_stream=f"{harness.stream_prefix}{tag}:goals.dead-letter", claim_idle_ms=0,
        block_ms=10, consumer_name="goals-live",
    )
    yield names, consumer
    for name in names.values():
        await harness.redis.delete(name)


async def publish(harness, streams, *envelopes: Envelope) -> None:
    names, _ = streams
    for envelope in envelopes:
        await harness.redis.xadd(names[SOURCES[envelope.type]], {ENVELOPE_FIELD: envelope.to_json()})


async def deliver(harness, streams, *, crash_first: bool = False) -> None:
    """Let goals' consumer take everything on its streams; with ``crash_first`` a consumer reads it all and
    dies before acknowledging, so every message reaches goals as a redelivery (XAUTOCLAIM)."""
    names, consumer = streams
    await consumer.ensure_groups()
    if crash_first:
        read = await harness.redis.xreadgroup("goals", "goals-crashed", {name: ">" for name in names.values()}, count=1000)
        assert read, "the crashed consumer read the messages"
        await consumer.claim_stalled()
    await consumer.read_new()
    for name in names.values():
        pending = await harness.redis.xpending(name, "goals")
        assert pending["pending"] == 0, f"{name}: every message applied and acknowledged"


def envelope(type_: str, subject: str, payload, *, event_id: uuid.UUID | None = None) -> Envelope:
    return Envelope(id=event_id or uuid.uuid4(), source=f"/{SOURCES[type_]}", type=type_, subject=subject,
                    data=payload.model_dump(mode="json"))


def statistics(unit_id, committee_id, *, kind: str, period: str = "2015-VB", revision: int, cases: int | None,
               promise: tuple[uuid.UUID, uuid.UUID] | None = None) -> Envelope:
    figures = UnitStatistics(
        unit_id=unit_id, unit_kind=kind, committee_id=committee_id, period=period, revision=revision, minimum_cell=5,
        cases=cases, by_kind=[KindCount(kind=CaseKind.complaint, cases=cases), KindCount(kind=CaseKind.praise, cases=None)],
        median_working_days_to_acknowledgement=1.0, p90_working_days_to_acknowledgement=3.0,
        median_working_days_to_answer=6.5, p90_working_days_to_answer=12.0, share_acknowledged_within_deadline=0.9,
        share_answered_within_deadline=0.8, guarantees_not_kept=None if promise is None else 6,
        promises_not_kept=[] if promise is None else [PromiseNotKept(guarantee_id=promise[0], promise_id=promise[1], cases=6)],
        repeats=None, satisfaction_ratings=None, satisfaction_mean=None, computed_at=NOW,
    )
    return envelope(UNIT_STATISTICS_CHANGED, f"{unit_id}:{period}", UnitStatisticsChanged(statistics=figures))


def lex_sarah(committee_id, *, revision: int, reports: int, year: int = 2015) -> Envelope:
    summary = LexSarahYearlySummary(
        committee_id=committee_id, year=year, revision=revision, reports=reports, serious=0, share_serious=0.0,
        ivo_notifications=0, closed=reports, routines_changed=reports - 2,
        by_area=[AreaCount(area="elderly_care", reports=reports)],
        by_provider=[ProviderCount(unit_id=committee_id, private_provider=False, reports=reports)],
        time_to_step=[StepTime(step="closed", cases=reports, average_days=30.5, max_days=61)], computed_at=NOW,
    )
    return envelope(YEARLY_SUMMARY, f"{committee_id}:{year}", summary)


def decided(round_id, *, revision: int, awards: list[RoundAward], year: int = 2015) -> Envelope:
    state = RoundState(id=round_id, revision=revision, prize=Prize.quality_award, year=year, phase=RoundPhase.jury_decision,
                       deadlines={RoundPhase.jury_decision: date(year, 11, 30)}, rubric_version=1)
    payload = RoundDecided(round=state, applications=12, awards=awards, decided_on=date(year, 11, 20), decided_at=NOW)
    return envelope(ROUND_DECIDED, str(round_id), payload)


def award(unit_id, committee_id, placement: Placement = Placement.winner) -> RoundAward:
    return RoundAward(application_id=uuid.uuid4(), unit_id=unit_id, committee_id=committee_id, prize=Prize.quality_award,
                      placement=placement, rationale="Enheten har en tydlig mötesstruktur och ett årshjul för uppföljning.")


def example(example_id, unit_id, committee_id, *, revision: int, title: str, withdrawn: bool = False, year: int = 2015) -> Envelope:
    payload = GoodExample(
        id=example_id, revision=revision, round_id=None, year=year, unit_id=unit_id, committee_id=committee_id, title=title,
        summary="Veckomöten, APT och ett årshjul där varje uppföljning har sin plats.", areas=["leadership"],
        lenses=["spreading_good_examples"], withdrawn=withdrawn, published_at=datetime(year, 12, 1, 10, tzinfo=UTC),
    )
    return envelope(GOOD_EXAMPLE_PUBLISHED, str(example_id), GoodExamplePublished(example=payload))


FIGURES = "/goals/v1/organisation-units/{}/complaint-figures"


async def test_unit_statistics_keep_the_highest_revision_through_redelivery_replay_and_disorder(
    harness, tree, streams, controller, bromma,
):
    unit, committee = tree.ids["SDF-SPT-STAB-VU"], tree.ids["SDN-SPT"]
    newest = statistics(unit, committee, kind="unit", revision=3, cases=41)
    # Revision 3 first, then the older 1 and 2 arrive late; then 3 again as a replay (a new envelope id) ...
    await publish(harness, streams, newest, statistics(unit, committee, kind="unit", revision=1, cases=7),
                  statistics(unit, committee, kind="unit", revision=2, cases=30))
    replay = newest.model_copy(update={"id": uuid.uuid4()})
    await publish(harness, streams, replay, newest)  # ... and the very same message once more (a redelivery)
    await deliver(harness, streams, crash_first=True)

    figures = await controller.get(FIGURES.format(unit), params={"period": "2015-VB"})
    assert figures.status_code == 200, figures.text
    (shown,) = figures.json()
    assert shown["revision"] == 3 and shown["cases"] == 41
    assert shown["by_kind"] == [{"kind": "complaint", "cases": 41}, {"kind": "praise", "cases": None}]  # suppressed stays None

    # A later revision, delivered normally, replaces it; the other periods are apart.
    await publish(harness, streams, statistics(unit, committee, kind="unit", revision=4, cases=44),
                  statistics(unit, committee, kind="unit", period="2015-T1", revision=1, cases=12))
    await deliver(harness, streams)
    assert [f["cases"] for f in (await controller.get(FIGURES.format(unit), params={"period": "2015-VB"})).json()] == [44]
    assert [f["cases"] for f in (await controller.get(FIGURES.format(unit), params={"period": "2015-T1"})).json()] == [12]
    assert (await controller.get(FIGURES.format(unit), params={"period": "2015-T2"})).json() == []  # nothing published yet

    # Bad input and scope: a problem document, never a 500.
    assert (await controller.get(FIGURES.format(unit), params={"period": "2015-T3"})).status_code == 422
    assert (await controller.get(FIGURES.format(unit))).status_code == 422
    async with harness.client(roles=("controller",), org=(bromma,), subject="controller-bromma") as other:
        refused = await other.get(FIGURES.format(unit), params={"period": "2015-VB"})
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("application/problem+json")
    async with harness.client(actor="portal", roles=(), scopes=("goals:read",)) as portal:
        assert (await portal.get(FIGURES.format(unit), params={"period": "2015-VB"})).status_code == 403


async def test_the_quality_overview_shows_complaint_figures_beside_commitments_and_guarantees(
    harness, tree, streams, manager, workflow, plan, full_commitment,
):
    unit, committee = tree.ids["SDF-SPT-STAB-VU"], tree.ids["SDN-SPT"]
    commitment = await workflow.create(full_commitment(plan["id"]))
    guarantee = await manager.post("/goals/v1/quality-guarantees", json={
        "unit_id": str(unit), "year": 2015, "business_idea": "Vi stödjer förvaltningens utveckling.",
        "promises": [{"text": "Du får svar inom tre arbetsdagar."}], "feedback_routine": "Synpunkter besvaras av enhetschefen.",
        "contact_channel": {"phone": "08-508 03 000"},
    })
    assert guarantee.status_code == 201, guarantee.text
    promise = (guarantee.json()["id"], guarantee.json()["promises"][0]["id"])
    await publish(harness, streams,
                  statistics(unit, committee, kind="unit", period="2015-T1", revision=1, cases=9),
                  statistics(unit, committee, kind="unit", period="2015-VB", revision=2, cases=25, promise=promise),
                  statistics(unit, committee, kind="unit", period="2014-VB", revision=1, cases=99))  # another year
    await deliver(harness, streams)

    overview = await manager.get(f"/goals/v1/organisation-units/{unit}/quality-overview", params={"year": 2015})
    assert overview.status_code == 200, overview.text
    body = overview.json()
    assert [c["id"] for c in body["commitments"]] == [commitment["id"]]
    assert [g["id"] for g in body["quality_guarantees"]] == [guarantee.json()["id"]]
    assert [(f["period"], f["cases"]) for f in body["complaint_figures"]] == [("2015-T1", 9), ("2015-VB", 25)]
    assert body["complaint_figures"][1]["promises_not_kept"] == [
        {"guarantee_id": promise[0], "promise_id": promise[1], "cases": 6},
    ]
    assert (await manager.get(f"/goals/v1/organisation-units/{unit}/quality-overview", params={"year": 1800})).status_code == 422


async def test_lex_sarah_summary_awards_and_good_examples_per_committee_and_in_the_report(harness, tree, streams, bromma, controller):
    committee, administration, unit = tree.ids["SDN-SPT"], tree.ids["SDF-SPT"], tree.ids["SDF-SPT-STAB-VU"]
    round_id, kept, withdrawn = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    ours, theirs = award(unit, committee), award(bromma, bromma, Placement.honourable_mention)
    await publish(
        harness, streams,
        lex_sarah(committee, revision=2, reports=19), lex_sarah(committee, revision=1, reports=17),  # newer first
        decided(round_id, revision=7, awards=[ours, theirs]), decided(round_id, revision=6, awards=[]),
        example(kept, unit, committee, revision=1, title="Mötesstruktur"),
        example(kept, unit, committee, revision=2, title="Mötesstruktur och årshjul"),
        example(withdrawn, unit, committee, revision=2, title="Tillbakadraget", withdrawn=True),
        example(withdrawn, unit, committee, revision=1, title="Tillbakadraget"),  # the older publication, late
        example(uuid.uuid4(), bromma, bromma, revision=1, title="Brommas exempel"),
        statistics(committee, committee, kind="committee", revision=5, cases=310),
        statistics(administration, committee, kind="administration", revision=5, cases=300),
        statistics(unit, committee, kind="unit", revision=2, cases=25),
        statistics(unit, committee, kind="unit", period="2015-T2", revision=1, cases=16),
        statistics(bromma, bromma, kind="committee", revision=1, cases=500),
    )
    await deliver(harness, streams, crash_first=True)

    base = f"/goals/v1/committees/{committee}"
    summary = await controller.get(f"{base}/lex-sarah-summary", params={"year": 2015})
    assert summary.status_code == 200, summary.text
    assert (summary.json()["revision"], summary.json()["reports"], summary.json()["routines_changed"]) == (2, 19, 17)
    assert (await controller.get(f"{base}/lex-sarah-summary", params={"year": 2016})).status_code == 404  # not published
    assert (await controller.get(f"{base}/lex-sarah-summary", params={"year": 2014})).status_code == 422  # before the tree
    results = (await controller.get(f"{base}/award-results", params={"year": 2015})).json()
    assert [(r["unit_id"], r["placement"], r["round_id"]) for r in results] == [(str(unit), "winner", str(round_id))]
    assert (await controller.get(f"{base}/award-results", params={"year": 2016})).json() == []
    # Good examples are read by every committee: Bromma's controller reads Spånga-Tensta's.
    async with harness.client(roles=("controller",), org=(bromma,), subject="controller-bromma") as other:
        examples = (await other.get(f"{base}/good-examples")).json()
        assert (await other.get(f"{base}/lex-sarah-summary", params={"year": 2015})).status_code == 403
    assert [(e["id"], e["title"]) for e in examples] == [(str(kept), "Mötesstruktur och årshjul")]
    # Not a committee, no such unit: problem documents.
    assert (await controller.get(f"/goals/v1/committees/{unit}/good-examples")).status_code == 422
    assert (await controller.get(f"/goals/v1/committees/{uuid.uuid4()}/good-examples")).status_code == 404

    report = await figures_for_report(harness.session, committee_id=committee, period="2015-VB")
    assert report["complaints"]["committee"]["cases"] == 310
    assert [(s["unit_kind"], s["cases"]) for s in report["complaints"]["units"]] == [("administration", 300), ("unit", 25)]
    assert report["lex_sarah"]["reports"] == 19
    assert [a["application_id"] for a in report["awards"]] == [str(ours.application_id)]
    assert [e["id"] for e in report["good_examples"]] == [str(kept)]
    tertial = await figures_for_report(harness.session, committee_id=committee, period="2015-T2")
    assert tertial["complaints"]["committee"] is None and [s["cases"] for s in tertial["complaints"]["units"]] == [16]
    assert tertial["lex_sarah"] is None  # the lex Sarah summary belongs to the annual report only
    earlier = await figures_for_report(harness.session, committee_id=committee, period="2014-VB")
    assert earlier == {"complaints": None, "lex_sarah": None, "awards": [], "good_examples": []}  # nothing, not zeros
