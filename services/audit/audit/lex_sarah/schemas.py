"""Request and response bodies of lex Sarah cases, routines, legal references and yearly summaries."""

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=8000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Area(StrEnum):
    """The areas the yearly summary counts by; each is named for readers in contracts.lex_sarah.AREA_NAMES_SV."""

    elderly_care = "elderly_care"  # äldreomsorg
    disability = "disability"  # stöd och service till personer med funktionsnedsättning (SoL, LSS)
    individual_and_family = "individual_and_family"  # individ- och familjeomsorg
    other = "other"  # annan socialtjänst


class Status(StrEnum):
    reported = "reported"  # rapporterad (genast)
    received = "received"  # mottagen, omedelbara åtgärder vidtagna
    under_investigation = "under_investigation"  # under utredning
    assessed = "assessed"  # bedömd: missförhållande, påtaglig risk, eller inget av dem
    ivo_notified = "ivo_notified"  # anmäld till IVO
    followed_up = "followed_up"  # förebyggande åtgärder uppföljda
    closed = "closed"  # avslutad


class Seriousness(StrEnum):
    """Bedömning: serious cases (the first two) are notified to IVO."""

    serious_misconduct = "serious_misconduct"  # (allvarligt) missförhållande
    serious_risk = "serious_risk"  # påtaglig risk för (ett allvarligt) missförhållande
    not_serious = "not_serious"  # inget av dem


SERIOUS = frozenset({Seriousness.serious_misconduct, Seriousness.serious_risk})


class TimeWord(StrEnum):
    """The law's time words (tidsangivelser); the days behind each are the committee's routine."""

    genast = "genast"  # rapportera genast
    omedelbart = "omedelbart"  # omedelbara åtgärder
    utan_drojsmal = "utan_drojsmal"  # utreda utan dröjsmål
    skyndsamt = "skyndsamt"  # utredningen bedrivs skyndsamt till bedömning
    snarast = "snarast"  # anmäla till IVO snarast


class Source(StrEnum):
    interview = "interview"  # samtal med berörd personal eller den enskilde
    document = "document"  # dokumentation, journal, genomförandeplan
    observation = "observation"  # iakttagelse på plats
    report = "report"  # rapporten själv
    other = "other"


class EntryKind(StrEnum):
    fact = "fact"  # uppgift (faktauppgift)
    assessment = "assessment"  # bedömning


class Topic(StrEnum):
    """What the investigation must cover (SOSFS 2011:5 7 kap.); every one before the decision."""

    what_happened = "what_happened"  # vad missförhållandet består av
    when_and_where = "when_and_where"  # när och var det inträffat
    consequences = "consequences"  # konsekvenser för den eller de enskilda
    immediate_actions = "immediate_actions"  # vilka åtgärder som vidtagits omedelbart
    causes = "causes"  # orsaker (utredning om orsaker)
    measures = "measures"  # åtgärder för att förhindra att det upprepas
    assessment = "assessment"  # bedömning av allvarlighet


class ReportInput(BaseModel):
    """Rapport enligt lex Sarah."""

    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID = Field(description="The unit (verksamhet) where it happened: an in-house unit or a contractor.")
    area: Area
    occurred_on: date = Field(description="When the missförhållande happened or was discovered.")
    reported_on: date | None = Field(None, description="Rapportdatum; default today (Europe/Stockholm).")
    description: Text = Field(description="What happened (kept in audit only, readable by the committee's officers).")
    reporter: Short | None = Field(
        None, description="Registered by an officer for someone without an account (a contractor's employee): who reported, "
        "sealed apart from the case. Left out, the reporter is the caller.",
    )


class ReportReceipt(BaseModel):
    """What a reporter gets back: the case's id and day, never its contents."""

    id: uuid.UUID
    reported_on: date
    status: Status


class Reception(BaseModel):
    model_config = ConfigDict(extra="forbid")

    received_on: date = Field(description="Mottagen av nämnden (or the provider).")
    protective_measures: Text = Field(description="Omedelbara åtgärder to protect the person(s) concerned.")
    ordering_committee_informed_on: date | None = Field(
        None, description="For a private provider: the day the ordering committee (berörd nämnd) was informed. Required then.",
    )


class InvestigationStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    started_on: date
    investigator_subject: Short = Field(description="The investigator (utredare): their subject id, never a name.")


class RecordEntryInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topic: Topic
    kind: EntryKind = Field(description="fact (uppgift) or assessment (bedömning).")
    entry_date: date
    source: Source
    content: Text


class RecordEntry(RecordEntryInput):
    id: uuid.UUID
    author_subject: str = Field(description="Who wrote the entry (subject id).")


class SeriousnessDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decided_on: date
    seriousness: Seriousness
    reason: Text = Field(description="Motivering of the assessment.")


class IvoNotice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    notified_on: date
    reference: Short | None = Field(None, description="IVO's diarienummer, when known.")
    early: bool = Field(False, description="Anmälan innan utredningen är klar: the seriousness is obvious; investigation continues.")
    reason: Text | None = Field(None, description="Required when the case was assessed not serious: why IVO is notified anyway.")


class PreventiveAction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: Text
    changes_routine: bool = Field(description="The action made a new or changed routine (ny eller ändrad rutin).")
    effective: bool = Field(description="Uppföljningen visar att åtgärden har effekt.")


class FollowUp(BaseModel):
    model_config = ConfigDict(extra="forbid")

    followed_up_on: date
    actions: list[PreventiveAction] = Field(min_length=1, max_length=50)


class Closure(BaseModel):
    model_config = ConfigDict(extra="forbid")

    closed_on: date


class OverdueFlag(BaseModel):
    next_step: Status = Field(description="The step the case waits for.")
    time_word: TimeWord
    due_on: date
    overdue: bool


class CaseSummary(BaseModel):
    """A case in a list: dates and state only, never its contents."""

    id: uuid.UUID
    committee_id: uuid.UUID
    unit_id: uuid.UUID
    private_provider: bool
    area: Area
    status: Status
    reported_on: date
    seriousness: Seriousness | None
    reported_late: bool = Field(description="Reported later after it happened than genast allows by the committee's routine.")
    clock: OverdueFlag | None = Field(description="The next step's deadline by the committee's routine (None once closed).")
    revision: int


class LegalReference(BaseModel):
    """Lagrum, as in force between two dates."""

    id: uuid.UUID
    topic: str
    act: str
    provision: str
    title: str
    valid_from: date
    valid_to: date | None


class LegalReferenceInput(BaseModel):
    """A new version of a provision: from valid_from it replaces the one of its topic then in force."""

    model_config = ConfigDict(extra="forbid")

    topic: Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,50}$")] = Field(description="e.g. report_duty, ivo_notification.")
    act: Short = Field(description="Författning, e.g. 'Socialtjänstlag (2025:400)'.")
    provision: Short = Field(description="Lagrum, e.g. '14 kap. 3 §'.")
    title: Short
    valid_from: date


class Case(CaseSummary):
    """Ett lex Sarah-ärende with its investigation record (utredning); for the committee's officers only."""

    occurred_on: date
    description: str
    registered_by_officer: bool = Field(description="Registered by an officer for a reporter without an account.")
    received_on: date | None
    protective_measures: str | None
    ordering_committee_informed_on: date | None
    investigator_subject: str | None
    investigation_started_on: date | None
    seriousness_reason: str | None
    assessed_by: str | None
    assessed_on: date | None
    ivo_notified_on: date | None
    ivo_reference: str | None
    ivo_early: bool | None
    ivo_reason: str | None
    followed_up_on: date | None
    preventive_actions: list[PreventiveAction] | None
    closed_on: date | None
    legal_references: list[LegalReference] = Field(description="The provisions in force when the case was reported.")
    record: list[RecordEntry]


class Reporter(BaseModel):
    """Who reported (opened from its sealed store; every read is in the audit log)."""

    case_id: uuid.UUID
    reporter: str = Field(description="The reporter's subject id, or who an officer registered the report for.")


class RoutineDays(BaseModel):
    """Days behind each time word in the committee's lokala rutin."""

    model_config = ConfigDict(extra="forbid")

    genast: int = Field(ge=0, le=60)
    omedelbart: int = Field(ge=0, le=60)
    utan_drojsmal: int = Field(ge=0, le=90)
    skyndsamt: int = Field(ge=0, le=365)
    snarast: int = Field(ge=0, le=90)


class Routine(BaseModel):
    committee_id: uuid.UUID
    days: RoutineDays
    is_default: bool = Field(description="True while the committee has not set its own routine.")
    revision: int


class SummaryRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    committee_id: uuid.UUID
    year: int = Field(ge=2000, le=2100)
