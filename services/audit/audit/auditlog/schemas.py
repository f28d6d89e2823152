"""Response and request bodies of the audit log."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class LogEntry(BaseModel):
    """En post i loggboken: who, what, when, before and after, chained by hash."""

    sequence: int
    id: uuid.UUID
    recorded_at: datetime
    actor_subject: str
    actor_kind: str
    action: str = Field(description="What happened, e.g. 'risk_analysis.adopted', or the refused operation's id.")
    entity_type: str | None
    entity_id: str | None
    committee_id: uuid.UUID | None
    outcome: str = Field(description="done, or refused (the attempt changed nothing).")
    before: Any
    after: Any
    prev_hash: str
    hash: str


class LogPage(BaseModel):
    items: list[LogEntry]
    next_cursor: str | None = None


class HeadInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sequence: int = Field(ge=1)
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")


class VerificationRequest(BaseModel):
    """Heads kept outside audit (goals' anchored heads); the chain must agree with each."""

    model_config = ConfigDict(extra="forbid")

    anchored_heads: list[HeadInput] = Field(default_factory=list, max_length=100_000)


class TamperingReport(BaseModel):
    kind: str = Field(description="altered, removed, reordered or rewritten.")
    sequence: int = Field(description="Position of the first entry found tampered with.")
    entry_id: uuid.UUID | None
    detail: str


class VerificationResult(BaseModel):
    """Verifiering av loggboken."""

    intact: bool
    entries_checked: int
    anchored_heads_checked: int
    head_sequence: int | None
    head_hash: str | None
    first_tampering: TamperingReport | None


class PublishedHead(BaseModel):
    published: bool = Field(description="False when the head had not moved since the last publication.")
    sequence: int | None
    hash: str | None
