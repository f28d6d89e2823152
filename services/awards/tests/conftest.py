"""Fixtures of awards' tests: the service on a real PostgreSQL, a small city fed through goals' events."""

import sys
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from contracts.organisation import UNIT_CREATED, OrganisationUnitChanged, OrganisationUnitState, OrganisationUnitVersion

from servicekit.events.consumer import EventConsumer
from servicekit.events.envelope import Envelope
from servicekit.orgtree import stockholm_today
from servicekit.testing.harness import service_fixtures

from awards.definition import SERVICE
from awards.rubrics.defaults import QUALITY_AWARD_AREAS

service_db, harness = service_fixtures(SERVICE)

# Helper modules beside the tests (awards_examination) import by plain name: with
# --import-mode=importlib pytest does not put this folder on sys.path itself.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

BASE = "/awards/v1"
START = date(2010, 1, 1)
# (code, name, type, parent code): Spånga-Tensta as seed 004 describes it, a second district and a specialist committee.
CITY = (
    ("STHLM", "Stockholms stad", "city", None),
    ("SDN-SPT", "Spånga-Tensta stadsdelsnämnd", "district_committee", "STHLM"),
    ("SDF-SPT", "Spånga-Tensta stadsdelsförvaltning", "administration", "SDN-SPT"),
    ("SDF-SPT-STAB", "Strategiska staben", "department", "SDF-SPT"),
    ("SDF-SPT-STAB-VU", "Enheten för verksamhetsutveckling", "unit", "SDF-SPT-STAB"),
    ("SDF-SPT-STAB-EKL", "Ekonomi och lokaler", "unit", "SDF-SPT-STAB"),
    ("SDF-SPT-FSK", "Förskola", "department", "SDF-SPT"),
    ("SDF-SPT-FSK-01", "Förskolan Ugglan", "unit", "SDF-SPT-FSK"),
    ("SDN-RKI", "Rinkeby-Kista stadsdelsnämnd", "district_committee", "STHLM"),
    ("SDF-RKI", "Rinkeby-Kista stadsdelsförvaltning", "administration", "SDN-RKI"),
    ("SDF-RKI-AO", "Äldreomsorg", "department", "SDF-RKI"),
    ("SDF-RKI-AO-01", "Rinkeby vård- och omsorgsboende", "unit", "SDF-RKI-AO"),
    ("SDF-RKI-AO-02", "Hemtjänsten Kista", "unit", "SDF-RKI-AO"),
    ("FN-SOC", "Socialnämnden", "specialist_committee", "STHLM"),
    ("FV-SOC", "Socialförvaltningen", "administration", "FN-SOC"),
    ("FV-SOC-L1", "Stöd till vuxna", "department", "FV-SOC"),
    ("FV-SOC-L1-01", "Stöd till vuxna, Söderort", "unit", "FV-SOC-L1"),
    ("FV-SOC-L1-02", "Stöd till vuxna, Västerort", "unit", "FV-SOC-L1"),
    ("FN-UTN", "Utbildningsnämnden", "specialist_committee", "STHLM"),
    ("FV-UTN", "Utbildningsförvaltningen", "administration", "FN-UTN"),
    ("FV-UTN-L1", "Grundskoleavdelningen", "department", "FV-UTN"),
    ("FV-UTN-L1-01", "Grundskoleavdelningen, Innerstaden", "unit", "FV-UTN-L1"),
    ("FV-UTN-L1-02", "Grundskoleavdelningen, Söderort", "unit", "FV-UTN-L1"),
)


def consumer_for(harness) -> EventConsumer:
    return EventConsumer(
        group="awards", redis=harness.redis, sessions=harness.app.state.sessionmaker, streams=[],
        handlers=SERVICE.subscriptions["goals"], dead_letter_stream="unused",
    )


async def load_city(harness, units=CITY) -> dict[str, uuid.UUID]:
    """The units as goals would publish them, through the real consumer path (inbox + handler)."""
    consumer = consumer_for(harness)
    ids: dict[str, uuid.UUID] = {}
    for code, name, unit_type, parent in units:
        ids[code] = uuid.uuid4()
        version = OrganisationUnitVersion(
            valid_from=START, code=code, name=name, type=unit_type, parent_id=ids[parent] if parent else None,
        )
        data = OrganisationUnitChanged(unit=OrganisationUnitState(id=ids[code], revision=1, versions=[version]), effective_date=START)
        await consumer.apply(Envelope(source="/goals", type=UNIT_CREATED, subject=str(ids[code]), data=data.model_dump(mode="json")))
    return ids


@dataclass
class City:
    ids: dict[str, uuid.UUID]

    def scope(self, code: str) -> tuple[str]:
        return (str(self.ids[code]),)


@pytest.fixture
async def city(harness) -> City:
    return City(await load_city(harness))


ALL_QUESTIONS = [q["number"] for area in QUALITY_AWARD_AREAS for q in area["questions"]]


def full_answers(prefix: str = "Svar") -> dict[str, str]:
    return {number: f"{prefix} på fråga {number}." for number in ALL_QUESTIONS}


def phase_deadlines(open_until) -> dict[str, str]:
    phases = [
        "open_for_applications", "eligibility", "individual_assessment", "consensus", "jury_shortlist", "site_visits",
        "jury_decision", "feedback_reports_released", "good_examples_published",
    ]
    return {phase: (open_until + timedelta(days=20 * n)).isoformat() for n, phase in enumerate(phases)}


class Round:
    def __init__(self, harness, city, *, year: int | None = None) -> None:
        self.harness, self.city = harness, city
        self.year = year or stockholm_today().year
        self.admin = harness.client(roles=["award_admin"], subject="award-office")
        self.id = None

    async def create(self, **extra) -> dict:
        body = {"prize": "quality_award", "year": self.year, "deadlines": phase_deadlines(stockholm_today() + timedelta(days=30))} | extra
        response = await self.admin.post(f"{BASE}/rounds", json=body)
        assert response.status_code == 201, response.text
        self.id = response.json()["id"]
        return response.json()

    async def read(self) -> dict:
        return (await self.admin.get(f"{BASE}/rounds/{self.id}")).json()

    async def etag(self) -> str:
        return (await self.admin.get(f"{BASE}/rounds/{self.id}")).headers["etag"]

    def manager(self, code: str, subject: str = "manager"):
        return self.harness.client(roles=["unit_manager"], org=self.city.scope(code), subject=f"{subject}-{code}")

    async def apply(self, code: str, *, answers=None, sector="management_and_support", submit=True) -> dict:
        manager = self.manager(code)
        created = await manager.post(
            f"{BASE}/rounds/{self.id}/applications",
            json={"unit_id": str(self.city.ids[code]), "sector": sector, "answers": full_answers() if answers is None else answers},
        )
        assert created.status_code == 201, created.text
        if not submit:
            return created.json()
        submitted = await manager.post(
            f"{BASE}/applications/{created.json()['id']}/submission", headers={"if-match": created.headers["etag"]},
        )
        assert submitted.status_code == 200, submitted.text
        return submitted.json()

    async def close_applications(self) -> dict:
        """Move the application deadline to yesterday (no drafts left) and the round to eligibility."""
        current = await self.read()
        yesterday = stockholm_today() - timedelta(days=1)
        deadlines = current["deadlines"] | {"open_for_applications": yesterday.isoformat()}
        changed = await self.admin.patch(f"{BASE}/rounds/{self.id}", json={"deadlines": deadlines}, headers={"if-match": await self.etag()})
        assert changed.status_code == 200, changed.text
        return await self.move("eligibility")

    async def move(self, to: str, *, expect: int = 200) -> dict:
        response = await self.admin.post(
            f"{BASE}/rounds/{self.id}/phase-transitions", json={"to": to}, headers={"if-match": await self.etag()},
        )
        assert response.status_code == expect, response.text
        return response.json()

    async def check_eligibility(self) -> dict:
        response = await self.admin.post(f"{BASE}/rounds/{self.id}/eligibility-checks")
        assert response.status_code == 200, response.text
        return response.json()

    async def examiner(self, subject: str, code: str, *, sectors=("management_and_support",), experienced=True,
                       trained_year: int | None = None, capacity: int = 2, approved: bool = True) -> str:
        created = await self.admin.post(f"{BASE}/examiners", json={
            "subject_id": subject, "unit_id": str(self.city.ids[code]), "sectors": list(sectors),
            "stated_rounds_served": 1 if experienced else 0,
        })
        assert created.status_code == 201, created.text
        examiner_id = created.json()["id"]
        year = self.year if trained_year is None else trained_year
        if year:
            trained = await self.admin.post(
                f"{BASE}/examiners/{examiner_id}/trainings", json={"year": year, "completed_on": f"{year}-03-01"},
            )
            assert trained.status_code == 201, trained.text
        approval = {"manager_subject_id": f"chef-{subject}", "approved_on": f"{self.year}-02-01"} if approved else None
        enrolled = await self.admin.put(
            f"{BASE}/rounds/{self.id}/examiners/{examiner_id}", json={"capacity": capacity, "manager_approval": approval},
        )
        assert enrolled.status_code == 200, enrolled.text
        return examiner_id

    async def propose(self, *, expect: int = 201):
        response = await self.admin.post(f"{BASE}/rounds/{self.id}/assignment-proposals")
        assert response.status_code == expect, response.text
        return response

    async def plan(self):
        return await self.admin.get(f"{BASE}/rounds/{self.id}/assignment")

    async def confirm(self, *, expect: int = 200):
        plan = await self.plan()
        response = await self.admin.post(
            f"{BASE}/rounds/{self.id}/assignment/confirmation", headers={"if-match": plan.headers["etag"]},
        )
        assert response.status_code == expect, response.text
        return response


@pytest.fixture
async def award(harness, city) -> Round:
    return Round(harness, city)


@pytest.fixture
def goals_events(harness) -> EventConsumer:
    """Applies goals' events as the worker would (inbox + handler in one transaction)."""
    return consumer_for(harness)


@pytest.fixture
def city_of(harness):
    """Loads another tree (a list of (code, name, type, parent code)) through goals' events."""

    async def load(units) -> dict[str, uuid.UUID]:
        return await load_city(harness, units)

    return load
