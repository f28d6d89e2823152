"""Audit's service harness, a small organisation tree fed through the real consumer, and API helpers."""

import uuid
from dataclasses import dataclass
from datetime import date

import httpx
import pytest
from contracts.organisation import UNIT_CREATED, UNIT_UPDATED, OrganisationUnitChanged, OrganisationUnitState, OrganisationUnitVersion
from sqlalchemy import select

from servicekit.events.consumer import EventConsumer
from servicekit.events.envelope import Envelope
from servicekit.tables import OutboxEvent
from servicekit.testing.harness import service_fixtures

from audit.definition import SERVICE
from audit.models import audit_log

service_db, harness = service_fixtures(SERVICE)
PREFIX = "/audit/v1"
TREE_START = date(2014, 1, 1)

# code → (name, type, parent code): Spånga-Tensta as seed 004 names it, and Rinkeby-Kista beside it.
TREE = {
    "STHLM": ("Stockholms stad", "city", None),
    "SDN-SPT": ("Spånga-Tensta stadsdelsnämnd", "district_committee", "STHLM"),
    "SDF-SPT": ("Spånga-Tensta stadsdelsförvaltning", "administration", "SDN-SPT"),
    "SDF-SPT-STAB": ("Strategiska staben", "department", "SDF-SPT"),
    "SDF-SPT-STAB-VU": ("Enheten för verksamhetsutveckling", "unit", "SDF-SPT-STAB"),
    "SDF-SPT-STAB-EKL": ("Ekonomi och lokaler", "unit", "SDF-SPT-STAB"),
    "SDF-SPT-AOF": ("Äldre och funktionsnedsättning", "department", "SDF-SPT"),
    "SDF-SPT-AOF-01": ("Tensta vård- och omsorgsboende", "unit", "SDF-SPT-AOF"),
    "SDF-SPT-FSK": ("Förskola", "department", "SDF-SPT"),
    "SDF-SPT-FSK-01": ("Förskolan Ugglan", "unit", "SDF-SPT-FSK"),
    "SDF-SPT-IOF": ("Individ och familj", "department", "SDF-SPT"),
    "SDN-RKI": ("Rinkeby-Kista stadsdelsnämnd", "district_committee", "STHLM"),
    "SDF-RKI": ("Rinkeby-Kista stadsdelsförvaltning", "administration", "SDN-RKI"),
}


def unit_event(unit_id: uuid.UUID, versions: list[dict], revision: int = 1, event_type: str = UNIT_CREATED) -> Envelope:
    state = OrganisationUnitState(id=unit_id, revision=revision, versions=[OrganisationUnitVersion(**v) for v in versions])
    data = OrganisationUnitChanged(unit=state, effective_date=versions[-1]["valid_from"], changed=[])
    return Envelope(source="/goals", type=event_type, subject=str(unit_id), data=data.model_dump(mode="json"))


def consumer(harness) -> EventConsumer:
    handlers = {etype: fn for per_source in SERVICE.subscriptions.values() for etype, fn in per_source.items()}
    return EventConsumer(group="audit", redis=harness.redis, sessions=harness.app.state.sessionmaker,
                         streams=[], handlers=handlers, dead_letter_stream="unused")


@pytest.fixture
async def tree(harness) -> dict[str, uuid.UUID]:
    ids = {code: uuid.uuid4() for code in TREE}
    apply = consumer(harness)
    for code, (name, unit_type, parent) in TREE.items():
        version = {"valid_from": TREE_START, "code": code, "name": name, "type": unit_type,
                   "parent_id": ids[parent] if parent else None}
        await apply.apply(unit_event(ids[code], [version]))
    return ids


@pytest.fixture
def apply_event(harness):
    """Apply an event through the real consumer path (inbox + handler in one transaction)."""
    return consumer(harness).apply


@pytest.fixture
def move_unit(harness, tree):
    """Reorganise: move a unit of the tree under another parent from a date (an organisation.unit.updated event)."""

    async def move(code: str, new_parent: str, on: date) -> None:
        name, unit_type, parent = TREE[code]
        before = {"valid_from": TREE_START, "valid_to": on, "code": code, "name": name, "type": unit_type, "parent_id": tree[parent]}
        after = before | {"valid_from": on, "valid_to": None, "parent_id": tree[new_parent]}
        await consumer(harness).apply(unit_event(tree[code], [before, after], revision=2, event_type=UNIT_UPDATED))

    return move


@dataclass
class Api:
    """Calls as one principal; ``expect`` asserts the status so a failing step says where."""

    client: httpx.AsyncClient

    async def call(self, method: str, path: str, *, expect: int | None = None, **kwargs) -> httpx.Response:
        response = await self.client.request(method, PREFIX + path, **kwargs)
        if expect is not None:
            assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
        return response

    async def get(self, path: str, *, expect: int | None = 200, **kwargs) -> httpx.Response:
        return await self.call("GET", path, expect=expect, **kwargs)

    async def post(self, path: str, body: dict | None = None, *, expect: int | None = None, if_match_of: str | None = None,
                   **kwargs) -> httpx.Response:
        return await self._write("POST", path, body, expect, if_match_of, **kwargs)

    async def put(self, path: str, body: dict, *, expect: int | None = None, if_match_of: str | None = None) -> httpx.Response:
        return await self._write("PUT", path, body, expect, if_match_of)

    async def patch(self, path: str, body: dict, *, expect: int | None = None, if_match_of: str | None = None,
                    **kwargs) -> httpx.Response:
        return await self._write("PATCH", path, body, expect, if_match_of, **kwargs)

    async def etag(self, path: str) -> dict:
        """An If-Match header with the resource's current ETag, as this principal reads it."""
        return {"if-match": (await self.get(path)).headers["etag"]}

    async def _write(self, method, path, body, expect, if_match_of, **kwargs) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if if_match_of is not None:
            headers["if-match"] = (await self.get(if_match_of)).headers["etag"]
        response = await self.client.request(method, PREFIX + path, json=body, headers=headers, **kwargs)
        if expect is not None:
            assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
        return response


@pytest.fixture
async def people(harness, tree):
    """Clients for the people of the internal-control year, scoped as they would be."""
    clients: list[httpx.AsyncClient] = []

    def person(roles, org_code: str | None = "SDN-SPT", subject: str | None = None, **kwargs) -> Api:
        org = (tree[org_code],) if org_code else ()
        client = harness.client(roles=roles, org=org, subject=subject or f"{'-'.join(roles)}@{org_code}", **kwargs)
        clients.append(client)
        return Api(client)

    yield person
    for client in clients:
        await client.aclose()


@pytest.fixture
def log_rows(harness):
    """The audit log as stored, oldest first (read directly, as an auditor of the database would)."""

    async def rows(**where) -> list[dict]:
        query = select(audit_log).order_by(audit_log.c.sequence)
        for column, value in where.items():
            query = query.where(audit_log.c[column] == value)
        return [dict(row._mapping) for row in await harness.session.execute(query)]

    return rows


@pytest.fixture
def outbox(harness):
    async def events(event_type: str) -> list[dict]:
        rows = await harness.session.execute(
            select(OutboxEvent.envelope).where(OutboxEvent.type == event_type).order_by(OutboxEvent.position)
        )
        return [row.envelope for row in rows]

    return events


@dataclass
class Year:
    """Builders for the steps of the internal-control year, through the API."""

    people: object
    tree: dict

    @staticmethod
    def decision(body_id: uuid.UUID, decided_on: str, reference: str = "SDN 2015/12 § 7") -> dict:
        return {"reference": reference, "decided_on": decided_on, "body_id": str(body_id)}

    def risk(self, **overrides) -> dict:
        body = {
            "process": "Inköp och upphandling", "description": "Inköp görs utanför avtal.", "category": "compliance",
            "probability": 3, "consequence": 3, "responsible_subject": "chef-stab", "responsible_unit_id": str(self.tree["SDF-SPT-STAB"]),
            "justification": "Stickprov 2014 visade avvikelser.", "in_control_plan": True,
        }
        return body | overrides

    def item(self, *, reviewed: str = "SDF-SPT-FSK", reviewer_unit: str = "SDF-SPT-STAB-VU", **overrides) -> dict:
        body = {
            "control_object": "Attest av leverantörsfakturor", "method": "Stickprov mot attestordningen",
            "sample": "20 fakturor per halvår", "frequency": "två gånger per år",
            "responsible_unit_id": str(self.tree[reviewed]), "reviewer_subject": "granskare-1", "reviewer_unit_id": str(self.tree[reviewer_unit]),
        }
        return body | overrides

    async def adopted_plan(self, year: int = 2014, items: int = 1) -> dict:
        """A committee's plan for a year with ``items`` controls, requested by one auditor and adopted by the committee."""
        auditor, committee = self.people(["internal_auditor"], subject="auditor-a"), self.people(["committee"], subject="nämnd-1")
        plan = (await auditor.post("/control-plans", {"committee_id": str(self.tree["SDN-SPT"]), "year": year}, expect=201)).json()
        path = f"/control-plans/{plan['id']}"
        for _ in range(items):
            await auditor.post(f"{path}/items", self.item(), expect=201, if_match_of=path)
        await auditor.post(f"{path}/adoption-request", expect=200, if_match_of=path)
        return (await committee.post(f"{path}/adoption", self.decision(self.tree["SDN-SPT"], f"{year - 1}-12-10"), expect=200,
                                     if_match_of=path)).json()

    async def finding_with_action_plan(self, plan: dict, *, owner: str = "chef-fsk") -> dict:
        """A review with deficiencies of the plan's first control, a finding, and its action plan owned by the preschool department."""
        auditor = self.people(["internal_auditor"], subject="auditor-a")
        year = plan["year"]
        review = (await auditor.post("/reviews", {
            "item_id": plan["items"][0]["id"], "performed_on": f"{year}-05-20", "sample": "20 fakturor mars–april",
            "result": "deficiencies", "summary": "Sex fakturor saknade attest.",
        }, expect=201)).json()
        finding = (await auditor.post(f"/reviews/{review['id']}/findings", {
            "severity": "high", "description": "Fakturor betalas utan attest.", "root_cause": "Attestordningen är inte känd.",
        }, expect=201)).json()
        path = f"/findings/{finding['id']}"
        return (await auditor.post(f"{path}/action-plan", {
            "action": "Utbilda attestanterna och uppdatera attestordningen.", "owner_subject": owner,
            "owner_unit_id": str(self.tree["SDF-SPT-FSK"]), "deadline": f"{year + 1}-02-28",
        }, expect=201, if_match_of=path)).json()


@pytest.fixture
def year(people, tree) -> Year:
    return Year(people, tree)


@pytest.fixture
async def contractor(harness, tree) -> uuid.UUID:
    """A contractor (entreprenör) running a care home under Spånga-Tensta's elderly-care department."""
    unit_id = uuid.uuid4()
    version = {"valid_from": TREE_START, "code": "SDF-SPT-AOF-E1", "name": "Omsorgsbolaget Tensta (entreprenad)",
               "type": "contractor", "parent_id": tree["SDF-SPT-AOF"]}
    await consumer(harness).apply(unit_event(unit_id, [version]))
    return unit_id


@pytest.fixture
def contract_body():
    return care_home_contract


def care_home_contract(provider_unit_id: uuid.UUID, **overrides) -> dict:
    """A care-home contract for 2014–2016 with a quality requirement, a staffing requirement and the complaint routine."""
    body = {
        "reference": "SDN 2013/45", "title": "Drift av Tensta vård- och omsorgsboende", "provider_unit_id": str(provider_unit_id),
        "valid_from": "2014-01-01", "valid_to": "2016-12-31",
        "quality_follow_up": "Beställaren följer upp avtalet årligen genom dokumentgranskning, besök och brukarundersökning.",
        "requirements": [
            {"code": "4.1", "category": "quality", "description": "Varje boende har en aktuell genomförandeplan."},
            {"code": "4.2", "category": "staffing", "description": "Nattbemanning med minst två undersköterskor."},
            {"code": "4.3", "category": "complaint_routine", "description": "Utföraren har en rutin för att ta emot och åtgärda klagomål."},
        ],
    }
    return body | overrides


# The providers goals' demo adds under Spånga-Tensta's elderly-care department (goals.demo.SEED_PROVIDERS),
# which audit's demo follows up; SDF-SPT-AOF-01 is in TREE already.
DEMO_PROVIDERS = {
    "SDF-SPT-AOF-02": ("Spånga vård- och omsorgsboende", "unit"),
    "SDF-SPT-AOF-03": ("Hemtjänsten Spånga-Tensta", "unit"),
    "SDF-SPT-AOF-04": ("Dagverksamhet Hjulsta", "unit"),
    "SDF-SPT-AOF-E1": ("Solhems vård- och omsorgsboende (entreprenad)", "contractor"),
    "SDF-SPT-AOF-E2": ("Bromstens vård- och omsorgsboende (entreprenad)", "contractor"),
}


@pytest.fixture
async def demo_tree(harness, tree) -> dict[str, uuid.UUID]:
    """The tree with the demo's providers, as goals' demo publishes them (added to ``tree``, so ``people`` finds them)."""
    apply = consumer(harness)
    ids = tree
    # Äldrenämnden and Äldreförvaltningen, to which the demo's escalations are reported.
    for code, name, unit_type, parent in (("FN-ALN", "Äldrenämnden", "specialist_committee", "STHLM"),
                                          ("FV-ALN", "Äldreförvaltningen", "administration", "FN-ALN"),
                                          *((code, name, unit_type, "SDF-SPT-AOF") for code, (name, unit_type) in DEMO_PROVIDERS.items())):
        ids[code] = uuid.uuid4()
        version = {"valid_from": TREE_START, "code": code, "name": name, "type": unit_type, "parent_id": ids[parent]}
        await apply.apply(unit_event(ids[code], [version]))
    return ids
