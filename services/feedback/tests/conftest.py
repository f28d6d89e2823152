"""Feedback's test harness: a small organisation tree in the read model (through the real consumer
path), the categories, and helpers that call the API as a user would (each asserting its status)."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from contracts.guarantees import ContactChannel, QualityGuaranteeChanged, QualityGuaranteeState
from contracts.organisation import UNIT_CREATED, OrganisationUnitChanged, OrganisationUnitState, OrganisationUnitVersion

from servicekit.events.consumer import EventConsumer
from servicekit.events.envelope import Envelope
from servicekit.orgtree import org_event_handlers
from servicekit.testing.harness import service_fixtures

from feedback.definition import SERVICE
from feedback.guarantees.consumer import HANDLERS as GUARANTEE_HANDLERS
from feedback.models import org_tables

service_db, harness = service_fixtures(SERVICE)

START = date(2015, 1, 1)
# code → (name, type, parent code)
TREE = {
    "STHLM": ("Stockholms stad", "city", None),
    "SDN-SPT": ("Spånga-Tensta stadsdelsnämnd", "district_committee", "STHLM"),
    "SDF-SPT": ("Spånga-Tensta stadsdelsförvaltning", "administration", "SDN-SPT"),
    "SDF-SPT-FSK": ("Förskola", "department", "SDF-SPT"),
    "FSK-UGGLAN": ("Förskolan Ugglan", "unit", "SDF-SPT-FSK"),
    "FSK-BJORKEN": ("Förskolan Björken", "unit", "SDF-SPT-FSK"),
    "SDF-SPT-SM": ("Stadsmiljö", "unit", "SDF-SPT"),
    "SDN-BRO": ("Bromma stadsdelsnämnd", "district_committee", "STHLM"),
    "SDF-BRO": ("Bromma stadsdelsförvaltning", "administration", "SDN-BRO"),
    "BRO-PARK": ("Parkenheten Bromma", "unit", "SDF-BRO"),
}


@dataclass(frozen=True)
class Org:
    ids: dict[str, uuid.UUID]

    def __getitem__(self, code: str) -> uuid.UUID:
        return self.ids[code]


async def load_org(harness) -> Org:
    consumer = EventConsumer(
        group="feedback", redis=harness.redis, sessions=harness.app.state.sessionmaker,
        streams=[], handlers=org_event_handlers(org_tables), dead_letter_stream="unused",
    )
    ids = {code: uuid.uuid4() for code in TREE}
    for code, (name, unit_type, parent) in TREE.items():
        version = OrganisationUnitVersion(
            valid_from=START, code=code, name=name, type=unit_type, parent_id=ids[parent] if parent else None
        )
        state = OrganisationUnitState(id=ids[code], revision=1, versions=[version])
        data = OrganisationUnitChanged(unit=state, effective_date=START, changed=[])
        await consumer.apply(Envelope(source="/goals", type=UNIT_CREATED, subject=str(ids[code]), data=data.model_dump(mode="json")))
    return Org(ids)


CATEGORIES = [
    {"code": "forskola", "name_sv": "Förskola", "description_sv": "Synpunkter på förskolan", "group_sv": "Utbildning"},
    {"code": "park", "name_sv": "Parker och grönområden", "description_sv": "Skötsel av parker", "group_sv": "Stadsmiljö",
     "keywords": ["park", "lekplats"]},
    {"code": "ovrigt", "name_sv": "Övrigt", "description_sv": "Allt annat"},
]


async def load_categories(harness) -> None:
    async with harness.client(roles=["admin"]) as admin:
        for category in CATEGORIES:
            response = await admin.post("/feedback/v1/categories", json=category)
            assert response.status_code == 201, response.text


def case_body(**overrides) -> dict:
    body = {
        "kind": "complaint", "channel": "phone", "category_code": "forskola", "description": "Grinden till gården är trasig.",
        "privacy": "anonymous",
    }
    return body | overrides


@dataclass
class FeedbackApi:
    harness: object
    org: Org

    def staff(self, code: str | None = None, roles=("feedback_handler",), subject="handler-1"):
        return self.harness.client(roles=list(roles), org=[self.org[code]] if code else [], subject=subject)

    def admin(self):
        return self.harness.client(roles=["admin"], subject="admin-1")

    def portal(self, subject="portal-1", scopes=("feedback:submit",)):
        return self.harness.client(roles=[], actor="portal", scopes=list(scopes), subject=subject)

    def importer(self, subject="import-1"):
        """A system key importing an earlier register (the only caller that gives a step's time)."""
        return self.harness.client(roles=[], actor="system", scopes=["feedback:write"], subject=subject)

    def anonymous(self):
        return self.harness.client(roles=[], actor="anonymous", scopes=[], subject="anonymous")

    async def create(self, client=None, expect=201, headers=None, **overrides):
        own = client is None
        client = client or self.admin()
        try:
            response = await client.post("/feedback/v1/cases", json=case_body(**overrides), headers=headers or {})
        finally:
            if own:
                await client.aclose()
        assert response.status_code == expect, response.text
        return response

    async def move(self, case_id, to: str, client=None, expect=200, **fields):
        own = client is None
        client = client or self.admin()
        try:
            current = await client.get(f"/feedback/v1/cases/{case_id}")
            response = await client.post(
                f"/feedback/v1/cases/{case_id}/transitions", json={"to": to, **fields},
                headers={"If-Match": current.headers.get("etag", '"0"')},
            )
        finally:
            if own:
                await client.aclose()
        assert response.status_code == expect, response.text
        return response

    async def walk(self, case_id, *steps: str):
        """Move a case through the lifecycle with the fields each step needs."""
        needs = {"assigned": {"assignee": "handler-1"}, "answered": {"answer": "Vi har lagat grinden.", "measures": "Ny grind."},
                 "reopened": {"reason": "Grinden är trasig igen."}}
        for step in steps:
            await self.move(case_id, step, **needs.get(step, {}))


@pytest.fixture
async def org(harness) -> Org:
    tree = await load_org(harness)
    await load_categories(harness)
    return tree


@pytest.fixture
async def api(harness, org) -> FeedbackApi:
    return FeedbackApi(harness, org)


def guarantee_event(event_type, guarantee_id, unit_id, revision, status, promises) -> Envelope:
    """goals' event for a unit's quality guarantee with the promises ``[(id, text), ...]``."""
    state = QualityGuaranteeState(
        id=guarantee_id, unit_id=unit_id, year=2026, version=1, revision=revision, status=status,
        business_idea="Vi ger barnen en trygg och lärorik dag.", feedback_routine="Lämna synpunkter till förskolechefen.",
        promises=[{"id": pid, "text": text} for pid, text in promises], contact_channel=ContactChannel(email="ugglan@stockholm.se"),
        published_at=datetime(2026, 1, 15, tzinfo=UTC),
    )
    return Envelope(source="/goals", type=event_type, subject=str(guarantee_id),
                    data=QualityGuaranteeChanged(guarantee=state).model_dump(mode="json"))


@pytest.fixture
def apply_guarantee(harness):
    """Applies goals' guarantee event ``guarantee_event(...)`` through feedback's own consumer path."""
    consumer = EventConsumer(group="feedback", redis=harness.redis, sessions=harness.app.state.sessionmaker,
                             streams=[], handlers=GUARANTEE_HANDLERS, dead_letter_stream="unused")

    async def apply(*event) -> bool:
        return await consumer.apply(guarantee_event(*event))
    return apply


@dataclass
class UnitStatisticsWorker:
    """The worker's statistics job on the test's transaction, and what it put in the outbox."""

    harness: object

    async def run(self, min_cell: int = 1, coalesce_seconds: float = 0.0) -> int:
        from feedback.config import FeedbackSettings
        from feedback.jobs import run_statistics

        # One committee at a time: the test's sessions share one connection. No coalescing unless
        # asked for: a test's rounds follow each other within milliseconds.
        settings = FeedbackSettings(statistics_min_cell=min_cell, statistics_concurrency=1,
                                    statistics_coalesce_seconds=coalesce_seconds)
        return await run_statistics(settings, self.harness.app.state.sessionmaker, datetime.now(UTC))

    async def published(self) -> list[dict]:
        from contracts.feedback import UNIT_STATISTICS_CHANGED
        from sqlalchemy import select

        from servicekit.tables import OutboxEvent

        rows = await self.harness.session.scalars(
            select(OutboxEvent.envelope).where(OutboxEvent.type == UNIT_STATISTICS_CHANGED).order_by(OutboxEvent.position)
        )
        return [envelope["data"]["statistics"] for envelope in rows]


@pytest.fixture
def statistics_worker(harness) -> UnitStatisticsWorker:
    return UnitStatisticsWorker(harness)
